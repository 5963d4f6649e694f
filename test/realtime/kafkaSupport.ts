// The real broker of the integration tests (tools/run-tests.mjs starts it and sets
// KAFKA_BROKERS) and the airline records produced to it as JSON, as Pinot's integration tests
// push their Avro rows to Kafka.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { readerFor } from '../../host/ingest/readers/index.js';
import type { RawRecord } from '../../host/ingest/readers/index.js';
import { AIRLINE_AVRO_PATH } from '../support/airline.js';

/** Messages per produce request: well under Kafka's default 1 MiB request limit. */
const PRODUCE_BATCH_MESSAGES = 500;

export function kafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers === undefined || brokers === '') {
    throw new Error('KAFKA_BROKERS is not set: run the tests with `node tools/run-tests.mjs`, ' +
      'which starts the broker, or start one with `npm run kafka:start` and set ' +
      'KAFKA_BROKERS=127.0.0.1:19092');
  }
  return brokers.split(',');
}

export function kafkaClient(): kafkajs.Kafka {
  return new kafkajs.Kafka({
    clientId: 'cuvee-test',
    brokers: kafkaBrokers(),
    logLevel: kafkajs.logLevel.ERROR,
  });
}

/** Creates a topic with a unique name; returns the name. */
export async function createTopic(prefix: string, partitionCount: number): Promise<string> {
  const topic = `${prefix}-${randomBytes(6).toString('hex')}`;
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitionCount, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

export async function deleteTopic(topic: string): Promise<void> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

/** Big integers as JSON numbers (the decoder reads them back exactly). */
function jsonText(record: RawRecord): string {
  const marked = JSON.stringify(record, (_key, value: unknown) =>
    typeof value === 'bigint' ? `\u0000big:${value.toString()}` : value);
  return marked.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

/** The raw airline records of the Avro file (before transforms). */
export async function airlineRecords(): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for await (const record of readerFor('avro').open(AIRLINE_AVRO_PATH)) records.push(record);
  return records;
}

/** Produces `values` round-robin over `partitionCount` partitions. */
export async function produceValues(
  topic: string,
  values: readonly string[],
  partitionCount: number,
): Promise<void> {
  const producer = kafkaClient().producer();
  await producer.connect();
  try {
    for (let start = 0; start < values.length; start += PRODUCE_BATCH_MESSAGES) {
      const messages = values.slice(start, start + PRODUCE_BATCH_MESSAGES).map((value, i) => ({
        value,
        partition: (start + i) % partitionCount,
      }));
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

export function airlineJsonValues(records: readonly RawRecord[]): string[] {
  return records.map(jsonText);
}

/** The airline REALTIME config (Pinot's), on `topic` of the test broker, named `mytable`. */
export function airlineRealtimeConfig(
  json: Record<string, unknown>,
  topic: string,
  flushRows: number,
): Record<string, unknown> {
  const ingestion = json.ingestionConfig as Record<string, unknown>;
  const stream = ingestion.streamIngestionConfig as { streamConfigMaps: Record<string, string>[] };
  const map = {
    ...stream.streamConfigMaps[0],
    'stream.kafka.topic.name': topic,
    'stream.kafka.broker.list': kafkaBrokers().join(','),
    'realtime.segment.flush.threshold.rows': String(flushRows),
  };
  return {
    ...json,
    tableName: 'mytable',
    ingestionConfig: { ...ingestion, streamIngestionConfig: { streamConfigMaps: [map] } },
  };
}
