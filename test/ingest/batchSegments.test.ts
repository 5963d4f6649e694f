// CSV input of a batch job goes through the columnar reader; the segments it writes must be
// those the record path writes for the same records (names, splits, contents).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import { DataError } from '../../host/errors/errors.js';
import { buildBatchSegments } from '../../host/ingest/batchSegments.js';
import { listTar } from '../../segments/tar/tarReader.js';
import { temporaryDirectory } from './readers/support.js';

const quiet = (): void => {};

const schema = parseSchema({
  schemaName: 'events',
  dimensionFieldSpecs: [{ name: 'city', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'n', dataType: 'LONG' }],
  dateTimeFieldSpecs: [
    { name: 'day', dataType: 'LONG', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
  ],
}, quiet);

const tableConfig = parseTableConfig({
  tableName: 'events',
  tableType: 'OFFLINE',
  segmentsConfig: { timeColumnName: 'day', replication: '1' },
  tableIndexConfig: {},
}, quiet);

/** Days with a null (the default, Long.MIN_VALUE, names the range as the record path does). */
const RECORDS = [
  { city: 'x', n: 1, day: 5 },
  { city: 'y', n: 2, day: 3 },
  { city: null, n: 3, day: null },
  { city: 'z', n: 4, day: 9 },
  { city: 'x', n: 5, day: 7 },
];

async function segmentsOf(file: string, outputDir: string) {
  const progress: [number, boolean][] = [];
  const result = await buildBatchSegments({
    schema, tableConfig, inputFiles: [file], outputDir, maxRowsPerSegment: 2,
    onProgress: (_file, rows, done) => progress.push([rows, done]),
  });
  const summary = result.segments.map((segment) => [segment.segmentName, segment.docCount]);
  const tars = await Promise.all(result.segments.map(async (segment) =>
    (await listTar(segment.tarFile)).filter((entry) => entry.type === 'file')
      .map((entry) => entry.path)));
  return { summary, tars, rowCount: result.rowCount, done: progress.at(-1) };
}

test('CSV segments match those of the same records as JSON', async () => {
  const directory = temporaryDirectory('batch-csv');
  const csv = join(directory, 'events.csv');
  const json = join(directory, 'events.json');
  const cell = (value: string | number | null) => (value === null ? '' : String(value));
  await writeFile(csv, ['city,n,day', ...RECORDS.map((record) =>
    [record.city, record.n, record.day].map(cell).join(','))].join('\n'));
  await writeFile(json, RECORDS.map((record) => JSON.stringify(record)).join('\n'));
  const fromCsv = await segmentsOf(csv, join(directory, 'out-csv'));
  const fromJson = await segmentsOf(json, join(directory, 'out-json'));
  assert.deepEqual(fromCsv, fromJson);
  assert.equal(fromCsv.summary.length, 3);
  assert.deepEqual(fromCsv.done, [5, true]);
});

test('a bad CSV record fails the job, names the record and leaves no tar', async () => {
  const directory = temporaryDirectory('batch-csv-bad');
  const file = join(directory, 'bad.csv');
  await writeFile(file, 'city,n,day\nx,1,1\nx,2,2\nx,3,3\ny,oops,4\n');
  const outputDir = join(directory, 'out');
  await assert.rejects(buildBatchSegments({
    schema, tableConfig, inputFiles: [file], outputDir, maxRowsPerSegment: 2,
  }), (error: unknown) => error instanceof DataError &&
    error.message.startsWith(`${file}: record 4: column "n": cannot convert "oops"`));
  assert.deepEqual(await readdir(outputDir), []);
});
