// The StreamConsumer over Apache Kafka with kafkajs, loaded on first use. kafkajs has no
// partition-level fetch API, so one group consumer per topic (a group id of its own, offsets
// never committed to Kafka: the table owns them) is assigned every partition, and each
// partition's records go to a bounded buffer that `fetch` reads; a fetch at any offset other
// than the next one seeks there first. A full buffer holds its partition's eachBatch until the
// table drains it (with heartbeats), which is the back-pressure.
import { randomBytes } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { assert } from '../util/assert.js';
import type {
  MessageBatch,
  PartitionConsumer,
  StreamConsumer,
  StreamFactory,
  StreamMessage,
  StreamProducer,
} from './stream.js';

/** Records buffered per partition before its fetching waits for the table to catch up. */
export const PARTITION_BUFFER_MESSAGES = 20_000;
/** How often a held eachBatch heartbeats, well inside kafkajs's 30 s session timeout. */
const HEARTBEAT_INTERVAL_MS = 3_000;
/** Partitions kafkajs fetches concurrently: enough that one full buffer does not hold others. */
const MAX_CONCURRENT_PARTITIONS = 64;

async function loadKafka(brokers: readonly string[], clientId: string): Promise<Kafka> {
  const kafkajs = (await import('kafkajs')).default;
  return new kafkajs.Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: kafkajs.logLevel.ERROR,
  });
}

export class KafkaStreamFactory implements StreamFactory {
  private kafka: Promise<Kafka> | undefined;

  constructor(private readonly brokers: readonly string[], private readonly clientId = 'cuvee') {
    assert(brokers.length > 0, 'a Kafka stream has at least one broker');
  }

  client(): Promise<Kafka> {
    this.kafka ??= loadKafka(this.brokers, this.clientId);
    return this.kafka;
  }

  consumer(topic: string): StreamConsumer {
    return new KafkaTopicConsumer(this, topic);
  }

  producer(): StreamProducer {
    let producer: Promise<Producer> | undefined;
    const connected = () => {
      producer ??= this.client().then(async (kafka) => {
        const created = kafka.producer();
        await created.connect();
        return created;
      });
      return producer;
    };
    return {
      send: async (topic, messages) => {
        await (await connected()).send({
          topic,
          messages: messages.map((message) => ({
            key: message.key === null ? null : Buffer.from(message.key),
            value: message.value === null ? null : Buffer.from(message.value),
          })),
        });
      },
      close: async () => {
        if (producer !== undefined) await (await producer).disconnect();
      },
    };
  }
}

interface PartitionBuffer {
  messages: StreamMessage[];
  /** The offset the table will fetch next; records below it are stale and dropped. */
  position: number;
  /** Wakes a fetch waiting for records. */
  onArrival: (() => void) | undefined;
  /** Wakes an eachBatch waiting for room. */
  onDrain: (() => void) | undefined;
}

class KafkaTopicConsumer implements StreamConsumer {
  private admin: Promise<Admin> | undefined;
  private consumer: Promise<Consumer> | undefined;
  private readonly buffers = new Map<number, PartitionBuffer>();
  private closed = false;

  constructor(private readonly factory: KafkaStreamFactory, private readonly topic: string) {}

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= this.factory.client().then(async (kafka) => {
      const admin = kafka.admin();
      await admin.connect();
      return admin;
    });
    return this.admin;
  }

  async partitionCount(): Promise<number> {
    const admin = await this.connectedAdmin();
    const metadata = await admin.fetchTopicMetadata({ topics: [this.topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  }

  async latestOffsets(): Promise<number[]> {
    return this.offsets('high');
  }

  async earliestOffsets(): Promise<number[]> {
    return this.offsets('low');
  }

  private async offsets(which: 'high' | 'low'): Promise<number[]> {
    const admin = await this.connectedAdmin();
    const offsets = await admin.fetchTopicOffsets(this.topic);
    const result: number[] = [];
    for (const entry of offsets) result[entry.partition] = Number(entry[which]);
    return result;
  }

  partition(partitionId: number): PartitionConsumer {
    assert(!this.buffers.has(partitionId), `one consumer per partition (${partitionId})`);
    const buffer: PartitionBuffer = {
      messages: [],
      position: -1,
      onArrival: undefined,
      onDrain: undefined,
    };
    this.buffers.set(partitionId, buffer);
    return {
      fetch: (offset, maxMessages, timeoutMs) =>
        this.fetch(partitionId, buffer, offset, maxMessages, timeoutMs),
      close: () => Promise.resolve(),
    };
  }

  private started(): Promise<Consumer> {
    this.consumer ??= this.factory.client().then(async (kafka) => {
      const groupId = `cuvee-${this.topic}-${randomBytes(8).toString('hex')}`;
      const consumer = kafka.consumer({ groupId });
      await consumer.connect();
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: MAX_CONCURRENT_PARTITIONS,
        eachBatch: (payload) => this.onBatch(payload),
      });
      return consumer;
    });
    return this.consumer;
  }

  private async fetch(
    partitionId: number,
    buffer: PartitionBuffer,
    offset: number,
    maxMessages: number,
    timeoutMs: number,
  ): Promise<MessageBatch> {
    const consumer = await this.started();
    if (offset !== buffer.position) {
      buffer.messages = [];
      buffer.position = offset;
      consumer.seek({ topic: this.topic, partition: partitionId, offset: String(offset) });
      wake(buffer, 'onDrain');
    }
    if (buffer.messages.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          buffer.onArrival = undefined;
          resolve();
        }, timeoutMs);
        buffer.onArrival = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const messages = buffer.messages.splice(0, maxMessages);
    const last = messages[messages.length - 1];
    if (last !== undefined) buffer.position = last.offset + 1;
    if (buffer.messages.length < PARTITION_BUFFER_MESSAGES) wake(buffer, 'onDrain');
    return { messages, nextOffset: buffer.position };
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const buffer = this.buffers.get(batch.partition);
    if (buffer === undefined || buffer.position < 0) return;
    let tail = buffer.messages[buffer.messages.length - 1]?.offset ?? buffer.position - 1;
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      // Records before the position come from a fetch made before a seek: stale.
      if (offset <= tail) continue;
      buffer.messages.push({
        offset,
        key: message.key,
        value: message.value,
        timestampMs: Number(message.timestamp),
      });
      tail = offset;
    }
    wake(buffer, 'onArrival');
    while (
      buffer.messages.length >= PARTITION_BUFFER_MESSAGES && payload.isRunning() && !this.closed
    ) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, HEARTBEAT_INTERVAL_MS);
        buffer.onDrain = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      await payload.heartbeat();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const buffer of this.buffers.values()) wake(buffer, 'onDrain');
    if (this.consumer !== undefined) await (await this.consumer).disconnect();
    if (this.admin !== undefined) await (await this.admin).disconnect();
  }
}

function wake(buffer: PartitionBuffer, which: 'onArrival' | 'onDrain'): void {
  const callback = buffer[which];
  buffer[which] = undefined;
  callback?.();
}
