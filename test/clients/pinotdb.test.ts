// Pinot's own Python client, unchanged, against a Cuvée node: pinotdb's DB-API cursor sends the
// queries to /query/sql and reads the rows; they must be the library's rows for the same SQL.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultCell } from '../../host/query/response.js';
import { startAirlineNode, type AirlineNode } from './airlineNode.js';
import { venvProgram } from './python.js';

/** The script beside this test's source (the compiled test lives under dist/). */
const SCRIPT_PATH = new URL('../../../test/clients/pinotdb_query.py', import.meta.url).pathname;
/** Python's start, the imports and a few queries take about a second; leave room for a slow CI. */
const SCRIPT_TIMEOUT_MS = 60_000;

interface PinotdbQuery {
  readonly sql: string;
  readonly parameters?: Record<string, string | number>;
}

type PinotdbAnswer =
  | { columns: string[]; rows: unknown[][]; error?: undefined }
  | { error: string; message: string };

const runFile = promisify(execFile);

async function viaPinotdb(node: AirlineNode, queries: PinotdbQuery[]): Promise<PinotdbAnswer[]> {
  const url = new URL(node.server.brokerUrl);
  const { stdout } = await runFile(
    venvProgram('python'),
    [SCRIPT_PATH, url.hostname, url.port, JSON.stringify(queries)],
    { timeout: SCRIPT_TIMEOUT_MS },
  );
  return JSON.parse(stdout) as PinotdbAnswer[];
}

/** A library cell as Python's json module writes what pinotdb returned for it. */
function asJsonValue(cell: ResultCell): unknown {
  if (typeof cell === 'bigint') return Number(cell);
  if (Array.isArray(cell)) return cell.map(asJsonValue);
  return cell;
}

const GROUP_BY_SQL =
  'SELECT Carrier, COUNT(*), SUM(ArrDelay), MAX(Distance) FROM airlineStats ' +
  "WHERE DayOfWeek IN (1, 7) AND Origin <> 'ATL' GROUP BY Carrier ORDER BY COUNT(*) DESC, Carrier " +
  'LIMIT 12';

describe('pinotdb (Python DB-API) against the HTTP server', () => {
  let node: AirlineNode;
  let answers: PinotdbAnswer[];

  before(async () => {
    node = await startAirlineNode();
    answers = await viaPinotdb(node, [
      { sql: GROUP_BY_SQL },
      {
        sql:
          'SELECT FlightNum, Origin, Dest FROM airlineStats WHERE Carrier = %(carrier)s ' +
          'ORDER BY FlightNum, Origin, Dest LIMIT 5',
        parameters: { carrier: 'AA' },
      },
      { sql: 'SELECT Carrier FROM noSuchTable' },
    ]);
  });

  after(async () => {
    await node?.stop();
  });

  test('a group-by with a filter reads the library rows', async () => {
    const expected = await node.cuvee.query(GROUP_BY_SQL);
    assert.deepEqual(expected.exceptions, []);
    const answer = answers[0]!;
    assert.equal(answer.error, undefined, JSON.stringify(answer));
    if (answer.error !== undefined) return;
    assert.deepEqual(answer.columns, expected.resultTable!.dataSchema.columnNames);
    assert.deepEqual(
      answer.rows,
      expected.resultTable!.rows.map((row) => row.map(asJsonValue)),
    );
    assert.equal(answer.rows.length, 12);
  });

  test('pyformat parameters are substituted by the client', async () => {
    const expected = await node.cuvee.query(
      "SELECT FlightNum, Origin, Dest FROM airlineStats WHERE Carrier = 'AA' " +
        'ORDER BY FlightNum, Origin, Dest LIMIT 5',
    );
    const answer = answers[1]!;
    assert.equal(answer.error, undefined, JSON.stringify(answer));
    if (answer.error !== undefined) return;
    assert.deepEqual(
      answer.rows,
      expected.resultTable!.rows.map((row) => row.map(asJsonValue)),
    );
    assert.equal(answer.rows.length, 5);
  });

  test("a query error is raised as pinotdb's DatabaseError with Pinot's error code", async () => {
    const expected = await node.cuvee.query('SELECT Carrier FROM noSuchTable');
    const answer = answers[2]!;
    assert.equal(answer.error, 'DatabaseError', JSON.stringify(answer));
    if (answer.error === undefined) return;
    assert.match(answer.message, new RegExp(`'errorCode': ${expected.exceptions[0]!.errorCode}`));
  });
});
