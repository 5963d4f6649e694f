// Proves the test broker tooling: the broker in KAFKA_BROKERS (started by tools/run-tests.mjs)
// takes a topic, and records produced with kafkajs come back from a consumer in order, with
// their keys, per partition.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';

/** Enough records to land on every partition of a 4-partition topic. */
const RECORD_COUNT = 40;
/** The broker's default partition count for tests (tools/kafka/broker.mjs). */
const PARTITION_COUNT = 4;
/** A consumer on a fresh broker joins its group and fetches within a few seconds. */
const CONSUME_TIMEOUT_MS = 30_000;

function brokerList(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  assert.ok(brokers !== undefined && brokers !== '',
    'KAFKA_BROKERS is not set: run the tests with `node tools/run-tests.mjs`, which starts Kafka');
  return brokers.split(',');
}

const kafka = new Kafka({ clientId: 'cuvee-broker-test', brokers: brokerList(),
  logLevel: logLevel.NOTHING });
const topic = `broker-test-${randomUUID()}`;
let admin: Admin;
let producer: Producer;

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
});

after(async () => {
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

test('the broker creates a topic with the partitions asked for', async () => {
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITION_COUNT, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  assert.equal(created, true);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(metadata.topics[0]?.partitions.length, PARTITION_COUNT);
});

test('the broker refuses to auto-create a topic nobody created', async () => {
  const missing = `broker-test-missing-${randomUUID()}`;
  const impatient = kafka.producer({ retry: { retries: 0 } });
  await impatient.connect();
  try {
    await assert.rejects(impatient.send({ topic: missing, messages: [{ value: 'x' }] }));
  } finally {
    await impatient.disconnect();
  }
  const topics = await admin.listTopics();
  assert.equal(topics.includes(missing), false);
});

test('records produced come back from a consumer, in order within each partition', async () => {
  const messages = Array.from({ length: RECORD_COUNT }, (_, index) => ({
    key: `viewer-${index % 7}`, value: JSON.stringify({ index }),
  }));
  await producer.send({ topic, messages });
  const consumer = kafka.consumer({ groupId: `broker-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: { partition: number; key: string; index: number }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${received.length} of ` +
        `${RECORD_COUNT} records in ${CONSUME_TIMEOUT_MS} ms`)), CONSUME_TIMEOUT_MS);
      consumer.run({
        eachMessage: ({ partition, message }) => {
          const { index } = JSON.parse(String(message.value)) as { index: number };
          received.push({ partition, key: String(message.key), index });
          if (received.length === RECORD_COUNT) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(received.map((record) => record.index).sort((a, b) => a - b),
    messages.map((_, index) => index));
  const partitionOfKey = new Map<string, number>();
  const lastIndexOfPartition = new Map<number, number>();
  for (const record of received) {
    // The default partitioner hashes the key: one key, one partition.
    assert.equal(partitionOfKey.get(record.key) ?? record.partition, record.partition);
    partitionOfKey.set(record.key, record.partition);
    assert.ok((lastIndexOfPartition.get(record.partition) ?? -1) < record.index);
    lastIndexOfPartition.set(record.partition, record.index);
  }
  assert.ok(lastIndexOfPartition.size > 1, 'seven keys spread over more than one partition');
});
