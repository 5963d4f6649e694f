// Segment name generators as in Pinot (pinot-segment-spi `creator/name`): `simple`,
// `normalizedDate` and `fixed` for batch segments, and the real-time (LLC) name
// `table__partition__sequence__yyyyMMddTHHmmZ`. Names become file and tar member names, so
// each is validated before use.
import type { FieldSpec, ScalarValue, Schema, TableConfig } from '../../host/config/types.js';
import { parseDateTimeFormat, type DateTimeFormat } from '../../host/config/schema.js';
import { ConfigError } from '../../host/errors/errors.js';
import { assert } from '../../host/util/assert.js';
import { formatCompactUtc, formatUtcDate, parseSimpleDate } from './simpleDateFormat.js';

/** A segment name or name part is unusable; the message says which and why. */
export class SegmentNameError extends ConfigError {}

/** Characters Pinot's SegmentNameUtils refuses: path separators and Windows-reserved ones. */
const INVALID_NAME_CHARACTERS = /[\\/:*?"<>|]/;
/** Control characters break logs, URLs and tar headers. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/**
 * A segment name ends up as `<name>.tar.gz` and as the tar folder `<name>/` (ustar's prefix
 * field holds 155 bytes), so 150 bytes keeps both working, far under file-name limits.
 */
export const MAX_SEGMENT_NAME_BYTES = 150;
/** Real-time names join their four parts with a double underscore (Pinot's LLCSegmentName). */
const REALTIME_SEPARATOR = '__';
/** Milliseconds per unit of Pinot's EPOCH formats. */
const UNIT_MS = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
} as const;

/** Checks a whole name or a part of one (prefix, postfix, time value). */
export function validateSegmentNamePart(part: string, what = 'segment name'): void {
  if (part === '' || part.trim() !== part) {
    throw new SegmentNameError(`${what} "${part}" is empty or has leading/trailing blanks`);
  }
  if (INVALID_NAME_CHARACTERS.test(part) || CONTROL_CHARACTERS.test(part)) {
    throw new SegmentNameError(
      `${what} "${part}" contains one of \\ / : * ? " < > | or a control character; ` +
        'choose a name without them',
    );
  }
}

export function validateSegmentName(name: string): void {
  validateSegmentNamePart(name);
  if (name === '.' || name === '..') throw new SegmentNameError(`segment name "${name}" is reserved`);
  const sizeBytes = Buffer.byteLength(name, 'utf8');
  if (sizeBytes > MAX_SEGMENT_NAME_BYTES) {
    throw new SegmentNameError(
      `segment name "${name}" is ${sizeBytes} bytes; the limit is ${MAX_SEGMENT_NAME_BYTES}` +
        ' (shorten the prefix or postfix)',
    );
  }
}

export interface SegmentNameGenerator {
  /**
   * The name of the segment with this sequence id (-1: none) and time range (the time
   * column's smallest and largest values, absent when the table has no time column).
   */
  generate(sequenceId: number, minTime?: ScalarValue, maxTime?: ScalarValue): string;
}

/** Joins the present parts with '_', as Pinot's JOINER (skipNulls) does. */
function join(parts: readonly (string | number | undefined)[]): string {
  return parts.filter((part) => part !== undefined).join('_');
}

function sequencePart(sequenceId: number, exclude = false): number | undefined {
  assert(Number.isInteger(sequenceId) && sequenceId >= -1, 'sequenceId is an integer >= -1');
  return !exclude && sequenceId >= 0 ? sequenceId : undefined;
}

function timeText(value: ScalarValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Uint8Array) throw new SegmentNameError('a BYTES time value cannot name a segment');
  const text = String(value);
  validateSegmentNamePart(text, 'time value');
  return text;
}

/** `{prefix}_{minTime}_{maxTime}_{postfix}_{sequenceId}`, absent parts left out. */
export class SimpleSegmentNameGenerator implements SegmentNameGenerator {
  constructor(
    private readonly prefix: string,
    private readonly postfix?: string,
  ) {
    validateSegmentNamePart(prefix, 'segment name prefix');
    if (postfix !== undefined) validateSegmentNamePart(postfix, 'segment name postfix');
  }

  generate(sequenceId: number, minTime?: ScalarValue, maxTime?: ScalarValue): string {
    const name = join([
      this.prefix,
      timeText(minTime),
      timeText(maxTime),
      this.postfix,
      sequencePart(sequenceId),
    ]);
    validateSegmentName(name);
    return name;
  }
}

/** One explicit name for every segment (Pinot's FixedSegmentNameGenerator). */
export class FixedSegmentNameGenerator implements SegmentNameGenerator {
  constructor(private readonly segmentName: string) {
    validateSegmentName(segmentName);
  }

  generate(): string {
    return this.segmentName;
  }
}

export interface NormalizedDateOptions {
  /** Default: the raw table name. */
  readonly prefix?: string;
  readonly postfix?: string;
  readonly excludeSequenceId?: boolean;
  /** `APPEND` puts the dates in the name; `REFRESH` leaves them out (Pinot). */
  readonly pushType?: string;
  /** `hourly` adds the hour: `yyyy-MM-dd-HH`. */
  readonly pushFrequency?: string;
  /** The time column's DATE_TIME format (`1:DAYS:EPOCH`, `SIMPLE_DATE_FORMAT|yyyyMMdd`, …). */
  readonly timeFormat?: string;
}

/** Epoch milliseconds of a time column value under `format`. */
export function timeValueToMs(value: ScalarValue, format: DateTimeFormat): number {
  if (format.kind === 'SIMPLE_DATE_FORMAT') {
    return parseSimpleDate(String(value), format.pattern, format.timeZone);
  }
  if (typeof value !== 'number' && typeof value !== 'bigint') {
    throw new SegmentNameError(`time value ${String(value)} is not a number`);
  }
  if (format.kind === 'TIMESTAMP') return Number(value);
  const unitMs = UNIT_MS[format.unit as keyof typeof UNIT_MS] as number | undefined;
  if (unitMs === undefined) {
    throw new SegmentNameError(`EPOCH unit ${format.unit} cannot be converted to a date`);
  }
  return Number(value) * format.size * unitMs;
}

/**
 * `{prefix}_{yyyy-MM-dd}_{yyyy-MM-dd}_{postfix}_{sequenceId}` with UTC dates of the time
 * range for APPEND tables; `{prefix}_{postfix}_{sequenceId}` for REFRESH tables. Unlike
 * Pinot, an EPOCH format's size is honoured (`5:MINUTES:EPOCH` values count 5-minute steps).
 */
export class NormalizedDateSegmentNameGenerator implements SegmentNameGenerator {
  private readonly prefix: string;
  private readonly appendDates: boolean;
  private readonly hourly: boolean;
  private readonly format: DateTimeFormat | undefined;

  constructor(
    tableName: string,
    private readonly options: NormalizedDateOptions,
  ) {
    this.prefix = options.prefix?.trim() ?? tableName;
    validateSegmentNamePart(this.prefix, 'segment name prefix');
    if (options.postfix !== undefined) {
      validateSegmentNamePart(options.postfix, 'segment name postfix');
    }
    this.appendDates = (options.pushType ?? 'APPEND').toUpperCase() === 'APPEND';
    this.hourly = options.pushFrequency?.toLowerCase() === 'hourly';
    if (this.appendDates && options.timeFormat === undefined) {
      throw new SegmentNameError(
        'normalizedDate names of APPEND tables need the time column format: set ' +
          'segmentsConfig.timeColumnName to a DATE_TIME field that has a format',
      );
    }
    this.format = this.appendDates ? parseFormat(options.timeFormat!) : undefined;
  }

  generate(sequenceId: number, minTime?: ScalarValue, maxTime?: ScalarValue): string {
    const sequence = sequencePart(sequenceId, this.options.excludeSequenceId);
    let name: string;
    if (this.format !== undefined) {
      if (minTime === undefined || maxTime === undefined) {
        throw new SegmentNameError('normalizedDate names of APPEND tables need a time range');
      }
      const minDate = formatUtcDate(timeValueToMs(minTime, this.format), this.hourly);
      const maxDate = formatUtcDate(timeValueToMs(maxTime, this.format), this.hourly);
      name = join([this.prefix, minDate, maxDate, this.options.postfix, sequence]);
    } else {
      name = join([this.prefix, this.options.postfix, sequence]);
    }
    validateSegmentName(name);
    return name;
  }
}

function parseFormat(format: string): DateTimeFormat {
  try {
    return parseDateTimeFormat(format);
  } catch (error) {
    throw new SegmentNameError(`time column format: ${(error as Error).message}`);
  }
}

export type SegmentNameGeneratorType = 'simple' | 'normalizedDate' | 'fixed';

/** The Flink sink's `segment-name.*` options. */
export interface SegmentNameConfig {
  readonly type?: SegmentNameGeneratorType;
  /** `fixed`: the name. */
  readonly segmentName?: string;
  /** `simple`: appended to every name. `normalizedDate`: likewise. */
  readonly postfix?: string;
  /** `simple` and `normalizedDate`: replaces the table name at the front. */
  readonly prefix?: string;
  readonly excludeSequenceId?: boolean;
  readonly pushFrequency?: string;
}

/** The time column's field spec, when the table names one that the schema has. */
export function timeFieldOf(schema: Schema, tableConfig: TableConfig): FieldSpec | undefined {
  const column = tableConfig.segmentsConfig.timeColumnName;
  if (column === undefined) return undefined;
  const field = schema.fields.find((candidate) => candidate.name === column);
  if (field === undefined) {
    throw new SegmentNameError(`time column ${column} is not in schema ${schema.schemaName}`);
  }
  return field;
}

/** Builds the generator a config asks for (Pinot's SegmentNameGeneratorFactory). */
export function createSegmentNameGenerator(
  config: SegmentNameConfig,
  schema: Schema,
  tableConfig: TableConfig,
): SegmentNameGenerator {
  const type = config.type ?? 'simple';
  switch (type) {
    case 'fixed':
      if (config.segmentName === undefined) {
        throw new SegmentNameError('segment name type "fixed" needs segmentName');
      }
      return new FixedSegmentNameGenerator(config.segmentName);
    case 'simple':
      return new SimpleSegmentNameGenerator(config.prefix ?? tableConfig.tableName, config.postfix);
    case 'normalizedDate':
      return new NormalizedDateSegmentNameGenerator(tableConfig.tableName, {
        prefix: config.prefix,
        postfix: config.postfix,
        excludeSequenceId: config.excludeSequenceId,
        pushType: tableConfig.segmentsConfig.segmentPushType,
        pushFrequency: config.pushFrequency,
        timeFormat: timeFieldOf(schema, tableConfig)?.format,
      });
    default:
      throw new SegmentNameError(
        `unknown segment name type "${String(type)}": use simple, normalizedDate or fixed`,
      );
  }
}

export interface RealtimeSegmentName {
  readonly tableName: string;
  readonly partitionId: number;
  readonly sequenceNumber: number;
  /** Creation time, truncated to the minute as the name holds it. */
  readonly creationTimeMs: number;
}

/** `table__partition__sequence__yyyyMMddTHHmmZ` (UTC), Pinot's LLC segment name. */
export function realtimeSegmentName(name: RealtimeSegmentName): string {
  const { tableName, partitionId, sequenceNumber, creationTimeMs } = name;
  validateSegmentNamePart(tableName, 'table name');
  if (tableName.includes(REALTIME_SEPARATOR)) {
    throw new SegmentNameError(`table name ${tableName} contains "__", which real-time names use`);
  }
  assert(Number.isSafeInteger(partitionId) && partitionId >= 0, 'partitionId is an integer >= 0');
  assert(Number.isSafeInteger(sequenceNumber) && sequenceNumber >= 0, 'sequence is integer >= 0');
  assert(Number.isFinite(creationTimeMs), 'creationTimeMs is a finite number');
  const text = [tableName, partitionId, sequenceNumber, formatCompactUtc(creationTimeMs)].join(
    REALTIME_SEPARATOR,
  );
  validateSegmentName(text);
  return text;
}

/** Matches `yyyyMMddTHHmmZ`. */
const COMPACT_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z$/;

/** Parses a real-time segment name; undefined when `name` is not one. */
export function parseRealtimeSegmentName(name: string): RealtimeSegmentName | undefined {
  const parts = name.split(REALTIME_SEPARATOR);
  if (parts.length !== 4) return undefined;
  const [tableName, partition, sequence, time] = parts as [string, string, string, string];
  const date = COMPACT_UTC.exec(time);
  if (tableName === '' || !/^\d+$/.test(partition) || !/^\d+$/.test(sequence) || date === null) {
    return undefined;
  }
  const [, year, month, day, hour, minute] = date.map(Number) as number[];
  return {
    tableName,
    partitionId: Number(partition),
    sequenceNumber: Number(sequence),
    creationTimeMs: Date.UTC(year!, month! - 1, day!, hour!, minute!),
  };
}
