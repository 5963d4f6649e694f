// Table-name resolution and the JSON documents the controller answers with for tables and
// segments (Pinot's TableSizeDetails, TableMetadataInfo and segment metadata shapes).
import type { Cuvee } from '../cuvee.js';
import type { TableType } from '../config/types.js';
import type { TableData } from '../table/tableData.js';
import type { Segment } from '../../segments/spi/segment.js';
import { HttpError } from './http.js';

const TABLE_TYPES: readonly TableType[] = ['OFFLINE', 'REALTIME'];

/** `?type=offline|realtime` as Pinot takes it; absent: both. */
export function tableTypeParam(url: URL): TableType | undefined {
  const value = url.searchParams.get('type');
  if (value === null || value === '') return undefined;
  const upper = value.toUpperCase();
  if (upper !== 'OFFLINE' && upper !== 'REALTIME') {
    throw new HttpError(400, `type must be offline or realtime, got ${value}`);
  }
  return upper;
}

/** Splits `t_OFFLINE` into (`t`, OFFLINE); a raw name has no type. */
export function splitTableName(name: string): { rawName: string; type: TableType | undefined } {
  for (const type of TABLE_TYPES) {
    if (name.endsWith(`_${type}`)) return { rawName: name.slice(0, -type.length - 1), type };
  }
  return { rawName: name, type: undefined };
}

/** The physical tables a raw or typed name refers to, optionally of one type. */
export function physicalTables(cuvee: Cuvee, name: string, type?: TableType): TableData[] {
  const split = splitTableName(name);
  if (type !== undefined && split.type !== undefined && type !== split.type) return [];
  const wanted = split.type ?? type;
  return cuvee
    .tables()
    .filter((table) => table.config.tableName === split.rawName)
    .filter((table) => wanted === undefined || table.config.tableType === wanted)
    .sort((a, b) => (a.config.tableType < b.config.tableType ? -1 : 1));
}

/** The tables of a name, or a 404 naming it. */
export function existingTables(cuvee: Cuvee, name: string, type?: TableType): TableData[] {
  const tables = physicalTables(cuvee, name, type);
  if (tables.length === 0) throw new HttpError(404, `Table ${name} does not exist`);
  return tables;
}

/** Finds the table that serves `segmentName` among the tables of `name`; 404 otherwise. */
export function tableOfSegment(cuvee: Cuvee, name: string, segmentName: string): TableData {
  const tables = existingTables(cuvee, name);
  const table = tables.find((candidate) => candidate.segment(segmentName) !== undefined);
  if (table === undefined) {
    throw new HttpError(404, `Segment ${segmentName} of table ${name} does not exist`);
  }
  return table;
}

async function typeSizeDetails(
  table: TableData,
  serverId: string,
): Promise<Record<string, unknown>> {
  const sizes = await table.segmentSizesBytes();
  let totalBytes = 0;
  const segments: Record<string, unknown> = {};
  for (const [segmentName, sizeBytes] of sizes) {
    totalBytes += sizeBytes;
    segments[segmentName] = {
      reportedSizeInBytes: sizeBytes,
      estimatedSizeInBytes: sizeBytes,
      maxReportedSizePerReplicaInBytes: sizeBytes,
      serverInfo: { [serverId]: { segmentName, diskSizeInBytes: sizeBytes } },
    };
  }
  return {
    reportedSizeInBytes: totalBytes,
    estimatedSizeInBytes: totalBytes,
    missingSegments: table.broken.length,
    reportedSizePerReplicaInBytes: totalBytes,
    segments,
  };
}

/** GET /tables/{t}/size: Pinot's TableSizeDetails. */
export async function tableSizeDetails(
  name: string,
  tables: readonly TableData[],
  serverId: string,
): Promise<Record<string, unknown>> {
  const byType: Partial<Record<TableType, Record<string, unknown>>> = {};
  let totalBytes = 0;
  for (const table of tables) {
    const details = await typeSizeDetails(table, serverId);
    byType[table.config.tableType] = details;
    totalBytes += details.reportedSizeInBytes as number;
  }
  return {
    tableName: name,
    reportedSizeInBytes: totalBytes,
    estimatedSizeInBytes: totalBytes,
    reportedSizePerReplicaInBytes: totalBytes,
    offlineSegments: byType.OFFLINE ?? null,
    realtimeSegments: byType.REALTIME ?? null,
  };
}

/** GET /tables/{t}/metadata: Pinot's TableMetadataInfo, aggregated over segments. */
export async function tableMetadataInfo(
  name: string,
  tables: readonly TableData[],
): Promise<Record<string, unknown>> {
  let diskSizeInBytes = 0;
  let numSegments = 0;
  let numRows = 0;
  const cardinality: Record<string, number> = {};
  const maxMultiValues: Record<string, number> = {};
  for (const table of tables) {
    for (const sizeBytes of (await table.segmentSizesBytes()).values())
      diskSizeInBytes += sizeBytes;
    for (const segment of table.segments()) {
      numSegments++;
      numRows += segment.docCount();
      for (const column of segment.metadata.columns.values()) {
        cardinality[column.name] = Math.max(cardinality[column.name] ?? 0, column.cardinality);
        maxMultiValues[column.name] = Math.max(
          maxMultiValues[column.name] ?? 0,
          column.singleValue ? -1 : column.maxNumberOfMultiValues,
        );
      }
    }
  }
  return {
    tableName: name,
    diskSizeInBytes,
    numSegments,
    numRows,
    columnCardinalityMap: cardinality,
    maxNumMultiValuesMap: maxMultiValues,
  };
}

function readable(epochMs: number | undefined): string | null {
  return epochMs === undefined ? null : new Date(epochMs).toISOString();
}

/** Min/max values as JSON: LONGs as exact decimal text, BYTES as hex (Pinot's spelling). */
function jsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

/** GET /segments/{t}/{s}/metadata: the keys of Pinot's server segment metadata. */
export function segmentMetadataJson(segment: Segment): Record<string, unknown> {
  const metadata = segment.metadata;
  const timeRange = metadata.timeRange;
  return {
    segmentName: metadata.segmentName,
    tableName: metadata.tableNameWithType,
    crc: String(metadata.crc),
    creationTimeMillis: metadata.creationTimeMs,
    creationTimeReadable: readable(metadata.creationTimeMs),
    timeColumn: timeRange?.timeColumn ?? null,
    timeUnit: timeRange?.timeUnit ?? null,
    startTimeMillis: timeRange?.startTimeMs ?? null,
    startTimeReadable: readable(timeRange?.startTimeMs),
    endTimeMillis: timeRange?.endTimeMs ?? null,
    endTimeReadable: readable(timeRange?.endTimeMs),
    totalDocs: segment.docCount(),
    custom: metadata.custom,
    columns: [...metadata.columns.values()].map((column) => ({
      columnName: column.name,
      dataType: column.dataType,
      singleValue: column.singleValue,
      hasDictionary: column.hasDictionary,
      cardinality: column.cardinality,
      bitsPerElement: column.bitsPerValue,
      sorted: column.isSorted,
      totalNumberOfEntries: column.totalNumberOfEntries,
      maxNumberOfMultiValues: column.maxNumberOfMultiValues,
      minValue: jsonValue(column.minValue),
      maxValue: jsonValue(column.maxValue),
      nullCount: column.nullCount,
      indexes: {
        inverted_index: column.hasInvertedIndex ? 'YES' : 'NO',
        range_index: column.hasRangeIndex ? 'YES' : 'NO',
      },
    })),
  };
}
