// The library API end to end: Pinot's airline configs accepted as they are, files ingested,
// Pinot's error codes for each kind of bad query, and a data directory that reopens whole.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cuvee } from '../../host/index.js';
import { AIRLINE_AVRO_PATH, airlineJson } from '../support/airline.js';

const quiet = { onWarning: (): void => {}, runtime: { workerCount: 1 } };

async function openAirline(dataDir: string): Promise<Cuvee> {
  const cuvee = await Cuvee.open({ dataDir, ...quiet });
  await cuvee.createSchema(airlineJson('schema'));
  await cuvee.createTable(airlineJson('offline_table_config'));
  return cuvee;
}

async function countStar(cuvee: Cuvee, table = 'airlineStats'): Promise<unknown> {
  const response = await cuvee.query(`SELECT COUNT(*) FROM ${table}`);
  assert.deepEqual(response.exceptions, []);
  return response.resultTable!.rows[0]![0];
}

describe('library', () => {
  let dataDir: string;
  let cuvee: Cuvee;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-library-'));
    cuvee = await openAirline(dataDir);
    await cuvee.ingestFiles('airlineStats_OFFLINE', [AIRLINE_AVRO_PATH], { format: 'avro' });
  });

  after(async () => {
    await cuvee.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('answers with Pinot response fields and types', async () => {
    const response = await cuvee.query(
      'SELECT Carrier, COUNT(*), SUM(ArrDelay) FROM airlineStats GROUP BY Carrier ORDER BY COUNT(*) DESC LIMIT 3',
    );
    assert.deepEqual(response.exceptions, []);
    assert.deepEqual(response.resultTable!.dataSchema, {
      columnNames: ['Carrier', 'count(*)', 'sum(ArrDelay)'],
      columnDataTypes: ['STRING', 'LONG', 'DOUBLE'],
    });
    assert.equal(response.resultTable!.rows.length, 3);
    assert.equal(response.totalDocs, 9746);
    assert.equal(response.numDocsScanned, 9746);
    assert.equal(response.numSegmentsQueried, 1);
    for (const field of [
      'numEntriesScannedInFilter',
      'numEntriesScannedPostFilter',
      'numSegmentsProcessed',
      'numSegmentsMatched',
      'numGroupsLimitReached',
      'partialResult',
      'timeUsedMs',
    ]) {
      assert.ok(field in response, `response has ${field}`);
    }
  });

  test('each error code: 150 parse, 190 table, 710 column', async () => {
    const cases: [string, number][] = [
      ['SELEC * FROM airlineStats', 150],
      ['SELECT * FROM nowhere', 190],
      ['SELECT nope FROM airlineStats', 710],
      ['SELECT COUNT(*) FROM airlineStats WHERE nope = 1', 710],
      ['\u0000\u0001 garbage ))) ((', 150],
    ];
    for (const [sql, errorCode] of cases) {
      const response = await cuvee.query(sql);
      assert.equal(response.exceptions[0]?.errorCode, errorCode, sql);
      assert.equal(response.resultTable, undefined);
    }
  });

  test('a 1 MB query string gets an answer, not a crash', async () => {
    const list = Array.from({ length: 120_000 }, (_, i) => i).join(',');
    const sql = `SELECT COUNT(*) FROM airlineStats WHERE AirlineID IN (${list})`;
    assert.ok(sql.length > 700_000);
    const response = await cuvee.query(sql);
    assert.deepEqual(response.exceptions, []);
    const deep = `SELECT ${'('.repeat(100_000)}1${')'.repeat(100_000)} FROM airlineStats`;
    const deepResponse = await cuvee.query(deep);
    assert.equal(deepResponse.exceptions[0]?.errorCode, 150);
  });

  test('a LIMIT above the response bound is refused, not truncated', async () => {
    const response = await cuvee.query('SELECT Carrier FROM airlineStats LIMIT 2000000');
    assert.equal(response.exceptions[0]?.errorCode, 700);
    assert.match(response.exceptions[0]!.message, /response bound/);
  });

  test('numGroupsLimit ends in a flagged partial result', async () => {
    const response = await cuvee.query(
      'SET numGroupsLimit = 5; SELECT Origin, COUNT(*) FROM airlineStats GROUP BY Origin LIMIT 100',
    );
    assert.equal(response.numGroupsLimitReached, true);
    assert.equal(response.partialResult, true);
    assert.equal(response.resultTable!.rows.length, 5);
  });

  test('a data directory reopens with every table and segment', async () => {
    await cuvee.close();
    cuvee = await Cuvee.open({ dataDir, ...quiet });
    assert.equal(await countStar(cuvee), 9746);
  });

  test('a corrupt segment is refused with an error naming it, and the answer says so', async () => {
    await cuvee.close();
    const segmentDir = join(dataDir, 'segments', 'airlineStats_OFFLINE');
    const [file] = (await readdir(segmentDir)).filter((name) => name.endsWith('.seg'));
    const path = join(segmentDir, file!);
    const original = await readFile(path);
    const damaged = Buffer.from(original);
    damaged[damaged.length >> 1]! ^= 0xff;
    await writeFile(path, damaged);
    cuvee = await Cuvee.open({ dataDir, ...quiet });
    const response = await cuvee.query('SELECT COUNT(*) FROM airlineStats');
    assert.equal(response.partialResult, true);
    assert.equal(response.exceptions[0]?.errorCode, 235);
    assert.match(response.exceptions[0]!.message, new RegExp(file!.replace('.seg', '')));
    await cuvee.close();
    await writeFile(path, original);
    cuvee = await Cuvee.open({ dataDir, ...quiet });
    assert.equal(await countStar(cuvee), 9746, 'nothing was lost: the file was left in place');
  });
});

test('timeoutMs ends a long query with error 250, not a hang', async () => {
  // Many small segments and a row-at-a-time expression: far more than a millisecond of work.
  const cuvee = await Cuvee.open({ ...quiet, maxRowsPerSegment: 300 });
  try {
    await cuvee.createSchema(airlineJson('schema'));
    await cuvee.createTable(airlineJson('offline_table_config'));
    await cuvee.ingestFiles('airlineStats', [AIRLINE_AVRO_PATH]);
    const sql = "SELECT COUNT(*) FROM airlineStats WHERE UPPER(CONCAT(Origin, Dest, '-')) <> 'X'";
    const response = await cuvee.query(`SET timeoutMs = 1; ${sql}`);
    assert.equal(response.exceptions[0]?.errorCode, 250);
    assert.equal(response.resultTable, undefined);
    const unbounded = await cuvee.query(sql);
    assert.deepEqual(unbounded.exceptions, [], 'the same query finishes with the default limit');
  } finally {
    await cuvee.close();
  }
});

test('config errors name the field; unknown keys warn', async () => {
  const warnings: string[] = [];
  const cuvee = await Cuvee.open({
    onWarning: (message) => warnings.push(message),
    runtime: { workerCount: 1 },
  });
  try {
    const schema = airlineJson('schema');
    await assert.rejects(
      cuvee.createSchema({ ...schema, dimensionFieldSpecs: [{ name: 'x', dataType: 'INTEGER' }] }),
      /dimensionFieldSpecs\[0\]\.dataType/,
    );
    await cuvee.createSchema({ ...schema, someFutureKey: 1 });
    assert.ok(warnings.some((warning) => warning.includes('someFutureKey')));
    await assert.rejects(
      cuvee.createTable({ ...airlineJson('offline_table_config'), tableName: 'other' }),
      /schema other/,
    );
  } finally {
    await cuvee.close();
  }
});
