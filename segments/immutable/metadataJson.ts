// The METADATA_JSON section: segment and column metadata as JSON (UTF-8). Values that JSON
// cannot carry exactly (LONG beyond 2^53, BYTES, NaN, infinities) are encoded as strings by
// values.ts. The CRC is not in here: it lives in the trailer and covers this section.
import type { DataType, StoredType } from '../../host/config/types.js';
import type {
  ColumnMetadata,
  ColumnPartitions,
  SegmentMetadata,
  TimeUnit,
} from '../spi/metadata.js';
import { valueFromJson, valueToJson } from './values.js';

interface ColumnJson extends Omit<ColumnMetadata, 'minValue' | 'maxValue'> {
  minValue: string | number | null;
  maxValue: string | number | null;
}

interface TimeRangeJson {
  timeColumn: string;
  startTime: string | number;
  endTime: string | number;
  timeUnit: TimeUnit | null;
  startTimeMs: number | null;
  endTimeMs: number | null;
}

interface MetadataJson {
  segmentName: string;
  tableNameWithType: string;
  docCount: number;
  creationTimeMs: number;
  timeRange: TimeRangeJson | null;
  custom: Record<string, string>;
  columns: ColumnJson[];
  /** Column → partitions (segmentPartitionConfig); absent when the table is not partitioned. */
  partitions?: Record<string, ColumnPartitions>;
}

function columnToJson(column: ColumnMetadata): ColumnJson {
  return {
    ...column,
    minValue: column.minValue === undefined ? null : valueToJson(column.minValue),
    maxValue: column.maxValue === undefined ? null : valueToJson(column.maxValue),
  };
}

/** The metadata section's bytes; `crc` of the argument is ignored. */
export function encodeMetadataJson(metadata: SegmentMetadata): Uint8Array {
  const range = metadata.timeRange;
  const json: MetadataJson = {
    segmentName: metadata.segmentName,
    tableNameWithType: metadata.tableNameWithType,
    docCount: metadata.docCount,
    creationTimeMs: metadata.creationTimeMs,
    timeRange:
      range === undefined
        ? null
        : {
            timeColumn: range.timeColumn,
            startTime: valueToJson(range.startTime),
            endTime: valueToJson(range.endTime),
            timeUnit: range.timeUnit ?? null,
            startTimeMs: range.startTimeMs ?? null,
            endTimeMs: range.endTimeMs ?? null,
          },
    custom: { ...metadata.custom },
    columns: [...metadata.columns.values()].map(columnToJson),
  };
  if (metadata.partitions !== undefined) json.partitions = Object.fromEntries(metadata.partitions);
  return new TextEncoder().encode(JSON.stringify(json));
}

function columnFromJson(json: ColumnJson): ColumnMetadata {
  const storedType: StoredType = json.storedType;
  return {
    ...json,
    dataType: json.dataType as DataType,
    minValue: json.minValue === null ? undefined : valueFromJson(json.minValue, storedType),
    maxValue: json.maxValue === null ? undefined : valueFromJson(json.maxValue, storedType),
  };
}

/**
 * Parses the metadata section. The file's CRC has been verified before this runs, so a shape
 * error here is a writer bug or a foreign file: the caller reports it as a format error.
 */
export function decodeMetadataJson(bytes: Uint8Array, crc: number): SegmentMetadata {
  const json = JSON.parse(new TextDecoder().decode(bytes)) as MetadataJson;
  const columns = new Map(json.columns.map((column) => [column.name, columnFromJson(column)]));
  const range = json.timeRange;
  const timeColumn = range === null ? undefined : columns.get(range.timeColumn);
  return {
    segmentName: json.segmentName,
    tableNameWithType: json.tableNameWithType,
    docCount: json.docCount,
    creationTimeMs: json.creationTimeMs,
    timeRange:
      range === null || timeColumn === undefined
        ? undefined
        : {
            timeColumn: range.timeColumn,
            startTime: valueFromJson(range.startTime, timeColumn.storedType),
            endTime: valueFromJson(range.endTime, timeColumn.storedType),
            timeUnit: range.timeUnit ?? undefined,
            startTimeMs: range.startTimeMs ?? undefined,
            endTimeMs: range.endTimeMs ?? undefined,
          },
    columns,
    crc,
    custom: json.custom,
    ...(json.partitions === undefined
      ? {}
      : { partitions: new Map(Object.entries(json.partitions)) }),
  };
}
