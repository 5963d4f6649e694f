// Pinot schema JSON → validated `Schema` (host/config/types.ts). Default null values follow
// Pinot's FieldSpec.java, converted to Cuvée's stored representation (LONG/TIMESTAMP as bigint,
// BOOLEAN as INT 0/1, BYTES as Uint8Array, BIG_DECIMAL as its plain decimal string).
import { ConfigError } from '../errors/errors.js';
import type { DataType, FieldSpec, FieldType, ScalarValue, Schema, StoredType } from './types.js';
import {
  defaultWarningSink,
  JsonObjectReader,
  type WarningSink,
} from './warnings.js';

/** Pinot's FieldSpec.DEFAULT_MAX_LENGTH: STRING values longer than this are truncated. */
export const DEFAULT_STRING_MAX_LENGTH = 512;

const INT32_MIN = -2147483648; // Java Integer.MIN_VALUE, Pinot's INT dimension null
const INT64_MIN = -(2n ** 63n); // Java Long.MIN_VALUE, Pinot's LONG dimension null
const INT64_MAX = 2n ** 63n - 1n; // Java Long.MAX_VALUE, the top of the LONG range

const STORED_TYPES: Readonly<Record<DataType, StoredType>> = {
  INT: 'INT',
  LONG: 'LONG',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  BIG_DECIMAL: 'STRING',
  BOOLEAN: 'INT',
  TIMESTAMP: 'LONG',
  STRING: 'STRING',
  JSON: 'STRING',
  BYTES: 'BYTES',
};

const DATA_TYPES = Object.keys(STORED_TYPES) as DataType[];

/** Pinot's Schema.validate: metrics are numeric (or BYTES for serialized sketches). */
const METRIC_DATA_TYPES: ReadonlySet<DataType> = new Set<DataType>([
  'INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIG_DECIMAL', 'BYTES',
]);

/** Pinot's complex types; Cuvée keeps such a column as its JSON text. */
const COMPLEX_DATA_TYPES: ReadonlySet<string> = new Set(['MAP', 'STRUCT', 'LIST']);

/** Java's TimeUnit names, as Pinot's EPOCH formats, DATETRUNC and segment time ranges use them. */
export const JAVA_TIME_UNITS = [
  'NANOSECONDS', 'MICROSECONDS', 'MILLISECONDS', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS',
] as const;
export type JavaTimeUnitName = (typeof JAVA_TIME_UNITS)[number];
/** Units of DATE_TIME formats and granularities: Java's TimeUnit plus Pinot's calendar units. */
export const TIME_UNITS = [...JAVA_TIME_UNITS, 'WEEKS', 'MONTHS', 'YEARS'] as const;
export type TimeUnitName = (typeof TIME_UNITS)[number];

export function storedTypeOf(dataType: DataType): StoredType {
  return STORED_TYPES[dataType];
}

export function isDataType(name: string): name is DataType {
  return (DATA_TYPES as string[]).includes(name);
}

// ---------------------------------------------------------------------------------------------
// Date-time formats

/** A parsed DATE_TIME `format`: `1:DAYS:EPOCH`, `EPOCH|MILLISECONDS|1`, `SIMPLE_DATE_FORMAT|…` */
export type DateTimeFormat =
  | { readonly kind: 'EPOCH'; readonly size: number; readonly unit: TimeUnitName }
  | { readonly kind: 'TIMESTAMP' }
  | {
      readonly kind: 'SIMPLE_DATE_FORMAT';
      readonly pattern: string;
      /** IANA zone or offset; UTC when the format names none (Pinot's default). */
      readonly timeZone: string;
    };

function parseTimeUnit(text: string | undefined, whole: string): TimeUnitName {
  const unit = TIME_UNITS.find((candidate) => candidate === text);
  if (unit === undefined) {
    const units = TIME_UNITS.join(', ');
    throw new Error(`invalid time unit "${text ?? ''}" in "${whole}" (one of ${units})`);
  }
  return unit;
}

function parsePositiveSize(text: string, whole: string): number {
  const size = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new Error(`invalid size "${text}" in "${whole}": must be a positive integer`);
  }
  return size;
}

/** `pattern tz(Zone)` → pattern and zone, as in Pinot's colon form. */
function splitPatternZone(patternWithZone: string): { pattern: string; timeZone: string } {
  const match = /^(.*?)\s*tz\(([^)]+)\)\s*$/.exec(patternWithZone);
  if (match === null) return { pattern: patternWithZone.trim(), timeZone: 'UTC' };
  return { pattern: match[1]!.trim(), timeZone: match[2]!.trim() };
}

function checkTimeZone(timeZone: string, whole: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`unknown time zone "${timeZone}" in "${whole}"`);
  }
}

function simpleDateFormat(pattern: string, timeZone: string, whole: string): DateTimeFormat {
  if (pattern === '') throw new Error(`SIMPLE_DATE_FORMAT needs a pattern in "${whole}"`);
  if (!/[yMdHhmsSE]/.test(pattern)) {
    throw new Error(
      `SIMPLE_DATE_FORMAT pattern "${pattern}" has no date or time field in "${whole}"`,
    );
  }
  checkTimeZone(timeZone, whole);
  return { kind: 'SIMPLE_DATE_FORMAT', pattern, timeZone };
}

/** Colon form `size:unit:EPOCH|TIMESTAMP|SIMPLE_DATE_FORMAT(:pattern)`; patterns may hold ':'. */
function parseColonFormat(format: string): DateTimeFormat {
  const tokens = format.split(':');
  if (tokens.length < 3) {
    throw new Error(`invalid format "${format}": expected size:timeUnit:timeFormat(:pattern)`);
  }
  const kind = tokens[2];
  if (kind === 'EPOCH' && tokens.length === 3) {
    const size = parsePositiveSize(tokens[0]!, format);
    return { kind: 'EPOCH', size, unit: parseTimeUnit(tokens[1], format) };
  }
  if (kind === 'TIMESTAMP' && tokens.length === 3) return { kind: 'TIMESTAMP' };
  if (kind === 'SIMPLE_DATE_FORMAT') {
    const { pattern, timeZone } = splitPatternZone(tokens.slice(3).join(':'));
    return simpleDateFormat(pattern, timeZone, format);
  }
  throw new Error(
    `invalid time format "${kind ?? ''}" in "${format}" (EPOCH, TIMESTAMP or SIMPLE_DATE_FORMAT)`,
  );
}

/** Pipe form `EPOCH|unit(|size)`, `TIMESTAMP`, `SIMPLE_DATE_FORMAT|pattern(|zone)`. */
function parsePipeFormat(format: string): DateTimeFormat {
  const tokens = format.split('|');
  const kind = tokens[0];
  if (kind === 'EPOCH' && tokens.length <= 3) {
    const unit = tokens[1] === undefined ? 'MILLISECONDS' : parseTimeUnit(tokens[1], format);
    const size = tokens[2] === undefined ? 1 : parsePositiveSize(tokens[2], format);
    return { kind: 'EPOCH', size, unit };
  }
  if (kind === 'TIMESTAMP' && tokens.length === 1) return { kind: 'TIMESTAMP' };
  if (kind === 'SIMPLE_DATE_FORMAT' && tokens.length <= 3) {
    return simpleDateFormat((tokens[1] ?? '').trim(), (tokens[2] ?? 'UTC').trim(), format);
  }
  throw new Error(
    `invalid format "${format}": expected EPOCH|timeUnit(|size), TIMESTAMP or ` +
      'SIMPLE_DATE_FORMAT|pattern(|timeZone)',
  );
}

/** Parses a DATE_TIME `format`; throws an Error whose message says what is wrong. */
export function parseDateTimeFormat(format: string): DateTimeFormat {
  if (format === '') throw new Error('format is empty');
  return /^\d/.test(format) ? parseColonFormat(format) : parsePipeFormat(format);
}

/** A parsed granularity: `1:DAYS` (colon form) or `DAYS|1` / `DAYS` (pipe form). */
export function parseGranularity(granularity: string): { size: number; unit: TimeUnitName } {
  if (/^\d/.test(granularity)) {
    const [size, unit, ...rest] = granularity.split(':');
    if (rest.length > 0 || unit === undefined) {
      throw new Error(`invalid granularity "${granularity}": expected size:timeUnit`);
    }
    return { size: parsePositiveSize(size!, granularity), unit: parseTimeUnit(unit, granularity) };
  }
  const [unit, size, ...rest] = granularity.split('|');
  if (rest.length > 0) {
    throw new Error(`invalid granularity "${granularity}": expected timeUnit(|size)`);
  }
  return {
    size: size === undefined ? 1 : parsePositiveSize(size, granularity),
    unit: parseTimeUnit(unit, granularity),
  };
}

// ---------------------------------------------------------------------------------------------
// Values in stored representation (shared with row preparation)

/** Java's Integer.parseInt / Long.parseLong accept an optional sign and decimal digits only. */
const INTEGER_TEXT = /^[+-]?\d+$/;
/** Java's Double.parseDouble, minus hex floats and the f/d suffixes nobody sends on purpose. */
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseIntText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!INTEGER_TEXT.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= INT32_MIN && value <= -(INT32_MIN + 1) ? value : undefined;
}

export function parseLongText(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (!INTEGER_TEXT.test(trimmed)) return undefined;
  const value = BigInt(trimmed);
  return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

export function isLongInRange(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

export function parseDoubleText(text: string): number | undefined {
  const trimmed = text.trim();
  if (DECIMAL_TEXT.test(trimmed)) return Number(trimmed);
  if (/^[+-]?(Infinity)$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'NaN') return Number.NaN;
  return undefined;
}

/** Plain decimal text (no exponent), as Java's BigDecimal.toPlainString of the parsed value. */
export function parseBigDecimalText(text: string): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const sign = match[1] === '-' ? '-' : '';
  const digits = match[2]! + (match[3] ?? '');
  const pointAt = match[2]!.length + Number(match[4] ?? 0);
  const padded =
    pointAt > digits.length ? digits + '0'.repeat(pointAt - digits.length)
      : pointAt < 0 ? '0'.repeat(-pointAt) + digits : digits;
  const integerEnd = Math.max(pointAt, 0);
  const integerPart = padded.slice(0, integerEnd).replace(/^0+(?=\d)/, '') || '0';
  const fraction = padded.slice(integerEnd);
  return sign + integerPart + (fraction === '' ? '' : `.${fraction}`);
}

/** Pinot's BooleanUtils.toInt: "true" (any case) and "1" are true, everything else false. */
export function parseBooleanText(text: string): number {
  const trimmed = text.trim();
  return trimmed.toLowerCase() === 'true' || trimmed === '1' ? 1 : 0;
}

/** Pinot's BytesUtils.toBytes: hex digits, two per byte. */
export function parseHexBytes(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (trimmed.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(trimmed)) return undefined;
  return Uint8Array.from(Buffer.from(trimmed, 'hex'));
}

/** `yyyy-MM-dd`, optionally `[ T]HH:mm[:ss[.fffffffff]]`, optionally `Z` or `±hh[:]mm`. */
const SQL_TIMESTAMP = new RegExp(
  '^(\\d{4})-(\\d{1,2})-(\\d{1,2})' +
    '(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?)?' +
    '(Z|[+-]\\d{2}:?\\d{2})?$',
);

function zoneOffsetMillis(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/**
 * Pinot's TimestampUtils.toMillisSinceEpoch: `yyyy-MM-dd[ HH:mm[:ss[.fffffffff]]]` (also with
 * `T` and a `Z`/`±hh:mm` zone), or epoch millis. Values without a zone are read as UTC, where
 * Pinot uses the server's zone (UTC on every deployment its docs describe).
 */
export function parseTimestampText(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (INTEGER_TEXT.test(trimmed)) return parseLongText(trimmed);
  const match = SQL_TIMESTAMP.exec(trimmed);
  if (match === null) return undefined;
  const parts = match.slice(1, 7).map((part) => Number(part ?? 0));
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = parts;
  const fractionMillis = Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000);
  const inRange = month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
    minute <= 59 && second <= 59;
  if (!inRange) return undefined;
  const utcMillis = Date.UTC(year, month - 1, day, hour, minute, second, fractionMillis);
  const date = new Date(utcMillis);
  if (date.getUTCDate() !== day) return undefined; // 2021-02-30 and the like
  date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  return BigInt(date.getTime() - zoneOffsetMillis(match[8]));
}

// ---------------------------------------------------------------------------------------------
// Default null values

/** Pinot's FieldSpec default null values, in stored representation. */
export function pinotDefaultNullValue(fieldType: FieldType, dataType: DataType): ScalarValue {
  if (fieldType === 'METRIC') {
    switch (dataType) {
      case 'LONG':
      case 'TIMESTAMP':
        return 0n;
      case 'BIG_DECIMAL':
        return '0';
      case 'STRING':
      case 'JSON':
        return 'null';
      case 'BYTES':
        return new Uint8Array(0);
      default:
        return 0;
    }
  }
  switch (dataType) {
    case 'INT':
      return INT32_MIN;
    case 'LONG':
      return INT64_MIN;
    case 'FLOAT':
    case 'DOUBLE':
      return Number.NEGATIVE_INFINITY;
    case 'BIG_DECIMAL':
      return '0';
    case 'BOOLEAN':
      return 0;
    case 'TIMESTAMP':
      return 0n;
    case 'STRING':
    case 'JSON':
      return 'null';
    case 'BYTES':
      return new Uint8Array(0);
  }
}

/** Converts a schema's `defaultNullValue` (Pinot stores it as text) to the stored form. */
export function convertConfiguredValue(dataType: DataType, raw: unknown): ScalarValue | undefined {
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean'
    ? String(raw) : undefined;
  if (text === undefined) return undefined;
  switch (dataType) {
    case 'INT':
      return parseIntText(text);
    case 'LONG':
      return parseLongText(text);
    case 'FLOAT': {
      const value = parseDoubleText(text);
      return value === undefined ? undefined : Math.fround(value);
    }
    case 'DOUBLE':
      return parseDoubleText(text);
    case 'BIG_DECIMAL':
      return parseBigDecimalText(text);
    case 'BOOLEAN':
      return parseBooleanText(text);
    case 'TIMESTAMP':
      return parseTimestampText(text);
    case 'STRING':
    case 'JSON':
      return text;
    case 'BYTES':
      return parseHexBytes(text);
  }
}

// ---------------------------------------------------------------------------------------------
// Field specs

interface FieldContext {
  readonly fieldType: FieldType;
  readonly warn: WarningSink;
}

function readDataType(field: JsonObjectReader, fieldType: FieldType): DataType {
  const name = field.requiredString('dataType');
  if (fieldType === 'COMPLEX') {
    if (!COMPLEX_DATA_TYPES.has(name)) {
      field.fail('dataType', `unknown complex data type "${name}" (one of MAP, STRUCT, LIST)`);
    }
    return 'JSON';
  }
  if (!isDataType(name)) {
    field.fail('dataType', `unknown data type "${name}" (one of ${DATA_TYPES.join(', ')})`);
  }
  if (fieldType === 'METRIC' && !METRIC_DATA_TYPES.has(name)) {
    field.fail('dataType', `data type ${name} is not allowed for a metric (use a dimension)`);
  }
  return name;
}

function readDefaultNullValue(field: JsonObjectReader, fieldType: FieldType, dataType: DataType) {
  const raw = field.raw('defaultNullValue');
  if (raw === undefined) return pinotDefaultNullValue(fieldType, dataType);
  const converted = convertConfiguredValue(dataType, raw);
  if (converted === undefined) {
    field.fail('defaultNullValue', `${JSON.stringify(raw)} is not a valid ${dataType} value`);
  }
  return converted;
}

function readMaxLength(field: JsonObjectReader, dataType: DataType): number | undefined {
  const maxLength = field.integer('maxLength');
  if (maxLength !== undefined && maxLength <= 0) field.fail('maxLength', 'must be positive');
  if (dataType === 'STRING') return maxLength ?? DEFAULT_STRING_MAX_LENGTH;
  return dataType === 'JSON' ? maxLength : undefined;
}

function readDateTimeParts(field: JsonObjectReader): { format: string; granularity: string } {
  const format = field.requiredString('format');
  const granularity = field.requiredString('granularity');
  try {
    parseDateTimeFormat(format);
  } catch (error) {
    field.fail('format', (error as Error).message);
  }
  try {
    parseGranularity(granularity);
  } catch (error) {
    field.fail('granularity', (error as Error).message);
  }
  return { format, granularity };
}

function ignoreLegacyFieldKeys(field: JsonObjectReader): void {
  field.ignore('transformFunction', 'schema-level transforms are not supported, move it to ' +
    'tableConfig ingestionConfig.transformConfigs');
  field.ignore('virtualColumnProvider', 'virtual columns are built in');
  field.ignore('maxLengthExceedStrategy', 'STRING values longer than maxLength are truncated');
  field.accept('notNull');
  field.accept('childFieldSpecs');
}

function readFieldSpec(field: JsonObjectReader, context: FieldContext): FieldSpec {
  const { fieldType } = context;
  const name = field.requiredString('name');
  if (name === '__proto__') field.fail('name', '"__proto__" is reserved; rename the column');
  const dataType = readDataType(field, fieldType);
  const declaredType = field.string('fieldType');
  if (declaredType !== undefined && declaredType !== fieldType) {
    field.fail('fieldType', `"${declaredType}" does not match its list (${fieldType})`);
  }
  const singleValueField = field.boolean('singleValueField') ?? true;
  if (!singleValueField && fieldType !== 'DIMENSION') {
    field.fail('singleValueField', `a ${fieldType} field must be single-valued`);
  }
  const dateTime = fieldType === 'DATE_TIME' ? readDateTimeParts(field) : undefined;
  const maxLength = readMaxLength(field, dataType);
  const spec: FieldSpec = {
    name,
    dataType,
    storedType: storedTypeOf(dataType),
    fieldType,
    singleValueField,
    defaultNullValue: readDefaultNullValue(field, fieldType, dataType),
    ...(dateTime ?? {}),
    ...(maxLength === undefined ? {} : { maxLength }),
  };
  if (fieldType === 'COMPLEX') {
    context.warn(`${field.pathOf('dataType')}: complex column "${name}" is stored as JSON text`);
  }
  ignoreLegacyFieldKeys(field);
  field.finish();
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Legacy timeFieldSpec

function legacyTimeFormat(spec: JsonObjectReader): { format: string; granularity: string } {
  const timeType = spec.requiredString('timeType');
  const size = spec.integer('timeUnitSize') ?? 1;
  const timeFormat = spec.string('timeFormat') ?? 'EPOCH';
  const granularity = `${size}:${timeType}`;
  const format = timeFormat === 'EPOCH' ? `${granularity}:EPOCH` : `${granularity}:${timeFormat}`;
  try {
    parseDateTimeFormat(format);
    parseGranularity(granularity);
  } catch (error) {
    spec.fail('timeType', (error as Error).message);
  }
  return { format, granularity };
}

function readTimeFieldSpec(time: JsonObjectReader, warn: WarningSink): FieldSpec {
  const incoming = time.object('incomingGranularitySpec');
  if (incoming === undefined) time.fail('incomingGranularitySpec', 'is required');
  const outgoing = time.object('outgoingGranularitySpec');
  const stored = outgoing ?? incoming;
  if (outgoing !== undefined) {
    warn(`${time.pathOf('outgoingGranularitySpec')}: values are stored as given; Cuvée does not ` +
      'convert from incomingGranularitySpec (use a transformConfig)');
    incoming.accept('name');
    incoming.accept('dataType');
    incoming.accept('timeType');
    incoming.accept('timeUnitSize');
    incoming.accept('timeFormat');
    incoming.finish();
  }
  const name = stored.requiredString('name');
  if (name === '__proto__') stored.fail('name', '"__proto__" is reserved; rename the column');
  const dataType = readDataType(stored, 'TIME');
  const parts = legacyTimeFormat(stored);
  stored.finish();
  const defaultNullValue = readDefaultNullValue(time, 'TIME', dataType);
  time.finish();
  return {
    name,
    dataType,
    storedType: storedTypeOf(dataType),
    fieldType: 'TIME',
    singleValueField: true,
    defaultNullValue,
    ...parts,
  };
}

// ---------------------------------------------------------------------------------------------
// Schema

const FIELD_LISTS: readonly (readonly [string, FieldType])[] = [
  ['dimensionFieldSpecs', 'DIMENSION'],
  ['metricFieldSpecs', 'METRIC'],
  ['dateTimeFieldSpecs', 'DATE_TIME'],
  ['complexFieldSpecs', 'COMPLEX'],
];

function checkPrimaryKeys(root: JsonObjectReader, fields: readonly FieldSpec[]): string[] {
  const primaryKeyColumns = root.stringArray('primaryKeyColumns');
  primaryKeyColumns.forEach((column, index) => {
    if (!fields.some((field) => field.name === column)) {
      root.fail(`primaryKeyColumns[${index}]`, `column "${column}" is not in the schema`);
    }
  });
  return primaryKeyColumns;
}

function readAllFields(root: JsonObjectReader, warn: WarningSink): FieldSpec[] {
  const fields: FieldSpec[] = [];
  const pathByName = new Map<string, string>();
  const add = (spec: FieldSpec, path: string): void => {
    const previous = pathByName.get(spec.name);
    if (previous !== undefined) {
      throw new ConfigError(`${path}.name: duplicate column "${spec.name}" (also ${previous})`);
    }
    pathByName.set(spec.name, path);
    fields.push(spec);
  };
  for (const [key, fieldType] of FIELD_LISTS) {
    for (const field of root.objects(key)) {
      add(readFieldSpec(field, { fieldType, warn }), field.path);
    }
  }
  const time = root.object('timeFieldSpec');
  if (time !== undefined) add(readTimeFieldSpec(time, warn), time.path);
  return fields;
}

/**
 * Parses and validates a Pinot schema. Unknown keys are reported to `warn`; invalid values
 * throw a ConfigError naming the field path.
 */
export function parseSchema(json: unknown, warn: WarningSink = defaultWarningSink): Schema {
  const root = JsonObjectReader.of(json, '', warn);
  const schemaName = root.requiredString('schemaName');
  const fields = readAllFields(root, warn);
  if (fields.length === 0) {
    throw new ConfigError('schema: no columns; add dimensionFieldSpecs, metricFieldSpecs or ' +
      'dateTimeFieldSpecs');
  }
  const primaryKeyColumns = checkPrimaryKeys(root, fields);
  const enableColumnBasedNullHandling = root.boolean('enableColumnBasedNullHandling') ?? false;
  root.accept('description');
  root.ignore('tags', 'schema tags are not used');
  root.finish();
  return {
    schemaName,
    fields,
    primaryKeyColumns,
    enableColumnBasedNullHandling,
    json: structuredClone(json as Record<string, unknown>),
  };
}

/** The field spec of `column`, or undefined. */
export function findField(schema: Schema, column: string): FieldSpec | undefined {
  return schema.fields.find((field) => field.name === column);
}
