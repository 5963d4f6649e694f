// The real `cuvee` CLI on a local data directory: help and usage errors of every command, the
// happy paths of create-schema, create-table, ingest, query (table, json, csv, arrow, each
// parsed back) and segment create.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { parseJsonExact } from '../../host/ingest/readers/index.js';
import { AIRLINE_AVRO_PATH } from '../support/airline.js';
import { parseCsv } from './csvParse.js';
import { runCli, type CliResult } from './support.js';

const FIXTURES = new URL('../../../test/fixtures/airlineStats/', import.meta.url).pathname;
const SCHEMA_FILE = join(FIXTURES, 'airlineStats_schema.json');
const TABLE_FILE = join(FIXTURES, 'airlineStats_offline_table_config.json');
/** Keeps a developer's own node out of these tests. */
const NO_REMOTE = { CUVEE_CONTROLLER: undefined, CUVEE_BROKER: undefined };
const COMMANDS = ['start', 'quickstart', 'create-schema', 'create-table', 'ingest', 'query'];

function cli(args: readonly string[]): Promise<CliResult> {
  return runCli(args, NO_REMOTE);
}

function assertExit(result: CliResult, code: number, what: string): void {
  assert.equal(
    result.code,
    code,
    `${what}: exit ${result.code}\nstdout: ${result.stdout.toString()}\nstderr: ${result.stderr}`,
  );
}

describe('cuvee help and usage errors', () => {
  test('no arguments print the command list (usage, exit 2); --help exits 0', async () => {
    const bare = await cli([]);
    assertExit(bare, 2, 'cuvee');
    for (const command of [...COMMANDS, 'segment']) {
      assert.ok(bare.stdout.toString().includes(`  ${command} `), command);
    }
    assertExit(await cli(['--help']), 0, 'cuvee --help');
  });

  test('every command answers --help with its usage and exit 0', async () => {
    for (const args of [
      ...COMMANDS.map((command) => [command]),
      ['segment', 'create'],
      ['segment', 'upload'],
    ]) {
      const result = await cli([...args, '--help']);
      assertExit(result, 0, `${args.join(' ')} --help`);
      assert.ok(
        result.stdout.toString().startsWith(`usage: cuvee ${args.join(' ')}`),
        args.join(' '),
      );
    }
    assertExit(await cli(['help', 'query']), 0, 'cuvee help query');
  });

  test('unknown commands, unknown flags and missing arguments exit 2 with a message', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command frobnicate/],
      [['query', '--bogus', 'SELECT 1'], /Unknown option '--bogus'.*cuvee query --help/],
      [['query'], /query needs SQL/],
      [['query', '--format', 'xml', 'SELECT 1'], /unknown --format xml/],
      [['ingest', 'file.avro'], /ingest needs --table/],
      [['ingest', '--table', 't'], /at least one FILE/],
      [['create-schema'], /exactly one FILE/],
      [['segment', 'create', '--out', 'x'], /needs --input/],
      [['segment', 'frob'], /unknown segment command frob/],
      [['query', '--broker', 'ftp://x', 'SELECT 1'], /only http/],
      [['start', '--port', 'abc'], /port/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      assertExit(result, 2, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
  });
});

describe('cuvee on a local data directory', () => {
  let dataDir: string;
  const sql =
    'SELECT Carrier, COUNT(*) AS flights FROM airlineStats GROUP BY Carrier ORDER BY Carrier LIMIT 3';

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-cli-'));
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('create-schema, create-table and ingest (piped: one plain line per file)', async () => {
    const schema = await cli(['create-schema', '--data-dir', dataDir, SCHEMA_FILE]);
    assertExit(schema, 0, 'create-schema');
    assert.match(schema.stdout.toString(), /created schema airlineStats/);
    const again = await cli(['create-schema', '--data-dir', dataDir, SCHEMA_FILE]);
    assertExit(again, 1, 'create-schema twice');
    assert.match(again.stderr, /airlineStats/);
    assertExit(await cli(['create-table', '--data-dir', dataDir, TABLE_FILE]), 0, 'create-table');
    const ingest = await cli([
      'ingest',
      '--data-dir',
      dataDir,
      '--table',
      'airlineStats',
      AIRLINE_AVRO_PATH,
    ]);
    assertExit(ingest, 0, 'ingest');
    const lines = ingest.stdout.toString().trimEnd().split('\n');
    assert.equal(lines.length, 2, ingest.stdout.toString());
    assert.match(
      lines[0]!,
      /^airlineStats_data\.avro {2}9,746 rows {2}[\d,]+ rows\/s -> airlineStats_/,
    );
    assert.doesNotMatch(ingest.stdout.toString(), /\r|\u001b/);
    assert.equal(lines[1], 'ingested 9746 rows (0 filtered) into 1 segments');
  });

  test('query prints the same rows as a table, JSON, CSV and Arrow', async () => {
    const table = await cli(['query', '--data-dir', dataDir, sql]);
    assertExit(table, 0, 'query');
    const tableLines = table.stdout.toString().split('\n');
    assert.match(tableLines[0]!, /^Carrier \| flights$/);
    assert.match(tableLines[2]!, /^AA +\| +905$/);

    const json = await cli(['query', '--data-dir', dataDir, '--format', 'json', sql]);
    assertExit(json, 0, 'query json');
    const response = parseJsonExact(json.stdout.toString()) as {
      resultTable: { rows: unknown[][] };
      exceptions: unknown[];
    };
    assert.deepEqual(response.exceptions, []);
    const rows = response.resultTable.rows;
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], ['AA', 905]);

    const csv = await cli(['query', '--data-dir', dataDir, '--format', 'csv', sql]);
    assertExit(csv, 0, 'query csv');
    assert.deepEqual(parseCsv(csv.stdout.toString()), [
      ['Carrier', 'flights'],
      ...rows.map((row) => row.map(String)),
    ]);

    const arrow = await cli(['query', '--data-dir', dataDir, '--format', 'arrow', sql]);
    assertExit(arrow, 0, 'query arrow');
    const decoded = tableFromIPC(arrow.stdout);
    assert.deepEqual(
      decoded.schema.fields.map((field) => field.name),
      ['Carrier', 'flights'],
    );
    assert.deepEqual(
      decoded
        .toArray()
        .map((row: { Carrier: string; flights: number | bigint }) => [
          row.Carrier,
          Number(row.flights),
        ]),
      rows,
    );
  });

  test('a failing query exits 1 with the exception on stderr', async () => {
    const result = await cli(['query', '--data-dir', dataDir, 'SELECT nope FROM airlineStats']);
    assertExit(result, 1, 'bad query');
    assert.match(result.stderr, /error \d+: .*nope/);
  });

  test('segment create builds tars offline; a missing input file exits 1', async () => {
    const out = join(dataDir, 'tars');
    const args = ['segment', 'create', '--schema', SCHEMA_FILE, '--table-config', TABLE_FILE];
    const built = await cli([
      ...args,
      '--input',
      AIRLINE_AVRO_PATH,
      '--out',
      out,
      '--max-rows-per-segment',
      '5000',
    ]);
    assertExit(built, 0, 'segment create');
    assert.match(built.stdout.toString(), /created 2 segments of 9746 rows/);
    assert.deepEqual(await readdir(out), [
      'airlineStats_OFFLINE_16071_16086_0.tar.gz',
      'airlineStats_OFFLINE_16086_16101_1.tar.gz',
    ]);
    const missing = await cli([...args, '--input', join(dataDir, 'none.avro'), '--out', out]);
    assertExit(missing, 1, 'segment create, missing input');
    assert.match(missing.stderr, /none\.avro/);
  });
});
