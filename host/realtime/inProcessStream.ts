// An in-process stream with Kafka's model (topics of partitions, offsets from 0, a high
// watermark per partition): the quickstart and unit tests feed real-time tables with it, so
// that the whole pipeline runs without a broker. Brokers are found by name, the value of
// `stream.inprocess.broker.list` in the table's stream config.
import { ConfigError } from '../errors/errors.js';
import { assert } from '../util/assert.js';
import type {
  MessageBatch,
  PartitionConsumer,
  StreamConsumer,
  StreamFactory,
  StreamMessage,
  StreamProducer,
} from './stream.js';

/** Partitions a topic gets when a produce or a consumer names a topic that does not exist. */
export const DEFAULT_IN_PROCESS_PARTITIONS = 1;

interface Partition {
  readonly messages: StreamMessage[];
  /** Fetchers waiting for the next message. */
  waiters: (() => void)[];
}

const brokers = new Map<string, InProcessBroker>();

export class InProcessBroker implements StreamFactory {
  private readonly topics = new Map<string, Partition[]>();

  private constructor(readonly name: string) {}

  /** The broker of this name, created on first use. */
  static named(name: string): InProcessBroker {
    let broker = brokers.get(name);
    if (broker === undefined) {
      broker = new InProcessBroker(name);
      brokers.set(name, broker);
    }
    return broker;
  }

  /** Forgets a broker and its topics. */
  static drop(name: string): void {
    brokers.delete(name);
  }

  createTopic(topic: string, partitionCount: number): void {
    assert(Number.isInteger(partitionCount) && partitionCount > 0, 'partitionCount >= 1');
    if (this.topics.has(topic)) {
      throw new ConfigError(`in-process topic ${topic} exists already on broker ${this.name}`);
    }
    const partitions: Partition[] = [];
    for (let i = 0; i < partitionCount; i++) partitions.push({ messages: [], waiters: [] });
    this.topics.set(topic, partitions);
  }

  hasTopic(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** Appends a record; returns its offset. `partition` default: by key hash, else 0. */
  produce(
    topic: string,
    value: Uint8Array | string | null,
    options: { partition?: number; key?: Uint8Array | null; timestampMs?: number } = {},
  ): number {
    const partitions = this.partitionsOf(topic);
    const partitionId = options.partition ?? 0;
    const partition = partitions[partitionId];
    assert(partition !== undefined, `topic ${topic} has partition ${partitionId}`);
    const offset = partition.messages.length;
    partition.messages.push({
      offset,
      key: options.key ?? null,
      value: typeof value === 'string' ? Buffer.from(value) : value,
      timestampMs: options.timestampMs ?? Date.now(),
    });
    const waiters = partition.waiters;
    partition.waiters = [];
    for (const wake of waiters) wake();
    return offset;
  }

  consumer(topic: string): StreamConsumer {
    return new InProcessConsumer(this.partitionsOf(topic));
  }

  producer(): StreamProducer {
    return {
      send: (topic, messages) => {
        if (!this.topics.has(topic)) this.createTopic(topic, DEFAULT_IN_PROCESS_PARTITIONS);
        for (const message of messages) this.produce(topic, message.value, { key: message.key });
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
  }

  /** Records of one partition (tests read dead-letter topics with it). */
  messages(topic: string, partitionId: number): readonly StreamMessage[] {
    return this.partitionsOf(topic)[partitionId]?.messages ?? [];
  }

  private partitionsOf(topic: string): Partition[] {
    const partitions = this.topics.get(topic);
    if (partitions === undefined) {
      throw new ConfigError(
        `in-process broker ${this.name} has no topic ${topic}; create it with createTopic first`,
      );
    }
    return partitions;
  }
}

class InProcessConsumer implements StreamConsumer {
  constructor(private readonly partitions: readonly Partition[]) {}

  partitionCount(): Promise<number> {
    return Promise.resolve(this.partitions.length);
  }

  latestOffsets(): Promise<number[]> {
    return Promise.resolve(this.partitions.map((partition) => partition.messages.length));
  }

  earliestOffsets(): Promise<number[]> {
    return Promise.resolve(this.partitions.map(() => 0));
  }

  partition(partitionId: number): PartitionConsumer {
    const partition = this.partitions[partitionId];
    assert(partition !== undefined, `partition ${partitionId} exists`);
    return new InProcessPartitionConsumer(partition);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class InProcessPartitionConsumer implements PartitionConsumer {
  constructor(private readonly partition: Partition) {}

  async fetch(offset: number, maxMessages: number, timeoutMs: number): Promise<MessageBatch> {
    assert(Number.isInteger(offset) && offset >= 0, 'offset is an integer >= 0');
    if (offset >= this.partition.messages.length && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.partition.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const messages = this.partition.messages.slice(offset, offset + maxMessages);
    return { messages, nextOffset: offset + messages.length };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
