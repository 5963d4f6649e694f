// A hybrid table as Pinot's HybridClusterIntegrationTest builds it: the early days in the
// OFFLINE table, the later days produced to Kafka for the REALTIME table, with days in both.
// The broker splits each query at the time boundary (the offline table's last day minus one),
// so the 200 conformance queries must still agree with DuckDB holding every row once.
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
import { waitForCount } from './support.js';

const PARTITIONS = 4;
const FLUSH_ROWS = 1_500;
/** Several offline segments, as Pinot's test pushes several. */
const OFFLINE_ROWS_PER_SEGMENT = 2_000;
/** Days held by both tables (Pinot's test overlaps two of its monthly files). */
const OVERLAP_DAYS = 3;
const CONSUME_TIMEOUT_MS = 60_000;

function dayOf(record: Record<string, unknown>): number {
  return Number(record.DaysSinceEpoch);
}

describe('hybrid airline table: OFFLINE early days, REALTIME later days from Kafka', () => {
  let cuvee: Cuvee;
  let topic: string;
  let lastOfflineDay: number;
  let realtimeRowCount: number;
  const ducks = new Map<boolean, DuckDbTable>();

  before(async () => {
    const records = await airlineRecords();
    const days = [...new Set(records.map(dayOf))].sort((a, b) => a - b);
    lastOfflineDay = days[Math.floor(days.length * 0.6)]!;
    const firstRealtimeDay = days[days.indexOf(lastOfflineDay) - OVERLAP_DAYS + 1]!;
    const realtimeRecords = records.filter((record) => dayOf(record) >= firstRealtimeDay);
    realtimeRowCount = realtimeRecords.length;
    topic = await createTopic('hybrid', PARTITIONS);
    await produceValues(topic, airlineJsonValues(realtimeRecords), PARTITIONS);

    cuvee = await Cuvee.open({
      runtime: { workerCount: 1 },
      maxRowsPerSegment: OFFLINE_ROWS_PER_SEGMENT,
      onWarning: () => {},
    });
    await cuvee.createSchema(renamed(airlineJson('schema'), 'schemaName'));
    await cuvee.createTable(renamed(airlineJson('offline_table_config'), 'tableName'));
    await cuvee.createTable(
      airlineRealtimeConfig(airlineJson('realtime_table_config'), topic, FLUSH_ROWS));
    const rows = await airlineRows();
    const offlineRows = rows.filter((row) => Number(row.DaysSinceEpoch) <= lastOfflineDay);
    await cuvee.addRows(cuvee.table('mytable_OFFLINE'), offlineRows);
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

  test('the tables overlap and the hybrid answers every row once', async () => {
    assert.equal(
      await waitForCount(cuvee, 'mytable_REALTIME', realtimeRowCount, CONSUME_TIMEOUT_MS),
      realtimeRowCount);
    const offline = await cuvee.query('SELECT COUNT(*) FROM mytable_OFFLINE');
    const offlineCount = Number(offline.resultTable!.rows[0]![0]);
    assert.ok(offlineCount + realtimeRowCount > 9746, 'the two tables share days');
    const hybrid = await cuvee.query('SELECT COUNT(*) FROM mytable');
    assert.deepEqual(hybrid.exceptions, []);
    assert.equal(Number(hybrid.resultTable!.rows[0]![0]), 9746);
    assert.equal(hybrid.numConsumingSegmentsQueried, PARTITIONS);
    const split = await cuvee.query(
      `SELECT COUNT(*) FROM mytable WHERE DaysSinceEpoch = ${lastOfflineDay}`);
    const realtimeDay = await cuvee.query(
      `SELECT COUNT(*) FROM mytable_REALTIME WHERE DaysSinceEpoch = ${lastOfflineDay}`);
    // The last offline day is answered by the real-time table (boundary = last day - 1).
    assert.deepEqual(split.resultTable!.rows, realtimeDay.resultTable!.rows);
  });

  for (const nullHandling of [false, true]) {
    test(`200 conformance queries on the hybrid table (${nullHandling ? 'SQL nulls' :
      'default null values'})`, async () => {
      assert.equal(
        await waitForCount(cuvee, 'mytable_REALTIME', realtimeRowCount, CONSUME_TIMEOUT_MS),
        realtimeRowCount);
      const failures = await runConformance((sql) => cuvee.query(sql), ducks.get(nullHandling)!,
        nullHandling);
      assert.deepEqual(failures, [], `${failures.length} of 200 disagree:\n${failures.join('\n')}`);
    });
  }
});
