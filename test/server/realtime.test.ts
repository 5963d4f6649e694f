// The real-time controller endpoints over HTTP on an in-process stream: consumingSegmentsInfo,
// forceCommit (the committed segment lands in the deep store), pause and resume, and the
// per-partition ingestion gauges in /metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InProcessBroker } from '../../host/realtime/inProcessStream.js';
import { EVENTS_SCHEMA, event, eventsRealtimeTable } from '../realtime/support.js';
import { call, countStar, startNode, type TestNode } from './support.js';

const BROKER = 'server-test';
const TOPIC = 'events';
const PARTITIONS = 2;
/** Polling bound for asynchronous consumption. */
const WAIT_MS = 10_000;

async function waitForCount(url: string, expected: number): Promise<number> {
  const deadline = Date.now() + WAIT_MS;
  let count = -1;
  while (Date.now() < deadline) {
    count = await countStar(url, 'events');
    if (count === expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return count;
}

interface ConsumingInfo {
  _segmentToConsumingInfoMap: Record<string, { consumerState: string }[]>;
}

describe('server: real-time endpoints', () => {
  let node: TestNode;
  let url: string;
  let broker: InProcessBroker;

  before(async () => {
    broker = InProcessBroker.named(BROKER);
    broker.createTopic(TOPIC, PARTITIONS);
    node = await startNode();
    url = node.server.url;
    assert.equal((await call(`${url}/schemas`, 'POST', EVENTS_SCHEMA)).status, 200);
    const table = await call(`${url}/tables`, 'POST', eventsRealtimeTable(BROKER, TOPIC));
    assert.equal(table.status, 200, table.text);
  });

  after(async () => {
    await node.stop();
    InProcessBroker.drop(BROKER);
    await rm(node.dataDir, { recursive: true, force: true });
  });

  test('consumingSegmentsInfo, forceCommit, pause and resume', async () => {
    for (let i = 0; i < 50; i++) broker.produce(TOPIC, event(i), { partition: i % PARTITIONS });
    assert.equal(await waitForCount(url, 50), 50);
    const info = (await call(`${url}/tables/events/consumingSegmentsInfo`)).body as ConsumingInfo;
    const consuming = Object.keys(info._segmentToConsumingInfoMap);
    assert.equal(consuming.length, PARTITIONS);

    const committed = await call(`${url}/tables/events/forceCommit`, 'POST');
    assert.equal(committed.status, 200, committed.text);
    const names = (
      committed.body as { consumingSegmentsForceCommitted: string }
    ).consumingSegmentsForceCommitted.split(',');
    assert.deepEqual([...names].sort(), [...consuming].sort());
    for (const name of names) {
      const key = join(node.dataDir, 'deepstore', 'events_REALTIME', `${name}.tar.gz`);
      assert.equal(existsSync(key), true, `${name} committed to the deep store`);
    }
    assert.equal(await countStar(url, 'events'), 50);

    const paused = await call(`${url}/tables/events/pauseConsumption`, 'POST');
    assert.equal((paused.body as { pauseFlag: boolean }).pauseFlag, true);
    for (let i = 50; i < 60; i++) broker.produce(TOPIC, event(i), { partition: i % PARTITIONS });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await countStar(url, 'events'), 50, 'a paused table consumes nothing');
    const resumed = await call(`${url}/tables/events/resumeConsumption`, 'POST');
    assert.equal((resumed.body as { pauseFlag: boolean }).pauseFlag, false);
    assert.equal(await waitForCount(url, 60), 60);

    const metrics = (await call(`${url}/metrics`)).text;
    assert.match(
      metrics,
      /^cuvee_realtime_records_lag\{table="events_REALTIME",partition="0"\} \d+$/m,
    );
    assert.match(
      metrics,
      /^cuvee_realtime_rows_indexed\{table="events_REALTIME",partition="1"\} \d+$/m,
    );
  });

  test('real-time endpoints on a table that is not real-time answer 404', async () => {
    for (const path of ['forceCommit', 'pauseConsumption', 'resumeConsumption']) {
      assert.equal((await call(`${url}/tables/nope/${path}`, 'POST')).status, 404);
    }
    assert.equal((await call(`${url}/tables/nope/consumingSegmentsInfo`)).status, 404);
  });
});
