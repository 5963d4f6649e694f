// The record-reader SPI (Pinot's RecordReader): a file or a buffer in one of the supported
// formats becomes a stream of raw records, field name → value as the format holds it.
// Row preparation (host/ingest/prepare.ts) turns raw records into schema rows.
import { DataError } from '../../errors/errors.js';

/** One record as read from a file, before schema coercion. */
export type RawRecord = Record<string, unknown>;

export type RecordFormat = 'avro' | 'json' | 'csv' | 'parquet' | 'arrow';

/** A file path, or the file's bytes already in memory. */
export type RecordSource = string | Uint8Array;

export interface ReaderOptions {
  /** CSV: the field separator (default `,`), one character. */
  readonly delimiter?: string;
  /** CSV: Pinot's `multiValueDelimiter` (default `;`); `null` turns splitting off. */
  readonly multiValueDelimiter?: string | null;
  /**
   * CSV: columns whose values are split on the multi-value delimiter. Without it every value
   * that contains the delimiter is split, as Pinot's CSV reader does; pass the schema's
   * multi-value columns so that a `;` inside a single-value string stays text.
   */
  readonly multiValueColumns?: ReadonlySet<string>;
  /** CSV: column names for a file without a header row (the first line is then data). */
  readonly header?: readonly string[];
  /** Parquet and Arrow: read only these columns (the others are skipped, not decoded). */
  readonly columns?: readonly string[];
  /** Avro: apply logical types (Pinot's `enableLogicalTypes`): decimals become decimal text. */
  readonly avroLogicalTypes?: boolean;
}

export interface RecordReader {
  readonly format: RecordFormat;
  /** Streams the records of `source`; errors name the source and the record or line. */
  open(source: RecordSource, options?: ReaderOptions): AsyncIterable<RawRecord>;
}

/** How a source is named in error messages. */
export function sourceName(source: RecordSource): string {
  return typeof source === 'string' ? source : `<${source.byteLength}-byte buffer>`;
}

/** A record that cannot be read; names the file and where in it. */
export class RecordReadError extends DataError {
  constructor(source: RecordSource, where: string, detail: string, options?: { cause?: unknown }) {
    super(`${sourceName(source)}: ${where}: ${detail}`, options);
  }
}
