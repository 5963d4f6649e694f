// Ingestion from Kafka and freshness (issue 5's benchmark): the same profile-view records,
// produced as JSON to a 4-partition topic of the real test broker, consumed by a bare kafkajs
// consumer (decoding each value with JSON.parse) and by a Cuvée REALTIME table; then single
// records produced one at a time and timed until each is seen (kafkajs) or answers a query
// (Cuvée). The broker comes from KAFKA_BROKERS, else tools/kafka starts (or shares) one.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import type { Row } from '../../host/config/types.js';
import type { BenchContext } from '../context.js';
import { cuveeRows } from '../engines/cuvee.js';
import { latencyStats } from '../measure.js';
import { PROFILE_VIEWS_TABLE, ProfileViewGenerator, profileViewsSchemaJson } from '../data/profileViews.js';

/** Partitions of the topic: Pinot runs one consumer per partition. */
const PARTITION_COUNT = 4;
/** Messages per produce request: well under the broker's 1 MiB default request size. */
const PRODUCE_BATCH_MESSAGES = 2_000;
/** Rows per consuming segment before it seals: several seals happen during the run. */
const FLUSH_THRESHOLD_ROWS = 200_000;
/** How long either consumer may take to catch up before the section gives up. */
const CATCH_UP_TIMEOUT_MS = 300_000;
/** Poll interval while waiting for Cuvée's COUNT(*) to reach the produced count. */
const COUNT_POLL_MS = 20;
/** A line of progress this often while Cuvée catches up: a stall shows where it stopped. */
const PROGRESS_EVERY_MS = 10_000;
/** Marker viewer ids for freshness probes: above any generated viewer id. */
const MARKER_BASE = 1_000_000_000_000;
/** The tools/kafka module, loaded at run time from the repository (it is plain JS). */
const BROKER_MODULE = new URL('../../../tools/kafka/broker.mjs', import.meta.url).href;
const KAFKA_TABLE = `${PROFILE_VIEWS_TABLE}Kafka`;

interface BrokerModule {
  BROKER_ADDRESS: string;
  acquireBroker(): Promise<boolean>;
  releaseBroker(): Promise<boolean>;
}

function recordJson(row: Row): string {
  const text = (column: string) => String(row[column] as number | bigint | string);
  return `{"viewerId":${text('viewerId')},"vieweeId":${text('vieweeId')},"viewerCompany":` +
    `"${text('viewerCompany')}","industry":"${text('industry')}","region":"${text('region')}",` +
    `"device":"${text('device')}","timeSpentMs":${text('timeSpentMs')},"sectionsViewed":` +
    `${text('sectionsViewed')},"ts":${text('ts')}}`;
}

async function produceRecords(kafka: kafkajs.Kafka, topic: string, context: BenchContext) {
  const { kafkaRowCount, seed } = context.settings;
  const generator = new ProfileViewGenerator(kafkaRowCount, seed + 11);
  const producer = kafka.producer();
  await producer.connect();
  try {
    for (let start = 0; start < kafkaRowCount; start += PRODUCE_BATCH_MESSAGES) {
      const rows = generator.chunk(start, Math.min(PRODUCE_BATCH_MESSAGES, kafkaRowCount - start));
      await producer.send({ topic, messages: rows.map((row, index) => ({
        value: recordJson(row), partition: (start + index) % PARTITION_COUNT })) });
    }
  } finally {
    await producer.disconnect();
  }
}

async function bareConsumerRowsPerSec(kafka: kafkajs.Kafka, topic: string, total: number) {
  const consumer = kafka.consumer({ groupId: `bench-${randomBytes(6).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = performance.now();
  let received = 0;
  let finished = 0;
  await consumer.run({ eachBatch: ({ batch }) => {
    for (const message of batch.messages) JSON.parse(String(message.value));
    received += batch.messages.length;
    if (received >= total && finished === 0) finished = performance.now();
    return Promise.resolve();
  } });
  while (finished === 0 && performance.now() - started < CATCH_UP_TIMEOUT_MS) await sleep(5);
  await consumer.disconnect();
  if (finished === 0) throw new Error(`kafkajs consumed ${received} of ${total} records`);
  return (total * 1000) / (finished - started);
}

function realtimeTableJson(topic: string, brokers: string): Record<string, unknown> {
  return {
    tableName: KAFKA_TABLE, tableType: 'REALTIME',
    segmentsConfig: { timeColumnName: 'ts', replication: '1' },
    tableIndexConfig: { invertedIndexColumns: ['industry', 'region'] },
    ingestionConfig: { streamIngestionConfig: { streamConfigMaps: [{
      streamType: 'kafka', 'stream.kafka.topic.name': topic, 'stream.kafka.broker.list': brokers,
      'stream.kafka.decoder.class.name':
        'org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder',
      'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
      'realtime.segment.flush.threshold.rows': String(FLUSH_THRESHOLD_ROWS),
    }] } },
  };
}

async function cuveeCount(context: BenchContext, where: string): Promise<number> {
  const rows = await cuveeRows(context.cuvee, `SELECT COUNT(*) FROM ${KAFKA_TABLE}${where}`);
  return Number(rows[0]?.[0] ?? 0);
}

async function cuveeRowsPerSec(context: BenchContext, topic: string, brokers: string) {
  await context.cuvee.createSchema({ ...profileViewsSchemaJson(), schemaName: KAFKA_TABLE });
  const started = performance.now();
  await context.cuvee.createTable(realtimeTableJson(topic, brokers));
  const total = context.settings.kafkaRowCount;
  let count = 0;
  let reportedMs = started;
  while ((count = await cuveeCount(context, '')) < total) {
    const nowMs = performance.now();
    if (nowMs - started > CATCH_UP_TIMEOUT_MS) {
      throw new Error(`cuvee ingested ${count} of ${total} records`);
    }
    if (nowMs - reportedMs > PROGRESS_EVERY_MS) {
      context.log(`  kafka: cuvee has ${count} of ${total} records`);
      reportedMs = nowMs;
    }
    await sleep(COUNT_POLL_MS);
  }
  return (total * 1000) / (performance.now() - started);
}

function markerJson(marker: number): string {
  return `{"viewerId":${marker},"vieweeId":1,"viewerCompany":"company-00000","industry":` +
    `"industry-00000","region":"region-00000","device":"ios","timeSpentMs":1,` +
    `"sectionsViewed":1,"ts":${Date.now()}}`;
}

/** Produce-to-seen latency of single records through a bare kafkajs consumer. */
async function kafkajsFreshness(kafka: kafkajs.Kafka, topic: string, context: BenchContext) {
  const consumer = kafka.consumer({ groupId: `bench-${randomBytes(6).toString('hex')}`,
    maxWaitTimeInMs: 100 });
  const producer = kafka.producer();
  const waiting = new Map<number, () => void>();
  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    await consumer.subscribe({ topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });
    await consumer.run({ eachMessage: ({ message }) => {
      const { viewerId } = JSON.parse(String(message.value)) as { viewerId: number };
      waiting.get(viewerId)?.();
      return Promise.resolve();
    } });
    await joined;
    const samplesMs: number[] = [];
    for (let index = 0; index < context.settings.freshnessSampleCount; index++) {
      const marker = MARKER_BASE + index;
      const seen = new Promise<void>((resolve) => waiting.set(marker, resolve));
      const before = performance.now();
      await producer.send({ topic, messages: [{ value: markerJson(marker),
        partition: index % PARTITION_COUNT }] });
      await seen;
      samplesMs.push(performance.now() - before);
      waiting.delete(marker);
    }
    return latencyStats(samplesMs);
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect()]);
  }
}

/** Produce-to-queryable latency of single records in the Cuvée REALTIME table. */
async function cuveeFreshness(kafka: kafkajs.Kafka, topic: string, context: BenchContext) {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const samplesMs: number[] = [];
    for (let index = 0; index < context.settings.freshnessSampleCount; index++) {
      const marker = 2 * MARKER_BASE + index;
      const before = performance.now();
      await producer.send({ topic, messages: [{ value: markerJson(marker),
        partition: index % PARTITION_COUNT }] });
      while ((await cuveeCount(context, ` WHERE viewerId = ${marker}`)) === 0) {
        if (performance.now() - before > CATCH_UP_TIMEOUT_MS) {
          throw new Error(`record ${marker} never became visible`);
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      samplesMs.push(performance.now() - before);
    }
    return latencyStats(samplesMs);
  } finally {
    await producer.disconnect();
  }
}

async function brokerAddress(): Promise<{ brokers: string; release: () => Promise<unknown> }> {
  const external = process.env.KAFKA_BROKERS;
  if (external !== undefined && external !== '') {
    return { brokers: external, release: () => Promise.resolve() };
  }
  const broker = (await import(BROKER_MODULE)) as BrokerModule;
  await broker.acquireBroker();
  return { brokers: broker.BROKER_ADDRESS, release: () => broker.releaseBroker() };
}

async function runKafka(context: BenchContext, brokers: string): Promise<void> {
  const kafka = new kafkajs.Kafka({ clientId: 'cuvee-bench', brokers: brokers.split(','),
    logLevel: kafkajs.logLevel.NOTHING });
  const topic = `bench-profile-views-${randomBytes(6).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITION_COUNT, replicationFactor: 1 }] });
    await produceRecords(kafka, topic, context);
    const total = context.settings.kafkaRowCount;
    context.log(`  kafka: ${total} records produced to ${topic}`);
    const kafkajsRowsPerSec = await bareConsumerRowsPerSec(kafka, topic, total);
    context.log('  kafka: bare kafkajs consumer done');
    const cuveeRowsPerSecond = await cuveeRowsPerSec(context, topic, brokers);
    context.log('  kafka: cuvee caught up; freshness next');
    const kafkajsFresh = await kafkajsFreshness(kafka, topic, context);
    const cuveeFresh = await cuveeFreshness(kafka, topic, context);
    context.results.kafka = { rowCount: total, partitionCount: PARTITION_COUNT,
      cuveeRowsPerSec: cuveeRowsPerSecond, kafkajsRowsPerSec, cuveeFreshness: cuveeFresh,
      kafkajsFreshness: kafkajsFresh };
    context.log(`  kafka: cuvee ${cuveeRowsPerSecond.toFixed(0)} rows/s, kafkajs ` +
      `${kafkajsRowsPerSec.toFixed(0)} rows/s; freshness p50/p99 cuvee ` +
      `${cuveeFresh.p50Ms.toFixed(1)}/${cuveeFresh.p99Ms.toFixed(1)} ms, kafkajs ` +
      `${kafkajsFresh.p50Ms.toFixed(1)}/${kafkajsFresh.p99Ms.toFixed(1)} ms`);
  } finally {
    await context.cuvee.deleteTable(`${KAFKA_TABLE}_REALTIME`).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

export async function measureKafka(context: BenchContext): Promise<void> {
  if (context.settings.skipKafka) {
    context.results.skipped.push('Kafka ingestion and freshness: --skip-kafka');
    return;
  }
  const { brokers, release } = await brokerAddress();
  try {
    await runKafka(context, brokers);
  } finally {
    await release();
  }
}
