// A REALTIME table on this node: its committed segments (TableData) plus one consuming segment
// per stream partition, answering as one QueryableTable. Commits are atomic by construction:
// the sealed segment file carries its start and end offsets in its own metadata and appears
// with one rename, so a restart reads the committed offset of each partition from the
// segments on disk (host/realtime/FORMAT.md).
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtemp } from 'node:fs/promises';
import type { Schema, TableConfig } from '../config/types.js';
import type { DeepStore } from '../deepstore/deepStore.js';
import { ConfigError } from '../errors/errors.js';
import type { QueryableTable, UnavailableSegment } from '../query/engine.js';
import { RowPreparer } from '../ingest/prepare.js';
import { SEGMENT_FILE_SUFFIX, type TableData } from '../table/tableData.js';
import { CUSTOM_KEYS } from '../../segments/spi/metadata.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { MutableSegment } from '../../segments/mutable/mutableSegment.js';
import { parseRealtimeSegmentName } from '../../segments/writer/names.js';
import { packSegmentTar, SEGMENT_TAR_SUFFIX } from '../../segments/tar/segmentTar.js';
import { messageDecoder } from './decoders.js';
import { PartitionIngester, type PartitionCounters } from './partitionIngester.js';
import { readRealtimeState, writeRealtimeState, type RealtimeState } from './partitionState.js';
import type { StreamConsumer, StreamFactory, StreamProducer } from './stream.js';
import { readStreamConfig, type RealtimeStreamConfig } from './streamConfig.js';

export interface RealtimeTableOptions {
  /** Where the table's state file lives (FORMAT.md). */
  readonly stateFile: string;
  readonly deepStore?: DeepStore;
  /** The stream client for a stream config (kafka, inprocess, …). */
  readonly streamFactory: (config: RealtimeStreamConfig) => StreamFactory;
  /** Poison records, failed fetches and commits. */
  readonly log: (message: string) => void;
}

/** Where a partition's consumption resumes after a restart. */
interface PartitionStart {
  readonly sequenceNumber: number;
  /** The end offset of its last committed segment; undefined before its first commit. */
  readonly committedOffset: number | undefined;
}

/** Pinot's consumingSegmentsInfo entry of one consuming segment. */
export interface ConsumingSegmentInfo {
  readonly serverName: string;
  readonly consumerState: 'CONSUMING' | 'NOT_CONSUMING';
  readonly lastConsumedTimestamp: number;
  readonly partitionToOffsetMap: Record<string, string>;
  readonly partitionOffsetInfo: {
    readonly currentOffsetsMap: Record<string, string>;
    readonly latestUpstreamOffsetMap: Record<string, string>;
    readonly recordsLagMap: Record<string, string>;
    readonly availabilityLagMsMap: Record<string, string>;
  };
  /** Cuvée's counters for the partition (records read, indexed, filtered, skipped). */
  readonly ingestionCounters: PartitionCounters;
}

/** Pinot's GET /tables/{t}/consumingSegmentsInfo. */
export interface ConsumingSegmentsInfo {
  readonly serversFailingToRespond: number;
  readonly serversUnparsableRespond: number;
  readonly _segmentToConsumingInfoMap: Record<string, ConsumingSegmentInfo[]>;
}

/** The server name consumingSegmentsInfo reports (one in-process server). */
const SERVER_NAME = 'Server_cuvee';

export class RealtimeTable implements QueryableTable {
  readonly stream: RealtimeStreamConfig;
  private readonly factory: StreamFactory;
  private consumer: StreamConsumer | undefined;
  private deadLetter: StreamProducer | undefined;
  private readonly ingesters: PartitionIngester[] = [];
  private state: RealtimeState = { startOffsets: {}, paused: false };
  private started = false;
  /** Consuming segments handed to the last query, and their oldest freshness. */
  lastQueriedConsumingCount = 0;
  lastQueriedMinFreshnessMs = Number.POSITIVE_INFINITY;

  constructor(readonly data: TableData, private readonly options: RealtimeTableOptions) {
    this.stream = readStreamConfig(data.config);
    this.factory = options.streamFactory(this.stream);
  }

  /**
   * Checks a REALTIME config before it is stored (as Pinot's controller does): the stream
   * settings parse and the topic exists with at least one partition.
   */
  static async validate(
    config: TableConfig,
    streamFactory: (config: RealtimeStreamConfig) => StreamFactory,
  ): Promise<void> {
    const stream = readStreamConfig(config);
    const factory = streamFactory(stream);
    let consumer: StreamConsumer | undefined;
    try {
      consumer = factory.consumer(stream.topic);
      const partitionCount = await consumer.partitionCount();
      if (partitionCount === 0) throw new Error('it has no partitions');
    } catch (error) {
      throw new ConfigError(`${config.tableNameWithType}: cannot read topic ${stream.topic} ` +
        `(${error instanceof Error ? error.message : String(error)}); create the topic first ` +
        'and check the broker list');
    } finally {
      await consumer?.close();
    }
  }

  get config(): TableConfig {
    return this.data.config;
  }

  get schema(): Schema {
    return this.data.schema;
  }

  segments(): readonly Segment[] {
    const sealed = this.data.segments();
    const consuming: Segment[] = [];
    let minFreshnessMs = Number.POSITIVE_INFINITY;
    const nowMs = Date.now();
    for (const ingester of this.ingesters) {
      consuming.push(...ingester.snapshots());
      const freshnessMs = ingester.caughtUp ? nowMs : ingester.lastIndexedTimestampMs;
      minFreshnessMs = Math.min(minFreshnessMs, freshnessMs);
    }
    this.lastQueriedConsumingCount = consuming.length;
    this.lastQueriedMinFreshnessMs = minFreshnessMs;
    return consuming.length === 0 ? sealed : [...sealed, ...consuming];
  }

  unavailableSegments(): readonly UnavailableSegment[] {
    return this.data.unavailableSegments();
  }

  /** Opens the stream and starts one consumer per partition from its committed offset. */
  async start(): Promise<void> {
    if (this.started) return;
    await this.removeTemporaryFiles();
    this.state = await readRealtimeState(this.options.stateFile);
    const consumer = this.factory.consumer(this.stream.topic);
    this.consumer = consumer;
    const partitionCount = await consumer.partitionCount();
    const starts = this.committedStarts();
    const resetOffsets = await this.resetOffsets(consumer, partitionCount, starts);
    if (this.stream.deadLetterTopic !== undefined) this.deadLetter = this.factory.producer();
    const decode = messageDecoder(this.stream);
    for (let partitionId = 0; partitionId < partitionCount; partitionId++) {
      const start = starts.get(partitionId) ?? { sequenceNumber: 0, committedOffset: undefined };
      const offset = start.committedOffset ?? resetOffsets[partitionId]!;
      const ingester = new PartitionIngester({
        data: this.data,
        stream: this.stream,
        consumer: consumer.partition(partitionId),
        decode,
        preparer: new RowPreparer(this.data.schema, this.data.config),
        deadLetter: this.deadLetter,
        log: (message) => this.options.log(`${this.config.tableNameWithType}: ${message}`),
        commit: (segment, startOffset, endOffset) => this.commit(segment, startOffset, endOffset),
      }, partitionId, start.sequenceNumber, offset);
      this.ingesters.push(ingester);
    }
    for (const ingester of this.ingesters) ingester.start(this.state.paused);
    this.started = true;
    await this.uploadMissingToDeepStore();
  }

  /** Per partition: the next sequence number and the last committed end offset. */
  private committedStarts(): Map<number, PartitionStart> {
    const starts = new Map<number, PartitionStart>();
    for (const segment of this.data.segments()) {
      const name = parseRealtimeSegmentName(segment.metadata.segmentName);
      const endText = segment.metadata.custom[CUSTOM_KEYS.endOffset];
      if (name === undefined || endText === undefined) continue;
      const previous = starts.get(name.partitionId);
      const endOffset = Number(endText);
      starts.set(name.partitionId, {
        sequenceNumber: Math.max(previous?.sequenceNumber ?? 0, name.sequenceNumber + 1),
        committedOffset: Math.max(previous?.committedOffset ?? 0, endOffset),
      });
    }
    return starts;
  }

  /**
   * The first offset of partitions never committed: the one recorded when the partition
   * first started, else the reset policy's (recorded now, so a crash before the first commit
   * does not move it to a later "largest").
   */
  private async resetOffsets(
    consumer: StreamConsumer,
    partitionCount: number,
    starts: ReadonlyMap<number, PartitionStart>,
  ): Promise<number[]> {
    const offsets: number[] = [];
    const startOffsets = { ...this.state.startOffsets };
    let changed = false;
    let policyOffsets: number[] | undefined;
    for (let partitionId = 0; partitionId < partitionCount; partitionId++) {
      const recorded = startOffsets[String(partitionId)];
      if (recorded !== undefined || starts.has(partitionId)) {
        offsets.push(recorded ?? 0);
        continue;
      }
      policyOffsets ??= await (this.stream.offsetReset === 'smallest'
        ? consumer.earliestOffsets() : consumer.latestOffsets());
      const offset = policyOffsets[partitionId] ?? 0;
      startOffsets[String(partitionId)] = offset;
      offsets.push(offset);
      changed = true;
    }
    if (changed) await this.saveState({ ...this.state, startOffsets });
    return offsets;
  }

  private async saveState(state: RealtimeState): Promise<void> {
    await writeRealtimeState(this.options.stateFile, state);
    this.state = state;
  }

  /** Writes the sealed segment (the commit point), then puts its tar in the deep store. */
  private async commit(segment: MutableSegment, startOffset: number, endOffset: number) {
    const docCount = segment.docCount();
    await this.data.addSegment({
      segmentName: segment.segmentName,
      columns: { docCount, columns: segment.columnarInput(docCount) },
      custom: {
        [CUSTOM_KEYS.startOffset]: String(startOffset),
        [CUSTOM_KEYS.endOffset]: String(endOffset),
      },
      creationTimeMs: segment.creationTimeMs,
    });
    await this.uploadToDeepStore(segment.segmentName);
  }

  private deepStoreKey(segmentName: string): string {
    return `${this.config.tableNameWithType}/${segmentName}${SEGMENT_TAR_SUFFIX}`;
  }

  private async uploadToDeepStore(segmentName: string): Promise<void> {
    const store = this.options.deepStore;
    if (store === undefined) return;
    const directory = await mkdtemp(join(tmpdir(), 'cuvee-commit-'));
    try {
      const file = join(this.data.directory, `${segmentName}${SEGMENT_FILE_SUFFIX}`);
      const tar = await packSegmentTar(file, directory, segmentName);
      await store.put(this.deepStoreKey(segmentName), tar);
    } catch (error) {
      // The local commit stands; the next start uploads what the store lacks.
      this.options.log(`${this.config.tableNameWithType}: deep store upload of ${segmentName} ` +
        `failed, retried at the next start: ${String(error)}`);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private async uploadMissingToDeepStore(): Promise<void> {
    const store = this.options.deepStore;
    if (store === undefined) return;
    for (const name of this.data.segmentNames()) {
      if (!(await store.exists(this.deepStoreKey(name)))) await this.uploadToDeepStore(name);
    }
  }

  /** A kill during a segment write leaves its temporary file; nothing refers to it. */
  private async removeTemporaryFiles(): Promise<void> {
    const names = await readdir(this.data.directory).catch(() => [] as string[]);
    for (const name of names) {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        await rm(join(this.data.directory, name), { force: true });
      }
    }
  }

  async pause(): Promise<void> {
    await this.saveState({ ...this.state, paused: true });
    await Promise.all(this.ingesters.map((ingester) => ingester.pause()));
  }

  async resume(): Promise<void> {
    await this.saveState({ ...this.state, paused: false });
    for (const ingester of this.ingesters) ingester.resume();
  }

  /** Commits every consuming segment that has rows; returns the committed names. */
  async forceCommit(): Promise<string[]> {
    const names = await Promise.all(this.ingesters.map((ingester) => ingester.forceCommit()));
    return names.filter((name): name is string => name !== undefined);
  }

  /** Counters summed over partitions. */
  counters(): PartitionCounters {
    const total: PartitionCounters = {
      recordsConsumed: 0,
      rowsIndexed: 0,
      recordsFiltered: 0,
      recordsInvalid: 0,
      segmentsCommitted: 0,
    };
    for (const ingester of this.ingesters) {
      for (const key of Object.keys(total) as (keyof PartitionCounters)[]) {
        total[key] += ingester.counters[key];
      }
    }
    return total;
  }

  async consumingSegmentsInfo(): Promise<ConsumingSegmentsInfo> {
    const latest = this.consumer === undefined ? [] : await this.consumer.latestOffsets();
    const map: Record<string, ConsumingSegmentInfo[]> = {};
    const nowMs = Date.now();
    for (const ingester of this.ingesters) {
      const partition = String(ingester.partitionId);
      const current = String(ingester.currentOffset);
      const upstream = latest[ingester.partitionId] ?? ingester.currentOffset;
      const lag = Math.max(0, upstream - ingester.currentOffset);
      const availabilityLagMs =
        lag === 0 || ingester.lastIndexedTimestampMs === 0
          ? 0 : Math.max(0, nowMs - ingester.lastIndexedTimestampMs);
      map[ingester.consumingSegmentName] = [{
        serverName: SERVER_NAME,
        consumerState: ingester.isPaused || ingester.error !== undefined
          ? 'NOT_CONSUMING' : 'CONSUMING',
        lastConsumedTimestamp: ingester.lastConsumedMs,
        partitionToOffsetMap: { [partition]: current },
        partitionOffsetInfo: {
          currentOffsetsMap: { [partition]: current },
          latestUpstreamOffsetMap: { [partition]: String(upstream) },
          recordsLagMap: { [partition]: String(lag) },
          availabilityLagMsMap: { [partition]: String(availabilityLagMs) },
        },
        ingestionCounters: { ...ingester.counters },
      }];
    }
    return { serversFailingToRespond: 0, serversUnparsableRespond: 0,
      _segmentToConsumingInfoMap: map };
  }

  /** Stops every consumer (waiting for pending commits) and releases consuming segments. */
  async stop(): Promise<void> {
    await Promise.all(this.ingesters.map((ingester) => ingester.stop()));
    for (const ingester of this.ingesters) ingester.release();
    this.ingesters.length = 0;
    await this.consumer?.close();
    await this.deadLetter?.close();
    this.started = false;
  }
}
