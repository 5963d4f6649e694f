// The mutable (consuming) segment, Pinot's MutableSegmentImpl: rows append into per-column
// insertion-order dictionaries, chunked forward ids, null vectors and live inverted indexes,
// and queries read a consistent prefix at any moment. `seal` hands the columns as they are to
// the immutable builder. The concurrency contract is in segments/mutable/README.md.
import type { Row, Schema, TableConfig, Value } from '../../host/config/types.js';
import { CuveeError, ErrorCode } from '../../host/errors/errors.js';
import { assert } from '../../host/util/assert.js';
import { MAX_DOC_ID_EXCLUSIVE } from '../../kernels/reference/bitmap.js';
import { columnIndexing, writeImmutableSegment } from '../immutable/writer.js';
import { timeRangeOf } from '../immutable/timeRange.js';
import type {
  ColumnInput,
  ColumnMetadata,
  ColumnReader,
  Segment,
  SegmentMetadata,
} from '../spi/index.js';
import { MutableColumn } from './mutableColumn.js';
import { MutableColumnReader } from './mutableColumnReader.js';

/**
 * Default cap on rows per mutable segment: Pinot's default row flush threshold for a consuming
 * segment (5M), so a stream whose flush settings are missing still seals in time.
 */
export const DEFAULT_MAX_DOCS = 5_000_000;
/** Hard cap: doc ids must stay below the bitmaps' 2^31 limit. */
export const MAX_DOCS_LIMIT = MAX_DOC_ID_EXCLUSIVE;

/** The segment holds `maxDocs` rows already: seal it and start the next one. */
export class MutableSegmentFullError extends CuveeError {
  constructor(segmentName: string, maxDocs: number) {
    super(
      ErrorCode.QUERY_EXECUTION,
      `mutable segment ${segmentName} is full (${maxDocs} rows); seal it and append to a new ` +
        'segment, or raise maxDocs',
    );
  }
}

/** Appending to a segment that was sealed or released. */
export class MutableSegmentClosedError extends CuveeError {
  constructor(segmentName: string, state: string) {
    super(
      ErrorCode.QUERY_EXECUTION,
      `mutable segment ${segmentName} is ${state}; append to a new segment instead`,
    );
  }
}

export interface MutableSegmentConfig {
  readonly schema: Schema;
  readonly tableConfig: TableConfig;
  readonly segmentName: string;
  /** Rows the segment accepts before MutableSegmentFullError; default DEFAULT_MAX_DOCS. */
  readonly maxDocs?: number;
  /** Epoch ms; default now. */
  readonly creationTimeMs?: number;
  /** Free-form metadata (real-time: the start offset under CUSTOM_KEYS.startOffset). */
  readonly custom?: Readonly<Record<string, string>>;
}

export interface SealOptions {
  /** Metadata added to the sealed segment's (real-time: the end offset). */
  readonly custom?: Readonly<Record<string, string>>;
  /** Build time recorded in the sealed segment; default now. */
  readonly creationTimeMs?: number;
}

type State = 'open' | 'sealed' | 'released';

/** Whether the mutable segment keeps an inverted index on a dictionary column. */
function wantsInvertedIndex(tableConfig: TableConfig, column: string, configured: boolean) {
  // Pinot indexes a consuming segment's sorted column too: it is not sorted while it grows.
  return configured || tableConfig.tableIndexConfig.sortedColumn.includes(column);
}

export class MutableSegment implements Segment {
  readonly schema: Schema;
  readonly tableConfig: TableConfig;
  readonly segmentName: string;
  readonly maxDocs: number;
  readonly creationTimeMs: number;
  private readonly columns: MutableColumn[];
  private readonly readers = new Map<string, MutableColumnReader>();
  private readonly custom: Record<string, string>;
  /** Rows fully written; published last, after every column of the row. */
  private publishedDocCount = 0;
  private state: State = 'open';
  /** The row being appended, by column index: read once, checked, then written. */
  private readonly rowValues: (Value | undefined)[];

  constructor(config: MutableSegmentConfig) {
    this.schema = config.schema;
    this.tableConfig = config.tableConfig;
    this.segmentName = config.segmentName;
    this.maxDocs = config.maxDocs ?? DEFAULT_MAX_DOCS;
    assert(
      Number.isInteger(this.maxDocs) && this.maxDocs > 0 && this.maxDocs <= MAX_DOCS_LIMIT,
      `maxDocs is an integer in [1, ${MAX_DOCS_LIMIT}]`,
    );
    this.creationTimeMs = config.creationTimeMs ?? Date.now();
    this.custom = { ...config.custom };
    const published = () => this.publishedDocCount;
    this.columns = config.schema.fields.map((field) => {
      const indexing = columnIndexing(config.schema, config.tableConfig, field.name);
      const invertedIndex =
        indexing.hasDictionary &&
        wantsInvertedIndex(config.tableConfig, field.name, indexing.invertedIndex);
      return new MutableColumn(field, { dictionary: indexing.hasDictionary, invertedIndex });
    });
    this.rowValues = new Array<Value | undefined>(this.columns.length).fill(undefined);
    for (const column of this.columns) {
      this.readers.set(column.name, new MutableColumnReader(column, published));
    }
  }

  /** The published prefix: rows a query may read now. Read it once per query. */
  docCount(): number {
    return this.publishedDocCount;
  }

  isFull(): boolean {
    return this.publishedDocCount >= this.maxDocs;
  }

  /** Approximate bytes held (ids, values, dictionaries, indexes), for flush thresholds. */
  estimatedSizeBytes(): number {
    let sizeBytes = 0;
    for (const column of this.columns) sizeBytes += column.estimatedSizeBytes();
    return sizeBytes;
  }

  column(name: string): ColumnReader | undefined {
    return this.readers.get(name);
  }

  columnNames(): readonly string[] {
    return this.columns.map((column) => column.name);
  }

  get metadata(): SegmentMetadata {
    return this.metadataOf(this.readers, this.publishedDocCount);
  }

  /** Records a metadata string (kept through seal). */
  setCustom(key: string, value: string): void {
    this.custom[key] = value;
  }

  private metadataOf(readers: ReadonlyMap<string, ColumnReader>, docCount: number) {
    const columns = new Map<string, ColumnMetadata>();
    for (const [name, reader] of readers) columns.set(name, reader.metadata);
    const timeColumn = this.tableConfig.segmentsConfig.timeColumnName;
    return {
      segmentName: this.segmentName,
      tableNameWithType: this.tableConfig.tableNameWithType,
      docCount,
      timeRange: timeRangeOf(timeColumn, this.schema.fields, columns),
      creationTimeMs: this.creationTimeMs,
      columns,
      crc: 0,
      custom: { ...this.custom },
    };
  }

  /**
   * Appends one prepared row (host/config/types.ts). Every column checks its value before any
   * column writes, so a DataError leaves the segment as it was; the doc count is published
   * after the last column write.
   */
  append(row: Row): void {
    this.checkAppendable();
    const docId = this.publishedDocCount;
    const { columns, rowValues } = this;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const value = row[column.name];
      column.check(value, docId);
      rowValues[i] = value;
    }
    for (let i = 0; i < columns.length; i++) columns[i]!.append(rowValues[i], docId);
    rowValues.fill(undefined);
    this.publishedDocCount = docId + 1;
  }

  private checkAppendable(): void {
    if (this.state !== 'open') throw new MutableSegmentClosedError(this.segmentName, this.state);
    if (this.publishedDocCount >= this.maxDocs) {
      throw new MutableSegmentFullError(this.segmentName, this.maxDocs);
    }
  }

  /**
   * A frozen view of the rows published now: its doc count, dictionary sizes, inverted-index
   * entries and null vectors do not move while appends go on. A query takes one and reads
   * only through it.
   */
  snapshot(): Segment {
    const docCount = this.publishedDocCount;
    const readers = new Map<string, MutableColumnReader>();
    for (const column of this.columns) {
      const cardinality = column.dictionary?.cardinality ?? 0;
      readers.set(
        column.name,
        new MutableColumnReader(column, () => docCount, { docCount, cardinality }),
      );
    }
    const metadata = this.metadataOf(readers, docCount);
    const names = this.columnNames();
    return {
      metadata,
      docCount: () => docCount,
      column: (name) => readers.get(name),
      columnNames: () => names,
      release: () => undefined,
    };
  }

  /** The columns as the immutable builder takes them: ids and values as they are. */
  columnarInput(docCount = this.publishedDocCount): Record<string, ColumnInput> {
    const input: Record<string, ColumnInput> = {};
    for (const column of this.columns) input[column.name] = columnInput(column, docCount);
    return input;
  }

  /**
   * Stops appends and writes the rows as an immutable segment at `outFile` (the table's index
   * configuration applied by the builder). Returns the sealed segment's metadata.
   */
  async seal(outFile: string, options: SealOptions = {}): Promise<SegmentMetadata> {
    if (this.state !== 'open') throw new MutableSegmentClosedError(this.segmentName, this.state);
    this.state = 'sealed';
    const docCount = this.publishedDocCount;
    return writeImmutableSegment(
      {
        schema: this.schema,
        tableConfig: this.tableConfig,
        segmentName: this.segmentName,
        columns: { docCount, columns: this.columnarInput(docCount) },
        custom: { ...this.custom, ...options.custom },
        creationTimeMs: options.creationTimeMs,
      },
      outFile,
    );
  }

  /** Drops the data; readers of this segment must not be used afterwards. */
  release(): void {
    this.state = 'released';
    this.columns.length = 0;
    this.readers.clear();
  }
}

function nullDocIdsOf(column: MutableColumn, docCount: number): Uint32Array {
  const { ids, length } = column.nullDocs;
  let count = length;
  while (count > 0 && ids[count - 1]! >= docCount) count--;
  return ids.slice(0, count);
}

function columnInput(column: MutableColumn, docCount: number): ColumnInput {
  const nullDocIds = nullDocIdsOf(column, docCount);
  if (column.dictionary !== undefined) {
    const entryCount = column.singleValue ? docCount : column.mvOffsets!.get(docCount);
    return {
      kind: 'dictionaryEncoded',
      values: column.dictionary.values.slice(),
      dictIds: column.forwardIds.toArray(entryCount),
      mvOffsets: column.mvOffsets?.toArray(docCount + 1),
      nullDocIds,
    };
  }
  const values: Value[] = new Array<Value>(docCount);
  for (let docId = 0; docId < docCount; docId++) {
    values[docId] = column.rawNumbers?.get(docId) ?? column.rawObjects![docId]!;
  }
  for (const docId of nullDocIds) values[docId] = null;
  return { kind: 'values', values };
}
