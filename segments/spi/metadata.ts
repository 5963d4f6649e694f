// What a segment says about itself: Pinot's SegmentMetadata and ColumnMetadata. The broker and
// the query planner prune on these (time range, min/max) before touching a segment's data.
import type { DataType, ScalarValue, StoredType } from '../../host/config/types.js';
import type { JavaTimeUnitName } from '../../host/config/schema.js';

export interface ColumnMetadata {
  readonly name: string;
  readonly dataType: DataType;
  readonly storedType: StoredType;
  readonly singleValue: boolean;
  readonly hasDictionary: boolean;
  /** Distinct values (the dictionary size; for raw columns the number of distinct values). */
  readonly cardinality: number;
  /** Bits per dictionary id in the forward index; 0 for raw columns. */
  readonly bitsPerValue: number;
  /** True when values never decrease with the doc id (SV columns only). */
  readonly isSorted: boolean;
  readonly hasInvertedIndex: boolean;
  readonly hasRangeIndex: boolean;
  /** Smallest and largest stored value, nulls counted as their default value; undefined when
   * the segment has no documents. */
  readonly minValue: ScalarValue | undefined;
  readonly maxValue: ScalarValue | undefined;
  /** Values over all documents: docCount for SV columns, the sum of list lengths for MV. */
  readonly totalNumberOfEntries: number;
  /** Longest list of an MV column; 1 for SV columns. */
  readonly maxNumberOfMultiValues: number;
  /** Documents whose value was null (and hold the field's default null value instead). */
  readonly nullCount: number;
}

/** A time unit of Pinot's DATE_TIME formats, as used for the segment's time range. */
export type TimeUnit = JavaTimeUnitName;

export interface SegmentTimeRange {
  readonly timeColumn: string;
  /** Start and end in the column's own values (e.g. days since epoch for `1:DAYS:EPOCH`). */
  readonly startTime: ScalarValue;
  readonly endTime: ScalarValue;
  /** The column's unit, when its format is EPOCH or TIMESTAMP. */
  readonly timeUnit: TimeUnit | undefined;
  /** Start and end in epoch milliseconds, when the format converts (EPOCH, TIMESTAMP). */
  readonly startTimeMs: number | undefined;
  readonly endTimeMs: number | undefined;
}

export interface SegmentMetadata {
  readonly segmentName: string;
  readonly tableNameWithType: string;
  readonly docCount: number;
  /** Present when the table has a time column and the segment has documents. */
  readonly timeRange: SegmentTimeRange | undefined;
  /** Wall clock at build time, epoch milliseconds. */
  readonly creationTimeMs: number;
  /** Columns in schema order. */
  readonly columns: ReadonlyMap<string, ColumnMetadata>;
  /** CRC32 of the segment file (0 for a mutable segment, which has no file yet). */
  readonly crc: number;
  /** Free-form strings; real-time segments keep their Kafka offsets here (see CUSTOM_KEYS). */
  readonly custom: Readonly<Record<string, string>>;
  /**
   * Per column of `segmentPartitionConfig`: the function and the partition ids its values fall
   * in (Pinot's ColumnPartitionMetadata). Absent for segments built without the config.
   */
  readonly partitions?: ReadonlyMap<string, ColumnPartitions>;
  /**
   * Bloom filters of `bloomFilterColumns`, views into the loaded file (not in the JSON):
   * segments/immutable/bloomFilter.ts reads them.
   */
  readonly bloomFilters?: ReadonlyMap<string, BloomFilterData>;
}

export interface ColumnPartitions {
  /** Pinot's name: Murmur, Modulo or HashCode (as configured). */
  readonly functionName: string;
  readonly numPartitions: number;
  /** Partition ids holding at least one value of the column, ascending. */
  readonly partitionIds: readonly number[];
}

/** A bloom filter as plain data (cloneable): bit i is bits[i >> 3] bit (i & 7). */
export interface BloomFilterData {
  readonly hashCount: number;
  readonly bitCount: number;
  readonly bits: Uint8Array;
}

/** Keys of `SegmentMetadata.custom` that the real-time path writes and reads. */
export const CUSTOM_KEYS = {
  startOffset: 'segment.realtime.startOffset',
  endOffset: 'segment.realtime.endOffset',
} as const;
