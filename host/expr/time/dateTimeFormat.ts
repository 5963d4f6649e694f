// Pinot's date-time format and granularity specs (DateTimeFormatSpec, DateTimeGranularitySpec)
// and the two time transforms built on them: DATETIMECONVERT and DATETRUNC.
//   colon form: `1:MILLISECONDS:EPOCH`, `1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd`,
//               `1:MILLISECONDS:TIMESTAMP`, with an optional ` tz(Zone)` after an SDF pattern;
//   pipe form:  `EPOCH|MILLISECONDS|1`, `SIMPLE_DATE_FORMAT|yyyy-MM-dd|America/Denver`,
//               `TIMESTAMP`; granularities `1:HOURS` or `HOURS|1`.
import { ExpressionError } from '../errors.js';
import { toLong, toStr } from '../values.js';
import type { ExprValue } from '../types.js';
import {
  daysFromCivil,
  newLocalFields,
  splitLocalMillis,
  MILLIS_PER_DAY,
  MILLIS_PER_HOUR,
  MILLIS_PER_MINUTE,
  MILLIS_PER_SECOND,
} from './calendar.js';
import { compilePattern, formatMillis, parseDateTime, type CompiledPattern } from './pattern.js';
import { convertTime, parseTimeUnit, unitNanos, NANOS_PER_MILLI, type TimeUnitName } from './units.js';
import { localToUtc, parseTimeZone, UTC, type TimeZone } from './zones.js';

export type DateTimeFormatSpec =
  | { readonly kind: 'EPOCH'; readonly sizeNanos: bigint }
  | { readonly kind: 'TIMESTAMP' }
  | { readonly kind: 'SDF'; readonly pattern: CompiledPattern; readonly zone: TimeZone };

const SPEC_CACHE_ENTRIES_MAX = 1024; // distinct format specs kept parsed
const specs = new Map<string, DateTimeFormatSpec>();
const granularities = new Map<string, bigint>();
/** The ` tz(Zone)` suffix of a colon-form SIMPLE_DATE_FORMAT pattern. */
const TZ_SUFFIX = /^(.*?)\s+tz\(([^)]+)\)\s*$/;
/** Timestamp strings accepted where a TIMESTAMP value is given as text (JDBC's form). */
const TIMESTAMP_PATTERN = compilePattern("yyyy-MM-dd' 'HH:mm:ss");

function invalidSpec(text: string, what: string): ExpressionError {
  return new ExpressionError(
    `Invalid ${what} '${text}'; write e.g. '1:MILLISECONDS:EPOCH', ` +
      `'1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd' or 'EPOCH|SECONDS|1'`,
  );
}

function positiveSize(text: string, spec: string, what: string): bigint {
  if (!/^\d+$/.test(text.trim()) || BigInt(text.trim()) === 0n) throw invalidSpec(spec, what);
  return BigInt(text.trim());
}

export function parseFormatSpec(text: string): DateTimeFormatSpec {
  const cached = specs.get(text);
  if (cached !== undefined) return cached;
  if (specs.size >= SPEC_CACHE_ENTRIES_MAX) specs.clear();
  const spec = text.includes('|') ? parsePipeSpec(text) : parseColonSpec(text);
  specs.set(text, spec);
  return spec;
}

function parseColonSpec(text: string): DateTimeFormatSpec {
  const parts = text.split(':');
  if (parts.length < 3) throw invalidSpec(text, 'date-time format');
  const size = positiveSize(parts[0]!, text, 'date-time format');
  const unit = parseTimeUnit(parts[1]!);
  const type = parts[2]!.trim().toUpperCase();
  if (type === 'EPOCH') return { kind: 'EPOCH', sizeNanos: size * unitNanos(unit) };
  if (type === 'TIMESTAMP') return { kind: 'TIMESTAMP' };
  if (type !== 'SIMPLE_DATE_FORMAT' || parts.length < 4) throw invalidSpec(text, 'date-time format');
  const patternText = parts.slice(3).join(':');
  const withZone = TZ_SUFFIX.exec(patternText);
  return withZone === null
    ? { kind: 'SDF', pattern: compilePattern(patternText.trim()), zone: UTC }
    : { kind: 'SDF', pattern: compilePattern(withZone[1]!), zone: parseTimeZone(withZone[2]!) };
}

function parsePipeSpec(text: string): DateTimeFormatSpec {
  const parts = text.split('|');
  const type = parts[0]!.trim().toUpperCase();
  if (type === 'TIMESTAMP') return { kind: 'TIMESTAMP' };
  if (type === 'EPOCH') {
    const unit = parseTimeUnit(parts[1] ?? 'MILLISECONDS');
    const size = parts[2] === undefined ? 1n : positiveSize(parts[2], text, 'date-time format');
    return { kind: 'EPOCH', sizeNanos: size * unitNanos(unit) };
  }
  if (type === 'SIMPLE_DATE_FORMAT' && parts[1] !== undefined) {
    const zone = parts[2] === undefined ? UTC : parseTimeZone(parts[2]);
    return { kind: 'SDF', pattern: compilePattern(parts[1]), zone };
  }
  throw invalidSpec(text, 'date-time format');
}

/** A granularity such as `15:MINUTES` or `MINUTES|15`, in milliseconds. */
export function parseGranularityMillis(text: string): bigint {
  const cached = granularities.get(text);
  if (cached !== undefined) return cached;
  if (granularities.size >= SPEC_CACHE_ENTRIES_MAX) granularities.clear();
  const [first = '', second = ''] = text.includes('|') ? text.split('|').reverse() : text.split(':');
  const size = positiveSize(text.includes('|') && second === '' ? '1' : first, text, 'granularity');
  const unit = parseTimeUnit(text.includes('|') && second === '' ? first : second);
  const millis = (size * unitNanos(unit)) / NANOS_PER_MILLI;
  if (millis === 0n) throw invalidSpec(text, 'granularity');
  granularities.set(text, millis);
  return millis;
}

/** Epoch millis of a value written in `spec`. */
export function toEpochMillis(value: ExprValue, spec: DateTimeFormatSpec): bigint {
  switch (spec.kind) {
    case 'EPOCH':
      return (toLong(value) * spec.sizeNanos) / NANOS_PER_MILLI;
    case 'TIMESTAMP':
      return timestampMillis(value);
    case 'SDF':
      return BigInt(parseDateTime(toStr(value), spec.pattern, spec.zone));
  }
}

/** A TIMESTAMP value: epoch millis, or text as `yyyy-MM-dd HH:mm:ss[.SSS]` in UTC. */
export function timestampMillis(value: ExprValue): bigint {
  if (typeof value !== 'string' || /^\s*-?\d+\s*$/.test(value)) return toLong(value);
  const text = value.trim();
  const dot = text.lastIndexOf('.');
  const hasFraction = dot > text.lastIndexOf(':') && dot >= 0;
  const base = hasFraction ? text.slice(0, dot) : text;
  const dateOnly = base.length === 10;
  const fraction = hasFraction ? Number(text.slice(dot + 1).padEnd(3, '0').slice(0, 3)) : 0;
  const pattern = dateOnly ? compilePattern('yyyy-MM-dd') : TIMESTAMP_PATTERN;
  return BigInt(parseDateTime(base, pattern, UTC) + fraction);
}

/**
 * DATETIMECONVERT: reads `value` in `input`, buckets by `granularityMillis`, writes `output`.
 * Epoch and TIMESTAMP outputs bucket on UTC millis unless a bucketing zone is given (Pinot's
 * optional fifth argument); SIMPLE_DATE_FORMAT outputs bucket on wall-clock time in the
 * output zone, so a day bucket is a local day.
 */
export function convertDateTime(
  value: ExprValue,
  input: DateTimeFormatSpec,
  output: DateTimeFormatSpec,
  granularityMillis: bigint,
  bucketZone?: TimeZone,
): bigint | string {
  const millis = toEpochMillis(value, input);
  const zone = bucketZone ?? (output.kind === 'SDF' ? output.zone : undefined);
  const bucketMillis =
    zone === undefined
      ? (millis / granularityMillis) * granularityMillis
      : BigInt(wallClockBucket(Number(millis), Number(granularityMillis), zone));
  switch (output.kind) {
    case 'EPOCH':
      return (bucketMillis * NANOS_PER_MILLI) / output.sizeNanos;
    case 'TIMESTAMP':
      return bucketMillis;
    case 'SDF':
      return formatMillis(Number(bucketMillis), output.pattern, output.zone);
  }
}

function wallClockBucket(utcMillis: number, sizeMillis: number, zone: TimeZone): number {
  const local = utcMillis + zone.offsetAt(utcMillis);
  return localToUtc(zone, Math.floor(local / sizeMillis) * sizeMillis);
}

/** DATETRUNC units (Joda duration field names as Pinot accepts them, case-insensitive). */
export type TruncUnit =
  | 'MILLISECOND'
  | 'SECOND'
  | 'MINUTE'
  | 'HOUR'
  | 'DAY'
  | 'WEEK'
  | 'MONTH'
  | 'QUARTER'
  | 'YEAR';

/** The units DATETRUNC accepts (plural forms are accepted too). */
const TRUNC_UNITS = new Set<string>([
  'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR',
]);

const truncUnits = new Map<string, TruncUnit>(); // spellings seen, at most a few per query

export function parseTruncUnit(text: string): TruncUnit {
  const known = truncUnits.get(text);
  if (known !== undefined) return known;
  const unit = readTruncUnit(text);
  if (truncUnits.size >= SPEC_CACHE_ENTRIES_MAX) truncUnits.clear();
  truncUnits.set(text, unit);
  return unit;
}

function readTruncUnit(text: string): TruncUnit {
  const upper = text.trim().toUpperCase();
  const singular = upper.endsWith('S') ? upper.slice(0, -1) : upper;
  if (TRUNC_UNITS.has(singular)) return singular as TruncUnit;
  throw new ExpressionError(
    `Unknown DATETRUNC unit '${text}'; use one of ${[...TRUNC_UNITS].join(', ').toLowerCase()}`,
  );
}

const truncScratch = newLocalFields();

/** Sub-day units truncate by wall-clock remainder, keeping the instant's own offset. */
const SUB_DAY_UNIT_MILLIS: Partial<Record<TruncUnit, number>> = {
  MILLISECOND: 1,
  SECOND: MILLIS_PER_SECOND,
  MINUTE: MILLIS_PER_MINUTE,
  HOUR: MILLIS_PER_HOUR,
};

/** Floors `utcMillis` to the start of its `unit` in `zone` (weeks start on Monday). */
export function truncateMillis(utcMillis: number, unit: TruncUnit, zone: TimeZone): number {
  const local = utcMillis + zone.offsetAt(utcMillis);
  const subDayMillis = SUB_DAY_UNIT_MILLIS[unit];
  if (subDayMillis !== undefined) {
    return utcMillis - (local - Math.floor(local / subDayMillis) * subDayMillis);
  }
  const fields = splitLocalMillis(local, truncScratch);
  let days = daysFromCivil(fields.year, fields.month, fields.day);
  if (unit === 'WEEK') days -= fields.dayOfWeek - 1;
  if (unit === 'MONTH') days = daysFromCivil(fields.year, fields.month, 1);
  if (unit === 'QUARTER') {
    days = daysFromCivil(fields.year, Math.floor((fields.month - 1) / 3) * 3 + 1, 1);
  }
  if (unit === 'YEAR') days = daysFromCivil(fields.year, 1, 1);
  return localToUtc(zone, days * MILLIS_PER_DAY);
}

/** DATETRUNC(unit, value, inputUnit, zone, outputUnit) as Pinot's DateTruncTransformFunction. */
export function dateTrunc(
  unit: TruncUnit,
  value: bigint,
  inputUnit: TimeUnitName,
  zone: TimeZone,
  outputUnit: TimeUnitName,
): bigint {
  const millis = convertTime(value, inputUnit, 'MILLISECONDS');
  const truncated = BigInt(truncateMillis(Number(millis), unit, zone));
  return convertTime(truncated, 'MILLISECONDS', outputUnit);
}
