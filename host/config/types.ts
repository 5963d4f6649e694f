// Pinot's schema and table-config model, as Cuvée holds it after validation
// (host/config/schema.ts and host/config/tableConfig.ts turn Pinot JSON into these).

/** Pinot's logical data types. */
export type DataType =
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BIG_DECIMAL'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'STRING'
  | 'JSON'
  | 'BYTES';

/**
 * How a logical type is stored (Pinot's "stored type"): BOOLEAN as INT 0/1, TIMESTAMP as LONG
 * epoch millis, JSON as STRING, BIG_DECIMAL as its canonical decimal STRING.
 */
export type StoredType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES';

export type FieldType = 'DIMENSION' | 'METRIC' | 'DATE_TIME' | 'TIME' | 'COMPLEX';

/**
 * One value of a prepared row, in its stored representation:
 * INT, FLOAT, DOUBLE → number; LONG → bigint (exact beyond 2^53); STRING → string;
 * BYTES → Uint8Array. Multi-value columns hold an array of these; a missing value is null.
 */
export type ScalarValue = number | bigint | string | Uint8Array;
export type Value = ScalarValue | ScalarValue[] | null;

/** A row after schema preparation: column name → stored value (null where absent). */
export type Row = Record<string, Value>;

export interface FieldSpec {
  readonly name: string;
  readonly dataType: DataType;
  readonly storedType: StoredType;
  readonly fieldType: FieldType;
  readonly singleValueField: boolean;
  /** Pinot's default null value for the type (or the schema's), in stored representation. */
  readonly defaultNullValue: ScalarValue;
  /** DATE_TIME fields: e.g. `1:DAYS:EPOCH`, `1:MILLISECONDS:TIMESTAMP`, `SIMPLE_DATE_FORMAT:…`. */
  readonly format?: string;
  /** DATE_TIME fields: e.g. `1:DAYS`. */
  readonly granularity?: string;
  /** STRING fields: longer values are truncated as in Pinot (default 512). */
  readonly maxLength?: number;
}

export interface Schema {
  readonly schemaName: string;
  /** In the order the schema JSON lists them (dimensions, metrics, date-times). */
  readonly fields: readonly FieldSpec[];
  readonly primaryKeyColumns: readonly string[];
  readonly enableColumnBasedNullHandling: boolean;
  /** The JSON as given, for GET /schemas/{name}. */
  readonly json: Record<string, unknown>;
}

export type TableType = 'OFFLINE' | 'REALTIME';

export interface TransformConfig {
  readonly columnName: string;
  readonly transformFunction: string;
}

export interface StarTreeIndexConfig {
  readonly dimensionsSplitOrder: readonly string[];
  readonly skipStarNodeCreationForDimensions: readonly string[];
  readonly functionColumnPairs: readonly string[];
  readonly maxLeafRecords: number;
}

export interface SegmentPartitionConfig {
  readonly columnPartitionMap: Readonly<
    Record<string, { functionName: string; numPartitions: number }>
  >;
}

export interface TableIndexConfig {
  readonly invertedIndexColumns: readonly string[];
  readonly rangeIndexColumns: readonly string[];
  readonly sortedColumn: readonly string[];
  readonly noDictionaryColumns: readonly string[];
  readonly bloomFilterColumns: readonly string[];
  readonly starTreeIndexConfigs: readonly StarTreeIndexConfig[];
  readonly segmentPartitionConfig?: SegmentPartitionConfig;
  /** Older home of the real-time stream settings. */
  readonly streamConfigs?: Readonly<Record<string, string>>;
  readonly loadMode: 'MMAP' | 'HEAP';
}

export interface FieldConfig {
  readonly name: string;
  readonly encodingType: 'DICTIONARY' | 'RAW';
  /** Index kinds enabled on the column, upper case: INVERTED, RANGE, BLOOM, TIMESTAMP, … */
  readonly indexTypes: readonly string[];
  readonly timestampGranularities: readonly string[];
}

export interface IngestionConfig {
  readonly transformConfigs: readonly TransformConfig[];
  /** Rows for which this expression is true are dropped (Pinot's filterConfig). */
  readonly filterFunction?: string;
  readonly streamConfigMaps: readonly Readonly<Record<string, string>>[];
}

export interface SegmentsConfig {
  readonly timeColumnName?: string;
  readonly timeType?: string;
  readonly retentionTimeUnit?: string;
  readonly retentionTimeValue?: string;
  readonly segmentPushType?: string;
  readonly replication: number;
}

export interface TableConfig {
  /** Raw name, e.g. `airlineStats`. */
  readonly tableName: string;
  readonly tableType: TableType;
  /** `airlineStats_OFFLINE`. */
  readonly tableNameWithType: string;
  readonly segmentsConfig: SegmentsConfig;
  readonly tableIndexConfig: TableIndexConfig;
  readonly fieldConfigList: readonly FieldConfig[];
  readonly ingestionConfig: IngestionConfig;
  /** Table-level null handling as Pinot's `tableIndexConfig.nullHandlingEnabled`. */
  readonly nullHandlingEnabled: boolean;
  /** The JSON as given, for GET /tables/{t}. */
  readonly json: Record<string, unknown>;
}
