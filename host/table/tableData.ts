// The segments of one physical table on this node (Pinot's TableDataManager): immutable segment
// files under the table's directory, loaded into the kernel runtime's shared memories. Adding a
// segment whose name exists replaces it atomically (the new file is renamed over the old, the
// reader swapped in one step), so re-pushing the same batch never doubles the data.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Schema, TableConfig } from '../config/types.js';
import type { Segment } from '../../segments/spi/segment.js';
import {
  loadImmutableSegment,
  type SegmentPlacement,
} from '../../segments/immutable/segment.js';
import { writeImmutableSegment } from '../../segments/immutable/writer.js';
import type { ImmutableSegmentInput } from '../../segments/spi/builder.js';
import type { QueryableTable, UnavailableSegment } from '../query/engine.js';
import { ConfigError, MemoryExhaustedError, SegmentFormatError } from '../errors/errors.js';
import { fsyncDirectory } from '../util/files.js';

/** File name ending of an immutable segment (segments/FORMAT.md). */
export const SEGMENT_FILE_SUFFIX = '.seg';

/**
 * A segment that failed to load (a corrupt file, or no kernel memory left for it): kept on
 * disk untouched, reported with every query.
 */
export interface BrokenSegment {
  readonly segmentName: string;
  readonly filePath: string;
  readonly error: SegmentFormatError | MemoryExhaustedError;
}

export class TableData implements QueryableTable {
  private readonly loaded = new Map<string, Segment>();
  private segmentList: readonly Segment[] = [];
  readonly broken: BrokenSegment[] = [];

  constructor(
    readonly config: TableConfig,
    readonly schema: Schema,
    readonly directory: string,
    /** Where segment images go: the runtime's memories, each filled before the next opens. */
    private readonly placement: SegmentPlacement,
  ) {}

  segments(): readonly Segment[] {
    return this.segmentList;
  }

  unavailableSegments(): readonly UnavailableSegment[] {
    return this.broken.map((broken) => ({
      segmentName: broken.segmentName,
      reason: broken.error.message,
    }));
  }

  segmentNames(): string[] {
    return [...this.loaded.keys()].sort();
  }

  segment(name: string): Segment | undefined {
    return this.loaded.get(name);
  }

  /** Loads every segment file of the directory; broken ones are recorded, never deleted. */
  async loadAll(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const files = (await readdir(this.directory)).filter((name) =>
      name.endsWith(SEGMENT_FILE_SUFFIX),
    );
    for (const file of files.sort()) {
      const segmentName = file.slice(0, -SEGMENT_FILE_SUFFIX.length);
      const filePath = join(this.directory, file);
      try {
        this.install(segmentName, await this.load(filePath));
      } catch (error) {
        if (!(error instanceof SegmentFormatError || error instanceof MemoryExhaustedError)) {
          throw error;
        }
        this.broken.push({ segmentName, filePath, error });
      }
    }
  }

  /** Builds a segment from prepared rows, writes it atomically and serves it. */
  async addSegment(input: Omit<ImmutableSegmentInput, 'schema' | 'tableConfig'>): Promise<Segment> {
    await mkdir(this.directory, { recursive: true });
    const filePath = join(this.directory, `${input.segmentName}${SEGMENT_FILE_SUFFIX}`);
    await writeImmutableSegment(
      { ...input, schema: this.schema, tableConfig: this.config },
      filePath,
    );
    let segment: Segment;
    try {
      segment = await this.load(filePath);
    } catch (error) {
      // Not served, so not kept: a restart must not bring back rows the caller saw refused.
      await rm(filePath, { force: true });
      throw error;
    }
    this.install(input.segmentName, segment);
    return segment;
  }

  /**
   * Serves a segment file built elsewhere (an uploaded tar's content). The file is loaded and
   * checked where it lies, then renamed over any segment of the same name and swapped in, so a
   * re-upload replaces and never doubles. `sourceFile` must be on the table directory's file
   * system (rename is atomic only there); it is moved, not copied. `beforeServe` runs after
   * the checks and before the segment is served (the server commits it to the deep store
   * there, so nothing is served that a replacement node could not fetch).
   */
  async installSegmentFile(
    sourceFile: string,
    beforeServe?: (segment: Segment) => Promise<void>,
  ): Promise<Segment> {
    const segment = await this.load(sourceFile);
    try {
      const { segmentName, tableNameWithType } = segment.metadata;
      if (rawTableName(tableNameWithType) !== this.config.tableName) {
        throw new ConfigError(
          `segment ${segmentName} belongs to table ${tableNameWithType}, not ` +
            `${this.config.tableNameWithType}; upload it to its own table`,
        );
      }
      await beforeServe?.(segment);
      await mkdir(this.directory, { recursive: true });
      await rename(sourceFile, this.segmentFilePath(segmentName));
      await fsyncDirectory(this.directory);
      this.install(segmentName, segment);
      return segment;
    } catch (error) {
      segment.release();
      throw error;
    }
  }

  /** Where the segment's file lives (whether or not it exists). */
  segmentFilePath(segmentName: string): string {
    return join(this.directory, `${segmentName}${SEGMENT_FILE_SUFFIX}`);
  }

  /** Size of each served segment's file, by segment name (Pinot's reported size). */
  async segmentSizesBytes(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for (const name of this.segmentNames()) {
      const info = await stat(this.segmentFilePath(name)).catch(() => undefined);
      sizes.set(name, info?.size ?? 0);
    }
    return sizes;
  }

  async deleteSegment(segmentName: string): Promise<boolean> {
    const segment = this.loaded.get(segmentName);
    if (segment === undefined) return false;
    this.loaded.delete(segmentName);
    this.segmentList = [...this.loaded.values()];
    segment.release();
    await rm(this.segmentFilePath(segmentName), { force: true });
    return true;
  }

  /** The next free sequence id for generated segment names. */
  nextSequenceId(): number {
    let next = this.loaded.size + this.broken.length;
    for (const name of this.loaded.keys()) {
      const match = /_(\d+)$/.exec(name);
      if (match !== null) next = Math.max(next, Number(match[1]) + 1);
    }
    return next;
  }

  /** Gives every segment's memory back. */
  release(): void {
    for (const segment of this.loaded.values()) segment.release();
    this.loaded.clear();
    this.segmentList = [];
  }

  private load(filePath: string): Promise<Segment> {
    return loadImmutableSegment(filePath, this.placement);
  }

  private install(segmentName: string, segment: Segment): void {
    const previous = this.loaded.get(segmentName);
    this.loaded.set(segmentName, segment);
    // Queries that already hold the old list finish on it; new ones see the new segment.
    this.segmentList = [...this.loaded.values()];
    previous?.release();
  }
}

/** `airlineStats_OFFLINE` → `airlineStats`; a name without a type suffix is already raw. */
function rawTableName(nameWithType: string): string {
  return nameWithType.replace(/_(OFFLINE|REALTIME)$/, '');
}
