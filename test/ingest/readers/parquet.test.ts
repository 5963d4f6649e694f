import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetRecordReader } from '../../../host/ingest/readers/parquet.js';
import { RecordReadError } from '../../../host/ingest/readers/types.js';
import { readAll, temporaryDirectory } from './support.js';

const ROWS = 5000; // enough for several row groups at ROW_GROUP_SIZE below
const ROW_GROUP_ROWS = 2048; // DuckDB's smallest row group

/** Writes a Parquet fixture with DuckDB (hyparquet only reads). */
async function writeFixture(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (
    SELECT i::INTEGER AS id,
      (i * 1000000000000)::BIGINT AS big,
      CASE WHEN i % 3 = 0 THEN NULL ELSE 'name' || i END AS name,
      [i, i + 1]::INTEGER[] AS pair,
      TIMESTAMP '2021-01-01 00:00:00' + INTERVAL (i) SECOND AS at,
      DATE '2021-01-02' AS day,
      i * 0.5 AS half,
      i % 2 = 0 AS even
    FROM range(${ROWS}) t(i)
  ) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`);
  connection.closeSync();
  instance.closeSync();
}

test('reads every row group with Pinot-friendly values', async () => {
  const directory = temporaryDirectory('parquet');
  const path = join(directory, 'rows.parquet');
  await writeFixture(path);
  const records = await readAll(parquetRecordReader, path);
  assert.equal(records.length, ROWS);
  assert.deepEqual({ ...records[1] }, {
    id: 1,
    big: 1000000000000n,
    name: 'name1',
    pair: [1, 2],
    at: 1609459201000,
    day: 18629,
    half: 0.5,
    even: false,
  });
  assert.equal(records[3]?.['name'], null);
  assert.equal(records[ROWS - 1]?.['id'], ROWS - 1);
  const ids = records.map((record) => record['id']);
  assert.deepEqual(ids, Array.from({ length: ROWS }, (_, index) => index));
  const fromBytes = await readAll(parquetRecordReader, readFileSync(path), { columns: ['id', 'name'] });
  assert.deepEqual({ ...fromBytes[2] }, { id: 2, name: 'name2' });
});

test('a file that is not Parquet is refused with its name', async () => {
  const directory = temporaryDirectory('parquet-bad');
  const path = join(directory, 'bad.parquet');
  writeFileSync(path, 'PAR1 this is not parquet PAR1');
  await assert.rejects(readAll(parquetRecordReader, path), (error: unknown) =>
    error instanceof RecordReadError && /bad\.parquet: metadata: not a readable Parquet file/.test(error.message));
});
