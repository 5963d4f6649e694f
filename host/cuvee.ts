// The library: `import { Cuvee } from 'cuvee'` gives one complete node in-process (catalog,
// segment store, query engine) with no server. Cuvee.open on a data directory brings back every
// schema, table and segment written there before.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, ScalarValue, Schema, TableConfig } from './config/types.js';
import { timeFieldOf, createSegmentNameGenerator } from '../segments/writer/names.js';
import { Catalog, NotFoundError } from './catalog/catalog.js';
import { parseTableConfig } from './config/tableConfig.js';
import { ConfigError, DataError } from './errors/errors.js';
import { RowPreparer } from './ingest/prepare.js';
import { canReadCsvColumns, readCsvColumns, type CsvColumnBatch } from './ingest/csvColumns.js';
import { formatFromPath, isRecordFormat, readerFor } from './ingest/readers/index.js';
import type { RecordFormat, ReaderOptions } from './ingest/readers/index.js';
import { QueryEngine, type QueryableTable, type QueryRequestOptions } from './query/engine.js';
import type { BrokerResponse } from './query/response.js';
import { KernelRuntime, type KernelRuntimeOptions } from './runtime/runtime.js';
import { TableData } from './table/tableData.js';
import type { SegmentPlacement } from '../segments/immutable/segment.js';
import { compareValues } from './expr/values.js';
import type { DeepStore } from './deepstore/deepStore.js';
import { RealtimeTable, type ConsumingSegmentsInfo } from './realtime/realtimeTable.js';
import { defaultStreamFactory } from './realtime/streams.js';
import type { StreamFactory } from './realtime/stream.js';
import type { RealtimeStreamConfig } from './realtime/streamConfig.js';
import { computeTimeBoundary, boundaryFilter } from './realtime/timeBoundary.js';

/**
 * Rows per segment built from files. One segment per file, as Pinot's ingestFromFile does, up
 * to this bound: past it a file splits, so that one segment stays well inside wasm32 memory.
 */
export const DEFAULT_MAX_ROWS_PER_SEGMENT = 5_000_000;
/** A REALTIME table's state file under `<dataDir>/realtime/<table>/` (realtime/FORMAT.md). */
const REALTIME_STATE_FILE = 'state.json';

export interface CuveeOptions {
  /** Where schemas, tables and segments live; omitted: in memory (a temporary directory). */
  readonly dataDir?: string;
  /** Kernel runtime settings (worker count, memory cap, scratch). */
  readonly runtime?: KernelRuntimeOptions;
  /** Where warnings about configs go (unknown keys and the like); default: console.warn. */
  readonly onWarning?: (message: string) => void;
  readonly maxRowsPerSegment?: number;
  /** Where committed real-time segments' tars go (Pinot's deep store); default: none. */
  readonly deepStore?: DeepStore;
  /** The stream client of a REALTIME table's stream config; default: kafka and inprocess. */
  readonly streamFactory?: (config: RealtimeStreamConfig) => StreamFactory;
  /** Real-time ingestion messages (skipped records, failed fetches); default: console.warn. */
  readonly onIngestionLog?: (message: string) => void;
}

export interface IngestOptions {
  /** The input format; default: from the file extension. */
  readonly format?: RecordFormat;
  readonly readerOptions?: ReaderOptions;
  /** Called as records are read (the CLI's progress bar), with the count so far. */
  readonly onProgress?: (rowsRead: number) => void;
}

export interface IngestResult {
  readonly rowCount: number;
  /** Records the table's filterConfig dropped. */
  readonly filteredCount: number;
  readonly segmentNames: readonly string[];
}

export class Cuvee {
  private readonly tableData = new Map<string, TableData>();
  private readonly realtimeTables = new Map<string, RealtimeTable>();
  /** Real-time tables the engine resolved during the running (synchronous) query. */
  private resolvedRealtime: RealtimeTable[] = [];
  readonly engine: QueryEngine;
  private closed = false;

  private constructor(
    readonly catalog: Catalog,
    readonly runtime: KernelRuntime,
    private readonly dataDirectory: string,
    private readonly temporary: boolean,
    private readonly options: CuveeOptions,
  ) {
    this.engine = new QueryEngine(
      { resolve: (name) => this.resolveTables(name) },
      { kernels: runtime.local, allocator: runtime.allocator },
      'cuvee-broker',
      runtime,
    );
  }

  static async open(options: CuveeOptions = {}): Promise<Cuvee> {
    const temporary = options.dataDir === undefined;
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cuvee-')));
    const warn = options.onWarning ?? ((message: string) => console.warn(`cuvee: ${message}`));
    const catalog = await Catalog.open(temporary ? undefined : dataDir, warn);
    const runtime = await KernelRuntime.open(options.runtime);
    const cuvee = new Cuvee(catalog, runtime, dataDir, temporary, options);
    try {
      for (const name of catalog.tableNamesWithType())
        await cuvee.openTableData(catalog.table(name)!, 'warn');
    } catch (error) {
      await cuvee.close();
      throw error;
    }
    return cuvee;
  }

  async createSchema(json: unknown, options: { override?: boolean } = {}): Promise<Schema> {
    return this.catalog.putSchema(json, { override: options.override ?? false });
  }

  async createTable(json: unknown, options: { override?: boolean } = {}): Promise<TableConfig> {
    const parsed = parseTableConfig(json, () => {});
    if (parsed.tableType === 'REALTIME') {
      await RealtimeTable.validate(parsed, this.options.streamFactory ?? defaultStreamFactory);
    }
    const table = await this.catalog.putTable(json, { override: options.override ?? false });
    await this.closeTableData(table.tableNameWithType);
    await this.openTableData(table);
    return table;
  }

  async deleteTable(nameWithType: string): Promise<void> {
    await this.catalog.deleteTable(nameWithType);
    await this.closeTableData(nameWithType);
    await rm(this.segmentDirectory(nameWithType), { recursive: true, force: true });
    await rm(this.realtimeDirectory(nameWithType), { recursive: true, force: true });
  }

  async deleteSchema(name: string): Promise<void> {
    await this.catalog.deleteSchema(name);
  }

  /** The physical table for a name with type, or a raw name that has exactly one. */
  table(name: string): TableData {
    const exact = this.tableData.get(name);
    if (exact !== undefined) return exact;
    const candidates = this.catalog.tablesOf(name);
    if (candidates.length === 1) return this.tableData.get(candidates[0]!.tableNameWithType)!;
    if (candidates.length > 1) {
      throw new ConfigError(`table ${name} is hybrid; name ${name}_OFFLINE or ${name}_REALTIME`);
    }
    throw new NotFoundError(`table ${name}`);
  }

  tables(): TableData[] {
    return [...this.tableData.values()];
  }

  /**
   * Reads the files, prepares every record with the schema and the table's ingestion config,
   * and adds one segment per file (split past maxRowsPerSegment). A record that does not fit
   * fails the whole file before any segment of it is served: nothing half-ingested.
   */
  async ingestFiles(
    tableName: string,
    files: readonly string[],
    options: IngestOptions = {},
  ): Promise<IngestResult> {
    const table = this.table(tableName);
    let rowCount = 0;
    let filteredCount = 0;
    const segmentNames: string[] = [];
    for (const file of files) {
      const batches = await this.readCsvColumnBatches(table, file, options);
      if (batches !== undefined) {
        for (const batch of batches) rowCount += batch.columns.docCount;
        segmentNames.push(...(await this.addColumnBatches(table, batches)));
        continue;
      }
      const { rows, filtered } = await this.readFile(table, file, options);
      rowCount += rows.length;
      filteredCount += filtered;
      segmentNames.push(...(await this.addRows(table, rows)));
    }
    return { rowCount, filteredCount, segmentNames };
  }

  /** Adds prepared rows as new segments (one per maxRowsPerSegment rows). */
  async addRows(table: TableData, rows: readonly Row[]): Promise<string[]> {
    const maxRows = this.options.maxRowsPerSegment ?? DEFAULT_MAX_ROWS_PER_SEGMENT;
    const names: string[] = [];
    const generator = createSegmentNameGenerator({ type: 'simple' }, table.schema, table.config);
    const timeField = timeFieldOf(table.schema, table.config);
    for (let start = 0; start < rows.length; start += maxRows) {
      // One segment's worth is passed as is: copying a million-row array per chunk buys nothing.
      const chunk = rows.length <= maxRows ? rows : rows.slice(start, start + maxRows);
      const [minTime, maxTime] =
        timeField === undefined ? [undefined, undefined] : timeBounds(chunk, timeField.name);
      const segmentName = generator.generate(table.nextSequenceId(), minTime, maxTime);
      await table.addSegment({ segmentName, rows: chunk });
      names.push(segmentName);
    }
    return names;
  }

  /** A CSV file read straight into columns (csvColumns.ts), when the table allows it. */
  private async readCsvColumnBatches(
    table: TableData,
    file: string,
    options: IngestOptions,
  ): Promise<CsvColumnBatch[] | undefined> {
    const format = options.format ?? formatFromPath(file);
    const { readerOptions } = options;
    if (format !== 'csv' || !canReadCsvColumns(table.schema, table.config, readerOptions)) {
      return undefined;
    }
    return readCsvColumns({
      file,
      schema: table.schema,
      readerOptions,
      maxDocsPerBatch: this.options.maxRowsPerSegment ?? DEFAULT_MAX_ROWS_PER_SEGMENT,
      timeColumn: timeFieldOf(table.schema, table.config)?.name,
      recordErrorNote: 'nothing of this file was ingested',
      onProgress: options.onProgress,
    });
  }

  /** Adds one segment per column batch. */
  private async addColumnBatches(
    table: TableData,
    batches: readonly CsvColumnBatch[],
  ): Promise<string[]> {
    const generator = createSegmentNameGenerator({ type: 'simple' }, table.schema, table.config);
    const names: string[] = [];
    for (const batch of batches) {
      const segmentName = generator.generate(table.nextSequenceId(), batch.minTime, batch.maxTime);
      await table.addSegment({ segmentName, columns: batch.columns });
      names.push(segmentName);
    }
    return names;
  }

  /** Runs a SQL query; errors come back in the response's `exceptions`, as Pinot's do. */
  async query(sql: string, options: QueryRequestOptions = {}): Promise<BrokerResponse> {
    this.resolvedRealtime = [];
    // The engine resolves tables and takes their segments before its first await: read the
    // consuming counts now, before another query overwrites them.
    const pending = this.engine.query(sql, options);
    let consumingCount = 0;
    let minFreshnessMs = Number.POSITIVE_INFINITY;
    for (const table of this.resolvedRealtime) {
      consumingCount += table.lastQueriedConsumingCount;
      minFreshnessMs = Math.min(minFreshnessMs, table.lastQueriedMinFreshnessMs);
    }
    this.resolvedRealtime = [];
    const response = await pending;
    response.numConsumingSegmentsQueried += consumingCount;
    // Pinot reports the oldest consuming segment's freshness, and 0 with none queried.
    if (Number.isFinite(minFreshnessMs) && response.numConsumingSegmentsQueried > 0) {
      response.minConsumingFreshnessTimeMs = minFreshnessMs;
    }
    return response;
  }

  /** The data directory (for a temporary instance, the directory it made). */
  get dataDir(): string {
    return this.dataDirectory;
  }

  /** Stops consuming a REALTIME table and commits what it consumed (Pinot's pause). */
  async pauseConsumption(tableNameWithType: string): Promise<void> {
    await this.realtime(tableNameWithType).pause();
  }

  async resumeConsumption(tableNameWithType: string): Promise<void> {
    await this.realtime(tableNameWithType).resume();
  }

  /** Commits every consuming segment of the table that has rows; returns their names. */
  forceCommit(tableNameWithType: string): Promise<string[]> {
    return this.realtime(tableNameWithType).forceCommit();
  }

  /** Pinot's consumingSegmentsInfo: offsets, lag and freshness per partition. */
  consumingSegmentsInfo(tableNameWithType: string): Promise<ConsumingSegmentsInfo> {
    return this.realtime(tableNameWithType).consumingSegmentsInfo();
  }

  /** The REALTIME table of a name with type (or a raw name that has one). */
  realtime(name: string): RealtimeTable {
    const table = this.realtimeTables.get(name) ?? this.realtimeTables.get(`${name}_REALTIME`);
    if (table === undefined) throw new NotFoundError(`REALTIME table ${name}`);
    return table;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const name of [...this.tableData.keys()]) await this.closeTableData(name);
    await this.runtime.close();
    if (this.temporary) await rm(this.dataDirectory, { recursive: true, force: true });
  }

  private async readFile(
    table: TableData,
    file: string,
    options: IngestOptions,
  ): Promise<{ rows: Row[]; filtered: number }> {
    const format = options.format ?? formatFromPath(file);
    if (format === undefined || !isRecordFormat(format)) {
      throw new DataError(
        `cannot tell the format of ${file}; pass format: avro, json, csv, parquet or arrow`,
      );
    }
    const preparer = new RowPreparer(table.schema, table.config);
    const rows: Row[] = [];
    let filtered = 0;
    let recordNumber = 0;
    for await (const raw of readerFor(format).open(file, options.readerOptions)) {
      recordNumber++;
      options.onProgress?.(recordNumber);
      let row: Row | null;
      try {
        row = preparer.prepare(raw);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new DataError(
          `${file}: record ${recordNumber}: ${message}; nothing of this file was ingested`,
          { cause: error },
        );
      }
      if (row === null) filtered++;
      else rows.push(row);
    }
    return { rows, filtered };
  }

  /**
   * `onStreamFailure`: at open, a REALTIME table whose stream cannot be reached still serves
   * its committed segments (a warning says it is not consuming); at createTable it throws.
   */
  private async openTableData(
    table: TableConfig,
    onStreamFailure: 'throw' | 'warn' = 'throw',
  ): Promise<void> {
    const schema = this.catalog.schemaOf(table);
    const data = new TableData(
      table,
      schema,
      this.segmentDirectory(table.tableNameWithType),
      runtimePlacement(this.runtime),
    );
    await data.loadAll();
    this.tableData.set(table.tableNameWithType, data);
    if (table.tableType !== 'REALTIME') return;
    const warn = (message: string) => console.warn(`cuvee: ${message}`);
    const realtime = new RealtimeTable(data, {
      stateFile: join(this.realtimeDirectory(table.tableNameWithType), REALTIME_STATE_FILE),
      deepStore: this.options.deepStore,
      streamFactory: this.options.streamFactory ?? defaultStreamFactory,
      log: this.options.onIngestionLog ?? warn,
    });
    this.realtimeTables.set(table.tableNameWithType, realtime);
    try {
      await realtime.start();
    } catch (error) {
      if (onStreamFailure === 'throw') throw error;
      const message = error instanceof Error ? error.message : String(error);
      (this.options.onWarning ?? warn)(`${table.tableNameWithType} serves its committed ` +
        `segments but is not consuming: ${message}; fix the stream and reopen`);
    }
  }

  /** Stops a table's consumers (pending commits finish) and gives its memory back. */
  private async closeTableData(tableNameWithType: string): Promise<void> {
    const realtime = this.realtimeTables.get(tableNameWithType);
    this.realtimeTables.delete(tableNameWithType);
    await realtime?.stop();
    this.tableData.get(tableNameWithType)?.release();
    this.tableData.delete(tableNameWithType);
  }

  private segmentDirectory(tableNameWithType: string): string {
    return join(this.dataDirectory, 'segments', tableNameWithType);
  }

  private realtimeDirectory(tableNameWithType: string): string {
    return join(this.dataDirectory, 'realtime', tableNameWithType);
  }

  private queryable(tableNameWithType: string): QueryableTable {
    const realtime = this.realtimeTables.get(tableNameWithType);
    if (realtime !== undefined) this.resolvedRealtime.push(realtime);
    return realtime ?? this.tableData.get(tableNameWithType)!;
  }

  /**
   * A name with type is that table; a raw name is its one table, or both parts of a hybrid
   * table split at Pinot's time boundary (offline up to it, real-time after it).
   */
  private resolveTables(name: string): QueryableTable[] {
    if (this.tableData.has(name)) return [this.queryable(name)];
    const names = this.catalog.tablesOf(name).map((table) => table.tableNameWithType);
    const tables = names.map((tableName) => this.queryable(tableName));
    if (tables.length !== 2) return tables;
    const offline = tables.find((table) => table.config.tableType === 'OFFLINE')!;
    const realtime = tables.find((table) => table.config.tableType === 'REALTIME')!;
    const boundary = computeTimeBoundary(offline, offline.segments());
    if (boundary === undefined) return [realtime];
    return [
      { config: offline.config, schema: offline.schema, segments: () => offline.segments(),
        unavailableSegments: () => offline.unavailableSegments?.() ?? [],
        queryFilter: boundaryFilter(boundary, 'OFFLINE') },
      { config: realtime.config, schema: realtime.schema, segments: () => realtime.segments(),
        unavailableSegments: () => realtime.unavailableSegments?.() ?? [],
        queryFilter: boundaryFilter(boundary, 'REALTIME') },
    ];
  }
}

/** Segment images go where the runtime places them: memory 0 first, then the next one. */
function runtimePlacement(runtime: KernelRuntime): SegmentPlacement {
  return {
    allocateImage(sizeBytes, alignBytes) {
      const { ptr, memory } = runtime.allocateSegment(sizeBytes, alignBytes);
      return { ptr, allocator: memory.allocator, memory: memory.memory };
    },
  };
}

function timeBounds(
  rows: readonly Row[],
  column: string,
): [ScalarValue | undefined, ScalarValue | undefined] {
  let min: ScalarValue | undefined;
  let max: ScalarValue | undefined;
  for (const row of rows) {
    const value = row[column];
    if (value === null || value === undefined || Array.isArray(value)) continue;
    const scalar = value as ScalarValue;
    if (min === undefined || compareValues(scalar, min) < 0) min = scalar;
    if (max === undefined || compareValues(scalar, max) > 0) max = scalar;
  }
  return [min, max];
}
