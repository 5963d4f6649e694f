// Arrow IPC, file and stream formats, via apache-arrow, one record batch at a time. Lists
// become arrays, structs and maps plain objects, Int64 stays exact (bigint), timestamps are
// epoch millis and dates epoch days, matching the Avro and Parquet readers.
import { createReadStream } from 'node:fs';
import { DataType, RecordBatchReader, Vector, type RecordBatch } from 'apache-arrow';
import {
  RecordReadError,
  type RawRecord,
  type ReaderOptions,
  type RecordReader,
  type RecordSource,
} from './types.js';

const MILLIS_PER_DAY = 86_400_000; // Arrow hands dates over as epoch millis

type Convert = (value: unknown) => unknown;

function convertNested(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Vector) return Array.from(value as Vector, convertNested);
  if ('toJSON' in value && typeof value.toJSON === 'function') {
    const plain = (value as { toJSON(): Record<string, unknown> }).toJSON();
    const entries = Object.entries(plain).map(([key, item]) => [key, convertNested(item)]);
    return Object.fromEntries(entries);
  }
  return value;
}

function converterFor(vector: Vector): Convert {
  if (DataType.isDate(vector.type)) {
    return (value) => (value === null ? null : Math.floor((value as number) / MILLIS_PER_DAY));
  }
  return convertNested;
}

function* batchRecords(
  batch: RecordBatch,
  columns: readonly string[] | undefined,
): Generator<RawRecord> {
  const names = columns ?? batch.schema.fields.map((field) => field.name);
  const vectors = names.map((name) => batch.getChild(name));
  const converters = vectors.map((vector) => (vector === null ? undefined : converterFor(vector)));
  for (let row = 0; row < batch.numRows; row++) {
    const record: RawRecord = {};
    for (let column = 0; column < names.length; column++) {
      const vector = vectors[column];
      if (vector === null || vector === undefined) continue;
      record[names[column]!] = converters[column]!(vector.get(row));
    }
    yield record;
  }
}

async function* readArrow(source: RecordSource, options: ReaderOptions): AsyncGenerator<RawRecord> {
  let recordNumber = 0;
  try {
    const reader = typeof source === 'string'
      ? await RecordBatchReader.from(createReadStream(source))
      : RecordBatchReader.from(source);
    for await (const batch of reader) {
      for (const record of batchRecords(batch, options.columns)) {
        recordNumber++;
        yield record;
      }
    }
  } catch (error) {
    const where = recordNumber === 0 ? 'header' : `after record ${recordNumber}`;
    throw new RecordReadError(source, where, `not a readable Arrow IPC file or stream ` +
      `(${(error as Error).message})`, { cause: error });
  }
}

export const arrowRecordReader: RecordReader = {
  format: 'arrow',
  open(source: RecordSource, options: ReaderOptions = {}): AsyncIterable<RawRecord> {
    return readArrow(source, options);
  },
};
