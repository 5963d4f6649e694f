// Offline segment building, as Pinot's batch ingestion job (SegmentGenerationJobRunner) does:
// each input file becomes one segment (split past maxRowsPerSegment), named by the table's
// batch naming config, written as an immutable segment and packed as `<segmentName>.tar.gz`
// for `POST /v2/segments`. Names depend only on the inputs, so a rerun rebuilds the same
// names and an upload of them replaces rather than doubles. A failed job removes what it wrote.
import { mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FieldSpec, Row, ScalarValue, Schema, TableConfig } from '../config/types.js';
import { isPlainObject } from '../config/warnings.js';
import { ConfigError, DataError } from '../errors/errors.js';
import { writeImmutableSegment } from '../../segments/immutable/writer.js';
import { fastComparatorFor } from '../../segments/mutable/valueOrder.js';
import { packSegmentTar } from '../../segments/tar/segmentTar.js';
import {
  createSegmentNameGenerator,
  timeFieldOf,
  type SegmentNameConfig,
  type SegmentNameGenerator,
  type SegmentNameGeneratorType,
} from '../../segments/writer/names.js';
import { RowPreparer } from './prepare.js';
import { canReadCsvColumns, readCsvColumns } from './csvColumns.js';
import type { ColumnarInput } from '../../segments/spi/builder.js';
import { formatFromPath, isRecordFormat, readerFor } from './readers/index.js';
import type { ReaderOptions, RecordFormat } from './readers/index.js';
import { assert } from '../util/assert.js';

/** Pinot's batch config keys for segment naming (BatchConfigProperties). */
const NAME_TYPE_KEY = 'segmentNameGenerator.type';
const NAME_CONFIG_PREFIX = 'segmentNameGenerator.configs.';
/** Staging folder prefix under the output directory for segment files before packing. */
const STAGING_PREFIX = '.batch-staging-';
/** Random bytes in a staging folder name, so concurrent jobs never share one. */
const STAGING_RANDOM_BYTES = 6;
/** Reports rows read at most once per this many records: a callback per row costs too much. */
const PROGRESS_EVERY_ROWS = 4096;

export interface BatchSegmentJob {
  readonly schema: Schema;
  readonly tableConfig: TableConfig;
  readonly inputFiles: readonly string[];
  /** Where `<segmentName>.tar.gz` files go (created if missing). */
  readonly outputDir: string;
  /** The input format; default: from each file's extension. */
  readonly format?: RecordFormat;
  readonly readerOptions?: ReaderOptions;
  /** A file with more rows is split into several segments. */
  readonly maxRowsPerSegment: number;
  /** Records read so far from `inputFile`: every few thousand, and at its end (`done`). */
  readonly onProgress?: (inputFile: string, rowsRead: number, done: boolean) => void;
}

export interface BatchSegment {
  readonly segmentName: string;
  readonly tarFile: string;
  readonly inputFile: string;
  readonly docCount: number;
}

export interface BatchSegmentResult {
  readonly segments: readonly BatchSegment[];
  readonly rowCount: number;
  /** Records the table's filterConfig dropped. */
  readonly filteredCount: number;
}

function stringEntry(map: Record<string, unknown>, key: string): string | undefined {
  const value = map[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function objectAt(json: unknown, key: string): Record<string, unknown> {
  const value = isPlainObject(json) ? json[key] : undefined;
  return isPlainObject(value) ? value : {};
}

function generatorType(text: string | undefined): SegmentNameGeneratorType {
  const types: Record<string, SegmentNameGeneratorType> = {
    simple: 'simple',
    normalizeddate: 'normalizedDate',
    fixed: 'fixed',
  };
  const type = types[(text ?? 'simple').toLowerCase()];
  if (type === undefined) {
    throw new ConfigError(
      `segment name generator "${text}" is not supported; use simple, normalizedDate or fixed`,
    );
  }
  return type;
}

/**
 * The naming Pinot's batch job would use: `ingestionConfig.batchIngestionConfig`'s first
 * batchConfigMap (`segmentNameGenerator.type` and `segmentNameGenerator.configs.*`), else
 * `tableIndexConfig.segmentNameGeneratorType`, else simple names prefixed with the table
 * name with type. Push type and frequency come from batchIngestionConfig when it sets them
 * (`segmentIngestionType`, `segmentIngestionFrequency`), else from segmentsConfig.
 */
export function batchNaming(schema: Schema, tableConfig: TableConfig): SegmentNameGenerator {
  const json = tableConfig.json;
  const batch = objectAt(objectAt(json, 'ingestionConfig'), 'batchIngestionConfig');
  const maps = Array.isArray(batch['batchConfigMaps'])
    ? (batch['batchConfigMaps'] as unknown[])
    : [];
  const map = isPlainObject(maps[0]) ? maps[0] : {};
  const option = (key: string) => stringEntry(map, NAME_CONFIG_PREFIX + key);
  const type = generatorType(
    stringEntry(map, NAME_TYPE_KEY) ??
      stringEntry(objectAt(json, 'tableIndexConfig'), 'segmentNameGeneratorType'),
  );
  const config: SegmentNameConfig = {
    type,
    segmentName: option('segment.name'),
    prefix:
      option('segment.name.prefix') ??
      (type === 'simple' ? tableConfig.tableNameWithType : undefined),
    postfix: option('segment.name.postfix'),
    excludeSequenceId: option('exclude.sequence.id')?.toLowerCase() === 'true',
    pushFrequency:
      stringEntry(batch, 'segmentIngestionFrequency') ??
      stringEntry(objectAt(json, 'segmentsConfig'), 'segmentPushFrequency'),
  };
  const pushType = stringEntry(batch, 'segmentIngestionType');
  const namingTable: TableConfig =
    pushType === undefined
      ? tableConfig
      : {
          ...tableConfig,
          segmentsConfig: { ...tableConfig.segmentsConfig, segmentPushType: pushType },
        };
  return createSegmentNameGenerator(config, schema, namingTable);
}

/** The time column's smallest and largest stored values (nulls count as the default). */
function timeRange(rows: readonly Row[], field: FieldSpec | undefined) {
  if (field === undefined || rows.length === 0) return { minTime: undefined, maxTime: undefined };
  const compare = fastComparatorFor(field.storedType);
  let minTime: ScalarValue | undefined;
  let maxTime: ScalarValue | undefined;
  for (const row of rows) {
    const raw = row[field.name];
    const stored =
      raw === null || raw === undefined || Array.isArray(raw) ? field.defaultNullValue : raw;
    if (minTime === undefined || compare(stored, minTime) < 0) minTime = stored;
    if (maxTime === undefined || compare(stored, maxTime) > 0) maxTime = stored;
  }
  return { minTime, maxTime };
}

interface JobState {
  readonly job: BatchSegmentJob;
  readonly names: SegmentNameGenerator;
  readonly timeField: FieldSpec | undefined;
  readonly stagingDir: string;
  readonly segments: BatchSegment[];
  readonly usedNames: Set<string>;
}

function formatOf(job: BatchSegmentJob, file: string): RecordFormat {
  const format = job.format ?? formatFromPath(file);
  if (format === undefined || !isRecordFormat(format)) {
    throw new DataError(
      `cannot tell the format of ${file}; pass the format: avro, json, csv, parquet or arrow`,
    );
  }
  return format;
}

/** The time column's smallest and largest stored value in columnar input (nulls as stored). */
function columnTimeRange(columns: ColumnarInput, field: FieldSpec | undefined) {
  if (field === undefined || columns.docCount === 0) {
    return { minTime: undefined, maxTime: undefined };
  }
  const input = columns.columns[field.name]!;
  const compare = fastComparatorFor(field.storedType);
  let minTime: ScalarValue | undefined;
  let maxTime: ScalarValue | undefined;
  // A dictionary holds only values some doc has, a null doc's default among them.
  for (const raw of input.values) {
    const stored = raw === null || Array.isArray(raw) ? field.defaultNullValue : raw;
    if (minTime === undefined || compare(stored, minTime) < 0) minTime = stored;
    if (maxTime === undefined || compare(stored, maxTime) > 0) maxTime = stored;
  }
  return { minTime, maxTime };
}

/** One segment (named as Pinot's job would) from rows or columns of one input file. */
async function buildSegmentOf(
  state: JobState,
  inputFile: string,
  input: { rows: Row[] } | { columns: ColumnarInput },
): Promise<void> {
  const { job } = state;
  const { minTime, maxTime } = 'rows' in input ? timeRange(input.rows, state.timeField)
    : columnTimeRange(input.columns, state.timeField);
  const segmentName = state.names.generate(state.segments.length, minTime, maxTime);
  if (state.usedNames.has(segmentName)) {
    throw new ConfigError(
      `segment name ${segmentName} would be written twice (${inputFile}); a fixed name or ` +
        'exclude.sequence.id fits one segment only: give one input file or drop that option',
    );
  }
  state.usedNames.add(segmentName);
  const segmentFile = join(state.stagingDir, `${segmentName}.seg`);
  await writeImmutableSegment(
    { schema: job.schema, tableConfig: job.tableConfig, segmentName, ...input },
    segmentFile,
  );
  const tarFile = await packSegmentTar(segmentFile, job.outputDir, segmentName);
  await rm(segmentFile, { force: true });
  const docCount = 'rows' in input ? input.rows.length : input.columns.docCount;
  state.segments.push({ segmentName, tarFile, inputFile, docCount });
}

/** CSV straight into columns (csvColumns.ts), segment by segment as batches fill. */
async function buildCsvFile(state: JobState, inputFile: string): Promise<[number, number]> {
  const { job } = state;
  let recordCount = 0;
  await readCsvColumns({
    file: inputFile,
    schema: job.schema,
    readerOptions: job.readerOptions,
    maxDocsPerBatch: job.maxRowsPerSegment,
    onProgress: (count) => {
      recordCount = count;
      job.onProgress?.(inputFile, count, false);
    },
    onBatch: (batch) => buildSegmentOf(state, inputFile, { columns: batch.columns }),
  });
  job.onProgress?.(inputFile, recordCount, true);
  return [recordCount, 0];
}

/** Reads, prepares and segments one input file; returns [rows kept, rows filtered]. */
async function buildFile(state: JobState, inputFile: string): Promise<[number, number]> {
  const { job } = state;
  const format = formatOf(job, inputFile);
  if (format === 'csv' && canReadCsvColumns(job.schema, job.tableConfig, job.readerOptions)) {
    return buildCsvFile(state, inputFile);
  }
  const preparer = new RowPreparer(job.schema, job.tableConfig);
  const reader = readerFor(format);
  let rows: Row[] = [];
  let [kept, filtered, recordNumber] = [0, 0, 0];
  for await (const raw of reader.open(inputFile, job.readerOptions)) {
    recordNumber++;
    let row: Row | null;
    try {
      row = preparer.prepare(raw);
    } catch (error) {
      throw new DataError(`${inputFile}: record ${recordNumber}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (recordNumber % PROGRESS_EVERY_ROWS === 0) job.onProgress?.(inputFile, recordNumber, false);
    if (row === null) {
      filtered++;
      continue;
    }
    rows.push(row);
    kept++;
    if (rows.length === job.maxRowsPerSegment) {
      await buildSegmentOf(state, inputFile, { rows });
      rows = [];
    }
  }
  if (rows.length > 0) await buildSegmentOf(state, inputFile, { rows });
  job.onProgress?.(inputFile, recordNumber, true);
  return [kept, filtered];
}

/** Builds the job's segment tars; on any failure removes every tar this job wrote. */
export async function buildBatchSegments(job: BatchSegmentJob): Promise<BatchSegmentResult> {
  assert(
    Number.isSafeInteger(job.maxRowsPerSegment) && job.maxRowsPerSegment > 0,
    'maxRowsPerSegment is a positive integer',
  );
  const stagingDir = join(
    job.outputDir,
    `${STAGING_PREFIX}${randomBytes(STAGING_RANDOM_BYTES).toString('hex')}`,
  );
  const state: JobState = {
    job,
    names: batchNaming(job.schema, job.tableConfig),
    timeField: timeFieldOf(job.schema, job.tableConfig),
    stagingDir,
    segments: [],
    usedNames: new Set(),
  };
  await mkdir(stagingDir, { recursive: true });
  let [rowCount, filteredCount] = [0, 0];
  try {
    for (const file of job.inputFiles) {
      const [kept, filtered] = await buildFile(state, file);
      rowCount += kept;
      filteredCount += filtered;
    }
  } catch (error) {
    await Promise.all(state.segments.map((segment) => rm(segment.tarFile, { force: true })));
    throw error;
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
  return { segments: state.segments, rowCount, filteredCount };
}
