// The real `cuvee` CLI against a running node (`cuvee start --port 0`): create-schema,
// create-table (env default URL, --override), ingest over /ingestFromFile, query over
// /query/sql in every format, and segment create + upload, twice, leaving COUNT(*) unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parseJsonExact } from '../../host/ingest/readers/index.js';
import { AIRLINE_AVRO_PATH } from '../support/airline.js';
import { parseCsv } from './csvParse.js';
import { postSql, runCli, startNode, type CliResult, type RunningCli } from './support.js';

const FIXTURES = new URL('../../../test/fixtures/airlineStats/', import.meta.url).pathname;
const SCHEMA_FILE = join(FIXTURES, 'airlineStats_schema.json');
const TABLE_FILE = join(FIXTURES, 'airlineStats_offline_table_config.json');
const AIRLINE_ROWS = 9746;

function assertExit(result: CliResult, code: number, what: string): void {
  assert.equal(
    result.code,
    code,
    `${what}: exit ${result.code}\nstdout: ${result.stdout.toString()}\nstderr: ${result.stderr}`,
  );
}

async function countRows(url: string): Promise<unknown> {
  const answer = (await postSql(url, 'SELECT COUNT(*) FROM airlineStats')) as {
    resultTable: { rows: unknown[][] };
  };
  return answer.resultTable.rows[0]![0];
}

/** A local port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('cuvee commands against a running node', () => {
  let dataDir: string;
  let node: RunningCli;
  const cli = (args: readonly string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { CUVEE_CONTROLLER: undefined, CUVEE_BROKER: undefined, ...env });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-remote-'));
    node = await startNode(join(dataDir, 'node'));
  });

  after(async () => {
    const code = await node.stop();
    await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, `cuvee start exited with ${code}:\n${node.output()}`);
  });

  test('create-schema, create-table (URL from the environment) and --override', async () => {
    const schema = await cli(['create-schema', '--controller', node.url, SCHEMA_FILE]);
    assertExit(schema, 0, 'create-schema');
    assert.match(schema.stdout.toString(), /airlineStats/);
    const table = await cli(['create-table', TABLE_FILE], { CUVEE_CONTROLLER: node.url });
    assertExit(table, 0, 'create-table');
    assert.match(table.stdout.toString(), /airlineStats_OFFLINE/);
    const twice = await cli(['create-table', '--controller', node.url, TABLE_FILE]);
    assertExit(twice, 1, 'create-table twice');
    assert.match(twice.stderr, /409/);
    const override = await cli([
      'create-table',
      '--override',
      '--controller',
      node.url,
      TABLE_FILE,
    ]);
    assertExit(override, 0, 'create-table --override');
  });

  test('ingest uploads to /ingestFromFile; piped, one plain line per file', async () => {
    const result = await cli([
      'ingest',
      '--controller',
      node.url,
      '--table',
      'airlineStats',
      AIRLINE_AVRO_PATH,
    ]);
    assertExit(result, 0, 'ingest');
    const text = result.stdout.toString();
    assert.doesNotMatch(text, /\r|\u001b/);
    assert.match(text, /^airlineStats_data\.avro {2}\[#+\] 100% {2}3\.\d MiB/);
    assert.equal(text.trimEnd().split('\n').length, 1);
    assert.equal(await countRows(node.url), AIRLINE_ROWS);
  });

  test('query over the broker: table, exact JSON, CSV and Arrow agree', async () => {
    const sql =
      'SELECT Carrier, SUM(ArrDelay) AS delay FROM airlineStats GROUP BY Carrier ORDER BY Carrier LIMIT 4';
    const json = await cli(['query', '--broker', node.url, '--format', 'json', sql]);
    assertExit(json, 0, 'query json');
    const rows = (parseJsonExact(json.stdout.toString()) as { resultTable: { rows: unknown[][] } })
      .resultTable.rows;
    assert.equal(rows.length, 4);
    const csv = await cli(['query', '--format', 'csv', sql], { CUVEE_BROKER: node.url });
    assertExit(csv, 0, 'query csv');
    assert.deepEqual(
      parseCsv(csv.stdout.toString()).slice(1),
      rows.map((row) => row.map(String)),
    );
    const arrow = await cli(['query', '--broker', node.url, '--format', 'arrow', sql]);
    assertExit(arrow, 0, 'query arrow');
    const decoded = tableFromIPC(arrow.stdout).toArray() as { Carrier: string; delay: unknown }[];
    assert.deepEqual(
      decoded.map((row) => [row.Carrier, Number(row.delay)]),
      rows.map(([carrier, delay]) => [carrier, Number(delay)]),
    );
    const table = await cli(['query', '--broker', node.url, sql]);
    assertExit(table, 0, 'query table');
    assert.match(table.stdout.toString(), /^Carrier \| +delay\n/);
    const failing = await cli(['query', '--broker', node.url, 'SELECT nope FROM airlineStats']);
    assertExit(failing, 1, 'failing query');
    assert.match(failing.stderr, /error \d+: .*nope/);
  });

  test('segment create, then upload twice: COUNT(*) does not change the second time', async () => {
    const out = join(dataDir, 'tars');
    const create = await cli([
      'segment',
      'create',
      '--schema',
      SCHEMA_FILE,
      '--table-config',
      TABLE_FILE,
      '--input',
      AIRLINE_AVRO_PATH,
      '--out',
      out,
      '--max-rows-per-segment',
      '5000',
    ]);
    assertExit(create, 0, 'segment create');
    const before = await countRows(node.url);
    const upload = ['segment', 'upload', '--controller', node.url, '--table', 'airlineStats', out];
    const first = await cli(upload);
    assertExit(first, 0, 'segment upload');
    assert.equal(first.stdout.toString().trimEnd().split('\n').length, 2);
    const afterFirst = await countRows(node.url);
    assert.equal(Number(afterFirst), Number(before) + AIRLINE_ROWS);
    assertExit(await cli(upload), 0, 'segment upload again');
    assert.equal(await countRows(node.url), afterFirst);
  });

  test('an unreachable node exits 1 and says how to fix it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['create-schema', '--controller', url, SCHEMA_FILE]);
    assertExit(result, 1, 'unreachable');
    assert.match(result.stderr, /cannot reach .*cuvee start/);
  });
});
