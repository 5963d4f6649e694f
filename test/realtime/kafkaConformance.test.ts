// Issue 5's "done when" against the real broker: the 9,746 airline records produced as JSON to
// a 4-partition topic all become queryable in a REALTIME table with a low row threshold (some
// segments sealed, some consuming), and Pinot's 200 conformance queries agree with DuckDB,
// with default null values and with SQL nulls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cuvee } from '../../host/cuvee.js';
import { airlineJson, airlineRows, airlineSchema, duckDbWithRows } from '../support/airline.js';
import type { DuckDbTable } from '../support/airline.js';
import { renamed, runConformance } from '../support/conformance.js';
import {
  airlineJsonValues,
  airlineRealtimeConfig,
  airlineRecords,
  createTopic,
  deleteTopic,
  produceValues,
} from './kafkaSupport.js';
import { waitForCount, waitUntil } from './support.js';

const PARTITIONS = 4;
const AIRLINE_ROWS = 9746;
/** ~2,437 rows per partition: two sealed segments and one consuming each. */
const FLUSH_ROWS = 1_000;
/** Time for the whole topic to be consumed (the broker is local). */
const CONSUME_TIMEOUT_MS = 60_000;

describe('REALTIME airline table fed by Kafka', () => {
  let cuvee: Cuvee;
  let topic: string;
  const ducks = new Map<boolean, DuckDbTable>();

  before(async () => {
    topic = await createTopic('airline', PARTITIONS);
    await produceValues(topic, airlineJsonValues(await airlineRecords()), PARTITIONS);
    cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => {} });
    await cuvee.createSchema(renamed(airlineJson('schema'), 'schemaName'));
    await cuvee.createTable(
      airlineRealtimeConfig(airlineJson('realtime_table_config'), topic, FLUSH_ROWS));
    const rows = await airlineRows();
    for (const nullHandling of [false, true]) {
      const duck = await duckDbWithRows(airlineSchema(), rows, 'mytable', nullHandling);
      if (nullHandling)
        await duck.connection.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
      ducks.set(nullHandling, duck);
    }
  });

  after(async () => {
    for (const duck of ducks.values()) duck.close();
    await cuvee?.close();
    if (topic !== undefined) await deleteTopic(topic);
  });

  test('every produced record becomes queryable; sealed and consuming segments', async () => {
    assert.equal(await waitForCount(cuvee, 'mytable', AIRLINE_ROWS, CONSUME_TIMEOUT_MS),
      AIRLINE_ROWS);
    const table = cuvee.realtime('mytable_REALTIME');
    await waitUntil(() => table.counters().segmentsCommitted === 8, '2 commits per partition');
    const response = await cuvee.query('SELECT COUNT(*) FROM mytable');
    assert.equal(response.numConsumingSegmentsQueried, PARTITIONS);
    assert.equal(response.numSegmentsQueried, 8 + PARTITIONS);
    const info = await cuvee.consumingSegmentsInfo('mytable_REALTIME');
    const lags = Object.values(info._segmentToConsumingInfoMap)
      .map((entries) => Object.values(entries[0]!.partitionOffsetInfo.recordsLagMap)[0]);
    assert.deepEqual(lags, ['0', '0', '0', '0']);
  });

  for (const nullHandling of [false, true]) {
    test(`200 conformance queries agree with DuckDB (${nullHandling ? 'SQL nulls' :
      'default null values'})`, async () => {
      assert.equal(await waitForCount(cuvee, 'mytable', AIRLINE_ROWS, CONSUME_TIMEOUT_MS),
        AIRLINE_ROWS);
      const failures = await runConformance((sql) => cuvee.query(sql), ducks.get(nullHandling)!,
        nullHandling);
      assert.deepEqual(failures, [], `${failures.length} of 200 disagree:\n${failures.join('\n')}`);
    });
  }
});
