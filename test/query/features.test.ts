// SQL features beyond Pinot's conformance set, each checked against DuckDB on the airline rows
// (with SQL nulls, so SQL semantics line up) or against a value derived by hand from DuckDB.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cuvee } from '../../host/cuvee.js';
import type { ResultCell } from '../../host/query/response.js';
import {
  AIRLINE_AVRO_PATH,
  airlineJson,
  airlineRows,
  airlineSchema,
  duckDbWithRows,
  type DuckDbTable,
} from '../support/airline.js';

/** Relative tolerance for doubles summed in another order than DuckDB's. */
const RELATIVE_TOLERANCE = 1e-9;
const NULLS = 'SET enableNullHandling=true; ';

function close(ours: ResultCell, theirs: unknown): boolean {
  if (ours === null || theirs === null) return ours === theirs;
  if (typeof ours === 'number' || typeof ours === 'bigint') {
    const a = Number(ours);
    const b = Number(theirs as number | bigint);
    return a === b || Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(ours)) return JSON.stringify(ours) === JSON.stringify(theirs);
  return String(ours) === String(theirs as string);
}

describe('SQL features against DuckDB', () => {
  let cuvee: Cuvee;
  let duck: DuckDbTable;

  before(async () => {
    cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => {} });
    await cuvee.createSchema(airlineJson('schema'));
    await cuvee.createTable(airlineJson('offline_table_config'));
    await cuvee.ingestFiles('airlineStats', [AIRLINE_AVRO_PATH]);
    duck = await duckDbWithRows(airlineSchema(), await airlineRows(), 'airlineStats', true);
    await duck.connection.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
  });

  after(async () => {
    duck.close();
    await cuvee.close();
  });

  async function expectSame(ours: string, theirs: string, ordered = true): Promise<void> {
    const response = await cuvee.query(NULLS + ours);
    assert.deepEqual(response.exceptions, [], ours);
    const rows = response.resultTable!.rows;
    const expected = (await duck.connection.runAndReadAll(theirs)).getRowsJS() as unknown[][];
    assert.equal(rows.length, expected.length, `${ours}: row count`);
    const sortKey = (row: readonly unknown[]): string =>
      JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    const left = ordered ? rows : [...rows].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const right = ordered
      ? expected
      : [...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    left.forEach((row, i) => {
      row.forEach((cell, j) => {
        assert.ok(
          close(cell, right[i]![j]),
          `${ours}: row ${i} column ${j}: ${String(cell)} vs ${String(right[i]![j])}`,
        );
      });
    });
  }

  test('DISTINCTCOUNT, COUNT(DISTINCT), MINMAXRANGE, arithmetic over aggregates', async () => {
    await expectSame(
      'SELECT DISTINCTCOUNT(Origin), COUNT(DISTINCT Dest), MINMAXRANGE(ArrDelay), SUM(ArrDelay) / COUNT(ArrDelay) FROM airlineStats',
      'SELECT COUNT(DISTINCT Origin), COUNT(DISTINCT Dest), MAX(ArrDelay) - MIN(ArrDelay), SUM(ArrDelay) / COUNT(ArrDelay) FROM airlineStats',
    );
  });

  test('FILTER clauses, HAVING, ORDER BY an aggregate, OFFSET', async () => {
    await expectSame(
      'SELECT Carrier, COUNT(*) FILTER (WHERE ArrDelay > 15) AS late, AVG(ArrDelay) FROM airlineStats GROUP BY Carrier HAVING COUNT(*) > 300 ORDER BY late DESC, Carrier LIMIT 5 OFFSET 2',
      'SELECT Carrier, COUNT(*) FILTER (WHERE ArrDelay > 15) AS late, AVG(ArrDelay) FROM airlineStats GROUP BY Carrier HAVING COUNT(*) > 300 ORDER BY late DESC, Carrier LIMIT 5 OFFSET 2',
    );
  });

  test('DISTINCT, LIKE, REGEXP_LIKE, IS NULL, CASE WHEN', async () => {
    await expectSame(
      "SELECT DISTINCT Carrier FROM airlineStats WHERE Origin LIKE 'S_A' OR REGEXP_LIKE(Dest, '^JF') ORDER BY Carrier LIMIT 100",
      "SELECT DISTINCT Carrier FROM airlineStats WHERE Origin LIKE 'S_A' OR regexp_matches(Dest, '^JF') ORDER BY Carrier LIMIT 100",
    );
    await expectSame(
      'SELECT COUNT(*), COUNT(ArrDelay) FROM airlineStats WHERE ArrDelay IS NULL OR CancellationCode IS NOT NULL',
      'SELECT COUNT(*), COUNT(ArrDelay) FROM airlineStats WHERE ArrDelay IS NULL OR CancellationCode IS NOT NULL',
    );
    await expectSame(
      "SELECT CASE WHEN ArrDelay > 60 THEN 'late' WHEN ArrDelay > 0 THEN 'behind' ELSE 'on time' END AS status, COUNT(*) FROM airlineStats WHERE ArrDelay IS NOT NULL GROUP BY status ORDER BY status",
      "SELECT CASE WHEN ArrDelay > 60 THEN 'late' WHEN ArrDelay > 0 THEN 'behind' ELSE 'on time' END AS status, COUNT(*) FROM airlineStats WHERE ArrDelay IS NOT NULL GROUP BY status ORDER BY status",
    );
  });

  test('multi-value columns: any-element predicates, group by element, MV aggregations', async () => {
    await expectSame(
      "SELECT COUNT(*) FROM airlineStats WHERE DivAirports IN ('LAX', 'SFO')",
      "SELECT COUNT(*) FROM airlineStats WHERE list_has_any(DivAirports, ['LAX', 'SFO'])",
    );
    await expectSame(
      'SELECT DivAirports, COUNT(*) FROM airlineStats WHERE DivAirportLandings > 0 GROUP BY DivAirports ORDER BY COUNT(*) DESC, DivAirports LIMIT 5',
      'SELECT a, COUNT(*) FROM (SELECT unnest(DivAirports) AS a FROM airlineStats WHERE DivAirportLandings > 0) GROUP BY a ORDER BY COUNT(*) DESC, a LIMIT 5',
    );
    await expectSame(
      'SELECT COUNTMV(DivLongestGTimes), SUMMV(DivLongestGTimes), MAXMV(DivLongestGTimes) FROM airlineStats',
      'SELECT COUNT(x), SUM(x), MAX(x) FROM (SELECT unnest(DivLongestGTimes) AS x FROM airlineStats)',
    );
  });

  test("PERCENTILE is Pinot's exact definition and MODE picks the smallest of ties", async () => {
    const values = (
      await duck.connection.runAndReadAll(
        'SELECT ArrDelay FROM airlineStats WHERE ArrDelay IS NOT NULL ORDER BY ArrDelay',
      )
    )
      .getRowsJS()
      .map((row) => Number(row[0]));
    const response = await cuvee.query(
      `${NULLS}SELECT PERCENTILE(ArrDelay, 90), PERCENTILE50(ArrDelay), MODE(ArrDelay) FROM airlineStats`,
    );
    assert.deepEqual(response.exceptions, []);
    const [p90, p50, mode] = response.resultTable!.rows[0]!;
    assert.equal(p90, values[Math.floor((values.length * 90) / 100)]);
    assert.equal(p50, values[Math.floor((values.length * 50) / 100)]);
    const modeRows = (
      await duck.connection.runAndReadAll(
        'SELECT ArrDelay FROM airlineStats WHERE ArrDelay IS NOT NULL GROUP BY ArrDelay ORDER BY COUNT(*) DESC, ArrDelay LIMIT 1',
      )
    ).getRowsJS();
    assert.equal(mode, Number(modeRows[0]![0]));
  });

  test('scalar functions in select and group by', async () => {
    await expectSame(
      "SELECT DATETRUNC('WEEK', ts) AS week, COUNT(*) FROM airlineStats GROUP BY week ORDER BY week",
      "SELECT epoch_ms(date_trunc('week', make_timestamp(ts * 1000))) AS week, COUNT(*) FROM airlineStats GROUP BY week ORDER BY week",
    );
    await expectSame(
      'SELECT UPPER(LOWER(Carrier)), LENGTH(OriginCityName), ABS(ArrDelay) FROM airlineStats WHERE FlightNum = 1 ORDER BY OriginCityName, Carrier, ArrDelay LIMIT 5',
      'SELECT UPPER(LOWER(Carrier)), LENGTH(OriginCityName), ABS(ArrDelay) FROM airlineStats WHERE FlightNum = 1 ORDER BY OriginCityName, Carrier, ArrDelay LIMIT 5',
    );
  });
});

test('a LONG beyond 2^53 stays exact from ingestion to the result', async () => {
  const cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => {} });
  try {
    await cuvee.createSchema({
      schemaName: 'big',
      dimensionFieldSpecs: [{ name: 'id', dataType: 'LONG' }],
      metricFieldSpecs: [{ name: 'n', dataType: 'LONG' }],
    });
    await cuvee.createTable({
      tableName: 'big',
      tableType: 'OFFLINE',
      segmentsConfig: {},
      tableIndexConfig: {},
    });
    const table = cuvee.table('big');
    await cuvee.addRows(table, [
      { id: 9007199254740993n, n: 1n },
      { id: -9007199254740995n, n: 2n },
    ]);
    const response = await cuvee.query(
      'SELECT id FROM big WHERE id = 9007199254740993 ORDER BY id',
    );
    assert.deepEqual(response.exceptions, []);
    assert.deepEqual(response.resultTable!.rows, [[9007199254740993n]]);
    const max = await cuvee.query('SELECT id FROM big ORDER BY id LIMIT 1');
    assert.deepEqual(max.resultTable!.rows, [[-9007199254740995n]]);
  } finally {
    await cuvee.close();
  }
});
