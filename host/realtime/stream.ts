// The stream SPI (Pinot's pinot-spi stream package): a partition-level consumer that fetches
// from an offset, so that the real-time table owns its offsets and can replay from the last
// committed one. Kafka (kafkaStream.ts) and the in-process stream (inProcessStream.ts)
// implement it; another client can replace either behind these interfaces.

/** One record of a partition. Offsets are the stream's own (Kafka: int64, here < 2^53). */
export interface StreamMessage {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  /** Producer or broker timestamp, epoch ms. */
  readonly timestampMs: number;
}

export interface MessageBatch {
  readonly messages: readonly StreamMessage[];
  /** The offset to fetch next: after the last message, or the start offset when empty. */
  readonly nextOffset: number;
}

/** Reads one partition of one topic, from any offset. */
export interface PartitionConsumer {
  /**
   * Messages at `offset` and after, up to `maxMessages`; waits at most `timeoutMs` when none
   * are there yet and returns an empty batch then.
   */
  fetch(offset: number, maxMessages: number, timeoutMs: number): Promise<MessageBatch>;
  close(): Promise<void>;
}

/** Topic-level questions and per-partition consumers for one stream config. */
export interface StreamConsumer {
  partitionCount(): Promise<number>;
  /** The offset the next produced message will get, per partition (Kafka's high watermark). */
  latestOffsets(): Promise<number[]>;
  /** The first offset still held, per partition. */
  earliestOffsets(): Promise<number[]>;
  partition(partitionId: number): PartitionConsumer;
  close(): Promise<void>;
}

/** Sends records to a topic: used for the dead-letter topic. */
export interface StreamProducer {
  send(topic: string, messages: readonly { key: Uint8Array | null; value: Uint8Array | null }[]):
    Promise<void>;
  close(): Promise<void>;
}

/** What a stream config resolves to: builds consumers and, for dead letters, a producer. */
export interface StreamFactory {
  consumer(topic: string): StreamConsumer;
  producer(): StreamProducer;
}
