// The library: `import { Cuvee } from 'cuvee'` gives one complete node in-process (catalog,
// segment store, query engine) with no server. Cuvee.open on a data directory brings back every
// schema, table and segment written there before.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, ScalarValue, Schema, TableConfig } from './config/types.js';
import { timeFieldOf, createSegmentNameGenerator } from '../segments/writer/names.js';
import { Catalog, NotFoundError } from './catalog/catalog.js';
import { ConfigError, DataError } from './errors/errors.js';
import { RowPreparer } from './ingest/prepare.js';
import { formatFromPath, isRecordFormat, readerFor } from './ingest/readers/index.js';
import type { RecordFormat, ReaderOptions } from './ingest/readers/index.js';
import { QueryEngine, type QueryableTable, type QueryRequestOptions } from './query/engine.js';
import type { BrokerResponse } from './query/response.js';
import { KernelRuntime, type KernelRuntimeOptions } from './runtime/runtime.js';
import { TableData } from './table/tableData.js';
import { compareValues } from './expr/values.js';

/**
 * Rows per segment built from files. One segment per file, as Pinot's ingestFromFile does, up
 * to this bound: past it a file splits, so that one segment stays well inside wasm32 memory.
 */
export const DEFAULT_MAX_ROWS_PER_SEGMENT = 5_000_000;

export interface CuveeOptions {
  /** Where schemas, tables and segments live; omitted: in memory (a temporary directory). */
  readonly dataDir?: string;
  /** Kernel runtime settings (worker count, memory cap, scratch). */
  readonly runtime?: KernelRuntimeOptions;
  /** Where warnings about configs go (unknown keys and the like); default: console.warn. */
  readonly onWarning?: (message: string) => void;
  readonly maxRowsPerSegment?: number;
}

export interface IngestOptions {
  /** The input format; default: from the file extension. */
  readonly format?: RecordFormat;
  readonly readerOptions?: ReaderOptions;
}

export interface IngestResult {
  readonly rowCount: number;
  /** Records the table's filterConfig dropped. */
  readonly filteredCount: number;
  readonly segmentNames: readonly string[];
}

export class Cuvee {
  private readonly tableData = new Map<string, TableData>();
  readonly engine: QueryEngine;
  private closed = false;

  private constructor(
    readonly catalog: Catalog,
    readonly runtime: KernelRuntime,
    private readonly dataDir: string,
    private readonly temporary: boolean,
    private readonly options: CuveeOptions,
  ) {
    this.engine = new QueryEngine(
      { resolve: (name) => this.resolveTables(name) },
      { kernels: runtime.local, allocator: runtime.allocator },
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
        await cuvee.openTableData(catalog.table(name)!);
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
    const table = await this.catalog.putTable(json, { override: options.override ?? false });
    this.tableData.get(table.tableNameWithType)?.release();
    await this.openTableData(table);
    return table;
  }

  async deleteTable(nameWithType: string): Promise<void> {
    const data = this.tableData.get(nameWithType);
    await this.catalog.deleteTable(nameWithType);
    data?.release();
    this.tableData.delete(nameWithType);
    await rm(this.segmentDirectory(nameWithType), { recursive: true, force: true });
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
      const chunk = rows.slice(start, start + maxRows);
      const [minTime, maxTime] =
        timeField === undefined ? [undefined, undefined] : timeBounds(chunk, timeField.name);
      const segmentName = generator.generate(table.nextSequenceId(), minTime, maxTime);
      await table.addSegment({ segmentName, rows: chunk });
      names.push(segmentName);
    }
    return names;
  }

  /** Runs a SQL query; errors come back in the response's `exceptions`, as Pinot's do. */
  query(sql: string, options: QueryRequestOptions = {}): Promise<BrokerResponse> {
    return Promise.resolve(this.engine.query(sql, options));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const data of this.tableData.values()) data.release();
    this.tableData.clear();
    await this.runtime.close();
    if (this.temporary) await rm(this.dataDir, { recursive: true, force: true });
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

  private async openTableData(table: TableConfig): Promise<void> {
    const schema = this.catalog.schemaOf(table);
    const data = new TableData(table, schema, this.segmentDirectory(table.tableNameWithType), {
      allocator: this.runtime.allocator,
      memory: this.runtime.memory,
    });
    await data.loadAll();
    this.tableData.set(table.tableNameWithType, data);
  }

  private segmentDirectory(tableNameWithType: string): string {
    return join(this.dataDir, 'segments', tableNameWithType);
  }

  private resolveTables(name: string): QueryableTable[] {
    const exact = this.tableData.get(name);
    if (exact !== undefined) return [exact];
    return this.catalog.tablesOf(name).map((table) => this.tableData.get(table.tableNameWithType)!);
  }
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
