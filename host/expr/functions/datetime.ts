// Pinot's DateTimeFunctions plus the DATETRUNC and DATETIMECONVERT transforms. Epoch
// conversions run in LONG (bigint) arithmetic and truncate like Java's TimeUnit; calendar
// fields are read in UTC unless a time zone id is given.
import { ExpressionError } from '../errors.js';
import type { ArgumentInfo, ScalarFunctionSpec } from '../registry.js';
import type { ExprValue } from '../types.js';
import { divideLong, toLong, toStr } from '../values.js';
import {
  isoWeek,
  newLocalFields,
  splitLocalMillis,
  MILLIS_PER_DAY,
  MILLIS_PER_HOUR,
  MILLIS_PER_MINUTE,
  MILLIS_PER_SECOND,
  type LocalFields,
} from '../time/calendar.js';
import {
  convertDateTime,
  dateTrunc,
  parseFormatSpec,
  parseGranularityMillis,
  parseTruncUnit,
  timestampMillis,
} from '../time/dateTimeFormat.js';
import { compilePattern, formatMillis, parseDateTime } from '../time/pattern.js';
import { parseTimeUnit } from '../time/units.js';
import { parseTimeZone, UTC, type TimeZone } from '../time/zones.js';

/** Epoch units of the toEpoch* / fromEpoch* families, in milliseconds. */
const EPOCH_UNITS: readonly (readonly [string, bigint])[] = [
  ['Seconds', BigInt(MILLIS_PER_SECOND)],
  ['Minutes', BigInt(MILLIS_PER_MINUTE)],
  ['Hours', BigInt(MILLIS_PER_HOUR)],
  ['Days', BigInt(MILLIS_PER_DAY)],
];

function epochFunctions(): ScalarFunctionSpec[] {
  const specs: ScalarFunctionSpec[] = [];
  for (const [unit, unitMillis] of EPOCH_UNITS) {
    const to = (value: ExprValue): bigint => toLong(value) / unitMillis;
    specs.push(
      { name: `toEpoch${unit}`, minArgs: 1, returnType: 'LONG', evaluate: (a) => to(a[0]!) },
      {
        name: `toEpoch${unit}Rounded`,
        minArgs: 2,
        returnType: 'LONG',
        evaluate: (a) => divideLong(to(a[0]!), toLong(a[1]!)) * toLong(a[1]!),
      },
      {
        name: `toEpoch${unit}Bucket`,
        minArgs: 2,
        returnType: 'LONG',
        evaluate: (a) => divideLong(to(a[0]!), toLong(a[1]!)),
      },
      {
        name: `fromEpoch${unit}`,
        minArgs: 1,
        returnType: 'LONG',
        evaluate: (a) => toLong(a[0]!) * unitMillis,
      },
      {
        name: `fromEpoch${unit}Bucket`,
        minArgs: 2,
        returnType: 'LONG',
        evaluate: (a) => toLong(a[0]!) * toLong(a[1]!) * unitMillis,
      },
    );
  }
  return specs;
}

const fieldScratch = newLocalFields();

function localFields(millisValue: ExprValue, zone: TimeZone): LocalFields {
  const millis = Number(toLong(millisValue));
  return splitLocalMillis(millis + zone.offsetAt(millis), fieldScratch);
}

function zoneArg(args: readonly ExprValue[], index: number): TimeZone {
  return args.length > index ? parseTimeZone(toStr(args[index]!)) : UTC;
}

/** A calendar-field function: (millis) in UTC or (millis, timeZoneId). */
function fieldFunction(
  name: string,
  aliases: string[],
  read: (fields: LocalFields) => number,
): ScalarFunctionSpec {
  return {
    name,
    aliases,
    minArgs: 1,
    maxArgs: 2,
    returnType: 'INT',
    evaluate: (a) => read(localFields(a[0]!, zoneArg(a, 1))),
  };
}

const FIELD_FUNCTIONS: readonly ScalarFunctionSpec[] = [
  fieldFunction('year', [], (f) => f.year),
  fieldFunction('yearOfWeek', ['yow'], (f) => isoWeek(f).weekYear),
  fieldFunction('quarter', [], (f) => Math.floor((f.month - 1) / 3) + 1),
  fieldFunction('month', ['monthOfYear'], (f) => f.month),
  fieldFunction('weekOfYear', ['week'], (f) => isoWeek(f).week),
  fieldFunction('dayOfYear', ['doy'], (f) => f.dayOfYear),
  fieldFunction('dayOfMonth', ['day'], (f) => f.day),
  fieldFunction('dayOfWeek', ['dow'], (f) => f.dayOfWeek),
  fieldFunction('hour', [], (f) => f.hour),
  fieldFunction('minute', [], (f) => f.minute),
  fieldFunction('second', [], (f) => f.second),
  fieldFunction('millisecond', [], (f) => f.millisecond),
];

/** Java's Duration.parse grammar: [-]P[nD][T[nH][nM][n[.f]S]], each part signed. */
const ISO_DURATION =
  /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** Java's Duration.parse (days, hours, minutes, seconds with fraction) in milliseconds. */
export function parseIsoDurationMillis(text: string): number {
  const match = ISO_DURATION.exec(text.trim());
  const hasPart = match !== null && [2, 3, 4, 5].some((i) => match[i] !== undefined);
  if (match === null || !hasPart || /T$/i.test(text.trim())) {
    throw new ExpressionError(
      `Invalid ISO-8601 duration '${text}'; write e.g. 'PT1H', 'P2D', 'P1DT12H30M' or 'PT20.5S'`,
    );
  }
  const part = (index: number): number => Number(match[index] ?? 0);
  const seconds = match[5] ?? '0';
  const fractionMillis = Math.trunc(Number((match[6] ?? '').padEnd(9, '0')) / 1_000_000);
  const secondsMillis =
    part(5) * MILLIS_PER_SECOND + (seconds.startsWith('-') ? -fractionMillis : fractionMillis);
  const total =
    part(2) * MILLIS_PER_DAY +
    part(3) * MILLIS_PER_HOUR +
    part(4) * MILLIS_PER_MINUTE +
    secondsMillis;
  return match[1] === '-' ? -total : total;
}

function timezoneOffset(args: readonly ExprValue[]): number {
  const millis = args.length > 1 ? Number(toLong(args[1]!)) : 0;
  return parseTimeZone(toStr(args[0]!)).offsetAt(millis);
}

/** DATETIMECONVERT returns text for SIMPLE_DATE_FORMAT outputs and LONG otherwise. */
function dateTimeConvertType(args: readonly ArgumentInfo[]): 'STRING' | 'LONG' | 'UNKNOWN' {
  const output = args[2]?.constant;
  if (typeof output !== 'string') return 'UNKNOWN';
  return parseFormatSpec(output).kind === 'SDF' ? 'STRING' : 'LONG';
}

/** EXTRACT(unit FROM ts) fields (Pinot's ExtractTransformFunction; DOW is ISO, Monday 1). */
const EXTRACT_FIELDS: Readonly<Record<string, (fields: LocalFields) => number>> = {
  YEAR: (f) => f.year,
  QUARTER: (f) => Math.floor((f.month - 1) / 3) + 1,
  MONTH: (f) => f.month,
  WEEK: (f) => isoWeek(f).week,
  DAY: (f) => f.day,
  DOY: (f) => f.dayOfYear,
  DOW: (f) => f.dayOfWeek,
  HOUR: (f) => f.hour,
  MINUTE: (f) => f.minute,
  SECOND: (f) => f.second,
  MILLISECOND: (f) => f.millisecond,
};

function extractField(unit: string): (fields: LocalFields) => number {
  const read = EXTRACT_FIELDS[unit.toUpperCase()];
  if (read === undefined) {
    throw new ExpressionError(
      `Cannot EXTRACT '${unit}'; use one of ${Object.keys(EXTRACT_FIELDS).join(', ')}`,
    );
  }
  return read;
}

const OTHER_FUNCTIONS: readonly ScalarFunctionSpec[] = [
  {
    name: 'extract',
    minArgs: 2,
    returnType: 'INT',
    evaluate: (a) => extractField(toStr(a[0]!))(localFields(a[1]!, UTC)),
  },
  { name: 'toTimestamp', minArgs: 1, returnType: 'TIMESTAMP', evaluate: (a) => toLong(a[0]!) },
  { name: 'fromTimestamp', minArgs: 1, returnType: 'LONG', evaluate: (a) => timestampMillis(a[0]!) },
  {
    name: 'toDateTime',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'STRING',
    evaluate: (a) =>
      formatMillis(Number(toLong(a[0]!)), compilePattern(toStr(a[1]!)), zoneArg(a, 2)),
  },
  {
    name: 'fromDateTime',
    minArgs: 2,
    maxArgs: 4,
    returnType: 'LONG',
    evaluate: (a) => {
      try {
        return BigInt(parseDateTime(toStr(a[0]!), compilePattern(toStr(a[1]!)), zoneArg(a, 2)));
      } catch (error) {
        if (a.length === 4 && error instanceof ExpressionError) return toLong(a[3]!);
        throw error;
      }
    },
  },
  {
    name: 'now',
    minArgs: 0,
    returnType: 'LONG',
    deterministic: false,
    evaluate: () => BigInt(Date.now()),
  },
  {
    name: 'ago',
    minArgs: 1,
    returnType: 'LONG',
    deterministic: false,
    evaluate: (a) => BigInt(Date.now() - parseIsoDurationMillis(toStr(a[0]!))),
  },
  {
    name: 'timezoneHour',
    minArgs: 1,
    maxArgs: 2,
    returnType: 'INT',
    evaluate: (a) => Math.trunc(timezoneOffset(a) / MILLIS_PER_HOUR),
  },
  {
    name: 'timezoneMinute',
    minArgs: 1,
    maxArgs: 2,
    returnType: 'INT',
    evaluate: (a) => Math.trunc(timezoneOffset(a) / MILLIS_PER_MINUTE) % 60,
  },
  {
    // dateTrunc(unit, value[, inputTimeUnit[, timeZone[, outputTimeUnit]]]); the output unit
    // defaults to the input unit, the input unit to MILLISECONDS, the zone to UTC.
    name: 'dateTrunc',
    minArgs: 2,
    maxArgs: 5,
    returnType: 'LONG',
    evaluate: (a) => {
      const inputUnit = parseTimeUnit(a.length > 2 ? toStr(a[2]!) : 'MILLISECONDS');
      const zone = zoneArg(a, 3);
      const outputUnit = a.length > 4 ? parseTimeUnit(toStr(a[4]!)) : inputUnit;
      return dateTrunc(parseTruncUnit(toStr(a[0]!)), toLong(a[1]!), inputUnit, zone, outputUnit);
    },
  },
  {
    // dateTimeConvert(value, inputFormat, outputFormat, granularity[, bucketTimeZone])
    name: 'dateTimeConvert',
    minArgs: 4,
    maxArgs: 5,
    returnType: dateTimeConvertType,
    evaluate: (a) =>
      convertDateTime(
        a[0]!,
        parseFormatSpec(toStr(a[1]!)),
        parseFormatSpec(toStr(a[2]!)),
        parseGranularityMillis(toStr(a[3]!)),
        a.length > 4 ? parseTimeZone(toStr(a[4]!)) : undefined,
      ),
  },
];

export const DATETIME_FUNCTIONS: readonly ScalarFunctionSpec[] = [
  ...epochFunctions(),
  ...FIELD_FUNCTIONS,
  ...OTHER_FUNCTIONS,
];
