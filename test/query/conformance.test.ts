// Pinot's own 200 conformance queries through the library, run twice: with Pinot's default null
// values, and with `SET enableNullHandling=true;` against SQL nulls (harness:
// test/support/conformance.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cuvee } from '../../host/cuvee.js';
import {
  AIRLINE_AVRO_PATH,
  airlineJson,
  airlineRows,
  airlineSchema,
  duckDbWithRows,
  type DuckDbTable,
} from '../support/airline.js';
import { renamed, runConformance } from '../support/conformance.js';

/** Several segments, so that combine and reduce across segments are exercised. */
const ROWS_PER_SEGMENT = 2_000;

for (const nullHandling of [false, true]) {
  describe(`Pinot conformance, ${nullHandling ? 'SQL nulls' : 'default null values'}`, () => {
    let cuvee: Cuvee;
    let duck: DuckDbTable;

    before(async () => {
      cuvee = await Cuvee.open({
        maxRowsPerSegment: ROWS_PER_SEGMENT,
        runtime: { workerCount: 1 },
        onWarning: () => {},
      });
      await cuvee.createSchema(renamed(airlineJson('schema'), 'schemaName'));
      await cuvee.createTable(renamed(airlineJson('offline_table_config'), 'tableName'));
      const ingested = await cuvee.ingestFiles('mytable', [AIRLINE_AVRO_PATH]);
      assert.equal(ingested.rowCount, 9746);
      const rows = await airlineRows();
      duck = await duckDbWithRows(airlineSchema(), rows, 'mytable', nullHandling);
      if (nullHandling)
        await duck.connection.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
    });

    after(async () => {
      duck.close();
      await cuvee.close();
    });

    test('all 200 queries agree with DuckDB', async () => {
      const failures = await runConformance((sql) => cuvee.query(sql), duck, nullHandling);
      assert.deepEqual(
        failures,
        [],
        `${failures.length} of 200 queries disagree:\n${failures.join('\n')}`,
      );
    });
  });
}
