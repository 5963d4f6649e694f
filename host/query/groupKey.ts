// One string per tuple of group values, so that groups from every segment meet in one Map.
// Each value is tagged with its kind, so 1 (INT), 1n (LONG) of equal value stay equal while
// '1' (STRING) and null stay apart.
import type { ExprValue } from '../expr/types.js';

/** Separates values; cannot occur inside the tagged encodings below except in strings, which
 * are length-prefixed. */
const SEPARATOR = '\u0000';

function encode(value: ExprValue): string {
  if (value === null) return 'N';
  switch (typeof value) {
    case 'number':
      return `n${Object.is(value, -0) ? 0 : value}`;
    case 'bigint':
      // Integral LONGs and INTs of equal value group together.
      return `n${value}`;
    case 'boolean':
      return value ? 'n1' : 'n0';
    case 'string':
      return `s${value.length}:${value}`;
    default:
      if (value instanceof Uint8Array) return `b${Buffer.from(value).toString('hex')}`;
      return `a${(value as readonly ExprValue[]).map(encode).join(',')}`;
  }
}

export function groupKey(values: readonly ExprValue[]): string {
  let key = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) key += SEPARATOR;
    key += encode(values[i]!);
  }
  return key;
}

/** groupKey of group `group` of column-major key values, without gathering them first. */
export function columnGroupKey(columns: readonly (readonly ExprValue[])[], group: number): string {
  let key = encode(columns[0]![group]!);
  for (let i = 1; i < columns.length; i++) key += SEPARATOR + encode(columns[i]![group]!);
  return key;
}
