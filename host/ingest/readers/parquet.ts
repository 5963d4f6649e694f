// Parquet via hyparquet, one row group at a time so that memory follows the row-group size,
// not the file size. INT64 stays exact (bigint), timestamps become epoch millis, DATE epoch
// days, JSON columns their text, as Pinot's Parquet reader hands them to the schema.
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  type AsyncBuffer,
} from 'hyparquet';
import {
  RecordReadError,
  type RawRecord,
  type ReaderOptions,
  type RecordReader,
  type RecordSource,
} from './types.js';

const MICROS_PER_MILLI = 1000n; // timestamp units → Pinot's TIMESTAMP millis
const NANOS_PER_MILLI = 1_000_000n; // timestamp units → Pinot's TIMESTAMP millis
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER); // a millis value below this stays a bigint
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER); // a millis value above this stays a bigint

function millis(value: bigint): number | bigint {
  return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value;
}

const textDecoder = new TextDecoder();

const PARSERS = {
  timestampFromMilliseconds: (value: bigint) => millis(value),
  timestampFromMicroseconds: (value: bigint) => millis(value / MICROS_PER_MILLI),
  timestampFromNanoseconds: (value: bigint) => millis(value / NANOS_PER_MILLI),
  dateFromDays: (days: number) => days,
  jsonFromBytes: (bytes: Uint8Array | undefined) =>
    bytes === undefined ? bytes : textDecoder.decode(bytes),
};

function bufferFromBytes(bytes: Uint8Array): AsyncBuffer {
  return {
    byteLength: bytes.byteLength,
    slice(start: number, end?: number): ArrayBuffer {
      // A copy: a Node Buffer's slice is a view whose .buffer is the whole pool.
      return new Uint8Array(bytes.subarray(start, end ?? bytes.byteLength)).buffer;
    },
  };
}

async function* readParquet(
  source: RecordSource,
  options: ReaderOptions,
): AsyncGenerator<RawRecord> {
  let recordNumber = 0;
  try {
    const file = typeof source === 'string'
      ? await asyncBufferFromFile(source)
      : bufferFromBytes(source);
    const metadata = await parquetMetadataAsync(file);
    let rowStart = 0;
    for (const rowGroup of metadata.row_groups) {
      const rowEnd = rowStart + Number(rowGroup.num_rows);
      const rows = await parquetReadObjects({
        file,
        metadata,
        rowStart,
        rowEnd,
        parsers: PARSERS,
        ...(options.columns === undefined ? {} : { columns: [...options.columns] }),
      });
      for (const row of rows) {
        recordNumber++;
        yield row;
      }
      rowStart = rowEnd;
    }
  } catch (error) {
    if (error instanceof RecordReadError) throw error;
    const where = recordNumber === 0 ? 'metadata' : `after record ${recordNumber}`;
    const detail = `not a readable Parquet file (${(error as Error).message})`;
    throw new RecordReadError(source, where, detail, { cause: error });
  }
}

export const parquetRecordReader: RecordReader = {
  format: 'parquet',
  open(source: RecordSource, options: ReaderOptions = {}): AsyncIterable<RawRecord> {
    return readParquet(source, options);
  },
};
