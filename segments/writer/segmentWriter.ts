// SegmentWriter as in Pinot's Flink-sink proposal (shared seed 002): init(config), write(row),
// write(rows), flush(), close(). Rows buffer in memory; a flush builds an immutable segment
// from the buffer (segments/immutable/writer.ts) and packs it as `<segmentName>.tar.gz` for
// upload. Names come from a generator with increasing sequence ids, so a rerun over the same
// input produces the same names and replaces its segments instead of doubling the data.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FieldSpec, Row, ScalarValue, Schema, TableConfig, Value } from '../../host/config/types.js';
import { ConfigError, CuveeError, DataError, ErrorCode } from '../../host/errors/errors.js';
import { writeImmutableSegment } from '../immutable/writer.js';
import { isStoredValue } from '../mutable/mutableColumn.js';
import { fastComparatorFor } from '../mutable/valueOrder.js';
import type { SegmentMetadata } from '../spi/metadata.js';
import { packSegmentTar } from '../tar/segmentTar.js';
import {
  createSegmentNameGenerator,
  SegmentNameError,
  timeFieldOf,
  type SegmentNameConfig,
  type SegmentNameGenerator,
} from './names.js';

/**
 * Rows buffered before a flush. The proposal lists 1000; Pinot's Flink sink ships 500,000
 * (PinotSinkFunction.DEFAULT_SEGMENT_FLUSH_MAX_NUM_RECORDS): segments of 1000 rows would be
 * far too small to query well, so we follow the sink.
 */
export const DEFAULT_BUFFER_FLUSH_MAX_ROWS = 500_000;
/** Buffered bytes before a flush: the proposal's `sink.buffer-flush.max-size` default, 5 MB. */
export const DEFAULT_BUFFER_FLUSH_MAX_SIZE_BYTES = 5 * 1024 * 1024;
/** Upper limit on the row threshold: a segment's doc ids stay far below the 2^31 bitmap limit. */
export const MAX_BUFFER_FLUSH_ROWS = 50_000_000;
/** Estimated heap bytes of one row beyond its values (object, hidden class slots). */
const ROW_OVERHEAD_BYTES = 64;
/** Estimated bytes per value slot: a number, a bigint or a pointer. */
const VALUE_SLOT_BYTES = 8;
/** Staging folder prefix under outputDir for segment files before they are packed. */
const STAGING_PREFIX = '.staging-';

export interface SegmentWriterConfig {
  readonly schema: Schema;
  readonly tableConfig: TableConfig;
  /** Where `<segmentName>.tar.gz` files go (created if missing). */
  readonly outputDir: string;
  /** Name generator: `simple` (default), `normalizedDate` or `fixed`, with its options. */
  readonly segmentName?: SegmentNameConfig;
  /** Flush when this many rows are buffered; default DEFAULT_BUFFER_FLUSH_MAX_ROWS. */
  readonly bufferFlushMaxRows?: number;
  /** Flush when the buffer's estimated size reaches this; default 5 MB. */
  readonly bufferFlushMaxSizeBytes?: number;
  /** Keep each segment file (in the writer's staging folder under outputDir) after packing. */
  readonly keepSegmentFiles?: boolean;
}

export interface FlushedSegment {
  readonly segmentName: string;
  readonly sequenceId: number;
  /** `<outputDir>/<segmentName>.tar.gz`. */
  readonly tarFile: string;
  /** The segment file when `keepSegmentFiles` is set. */
  readonly segmentFile: string | undefined;
  readonly metadata: SegmentMetadata;
}

/** The writer was used out of order: before init, after close, or initialized twice. */
export class SegmentWriterStateError extends CuveeError {
  constructor(message: string) {
    super(ErrorCode.QUERY_EXECUTION, message);
  }
}

interface WriterSetup {
  readonly config: SegmentWriterConfig;
  /** This writer's own staging folder, so writers sharing outputDir never collide. */
  readonly stagingDir: string;
  readonly names: SegmentNameGenerator;
  readonly maxRows: number;
  readonly maxSizeBytes: number;
  readonly timeField: FieldSpec | undefined;
}

function checkThreshold(value: number, name: string, max: number): number {
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) {
    throw new ConfigError(`${name} must be a whole number in [1, ${max}], got ${value}`);
  }
  return value;
}

function setupOf(config: SegmentWriterConfig): WriterSetup {
  return {
    config,
    stagingDir: join(config.outputDir, `${STAGING_PREFIX}${randomBytes(6).toString('hex')}`),
    names: createSegmentNameGenerator(config.segmentName ?? {}, config.schema, config.tableConfig),
    maxRows: checkThreshold(
      config.bufferFlushMaxRows ?? DEFAULT_BUFFER_FLUSH_MAX_ROWS,
      'bufferFlushMaxRows',
      MAX_BUFFER_FLUSH_ROWS,
    ),
    maxSizeBytes: checkThreshold(
      config.bufferFlushMaxSizeBytes ?? DEFAULT_BUFFER_FLUSH_MAX_SIZE_BYTES,
      'bufferFlushMaxSizeBytes',
      Number.MAX_SAFE_INTEGER,
    ),
    timeField: timeFieldOf(config.schema, config.tableConfig),
  };
}

function scalarSizeBytes(value: ScalarValue): number {
  if (typeof value === 'string') return VALUE_SLOT_BYTES + 2 * value.length;
  if (value instanceof Uint8Array) return VALUE_SLOT_BYTES + value.length;
  return VALUE_SLOT_BYTES;
}

/** A rough heap size of a prepared row, for the byte threshold. */
export function estimateRowSizeBytes(row: Row, fields: readonly FieldSpec[]): number {
  let sizeBytes = ROW_OVERHEAD_BYTES;
  for (const field of fields) {
    const value = row[field.name];
    if (value === null || value === undefined) sizeBytes += VALUE_SLOT_BYTES;
    else if (Array.isArray(value)) {
      sizeBytes += VALUE_SLOT_BYTES;
      for (const element of value) sizeBytes += scalarSizeBytes(element);
    } else sizeBytes += scalarSizeBytes(value);
  }
  return sizeBytes;
}

/** Refuses a row the builder would refuse, naming the row's position in the writer. */
function checkRow(row: Row, fields: readonly FieldSpec[], rowNumber: number): void {
  for (const field of fields) {
    const value: Value | undefined = row[field.name];
    if (value === null || value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && field.singleValueField) {
      throw new DataError(`row ${rowNumber}, column ${field.name}: a list for a single value`);
    }
    for (const element of list as readonly (ScalarValue | null)[]) {
      if (element === null || isStoredValue(field.storedType, element)) continue;
      throw new DataError(
        `row ${rowNumber}, column ${field.name} (${field.storedType}): ${String(element)} is ` +
          `not a prepared ${field.storedType}; prepare rows with the schema first`,
      );
    }
  }
}

/** The time column's smallest and largest stored values over `rows` (nulls as default). */
function timeRangeOf(rows: readonly Row[], field: FieldSpec | undefined) {
  if (field === undefined || rows.length === 0) return { minTime: undefined, maxTime: undefined };
  const compare = fastComparatorFor(field.storedType);
  let minTime: ScalarValue | undefined;
  let maxTime: ScalarValue | undefined;
  for (const row of rows) {
    const raw = row[field.name];
    const value = raw === null || raw === undefined || Array.isArray(raw) ? undefined : raw;
    const stored = value ?? field.defaultNullValue;
    if (minTime === undefined || compare(stored, minTime) < 0) minTime = stored;
    if (maxTime === undefined || compare(stored, maxTime) > 0) maxTime = stored;
  }
  return { minTime, maxTime };
}

export class SegmentWriter {
  private setup: WriterSetup | undefined;
  private buffer: Row[] = [];
  private bufferSizeBytes = 0;
  private rowsWritten = 0;
  private nextSequenceId = 0;
  private closed = false;
  private readonly usedNames = new Set<string>();
  private readonly flushed: FlushedSegment[] = [];
  /** Flushes run one after another, so sequence ids follow the order rows were written. */
  private flushTail: Promise<unknown> = Promise.resolve();

  /** Validates the config and prepares the output directory. */
  async init(config: SegmentWriterConfig): Promise<void> {
    if (this.setup !== undefined || this.closed) {
      throw new SegmentWriterStateError('init was called twice; create a new SegmentWriter');
    }
    const setup = setupOf(config);
    await mkdir(setup.stagingDir, { recursive: true });
    this.setup = setup;
  }

  private ready(): WriterSetup {
    if (this.closed) {
      throw new SegmentWriterStateError('the writer is closed; create a new SegmentWriter');
    }
    if (this.setup === undefined) {
      throw new SegmentWriterStateError('call init(config) before writing');
    }
    return this.setup;
  }

  /** Rows waiting in the buffer. */
  bufferedRowCount(): number {
    return this.buffer.length;
  }

  bufferedSizeBytes(): number {
    return this.bufferSizeBytes;
  }

  /** Every segment flushed so far, in sequence order. */
  flushedSegments(): readonly FlushedSegment[] {
    return this.flushed;
  }

  /**
   * Buffers prepared rows; whenever the buffer reaches a threshold it is flushed. Returns the
   * segments this call flushed. A row of the wrong shape is a DataError and nothing of it is
   * buffered.
   */
  async write(rows: Row | readonly Row[]): Promise<FlushedSegment[]> {
    const setup = this.ready();
    const list = Array.isArray(rows) ? (rows as readonly Row[]) : [rows as Row];
    const fields = setup.config.schema.fields;
    list.forEach((row, i) => checkRow(row, fields, this.rowsWritten + i));
    const flushes: Promise<FlushedSegment | undefined>[] = [];
    for (const row of list) {
      this.rowsWritten++;
      this.buffer.push(row);
      this.bufferSizeBytes += estimateRowSizeBytes(row, fields);
      if (this.buffer.length >= setup.maxRows || this.bufferSizeBytes >= setup.maxSizeBytes) {
        flushes.push(this.flush());
      }
    }
    const results = await Promise.all(flushes);
    return results.filter((result) => result !== undefined);
  }

  /**
   * Builds a segment from the buffered rows and packs it as `<segmentName>.tar.gz`; resolves
   * to undefined when the buffer is empty. If the build fails, the rows go back to the front
   * of the buffer and the sequence id is reused by the next flush.
   */
  flush(): Promise<FlushedSegment | undefined> {
    let setup: WriterSetup;
    try {
      setup = this.ready();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const rows = this.buffer;
    const sizeBytes = this.bufferSizeBytes;
    this.buffer = [];
    this.bufferSizeBytes = 0;
    const run = this.flushTail.then(async () => {
      if (rows.length === 0) return undefined;
      try {
        return await this.buildSegment(setup, rows);
      } catch (error) {
        this.buffer = rows.concat(this.buffer);
        this.bufferSizeBytes += sizeBytes;
        throw error;
      }
    });
    this.flushTail = run.catch(() => undefined);
    return run;
  }

  private async buildSegment(setup: WriterSetup, rows: readonly Row[]): Promise<FlushedSegment> {
    const { config } = setup;
    const sequenceId = this.nextSequenceId;
    const { minTime, maxTime } = timeRangeOf(rows, setup.timeField);
    const segmentName = setup.names.generate(sequenceId, minTime, maxTime);
    if (this.usedNames.has(segmentName)) {
      throw new SegmentNameError(
        `segment name ${segmentName} was already written by this writer; a second segment ` +
          'would replace it (use the simple or normalizedDate generator with sequence ids)',
      );
    }
    const segmentFile = join(setup.stagingDir, `${segmentName}.seg`);
    const metadata = await writeImmutableSegment(
      { schema: config.schema, tableConfig: config.tableConfig, segmentName, rows },
      segmentFile,
    );
    const tarFile = await packSegmentTar(segmentFile, config.outputDir, segmentName);
    if (config.keepSegmentFiles !== true) await rm(segmentFile, { force: true });
    this.nextSequenceId++;
    this.usedNames.add(segmentName);
    const result: FlushedSegment = {
      segmentName,
      sequenceId,
      tarFile,
      segmentFile: config.keepSegmentFiles === true ? segmentFile : undefined,
      metadata,
    };
    this.flushed.push(result);
    return result;
  }

  /** Flushes what remains and refuses further writes. Returns the final segment, if any. */
  async close(): Promise<FlushedSegment | undefined> {
    if (this.closed) return undefined;
    const setup = this.ready();
    const last = this.flush();
    // Writes that arrive while the last flush runs are refused rather than lost.
    this.closed = true;
    try {
      await last;
    } catch (error) {
      this.closed = false;
      throw error;
    }
    if (setup.config.keepSegmentFiles !== true) {
      await rm(setup.stagingDir, { recursive: true, force: true });
    }
    return last;
  }
}
