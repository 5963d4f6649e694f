// Java TimeUnit names as Pinot uses them in DATETRUNC, DATETIMECONVERT and schema formats.
// Conversions run on bigint nanoseconds so that they truncate exactly like TimeUnit.convert.
import { ExpressionError } from '../errors.js';

import type { JavaTimeUnitName } from '../../config/schema.js';

/** Java's TimeUnit names (host/config/schema.ts holds the list). */
export type TimeUnitName = JavaTimeUnitName;

/** Length of one unit in nanoseconds (Java TimeUnit's base). */
const UNIT_NANOS: Record<TimeUnitName, bigint> = {
  NANOSECONDS: 1n,
  MICROSECONDS: 1_000n,
  MILLISECONDS: 1_000_000n,
  SECONDS: 1_000_000_000n,
  MINUTES: 60_000_000_000n,
  HOURS: 3_600_000_000_000n,
  DAYS: 86_400_000_000_000n,
};

export const NANOS_PER_MILLI = 1_000_000n; // the unit every conversion goes through

export function parseTimeUnit(name: string): TimeUnitName {
  if (name in UNIT_NANOS) return name as TimeUnitName;
  const upper = name.trim().toUpperCase();
  if (upper in UNIT_NANOS) return upper as TimeUnitName;
  throw new ExpressionError(
    `Unknown time unit '${name}'; use one of ${Object.keys(UNIT_NANOS).join(', ')}`,
  );
}

export function unitNanos(unit: TimeUnitName): bigint {
  return UNIT_NANOS[unit];
}

/** `value` in `from` units expressed in `to` units, truncated toward zero (TimeUnit.convert). */
export function convertTime(value: bigint, from: TimeUnitName, to: TimeUnitName): bigint {
  if (from === to) return value;
  return (value * UNIT_NANOS[from]) / UNIT_NANOS[to];
}
