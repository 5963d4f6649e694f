// Benchmark (not a timed test): real-time freshness (produce → visible in a COUNT query, p50
// and p99) and ingestion rows/s of a REALTIME table, each beside a bare kafkajs consumer's
// figure on the same topic in the same run (the consumer only counts, so it bounds what any
// Kafka-fed table can do with this client).
// Usage: KAFKA_BROKERS=127.0.0.1:19092 node dist/test/realtime/freshnessBench.js [records]
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { Cuvee } from '../../host/cuvee.js';
import { createTopic, deleteTopic, kafkaBrokers, kafkaClient, produceValues } from './kafkaSupport.js';
import { event, EVENTS_SCHEMA } from './support.js';

/** Records produced before measuring ingestion. */
const DEFAULT_RECORDS = 200_000;
const PARTITIONS = 4;
/** Freshness probes: one record at a time, each waited for. */
const PROBES = 200;
/** Rows per sealed segment while the backlog is ingested. */
const FLUSH_ROWS = 50_000;

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

function summary(latenciesMs: number[]): { p50: number; p99: number } {
  latenciesMs.sort((a, b) => a - b);
  return { p50: percentile(latenciesMs, 0.5), p99: percentile(latenciesMs, 0.99) };
}

/** A bare consumer counting records; `seen` resolves waiters by probe user name. */
async function bareConsumer(topic: string, onMessage: (value: string) => void) {
  const consumer = kafkaClient().consumer({ groupId: `bench-${randomBytes(6).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }: kafkajs.EachBatchPayload) => {
      for (const message of batch.messages) onMessage(message.value?.toString() ?? '');
      await Promise.resolve();
    },
  });
  return consumer;
}

async function measureBare(topic: string, records: number) {
  let count = 0;
  const probes = new Map<string, () => void>();
  const startMs = performance.now();
  let doneMs = 0;
  const consumer = await bareConsumer(topic, (value) => {
    if (++count === records) doneMs = performance.now();
    const user = /"user":"(probe-\d+)"/.exec(value)?.[1];
    if (user !== undefined) probes.get(user)?.();
  });
  while (doneMs === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const rowsPerSecond = records / ((doneMs - startMs) / 1000);
  const latencies: number[] = [];
  const producer = kafkaClient().producer();
  await producer.connect();
  for (let i = 0; i < PROBES; i++) {
    const user = `probe-${i}`;
    const seen = new Promise<void>((resolve) => probes.set(user, resolve));
    const sentMs = performance.now();
    await producer.send({ topic, messages: [{ value: JSON.stringify({ user, amount: i, ts: 1 }),
      partition: i % PARTITIONS }] });
    await seen;
    latencies.push(performance.now() - sentMs);
  }
  await producer.disconnect();
  await consumer.disconnect();
  return { rowsPerSecond, ...summary(latencies) };
}

async function measureCuvee(topic: string, records: number) {
  const cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => {} });
  try {
    await cuvee.createSchema(EVENTS_SCHEMA);
    const startMs = performance.now();
    await cuvee.createTable({
      tableName: 'events',
      tableType: 'REALTIME',
      segmentsConfig: { timeColumnName: 'ts', replication: '1' },
      ingestionConfig: { streamIngestionConfig: { streamConfigMaps: [{
        streamType: 'kafka',
        'stream.kafka.topic.name': topic,
        'stream.kafka.broker.list': kafkaBrokers().join(','),
        'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
        'realtime.segment.flush.threshold.rows': String(FLUSH_ROWS),
      }] } },
    });
    const count = async (where = '') => Number((await cuvee.query(
      `SELECT COUNT(*) FROM events ${where}`)).resultTable?.rows[0]?.[0] ?? -1);
    while ((await count()) < records) await new Promise((resolve) => setTimeout(resolve, 5));
    const rowsPerSecond = records / ((performance.now() - startMs) / 1000);
    const latencies: number[] = [];
    const producer = kafkaClient().producer();
    await producer.connect();
    for (let i = 0; i < PROBES; i++) {
      const user = `cprobe-${i}`;
      const sentMs = performance.now();
      await producer.send({ topic, messages: [{ value: JSON.stringify({ user, amount: i, ts: 1 }),
        partition: i % PARTITIONS }] });
      while ((await count(`WHERE "user" = '${user}'`)) < 1) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      latencies.push(performance.now() - sentMs);
    }
    await producer.disconnect();
    return { rowsPerSecond, ...summary(latencies) };
  } finally {
    await cuvee.close();
  }
}

const records = Number(process.argv[2] ?? DEFAULT_RECORDS);
const topic = await createTopic('bench', PARTITIONS);
try {
  const values: string[] = [];
  for (let i = 0; i < records; i++) values.push(event(i));
  await produceValues(topic, values, PARTITIONS);
  const bare = await measureBare(topic, records);
  const ours = await measureCuvee(topic, records);
  const line = (name: string, r: typeof bare) =>
    `${name.padEnd(18)} ${Math.round(r.rowsPerSecond).toString().padStart(10)} rows/s   ` +
    `freshness p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms`;
  console.log(`${records} records, ${PARTITIONS} partitions, ${PROBES} freshness probes`);
  console.log(line('kafkajs consumer', bare));
  console.log(line('cuvee REALTIME', ours));
  console.log(`ratio (cuvee / kafkajs): ingestion ${(ours.rowsPerSecond / bare.rowsPerSecond)
    .toFixed(2)}x, freshness p50 ${(ours.p50 / bare.p50).toFixed(2)}x, p99 ` +
    `${(ours.p99 / bare.p99).toFixed(2)}x`);
} finally {
  await deleteTopic(topic);
}
