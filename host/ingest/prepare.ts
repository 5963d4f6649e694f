// Row preparation: a raw record from a reader or a stream becomes a schema row in stored
// representation, following Pinot's record-transformer chain: expression transforms
// (ingestionConfig.transformConfigs), the filter (filterConfig), data-type conversion
// (DataTypeTransformer with PinotDataType's rules) and sanitisation (STRING maxLength).
// Missing values stay null; the segment writer substitutes default null values and records
// the null vector.
import { ConfigError, CuveeError, DataError } from '../errors/errors.js';
import {
  isLongInRange,
  parseBigDecimalText,
  parseBooleanText,
  parseDoubleText,
  parseHexBytes,
  parseIntText,
  parseLongText,
  parseTimestampText,
} from '../config/schema.js';
import type {
  DataType,
  FieldSpec,
  Row,
  ScalarValue,
  Schema,
  TableConfig,
  Value,
} from '../config/types.js';
import { isPlainObject } from '../config/warnings.js';
import { compileRowExpressionText, type ExprValue, type ValueType } from '../expr/index.js';
import type { RawRecord } from './readers/types.js';

const INT32_MIN = -2147483648; // Java int range: an INT column holds nothing outside it
const INT32_MAX = 2147483647;
const NUL = '\u0000'; // Pinot cuts STRING values at the first NUL (its dictionary padding)
const DESCRIBED_CHARS = 80; // an error message quotes at most this much of a bad value

/** A conversion that does not fit; the caller adds the column name. */
class ConversionError extends Error {}

function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > DESCRIBED_CHARS ? `${value.slice(0, DESCRIBED_CHARS)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'bigint') return `${value}`;
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

const OUTSIDE_INT = ' (outside the INT range)';
const OUTSIDE_LONG = ' (outside the LONG range)';

function fail(value: unknown, dataType: string, hint = ''): never {
  const described = `${describeValue(value)} (${typeof value})`;
  throw new ConversionError(`cannot convert ${described} to ${dataType}${hint}`);
}

// ---------------------------------------------------------------------------------------------
// Scalar conversions (PinotDataType): numbers truncate toward zero as Java's intValue/longValue;
// text parses as Integer.parseInt / Long.parseLong / Double.parseDouble. Where Java would wrap
// or saturate an out-of-range value silently, Cuvée refuses it instead.

function toInt(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(value, 'INT');
    const truncated = Math.trunc(value);
    if (truncated < INT32_MIN || truncated > INT32_MAX) fail(value, 'INT', OUTSIDE_INT);
    return truncated === 0 ? 0 : truncated; // no -0
  }
  if (typeof value === 'string') return parseIntText(value) ?? fail(value, 'INT', intHint(value));
  if (typeof value === 'bigint') {
    if (value < BigInt(INT32_MIN) || value > BigInt(INT32_MAX)) fail(value, 'INT', OUTSIDE_INT);
    return Number(value);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return fail(value, 'INT');
}

function intHint(text: string): string {
  if (parseDoubleText(text) === undefined) return '';
  return ' (text must be a whole number, as Pinot parses it)';
}

function toLong(value: unknown): bigint {
  if (typeof value === 'bigint') {
    return isLongInRange(value) ? value : fail(value, 'LONG', OUTSIDE_LONG);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(value, 'LONG');
    const truncated = BigInt(Math.trunc(value));
    return isLongInRange(truncated) ? truncated : fail(value, 'LONG', OUTSIDE_LONG);
  }
  if (typeof value === 'string') return parseLongText(value) ?? fail(value, 'LONG', intHint(value));
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return fail(value, 'LONG');
}

function toDouble(value: unknown, dataType: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return parseDoubleText(value) ?? fail(value, dataType);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return fail(value, dataType);
}

function toBigDecimal(value: unknown): string {
  if (typeof value === 'number') {
    const text = Number.isFinite(value) ? parseBigDecimalText(String(value)) : undefined;
    return text ?? fail(value, 'BIG_DECIMAL');
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return parseBigDecimalText(value) ?? fail(value, 'BIG_DECIMAL');
  return fail(value, 'BIG_DECIMAL');
}

/** Pinot's BOOLEAN: numbers are true unless 0; text is true for "true" (any case) and "1". */
function toBoolean(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value !== 0 ? 1 : 0;
  if (typeof value === 'bigint') return value !== 0n ? 1 : 0;
  if (typeof value === 'string') return parseBooleanText(value);
  return fail(value, 'BOOLEAN');
}

/** TIMESTAMP: epoch millis from numbers, or text as Pinot's TimestampUtils reads it. */
function toTimestamp(value: unknown): bigint {
  if (value instanceof Date) {
    const millis = value.getTime();
    return Number.isNaN(millis) ? fail(value, 'TIMESTAMP') : BigInt(millis);
  }
  if (typeof value === 'string') {
    return parseTimestampText(value) ??
      fail(value, 'TIMESTAMP', ' (use epoch millis, yyyy-MM-dd HH:mm:ss[.SSS] or ISO 8601)');
  }
  if (typeof value === 'number' || typeof value === 'bigint') return toLong(value);
  return fail(value, 'TIMESTAMP');
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') {
    const safe = value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER;
    return safe ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  const type = typeof value;
  if (type === 'number' || type === 'boolean' || type === 'bigint') {
    return String(value as number | boolean | bigint);
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex'); // Pinot BYTES → hex
  if (value instanceof Date) return value.toISOString();
  return fail(value, 'STRING');
}

/** JSON: text that parses as JSON is kept, other values are serialised (PinotDataType.toJson). */
function toJsonText(value: unknown): string {
  if (typeof value === 'string') {
    try {
      JSON.parse(value);
      return value;
    } catch {
      return JSON.stringify(value);
    }
  }
  return JSON.stringify(value, jsonReplacer) ?? fail(value, 'JSON');
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    return parseHexBytes(value) ?? fail(value, 'BYTES', ' (expected hex digits)');
  }
  return fail(value, 'BYTES');
}

/** Pinot's sanitisation: cut at the first NUL, then at maxLength characters. */
function sanitizeString(text: string, maxLength: number | undefined): string {
  const nulAt = text.indexOf(NUL);
  const cut = nulAt === -1 ? text : text.slice(0, nulAt);
  return maxLength !== undefined && cut.length > maxLength ? cut.slice(0, maxLength) : cut;
}

type ScalarConverter = (value: unknown) => ScalarValue;

function scalarConverter(dataType: DataType, maxLength: number | undefined): ScalarConverter {
  switch (dataType) {
    case 'INT':
      return toInt;
    case 'LONG':
      return toLong;
    case 'FLOAT':
      return (value) => Math.fround(toDouble(value, 'FLOAT'));
    case 'DOUBLE':
      return (value) => toDouble(value, 'DOUBLE');
    case 'BIG_DECIMAL':
      return toBigDecimal;
    case 'BOOLEAN':
      return toBoolean;
    case 'TIMESTAMP':
      return toTimestamp;
    case 'STRING':
      return (value) => sanitizeString(toText(value), maxLength);
    case 'JSON':
      return (value) => sanitizeString(toJsonText(value), maxLength);
    case 'BYTES':
      return toBytes;
  }
}

// ---------------------------------------------------------------------------------------------
// Standardisation (DataTypeTransformer.standardize): collections with no value are null, one
// value is that value, several are a multi-value; maps count as the collection of their values.

function isCollection(value: unknown): value is readonly unknown[] | Record<string, unknown> {
  return Array.isArray(value) ||
    (isPlainObject(value) && !(value instanceof Date) && !(value instanceof Uint8Array));
}

/** Null, one scalar, or an array of two or more non-null scalars. */
function standardize(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (!isCollection(value)) return value;
  const items = Array.isArray(value) ? value : Object.values(value);
  if (items.length === 1) return standardize(items[0]);
  const kept: unknown[] = [];
  for (const item of items) {
    const single = standardize(item);
    if (Array.isArray(single)) kept.push(...(single as unknown[]));
    else if (single !== null) kept.push(single);
  }
  if (kept.length === 0) return null;
  return kept.length === 1 ? kept[0] : kept;
}

/** Converts one raw value to a column's stored value; throws DataError naming the column. */
export type ColumnConverter = (value: unknown) => Value;

function columnError(field: FieldSpec, error: unknown): unknown {
  if (!(error instanceof ConversionError)) return error;
  return new DataError(`column "${field.name}": ${error.message}; fix the input or change the ` +
    `column's dataType in the schema`);
}

/** A scalar needs no standardisation: the common case, kept free of allocation. */
function isScalar(value: unknown): boolean {
  return typeof value !== 'object' || value instanceof Uint8Array || value instanceof Date;
}

function singleValueConverter(field: FieldSpec, convert: ScalarConverter): ColumnConverter {
  return (value) => {
    if (value === undefined || value === null) return null;
    try {
      if (isScalar(value)) return convert(value);
      const single = standardize(value);
      if (Array.isArray(single)) {
        fail(value, `single-value ${field.dataType}`, ' (the column is single-value; ' +
          'declare it "singleValueField": false for multi-values)');
      }
      return single === null ? null : convert(single);
    } catch (error) {
      throw columnError(field, error);
    }
  };
}

/** An array of scalars only (no nulls, no nesting) converts without standardising first. */
function isFlatArray(value: unknown): value is readonly unknown[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const item of value as unknown[]) {
    if (item === null || item === undefined || !isScalar(item)) return false;
  }
  return true;
}

function multiValueConverter(field: FieldSpec, convert: ScalarConverter): ColumnConverter {
  return (value) => {
    if (value === undefined || value === null) return null;
    try {
      if (isFlatArray(value)) return value.map(convert);
      const multi = isScalar(value) ? value : standardize(value);
      if (multi === null) return null;
      return Array.isArray(multi) ? (multi as unknown[]).map(convert) : [convert(multi)];
    } catch (error) {
      throw columnError(field, error);
    }
  };
}

export function columnConverter(field: FieldSpec): ColumnConverter {
  const convert = scalarConverter(field.dataType, field.maxLength);
  if (field.dataType === 'JSON') {
    // Pinot hands JSON columns their value whole (no standardisation): arrays stay arrays.
    return (value) => {
      if (value === undefined || value === null) return null;
      try {
        return convert(value);
      } catch (error) {
        throw columnError(field, error);
      }
    };
  }
  return field.singleValueField ? singleValueConverter(field, convert)
    : multiValueConverter(field, convert);
}

// ---------------------------------------------------------------------------------------------
// Expressions over a record (transformConfigs, filterConfig)

const EXPRESSION_TYPES: Readonly<Record<DataType, ValueType>> = {
  INT: 'INT',
  LONG: 'LONG',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  BIG_DECIMAL: 'STRING',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  STRING: 'STRING',
  JSON: 'STRING',
  BYTES: 'BYTES',
};

/** Where an expression input comes from: the prepared row (schema columns) or the raw record. */
interface ExpressionInput {
  readonly name: string;
  readonly fromRow: boolean;
}

interface RecordExpression {
  readonly text: string;
  /** The config path that holds the expression, for error messages. */
  readonly path: string;
  readonly evaluate: (scratch: Row) => ExprValue;
  readonly inputs: readonly ExpressionInput[];
}

/** A raw value as an expression sees it: dates as epoch millis, objects as JSON text. */
function expressionValue(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value)) {
    return JSON.stringify(value, jsonReplacer);
  }
  return value as Value;
}

function compileRecordExpression(text: string, path: string, schema: Schema): RecordExpression {
  const fields = new Map(schema.fields.map((field) => [field.name, field]));
  let compiled;
  try {
    // Any name resolves: a record may carry fields the schema does not (Pinot reads them too).
    compiled = compileRowExpressionText(text, (name) => {
      const field = fields.get(name);
      return field === undefined ? name : { key: name, type: EXPRESSION_TYPES[field.dataType] };
    });
  } catch (error) {
    if (!(error instanceof CuveeError)) throw error;
    throw new ConfigError(`${path}: cannot use "${text}": ${error.message}`);
  }
  const inputs = compiled.columns.map((name) => ({ name, fromRow: fields.has(name) }));
  return { text, path, evaluate: compiled.evaluate, inputs };
}

/** Pinot's ExpressionTransformer order: a transform runs after those that produce its inputs. */
function orderTransforms(transforms: readonly PreparedTransform[]): PreparedTransform[] {
  const byColumn = new Map(transforms.map((transform) => [transform.column, transform]));
  const ordered: PreparedTransform[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (transform: PreparedTransform): void => {
    const seen = state.get(transform.column);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      throw new ConfigError(`${transform.expression.path}: transforms depend on each other in a ` +
        `cycle through column "${transform.column}"`);
    }
    state.set(transform.column, 'visiting');
    for (const input of transform.expression.inputs) {
      const producer = byColumn.get(input.name);
      if (producer !== undefined && producer !== transform) visit(producer);
    }
    state.set(transform.column, 'done');
    ordered.push(transform);
  };
  transforms.forEach(visit);
  return ordered;
}

type RowBuilder = (raw: RawRecord, converters: readonly ColumnConverter[]) => Row;

/**
 * Builds `(raw, converters) => row` with every column name written out as a literal, so that
 * each property read and write gets its own inline cache. A loop over computed names makes
 * V8's keyed accesses megamorphic: copying the 81 airline columns that way measured 15x
 * slower, most of the cost of preparation. Names enter the code only through JSON.stringify
 * (parseSchema refuses `__proto__`, the one name an object literal would treat specially).
 * `converted[i]` is read from the raw record through `converters[i]`; the other columns
 * (those transforms produce) start as null, so every row has its final shape at once.
 */
function compileRowBuilder(
  allColumns: readonly string[],
  converted: readonly string[],
): RowBuilder {
  const position = new Map(converted.map((name, index) => [name, index]));
  const properties = allColumns.map((name) => {
    const key = JSON.stringify(name);
    const index = position.get(name);
    return index === undefined ? `${key}: null` : `${key}: converters[${index}](raw[${key}])`;
  });
  const body = `'use strict';\nreturn {\n${properties.join(',\n')}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- see the comment above
  return new Function('raw', 'converters', body) as RowBuilder;
}

interface PreparedTransform {
  readonly column: string;
  readonly expression: RecordExpression;
  /** Undefined when the transform's column is not in the schema (an intermediate value). */
  readonly convert: ColumnConverter | undefined;
}

/**
 * Turns raw records into schema rows for one table. `prepare` returns null for a record the
 * filterConfig drops and throws a DataError naming the column and value that do not fit.
 * One instance per ingesting thread: it reuses scratch space between records.
 */
export class RowPreparer {
  private readonly buildRow: RowBuilder;
  /** Converters of the columns read from the record, in the order buildRow uses them. */
  private readonly converters: readonly ColumnConverter[];
  private readonly transforms: readonly PreparedTransform[];
  private readonly filter: RecordExpression | undefined;
  /** Expression inputs, refilled per record (one object, not one per record). */
  private readonly scratch: Row = {};

  constructor(schema: Schema, table: TableConfig) {
    const fields = new Map(schema.fields.map((field) => [field.name, field]));
    const configured = table.ingestionConfig.transformConfigs.map((transform, index) => {
      const path = `ingestionConfig.transformConfigs[${index}].transformFunction`;
      const field = fields.get(transform.columnName);
      return {
        column: transform.columnName,
        expression: compileRecordExpression(transform.transformFunction, path, schema),
        convert: field === undefined ? undefined : columnConverter(field),
      };
    });
    this.transforms = orderTransforms(configured);
    const produced = new Set(this.transforms.map((transform) => transform.column));
    const readFields = schema.fields.filter((field) => !produced.has(field.name));
    this.converters = readFields.map(columnConverter);
    this.buildRow = compileRowBuilder(
      schema.fields.map((field) => field.name),
      readFields.map((field) => field.name),
    );
    const filterText = table.ingestionConfig.filterFunction;
    this.filter = filterText === undefined ? undefined
      : compileRecordExpression(filterText, 'ingestionConfig.filterConfig.filterFunction', schema);
  }

  /** The schema row for `raw`, or null when the filterConfig drops it. */
  prepare(raw: RawRecord): Row | null {
    const row = this.buildRow(raw, this.converters);
    for (const transform of this.transforms) this.applyTransform(transform, raw, row);
    if (this.filter !== undefined && this.evaluate(this.filter, raw, row) === true) return null;
    return row;
  }

  /** Pinot keeps a value the record already has and computes only missing ones. */
  private applyTransform(transform: PreparedTransform, raw: RawRecord, row: Row): void {
    const given = raw[transform.column];
    const missing = given === undefined || given === null;
    const value = missing ? this.evaluate(transform.expression, raw, row) : given;
    row[transform.column] = transform.convert === undefined ? expressionValue(value)
      : transform.convert(value);
  }

  private evaluate(expression: RecordExpression, raw: RawRecord, row: Row): ExprValue {
    const scratch = this.scratch;
    for (const input of expression.inputs) {
      scratch[input.name] = input.fromRow || Object.hasOwn(row, input.name)
        ? (row[input.name] ?? null) : expressionValue(raw[input.name]);
    }
    try {
      return expression.evaluate(scratch);
    } catch (error) {
      if (!(error instanceof CuveeError)) throw error;
      throw new DataError(`${expression.path} "${expression.text}" failed on this record: ` +
        error.message, { cause: error });
    }
  }

  /**
   * Prepares every record of a reader's stream, dropping filtered ones; a failure names the
   * source and the record number.
   */
  async *prepareAll(records: AsyncIterable<RawRecord>, sourceLabel: string): AsyncGenerator<Row> {
    let recordNumber = 0;
    for await (const raw of records) {
      recordNumber++;
      let row: Row | null;
      try {
        row = this.prepare(raw);
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        const message = `${sourceLabel}: record ${recordNumber}: ${error.message}`;
        throw new DataError(message, { cause: error });
      }
      if (row !== null) yield row;
    }
  }
}
