// Helpers for parser tests: compare trees without their source positions.

/** A deep copy of `value` without `pos` fields (positions change when SQL is re-printed). */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'pos') copy[key] = withoutPositions(child);
    }
    return copy;
  }
  return value;
}
