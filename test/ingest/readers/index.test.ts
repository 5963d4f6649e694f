import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFromPath, isRecordFormat, readerFor } from '../../../host/ingest/readers/index.js';
import { DataError } from '../../../host/errors/errors.js';

test('readerFor returns the reader of each format', () => {
  for (const format of ['avro', 'json', 'csv', 'parquet', 'arrow'] as const) {
    assert.equal(readerFor(format).format, format);
  }
  assert.throws(() => readerFor('xml' as never), (error: unknown) =>
    error instanceof DataError && /unknown file format "xml"/.test(error.message));
});

test('formats from file names', () => {
  assert.equal(formatFromPath('/data/flights.AVRO'), 'avro');
  assert.equal(formatFromPath('rows.jsonl'), 'json');
  assert.equal(formatFromPath('rows.ndjson'), 'json');
  assert.equal(formatFromPath('a.b.csv'), 'csv');
  assert.equal(formatFromPath('x.parquet'), 'parquet');
  assert.equal(formatFromPath('x.arrows'), 'arrow');
  assert.equal(formatFromPath('x.feather'), 'arrow');
  assert.equal(formatFromPath('README'), undefined);
  assert.equal(formatFromPath('x.txt'), undefined);
  assert.equal(isRecordFormat('csv'), true);
  assert.equal(isRecordFormat('toString'), false);
});
