// The segment's time range from its time column: start/end in the column's own values and, when
// the DATE_TIME format is EPOCH or TIMESTAMP, in epoch milliseconds (the broker prunes on it).
import type { FieldSpec, ScalarValue } from '../../host/config/types.js';
import type { ColumnMetadata, SegmentTimeRange, TimeUnit } from '../spi/metadata.js';

/** Milliseconds per unit; sub-millisecond units divide. */
const UNIT_MS: Readonly<Record<TimeUnit, number>> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1_000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

interface EpochFormat {
  readonly unit: TimeUnit;
  readonly size: number;
}

function isTimeUnit(text: string | undefined): text is TimeUnit {
  return text !== undefined && Object.hasOwn(UNIT_MS, text);
}

/**
 * Reads `size:UNIT:EPOCH`, `size:UNIT:TIMESTAMP`, `EPOCH|UNIT|size`, `EPOCH|UNIT` and
 * `TIMESTAMP`; other formats (SIMPLE_DATE_FORMAT) have no epoch conversion here.
 */
export function parseEpochFormat(field: FieldSpec): EpochFormat | undefined {
  if (field.dataType === 'TIMESTAMP') return { unit: 'MILLISECONDS', size: 1 };
  const format = field.format?.trim().toUpperCase();
  if (format === undefined) return undefined;
  if (format === 'TIMESTAMP') return { unit: 'MILLISECONDS', size: 1 };
  const colon = format.split(':');
  if (colon.length === 3 && (colon[2] === 'EPOCH' || colon[2] === 'TIMESTAMP')) {
    const size = Number(colon[0]);
    return isTimeUnit(colon[1]) && size > 0 ? { unit: colon[1], size } : undefined;
  }
  const pipe = format.split('|');
  if (pipe[0] === 'EPOCH' && isTimeUnit(pipe[1])) {
    const size = pipe[2] === undefined ? 1 : Number(pipe[2]);
    return size > 0 ? { unit: pipe[1], size } : undefined;
  }
  return undefined;
}

function toMs(value: ScalarValue, format: EpochFormat): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'bigint') return undefined;
  return Math.floor(Number(value) * format.size * UNIT_MS[format.unit]);
}

export function timeRangeOf(
  timeColumnName: string | undefined,
  fields: readonly FieldSpec[],
  columns: ReadonlyMap<string, ColumnMetadata>,
): SegmentTimeRange | undefined {
  if (timeColumnName === undefined) return undefined;
  const field = fields.find((candidate) => candidate.name === timeColumnName);
  const column = columns.get(timeColumnName);
  if (field === undefined || column?.minValue === undefined || column.maxValue === undefined) {
    return undefined;
  }
  const format = parseEpochFormat(field);
  return {
    timeColumn: timeColumnName,
    startTime: column.minValue,
    endTime: column.maxValue,
    timeUnit: format?.unit,
    startTimeMs: format === undefined ? undefined : toMs(column.minValue, format),
    endTimeMs: format === undefined ? undefined : toMs(column.maxValue, format),
  };
}
