// The reader registry: one RecordReader per format, and a format guessed from a file name.
import { DataError } from '../../errors/errors.js';
import { arrowRecordReader } from './arrow.js';
import { avroRecordReader } from './avro.js';
import { csvRecordReader } from './csv.js';
import { jsonRecordReader } from './json.js';
import { parquetRecordReader } from './parquet.js';
import type { RecordFormat, RecordReader } from './types.js';

export type {
  RawRecord,
  ReaderOptions,
  RecordFormat,
  RecordReader,
  RecordSource,
} from './types.js';
export { RecordReadError } from './types.js';
export { parseJsonExact } from './json.js';

const READERS: Readonly<Record<RecordFormat, RecordReader>> = {
  avro: avroRecordReader,
  json: jsonRecordReader,
  csv: csvRecordReader,
  parquet: parquetRecordReader,
  arrow: arrowRecordReader,
};

/** File extensions Pinot's and Arrow's tools write, lower case. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, RecordFormat>> = {
  avro: 'avro',
  json: 'json',
  jsonl: 'json',
  ndjson: 'json',
  csv: 'csv',
  tsv: 'csv',
  parquet: 'parquet',
  arrow: 'arrow',
  arrows: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
};

export function isRecordFormat(name: string): name is RecordFormat {
  return Object.hasOwn(READERS, name);
}

export function readerFor(format: RecordFormat): RecordReader {
  const reader = READERS[format] as RecordReader | undefined;
  if (reader === undefined) {
    const known = Object.keys(READERS).join(', ');
    throw new DataError(`unknown file format "${String(format)}" (one of ${known})`);
  }
  return reader;
}

/** The format a file name's extension suggests, or undefined. */
export function formatFromPath(path: string): RecordFormat | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : FORMAT_BY_EXTENSION[extension];
}
