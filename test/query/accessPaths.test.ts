// Every access path the planner can pick answers the same as row-at-a-time evaluation of the
// same predicate: sorted doc ranges, inverted-index bitmaps, the range index over a raw
// column, SIMD scans over dictionary ids, and raw scans.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cuvee } from '../../host/cuvee.js';
import { AIRLINE_AVRO_PATH, airlineJson } from '../support/airline.js';

/** Predicates, each also written so that no index applies (`+ 0` forces row evaluation). */
const PREDICATES: [indexed: string, evaluated: string][] = [
  ['ArrDelay BETWEEN 10 AND 50', 'ArrDelay + 0 BETWEEN 10 AND 50'],
  ['ArrDelay > -5', 'ArrDelay + 0 > -5'],
  ['ArrDelay <= 0 OR ArrDelay >= 120', 'ArrDelay + 0 <= 0 OR ArrDelay + 0 >= 120'],
  [
    "ArrTimeBlk IN ('0900-0959', '1200-1259')",
    "CONCAT(ArrTimeBlk, '') IN ('0900-0959', '1200-1259')",
  ],
  ["ArrTimeBlk <> '0900-0959'", "CONCAT(ArrTimeBlk, '') <> '0900-0959'"],
  ['DaysSinceEpoch BETWEEN 16075 AND 16080', 'DaysSinceEpoch + 0 BETWEEN 16075 AND 16080'],
  ["Carrier = 'AA' AND Distance > 1000", "CONCAT(Carrier, '') = 'AA' AND Distance + 0 > 1000"],
];

describe('access paths agree with row evaluation', () => {
  let cuvee: Cuvee;

  before(async () => {
    cuvee = await Cuvee.open({
      runtime: { workerCount: 1 },
      onWarning: () => {},
      maxRowsPerSegment: 3000,
    });
    await cuvee.createSchema(airlineJson('schema'));
    const table = airlineJson('offline_table_config');
    await cuvee.createTable({
      ...table,
      tableIndexConfig: {
        ...(table['tableIndexConfig'] as object),
        noDictionaryColumns: ['ArrDelay'],
        rangeIndexColumns: ['ArrDelay'],
        invertedIndexColumns: ['Carrier'],
        sortedColumn: ['DaysSinceEpoch'],
      },
    });
    await cuvee.ingestFiles('airlineStats', [AIRLINE_AVRO_PATH]);
  });

  after(async () => {
    await cuvee.close();
  });

  for (const nullHandling of [false, true]) {
    test(`counts match${nullHandling ? ' with null handling' : ''}`, async () => {
      const prefix = nullHandling ? 'SET enableNullHandling=true; ' : '';
      for (const [indexed, evaluated] of PREDICATES) {
        const a = await cuvee.query(`${prefix}SELECT COUNT(*) FROM airlineStats WHERE ${indexed}`);
        const b = await cuvee.query(
          `${prefix}SELECT COUNT(*) FROM airlineStats WHERE ${evaluated}`,
        );
        assert.deepEqual(a.exceptions, [], indexed);
        assert.deepEqual(b.exceptions, [], evaluated);
        assert.deepEqual(a.resultTable!.rows, b.resultTable!.rows, indexed);
        assert.ok(Number(a.resultTable!.rows[0]![0]) > 0, `${indexed} matches something`);
      }
    });
  }

  test("SET trace=true reports each segment's access paths in traceInfo", async () => {
    const response = await cuvee.query(
      "SET trace = true; SELECT COUNT(*) FROM airlineStats WHERE ArrTimeBlk = '0900-0959'",
    );
    const traces = Object.values(response.traceInfo);
    assert.equal(traces.length, response.numSegmentsProcessed);
    for (const trace of traces) assert.match(trace, /ArrTimeBlk: inverted index/);
  });

  test('EXPLAIN names the access path each predicate used', async () => {
    const sorted = await cuvee.query(
      'EXPLAIN PLAN FOR SELECT COUNT(*) FROM airlineStats WHERE DaysSinceEpoch BETWEEN 16075 AND 16080',
    );
    assert.match(
      sorted.resultTable!.rows.map((row) => String(row[0])).join('\n'),
      /DaysSinceEpoch: sorted index/,
    );
    const response = await cuvee.query(
      "EXPLAIN PLAN FOR SELECT COUNT(*) FROM airlineStats WHERE ArrDelay BETWEEN 10 AND 50 AND ArrTimeBlk = '0900-0959' AND Origin = 'SFO'",
    );
    const operators = response.resultTable!.rows.map((row) => String(row[0])).join('\n');
    assert.match(operators, /ArrDelay: range index/);
    assert.match(operators, /ArrTimeBlk: inverted index/);
    assert.match(operators, /Origin: SIMD scan over dictionary ids/);
  });
});
