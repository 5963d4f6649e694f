// Time values of SIMPLE_DATE_FORMAT columns (Java patterns such as `yyyyMMdd` or
// `yyyy-MM-dd HH:mm:ss`) to epoch milliseconds, and the UTC dates of segment names. The
// patterns and zones are host/expr/time's, the same the DATETIMECONVERT family uses.
import { DataError } from '../../host/errors/errors.js';
import { compilePattern, formatMillis, parseDateTime } from '../../host/expr/time/pattern.js';
import { parseTimeZone, UTC } from '../../host/expr/time/zones.js';

/** Pinot's normalizedDate names: daily and hourly push frequencies. */
const DAY_PATTERN = compilePattern('yyyy-MM-dd');
const HOUR_PATTERN = compilePattern('yyyy-MM-dd-HH');
/** The date part of real-time segment names. */
const COMPACT_PATTERN = compilePattern("yyyyMMdd'T'HHmm'Z'");

/** Epoch milliseconds of `text` read with `pattern` in `timeZone`; DataError if it won't fit. */
export function parseSimpleDate(text: string, pattern: string, timeZone: string): number {
  try {
    return parseDateTime(text, compilePattern(pattern), parseTimeZone(timeZone));
  } catch (cause) {
    throw new DataError(`time value "${text}" does not match the date pattern "${pattern}"`, {
      cause,
    });
  }
}

/** `yyyy-MM-dd` (or `yyyy-MM-dd-HH` when `hourly`) of an instant, in UTC. */
export function formatUtcDate(epochMs: number, hourly: boolean): string {
  return formatMillis(epochMs, hourly ? HOUR_PATTERN : DAY_PATTERN, UTC);
}

/** `yyyyMMdd'T'HHmm'Z'` of an instant in UTC: the date part of real-time segment names. */
export function formatCompactUtc(epochMs: number): string {
  return formatMillis(epochMs, COMPACT_PATTERN, UTC);
}
