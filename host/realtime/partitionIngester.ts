// One partition's consumer (Pinot's RealtimeSegmentDataManager of the low-level consumer):
// fetch from the next offset, decode, prepare, append to the consuming segment; at a flush
// threshold roll over: the full segment stays queryable while it seals and commits in the
// background (commits run one at a time, in offset order), and the next segment takes rows at
// once from the end offset. A record that cannot be decoded or coerced is counted, logged
// with its offset, optionally sent to the dead-letter topic, and skipped.
import type { Row } from '../config/types.js';
import type { RowPreparer } from '../ingest/prepare.js';
import { AssertionError } from '../util/assert.js';
import { MutableSegment } from '../../segments/mutable/mutableSegment.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { TableData } from '../table/tableData.js';
import { realtimeSegmentName } from '../../segments/writer/names.js';
import type { MessageDecoder } from './decoders.js';
import type { PartitionConsumer, StreamMessage, StreamProducer } from './stream.js';
import type { RealtimeStreamConfig } from './streamConfig.js';
import { DEFAULT_MAX_DOCS } from '../../segments/mutable/mutableSegment.js';

/** Records per fetch: large enough to amortize the call, small enough to keep queries going. */
export const FETCH_MAX_MESSAGES = 2_000;
/** How long an idle fetch waits for records; bounds how late a time threshold is noticed. */
export const FETCH_WAIT_MS = 100;
/** Pause after a failed fetch before trying again (broker restarts, leader moves). */
export const FETCH_RETRY_DELAY_MS = 1_000;
/** Segments sealing at once per partition; past it consumption waits for the commits. */
export const MAX_SEALING_SEGMENTS = 2;
/** Poison records logged one by one per partition; after that, every POISON_LOG_EVERY-th. */
export const POISON_LOG_FIRST = 20;
/** See POISON_LOG_FIRST: keeps a stream of bad records from flooding the log. */
export const POISON_LOG_EVERY = 1_000;

export interface PartitionIngesterContext {
  readonly data: TableData;
  readonly stream: RealtimeStreamConfig;
  readonly consumer: PartitionConsumer;
  readonly decode: MessageDecoder;
  readonly preparer: RowPreparer;
  readonly deadLetter: StreamProducer | undefined;
  readonly log: (message: string) => void;
  /** Seals `segment` into the table's segments and the deep store (atomic: FORMAT.md). */
  readonly commit: (segment: MutableSegment, startOffset: number, endOffset: number) =>
    Promise<void>;
}

export interface PartitionCounters {
  /** Records read from the stream. */
  recordsConsumed: number;
  rowsIndexed: number;
  /** Records the table's filterConfig dropped. */
  recordsFiltered: number;
  /** Records that could not be decoded or coerced (skipped). */
  recordsInvalid: number;
  segmentsCommitted: number;
}

interface Sealing {
  readonly segment: MutableSegment;
}

export class PartitionIngester {
  private current: MutableSegment;
  private currentStartOffset: number;
  private readonly sealing: Sealing[] = [];
  private nextOffset: number;
  private commitChain: Promise<void> = Promise.resolve();
  private running = false;
  private paused = false;
  private failure: Error | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private iteration: Promise<void> = Promise.resolve();
  private wakeLoop: (() => void) | undefined;
  private deadLetters: { key: Uint8Array | null; value: Uint8Array | null }[] = [];
  readonly counters: PartitionCounters = {
    recordsConsumed: 0,
    rowsIndexed: 0,
    recordsFiltered: 0,
    recordsInvalid: 0,
    segmentsCommitted: 0,
  };
  /** Wall clock of the last record read; stream timestamp of the last one indexed. */
  lastConsumedMs = 0;
  lastIndexedTimestampMs = 0;
  /** The last fetch found no more records: the consuming segment is as fresh as now. */
  caughtUp = false;

  constructor(
    private readonly context: PartitionIngesterContext,
    readonly partitionId: number,
    private sequenceNumber: number,
    startOffset: number,
  ) {
    this.nextOffset = startOffset;
    this.currentStartOffset = startOffset;
    this.current = this.newSegment();
  }

  get consumingSegmentName(): string {
    return this.current.segmentName;
  }

  get currentOffset(): number {
    return this.nextOffset;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Consuming and sealing segments, each frozen at this moment (their sealed file excluded). */
  snapshots(): Segment[] {
    const { data } = this.context;
    const result: Segment[] = [];
    for (const { segment } of this.sealing) {
      if (data.segment(segment.segmentName) === undefined) result.push(segment.snapshot());
    }
    result.push(this.current.snapshot());
    return result;
  }

  start(paused: boolean): void {
    this.paused = paused;
    this.running = true;
    this.loopDone = this.loop();
  }

  /** Stops fetching; waits for the in-flight batch and for pending commits. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeLoop?.();
    await this.loopDone;
    await this.commitChain.catch(() => undefined);
  }

  /** Releases the consuming segments' memory (after stop). */
  release(): void {
    for (const { segment } of this.sealing.splice(0)) segment.release();
    this.current.release();
  }

  /** Stops fetching and commits what was consumed (Pinot's pauseConsumption). */
  async pause(): Promise<void> {
    this.paused = true;
    await this.iteration;
    await this.forceCommit();
  }

  resume(): void {
    this.paused = false;
    this.wakeLoop?.();
  }

  /** Commits the consuming segment now if it has rows; returns its name. */
  async forceCommit(): Promise<string | undefined> {
    const name = this.current.docCount() > 0 ? this.rollOver() : undefined;
    await this.commitChain;
    return name;
  }

  private newSegment(): MutableSegment {
    const { data, stream } = this.context;
    const creationTimeMs = Date.now();
    const segmentName = realtimeSegmentName({
      tableName: data.config.tableName,
      partitionId: this.partitionId,
      sequenceNumber: this.sequenceNumber,
      creationTimeMs,
    });
    const rows = stream.flushThresholdRows;
    return new MutableSegment({
      schema: data.schema,
      tableConfig: data.config,
      segmentName,
      creationTimeMs,
      maxDocs: rows > 0 ? rows : DEFAULT_MAX_DOCS,
    });
  }

  /** Freezes the consuming segment, starts the next at the end offset, queues the commit. */
  private rollOver(): string {
    const segment = this.current;
    const startOffset = this.currentStartOffset;
    const endOffset = this.nextOffset;
    this.sealing.push({ segment });
    this.sequenceNumber++;
    this.currentStartOffset = endOffset;
    this.current = this.newSegment();
    this.commitChain = this.commitChain.then(async () => {
      if (this.failure !== undefined) throw this.failure;
      try {
        await this.context.commit(segment, startOffset, endOffset);
      } catch (error) {
        // A later segment must not commit past rows that are not committed: stop here; a
        // restart consumes again from the last committed offset.
        this.failure = error instanceof Error ? error : new Error(String(error));
        this.running = false;
        this.context.log(`partition ${this.partitionId}: commit of ${segment.segmentName} ` +
          `failed, consumption stopped: ${this.failure.message}`);
        throw this.failure;
      }
      this.counters.segmentsCommitted++;
      const index = this.sealing.findIndex((entry) => entry.segment === segment);
      this.sealing.splice(index, 1);
      segment.release();
    });
    return segment.segmentName;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.paused) {
        await new Promise<void>((resolve) => (this.wakeLoop = resolve));
        this.wakeLoop = undefined;
        continue;
      }
      this.iteration = this.step();
      await this.iteration;
    }
  }

  private async step(): Promise<void> {
    if (this.sealing.length >= MAX_SEALING_SEGMENTS) {
      await this.commitChain.catch(() => undefined);
      return;
    }
    let messages: readonly StreamMessage[];
    let nextOffset: number;
    try {
      ({ messages, nextOffset } = await this.context.consumer.fetch(
        this.nextOffset, FETCH_MAX_MESSAGES, FETCH_WAIT_MS));
    } catch (error) {
      this.context.log(`partition ${this.partitionId}: fetch at offset ${this.nextOffset} ` +
        `failed, retrying: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, FETCH_RETRY_DELAY_MS));
      return;
    }
    // A pause or stop that came during the fetch: the records are fetched again later.
    if (!this.running || this.paused) return;
    for (const message of messages) this.handle(message);
    if (nextOffset > this.nextOffset) this.nextOffset = nextOffset;
    this.caughtUp = messages.length < FETCH_MAX_MESSAGES;
    this.checkTimeAndSize();
    await this.flushDeadLetters();
  }

  private handle(message: StreamMessage): void {
    this.nextOffset = message.offset + 1;
    this.counters.recordsConsumed++;
    this.lastConsumedMs = Date.now();
    let row: Row | null;
    try {
      if (message.value === null) throw new Error('the record has no value');
      row = this.context.preparer.prepare(this.context.decode(message.value));
      if (row !== null) this.current.append(row);
    } catch (error) {
      if (error instanceof AssertionError) throw error;
      this.poison(message, error);
      return;
    }
    if (row === null) {
      this.counters.recordsFiltered++;
      return;
    }
    this.counters.rowsIndexed++;
    this.lastIndexedTimestampMs = message.timestampMs;
    if (this.current.isFull()) this.rollOver();
  }

  private checkTimeAndSize(): void {
    const { stream } = this.context;
    const docCount = this.current.docCount();
    if (docCount === 0) return;
    const ageMs = Date.now() - this.current.creationTimeMs;
    const bySize = stream.flushThresholdRows === 0 &&
      this.current.estimatedSizeBytes() >= stream.flushThresholdSegmentSizeBytes;
    if (ageMs >= stream.flushThresholdTimeMs || bySize) this.rollOver();
  }

  private poison(message: StreamMessage, error: unknown): void {
    const count = ++this.counters.recordsInvalid;
    if (count <= POISON_LOG_FIRST || count % POISON_LOG_EVERY === 0) {
      const reason = error instanceof Error ? error.message : String(error);
      this.context.log(`${this.context.stream.topic} partition ${this.partitionId} offset ` +
        `${message.offset}: record skipped (${count} so far): ${reason}`);
    }
    if (this.context.deadLetter !== undefined) {
      this.deadLetters.push({ key: message.key, value: message.value });
    }
  }

  private async flushDeadLetters(): Promise<void> {
    const { deadLetter, stream } = this.context;
    if (deadLetter === undefined || stream.deadLetterTopic === undefined) return;
    if (this.deadLetters.length === 0) return;
    const batch = this.deadLetters;
    this.deadLetters = [];
    try {
      await deadLetter.send(stream.deadLetterTopic, batch);
    } catch (error) {
      this.context.log(`partition ${this.partitionId}: ${batch.length} records could not go ` +
        `to dead-letter topic ${stream.deadLetterTopic}: ${String(error)}`);
    }
  }
}
