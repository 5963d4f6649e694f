// Columnar CSV ingestion: a CSV file straight into segment columns, without a string per field,
// an object per record or a BigInt per LONG. The file is read in large chunks and cut into
// rows on bytes (readers/csvTokenizer.ts); integers and decimals parse from the bytes, text is
// dictionary-encoded by its bytes (columnBuilders.ts). A field the fast parsers do not take
// as it stands (spaces, escapes, too many digits, a multi-value delimiter, a NUL, text past
// maxLength, or a type such as TIMESTAMP) goes through the same steps as the record path:
// CsvParser's text, splitValue, then the schema's column converter (ingest/prepare.ts). So the
// values, and the errors with their record and column, are those of reader + RowPreparer.
import { open } from 'node:fs/promises';
import type { FieldSpec, ScalarValue, Schema, TableConfig } from '../config/types.js';
import { DataError } from '../errors/errors.js';
import { compareValues } from '../expr/values.js';
import type { ColumnarInput, ColumnInput } from '../../segments/spi/builder.js';
import { assert } from '../util/assert.js';
import {
  IntegerColumn,
  StringColumn,
  ValueColumn,
  valueBounds,
  type ColumnBuilder,
} from './columnBuilders.js';
import { columnConverter, type ColumnConverter } from './prepare.js';
import { checkHeader, settingsOf, splitValue, type CsvSettings } from './readers/csv.js';
import {
  CsvRowTokenizer,
  CsvSyntaxError,
  FIELD_ESCAPED,
  FIELD_HAS_CR,
  RowScan,
} from './readers/csvTokenizer.js';
import { RecordReadError, type ReaderOptions } from './readers/types.js';

/** Bytes per read: few system calls, and a row (rarely past a few KiB) seldom straddles two. */
const READ_BYTES = 8 << 20;
/** UTF-8's byte-order mark, which some Windows tools write first; CsvParser drops it too. */
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf] as const;
/** Digits an INT field may have to parse from bytes: 9 always fit in 32 bits. */
const INT_DIGITS_MAX = 9;
/** Digits a LONG or decimal field may have to parse from bytes: 15 are exact in a double. */
const EXACT_DIGITS_MAX = 15;
/** Exact powers of ten up to 10^15, divisors of the decimal fast path. */
const POWERS_OF_TEN = Array.from({ length: EXACT_DIGITS_MAX + 1 }, (_, power) => 10 ** power);
/** ASCII codes of the characters the number parsers read. */
const ZERO = 0x30;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
/** What fast-parsed numbers are made of: a multi-value delimiter among these takes the record
 * path, as every number would need checking for it. */
const NUMERIC_BYTES = '0123456789+-.';

/** One batch of docs in the segment builder's columnar form, with its time column's range. */
export interface CsvColumnBatch {
  readonly columns: ColumnarInput;
  readonly minTime: ScalarValue | undefined;
  readonly maxTime: ScalarValue | undefined;
}

export interface CsvColumnsJob {
  readonly file: string;
  readonly schema: Schema;
  readonly readerOptions?: ReaderOptions;
  /** A batch closes at this many docs (one segment each). */
  readonly maxDocsPerBatch: number;
  /** The column whose range each batch reports (the table's time column). */
  readonly timeColumn?: string;
  /** Appended to a record's conversion error (what the caller did about the file). */
  readonly recordErrorNote?: string;
  /** Records read so far: after every read chunk, and at the end. */
  readonly onProgress?: (recordCount: number) => void;
  /**
   * Takes each batch as soon as it is complete (then readCsvColumns returns none), so that
   * only one batch is held at a time; without it every batch is returned at the end.
   */
  readonly onBatch?: (batch: CsvColumnBatch) => Promise<void>;
}

/**
 * Whether readCsvColumns gives what reader + RowPreparer would for this table: no transforms
 * or filter (they see whole records), single-value columns only, one-byte delimiters.
 */
export function canReadCsvColumns(
  schema: Schema,
  table: TableConfig,
  readerOptions: ReaderOptions = {},
): boolean {
  const { transformConfigs, filterFunction } = table.ingestionConfig;
  if (transformConfigs.length > 0 || filterFunction !== undefined) return false;
  if (!schema.fields.every((field) => field.singleValueField)) return false;
  const delimiter = readerOptions.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 0x80) return false;
  const multiValue = readerOptions.multiValueDelimiter;
  if (multiValue === null) return true;
  if (multiValue === undefined) return true;
  return multiValue.length === 1 && multiValue.charCodeAt(0) < 0x80 &&
    !NUMERIC_BYTES.includes(multiValue);
}

const enum ParseKind {
  Int,
  Long,
  Double,
  Float,
  Text,
  /** Every value through the column converter. */
  Converted,
}

const enum Split {
  Never,
  /** Values containing the multi-value delimiter split (no multiValueColumns given). */
  OnDelimiter,
  /** The column is in multiValueColumns: every value becomes a list first. */
  Always,
}

interface ColumnPlan {
  readonly field: FieldSpec;
  readonly kind: ParseKind;
  /** The column's field in each row, or -1 when the header lacks it (every value null). */
  readonly fieldIndex: number;
  readonly convert: ColumnConverter;
  readonly split: Split;
  readonly maxLengthBytes: number;
}

function parseKindOf(field: FieldSpec): ParseKind {
  switch (field.dataType) {
    case 'INT':
      return ParseKind.Int;
    case 'LONG':
      return ParseKind.Long;
    case 'DOUBLE':
      return ParseKind.Double;
    case 'FLOAT':
      return ParseKind.Float;
    case 'STRING':
      return ParseKind.Text;
    default:
      return ParseKind.Converted;
  }
}

function splitOf(field: FieldSpec, settings: CsvSettings): Split {
  if (settings.multiValueDelimiter === null) return Split.Never;
  if (settings.multiValueColumns === undefined) return Split.OnDelimiter;
  return settings.multiValueColumns.has(field.name) ? Split.Always : Split.Never;
}

function planColumns(schema: Schema, header: readonly string[], settings: CsvSettings) {
  const position = new Map(header.map((name, index) => [name, index]));
  return schema.fields.map((field): ColumnPlan => ({
    field,
    kind: parseKindOf(field),
    fieldIndex: position.get(field.name) ?? -1,
    convert: columnConverter(field),
    split: splitOf(field, settings),
    maxLengthBytes: field.maxLength ?? Number.POSITIVE_INFINITY,
  }));
}

function builderOf(field: FieldSpec): ColumnBuilder {
  switch (field.storedType) {
    case 'INT':
    case 'LONG':
      return new IntegerColumn(field);
    case 'STRING':
      return new StringColumn(field);
    default:
      return new ValueColumn(field);
  }
}

/** `[+-]?digits` with 1..maxDigits digits, as a number; NaN for anything else. */
function parseInteger(bytes: Uint8Array, start: number, end: number, maxDigits: number): number {
  let at = start;
  const sign = bytes[at];
  if (sign === MINUS || sign === PLUS) at++;
  if (end - at < 1 || end - at > maxDigits) return Number.NaN;
  let value = 0;
  for (; at < end; at++) {
    const digit = bytes[at]! - ZERO;
    if (digit >>> 0 > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return sign === MINUS ? -value : value;
}

/**
 * `[+-]?digits[.digits]` with at most 15 digits, as Number() reads it: the digits and the
 * power of ten are exact doubles, so their quotient is the correctly rounded value. NaN for
 * any other text.
 */
function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  const sign = bytes[at];
  if (sign === MINUS || sign === PLUS) at++;
  let mantissa = 0;
  let digitCount = 0;
  let fractionDigits = -1;
  for (; at < end; at++) {
    const code = bytes[at]!;
    if (code === DOT && fractionDigits === -1 && digitCount > 0) {
      fractionDigits = 0;
      continue;
    }
    const digit = code - ZERO;
    if (digit >>> 0 > 9) return Number.NaN;
    mantissa = mantissa * 10 + digit;
    digitCount++;
    if (fractionDigits !== -1) fractionDigits++;
  }
  if (digitCount === 0 || digitCount > EXACT_DIGITS_MAX) return Number.NaN;
  const value = mantissa / POWERS_OF_TEN[Math.max(0, fractionDigits)]!;
  return sign === MINUS ? -value : value;
}

/** Rows of one file into column batches. */
class CsvColumnFiller {
  readonly batches: CsvColumnBatch[] = [];
  recordCount = 0;
  private readonly tokenizer: CsvRowTokenizer;
  private readonly settings: CsvSettings;
  private readonly multiValueByte: number;
  private header: string[] | undefined;
  private plans: ColumnPlan[] = [];
  private builders: ColumnBuilder[] = [];
  private batchDocCount = 0;
  private lineNumber = 1;

  constructor(private readonly job: CsvColumnsJob) {
    const options = job.readerOptions ?? {};
    this.settings = settingsOf(job.file, options);
    this.tokenizer = new CsvRowTokenizer(this.settings.delimiterCode);
    const multiValue = this.settings.multiValueDelimiter;
    this.multiValueByte = multiValue === null ? -1 : multiValue.charCodeAt(0);
    if (options.header !== undefined) {
      this.useHeader(checkHeader(options.header, (detail) => this.fail(1, detail)));
    }
  }

  private fail(lineNumber: number, detail: string): never {
    throw new RecordReadError(this.job.file, `line ${lineNumber}`, detail);
  }

  private useHeader(header: string[]): void {
    this.header = header;
    this.plans = planColumns(this.job.schema, header, this.settings);
    this.builders = this.plans.map((plan) => builderOf(plan.field));
  }

  /** Takes the complete rows of `bytes` from `start`; returns where the unread part begins. */
  addRows(bytes: Buffer, start: number, atEnd: boolean): number {
    const tokenizer = this.tokenizer;
    let position = start;
    for (;;) {
      let scan: RowScan;
      try {
        scan = tokenizer.tokenize(bytes, position, bytes.length, atEnd, this.lineNumber);
      } catch (error) {
        if (error instanceof CsvSyntaxError) this.fail(error.lineNumber, error.detail);
        throw error;
      }
      if (scan !== RowScan.Row) return position;
      if (!tokenizer.isBlankRow()) this.addRow(bytes);
      this.lineNumber += tokenizer.rowLineBreaks;
      position = tokenizer.rowEnd;
    }
  }

  private addRow(bytes: Buffer): void {
    const tokenizer = this.tokenizer;
    if (this.header === undefined) {
      const names = Array.from({ length: tokenizer.fieldCount },
        (_, index) => tokenizer.fieldText(bytes, index));
      this.useHeader(checkHeader(names, (detail) => this.fail(this.lineNumber, detail)));
      return;
    }
    if (tokenizer.fieldCount !== this.header.length) {
      this.fail(this.lineNumber,
        `${tokenizer.fieldCount} fields where the header has ${this.header.length}`);
    }
    this.recordCount++;
    try {
      for (let column = 0; column < this.plans.length; column++) {
        this.addField(this.plans[column]!, this.builders[column]!, bytes);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const note = this.job.recordErrorNote === undefined ? '' : `; ${this.job.recordErrorNote}`;
      throw new DataError(`${this.job.file}: record ${this.recordCount}: ${message}${note}`,
        { cause: error });
    }
    if (++this.batchDocCount === this.job.maxDocsPerBatch) this.closeBatch();
  }

  private addField(plan: ColumnPlan, builder: ColumnBuilder, bytes: Buffer): void {
    const index = plan.fieldIndex;
    if (index === -1) {
      builder.addValue(plan.convert(undefined));
      return;
    }
    const tokenizer = this.tokenizer;
    const flags = tokenizer.fieldFlags[index]!;
    if ((flags & (FIELD_ESCAPED | FIELD_HAS_CR)) === 0) {
      const start = tokenizer.fieldStarts[index]!;
      const end = tokenizer.fieldEnds[index]!;
      if (flags === 0 && start === end) {
        builder.addValue(null);
        return;
      }
      if (this.addFast(plan, builder, bytes, start, end)) return;
    }
    const text = tokenizer.fieldText(bytes, index);
    builder.addValue(plan.convert(splitValue(plan.field.name, text, this.settings)));
  }

  /** Adds the field parsed from its bytes; false when it needs the converter. */
  private addFast(plan: ColumnPlan, builder: ColumnBuilder, bytes: Buffer, start: number,
    end: number): boolean {
    switch (plan.kind) {
      case ParseKind.Int:
      case ParseKind.Long: {
        const digitsMax = plan.kind === ParseKind.Int ? INT_DIGITS_MAX : EXACT_DIGITS_MAX;
        const value = parseInteger(bytes, start, end, digitsMax);
        if (Number.isNaN(value)) return false;
        (builder as IntegerColumn).addInteger(value);
        return true;
      }
      case ParseKind.Double:
      case ParseKind.Float: {
        const value = parseDecimal(bytes, start, end);
        if (Number.isNaN(value)) return false;
        builder.addValue(plan.kind === ParseKind.Float ? Math.fround(value) : value);
        return true;
      }
      case ParseKind.Text: {
        // Bytes >= chars, so text within maxLength bytes is never cut; '' of an Always
        // column splits to no values (null).
        if (end - start > plan.maxLengthBytes) return false;
        if (plan.split === Split.Always && start === end) return false;
        const stopByte = plan.split === Split.Never ? -1 : this.multiValueByte;
        return (builder as StringColumn).addBytes(bytes, start, end, stopByte);
      }
      case ParseKind.Converted:
        return false;
    }
  }

  /** Hands the docs so far over as one batch and starts empty columns. */
  closeBatch(): void {
    if (this.batchDocCount === 0) return;
    const columns: Record<string, ColumnInput> = Object.create(null) as Record<string, ColumnInput>;
    let timeInput: ColumnInput | undefined;
    this.builders.forEach((builder) => {
      const input = builder.finish();
      columns[builder.field.name] = input;
      if (builder.field.name === this.job.timeColumn) timeInput = input;
    });
    const [minTime, maxTime] = timeInput === undefined ? [undefined, undefined]
      : valueBounds(timeInput, compareValues);
    this.batches.push({ columns: { docCount: this.batchDocCount, columns }, minTime, maxTime });
    this.batchDocCount = 0;
    this.builders = this.plans.map((plan) => builderOf(plan.field));
  }
}

function byteOrderMarkLength(bytes: Buffer, filled: number): number {
  if (filled < BYTE_ORDER_MARK.length) return 0;
  return BYTE_ORDER_MARK.every((byte, index) => bytes[index] === byte)
    ? BYTE_ORDER_MARK.length : 0;
}

/**
 * Reads a CSV file into column batches of at most maxDocsPerBatch docs. Check
 * canReadCsvColumns first. Errors are those of the CSV reader (RecordReadError) and of row
 * preparation (DataError naming the file and record): nothing is returned on an error.
 */
export async function readCsvColumns(job: CsvColumnsJob): Promise<CsvColumnBatch[]> {
  assert(Number.isSafeInteger(job.maxDocsPerBatch) && job.maxDocsPerBatch > 0,
    'maxDocsPerBatch is a positive integer');
  const filler = new CsvColumnFiller(job);
  const handle = await open(job.file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(READ_BYTES);
    let [filled, atEnd, first] = [0, false, true];
    while (!atEnd) {
      if (filled === buffer.length) {
        // One row longer than the buffer: make room for it.
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      filled += bytesRead;
      atEnd = bytesRead === 0;
      if (first && filled < BYTE_ORDER_MARK.length && !atEnd) continue;
      const start = first ? byteOrderMarkLength(buffer, filled) : 0;
      const unread = filler.addRows(buffer.subarray(0, filled), start, atEnd);
      first = false;
      buffer.copyWithin(0, unread, filled);
      filled -= unread;
      job.onProgress?.(filler.recordCount);
      await handOver(filler.batches, job.onBatch);
    }
  } finally {
    await handle.close();
  }
  filler.closeBatch();
  await handOver(filler.batches, job.onBatch);
  return filler.batches;
}

async function handOver(
  batches: CsvColumnBatch[],
  onBatch: CsvColumnsJob['onBatch'],
): Promise<void> {
  if (onBatch === undefined) return;
  for (const batch of batches.splice(0)) await onBatch(batch);
}
