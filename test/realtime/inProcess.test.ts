// The real-time pipeline on the in-process stream: consuming segments answer at once, row
// thresholds seal, no answer misses or doubles rows across a seal, poison records are
// skipped and counted, restart resumes from the committed offsets, pause/resume/forceCommit
// and consumingSegmentsInfo behave as Pinot's.
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cuvee } from '../../host/cuvee.js';
import { InProcessBroker } from '../../host/realtime/inProcessStream.js';
import { parseRealtimeSegmentName } from '../../segments/writer/names.js';
import { LocalDeepStore } from '../../host/deepstore/localDeepStore.js';
import { unpackSegmentTar } from '../../segments/tar/segmentTar.js';
import { loadImmutableSegment } from '../../segments/immutable/segment.js';
import { CUSTOM_KEYS } from '../../segments/spi/metadata.js';
import {
  countOf,
  event,
  EVENTS_SCHEMA,
  eventsRealtimeTable,
  waitForCount,
  waitUntil,
} from './support.js';

const TOPIC = 'events';
const PARTITIONS = 2;
let brokerCounter = 0;

describe('real-time table on the in-process stream', () => {
  let dataDir: string;
  let brokerName: string;
  let broker: InProcessBroker;
  const logged: string[] = [];
  const open = () =>
    Cuvee.open({
      dataDir,
      runtime: { workerCount: 1 },
      onWarning: () => {},
      onIngestionLog: (message) => logged.push(message),
    });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-rt-'));
    brokerName = `test-${++brokerCounter}`;
    broker = InProcessBroker.named(brokerName);
    broker.createTopic(TOPIC, PARTITIONS);
    logged.length = 0;
  });

  afterEach(async () => {
    InProcessBroker.drop(brokerName);
    await rm(dataDir, { recursive: true, force: true });
  });

  after(() => undefined);

  async function create(cuvee: Cuvee, settings: Record<string, string> = {}, extra = {}) {
    await cuvee.createSchema(EVENTS_SCHEMA);
    await cuvee.createTable(eventsRealtimeTable(brokerName, TOPIC, settings, extra));
  }

  function produce(from: number, to: number): void {
    for (let i = from; i < to; i++) broker.produce(TOPIC, event(i), { partition: i % PARTITIONS });
  }

  test('rows are queryable while consuming; the row threshold seals with real-time names',
    async () => {
      const cuvee = await open();
      try {
        await create(cuvee, { 'realtime.segment.flush.threshold.rows': '100' });
        produce(0, 450);
        assert.equal(await waitForCount(cuvee, 'events', 450), 450);
        const table = cuvee.realtime('events_REALTIME');
        await waitUntil(() => table.counters().segmentsCommitted === 4, '4 commits');
        const sealed = cuvee.table('events_REALTIME').segmentNames();
        assert.equal(sealed.length, 4);
        for (const name of sealed) {
          const parsed = parseRealtimeSegmentName(name);
          assert.ok(parsed !== undefined, name);
          assert.equal(parsed.tableName, 'events');
        }
        const response = await cuvee.query(
          "SELECT SUM(amount), COUNT(*) FROM events WHERE kind = 'click'");
        assert.deepEqual(response.exceptions, []);
        assert.equal(Number(response.resultTable!.rows[0]![0]), 225 * 448 / 2);
        assert.equal(response.resultTable!.rows[0]![1], 225);
        assert.equal(response.numConsumingSegmentsQueried, PARTITIONS);
        assert.ok(response.minConsumingFreshnessTimeMs > 0);
      } finally {
        await cuvee.close();
      }
    });

  test('no answer misses or doubles rows while segments seal', async () => {
    const cuvee = await open();
    try {
      await create(cuvee, { 'realtime.segment.flush.threshold.rows': '50' });
      let produced = 0;
      let lastCount = 0;
      for (let round = 0; round < 40; round++) {
        produce(produced, produced + 37);
        produced += 37;
        for (let probe = 0; probe < 5; probe++) {
          const count = await countOf(cuvee, 'events');
          assert.ok(count >= lastCount && count <= produced, `count ${count} of ${produced}`);
          lastCount = count;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      assert.equal(await waitForCount(cuvee, 'events', produced), produced);
    } finally {
      await cuvee.close();
    }
  });

  test('poison records are counted, logged with offsets and skipped; good ones flow', async () => {
    const cuvee = await open();
    try {
      await create(cuvee, {
        'realtime.segment.flush.threshold.rows': '20',
        'stream.inprocess.deadletter.topic.name': 'dead',
      });
      for (let i = 0; i < 60; i++) {
        broker.produce(TOPIC, event(i), { partition: 0 });
        if (i % 10 === 0) broker.produce(TOPIC, '{not json', { partition: 0 });
        if (i % 15 === 0) {
          broker.produce(TOPIC, JSON.stringify({ user: 'x', amount: 'lots', ts: 1 }),
            { partition: 1 });
        }
      }
      assert.equal(await waitForCount(cuvee, 'events', 60), 60);
      const table = cuvee.realtime('events_REALTIME');
      await waitUntil(() => table.counters().recordsInvalid === 10, '10 invalid records');
      assert.ok(logged.some((line) => /partition 0 offset 1: record skipped/.test(line)),
        logged.join('\n'));
      await waitUntil(() => broker.messages('dead', 0).length === 10, 'dead letters');
    } finally {
      await cuvee.close();
    }
  });

  test('restart resumes from committed offsets: nothing lost or doubled', async () => {
    let cuvee = await open();
    await create(cuvee, { 'realtime.segment.flush.threshold.rows': '30' });
    produce(0, 200);
    assert.equal(await waitForCount(cuvee, 'events', 200), 200);
    await cuvee.close();
    produce(200, 260);
    cuvee = await open();
    try {
      assert.equal(await waitForCount(cuvee, 'events', 260), 260);
      const response = await cuvee.query('SELECT COUNT(DISTINCT amount) FROM events');
      assert.equal(response.resultTable!.rows[0]![0], 260);
    } finally {
      await cuvee.close();
    }
  });

  test('pause commits and stops, resume goes on, forceCommit seals, info has offsets',
    async () => {
      const cuvee = await open();
      try {
        await create(cuvee);
        produce(0, 40);
        assert.equal(await waitForCount(cuvee, 'events', 40), 40);
        const info = await cuvee.consumingSegmentsInfo('events_REALTIME');
        const entries = Object.values(info._segmentToConsumingInfoMap).map((list) => list[0]!);
        assert.equal(entries.length, PARTITIONS);
        for (const entry of entries) {
          assert.equal(entry.consumerState, 'CONSUMING');
          assert.deepEqual(Object.values(entry.partitionOffsetInfo.recordsLagMap), ['0']);
          assert.deepEqual(Object.values(entry.partitionToOffsetMap), ['20']);
        }
        await cuvee.pauseConsumption('events_REALTIME');
        assert.equal(cuvee.table('events_REALTIME').segmentNames().length, PARTITIONS);
        produce(40, 60);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(await countOf(cuvee, 'events'), 40);
        const paused = await cuvee.consumingSegmentsInfo('events_REALTIME');
        const lags = Object.values(paused._segmentToConsumingInfoMap)
          .map((list) => Object.values(list[0]!.partitionOffsetInfo.recordsLagMap)[0]);
        assert.deepEqual(lags, ['10', '10']);
        await cuvee.resumeConsumption('events_REALTIME');
        assert.equal(await waitForCount(cuvee, 'events', 60), 60);
        const committed = await cuvee.forceCommit('events_REALTIME');
        assert.equal(committed.length, PARTITIONS);
        assert.equal(cuvee.table('events_REALTIME').segmentNames().length, 2 * PARTITIONS);
        assert.equal(await countOf(cuvee, 'events'), 60);
        assert.deepEqual(await cuvee.forceCommit('events_REALTIME'), []);
      } finally {
        await cuvee.close();
      }
    });

  test('committed segments go to the deep store with their offsets', async () => {
    const deepStore = new LocalDeepStore(join(dataDir, 'deepstore'));
    const cuvee = await Cuvee.open({ dataDir, runtime: { workerCount: 1 }, onWarning: () => {},
      deepStore });
    try {
      await create(cuvee, { 'realtime.segment.flush.threshold.rows': '25' });
      produce(0, 100);
      const table = cuvee.realtime('events_REALTIME');
      await waitUntil(() => table.counters().segmentsCommitted === 4, '4 commits');
      const entries = await deepStore.list('events_REALTIME/');
      assert.equal(entries.length, 4);
      const first = entries[0]!.key;
      await deepStore.get(first, join(dataDir, 'fetched.tar.gz'));
      const { segmentFile } = await unpackSegmentTar(join(dataDir, 'fetched.tar.gz'),
        join(dataDir, 'unpacked'));
      const segment = await loadImmutableSegment(segmentFile, cuvee.runtime.allocator,
        cuvee.runtime.memory);
      try {
        assert.equal(segment.metadata.docCount, 25);
        assert.equal(segment.metadata.custom[CUSTOM_KEYS.startOffset], '0');
        assert.equal(segment.metadata.custom[CUSTOM_KEYS.endOffset], '25');
      } finally {
        segment.release();
      }
    } finally {
      await cuvee.close();
    }
  });

  test('the time threshold seals a segment that stops growing', async () => {
    const cuvee = await open();
    try {
      await create(cuvee, { 'realtime.segment.flush.threshold.time': '200ms' });
      produce(0, 10);
      const table = cuvee.realtime('events_REALTIME');
      await waitUntil(() => table.counters().segmentsCommitted === PARTITIONS, 'time commits');
      assert.equal(await countOf(cuvee, 'events'), 10);
      const files = await readdir(cuvee.table('events_REALTIME').directory);
      assert.equal(files.filter((file) => file.endsWith('.seg')).length, PARTITIONS);
    } finally {
      await cuvee.close();
    }
  });
});
