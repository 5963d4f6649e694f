// Pinot's hybrid time boundary (TimeBoundaryManager): the broker answers a hybrid table from
// its OFFLINE part for times up to the boundary and from its REALTIME part after it. The
// boundary is the largest end time over the offline segments minus one push unit (a day;
// an hour for HOURLY push tables whose time column is not in days), so that the last, possibly
// still incomplete, offline day comes from the real-time table.
import type { Schema, TableConfig } from '../config/types.js';
import { parseDateTimeFormat } from '../config/schema.js';
import type { Expr } from '../sql/ast.js';
import { parseSql } from '../sql/parser.js';
import { compilePattern, formatMillis } from '../expr/time/pattern.js';
import { parseTimeZone } from '../expr/time/zones.js';
import { timeFieldOf } from '../../segments/writer/names.js';
import type { Segment } from '../../segments/spi/segment.js';

/** Pinot's offset for daily pushes (the default push frequency). */
const DAY_MS = 86_400_000;
/** Pinot's offset for HOURLY push tables whose time column is not in days. */
const HOUR_MS = 3_600_000;
/** Milliseconds per unit of the EPOCH formats a boundary converts back to. */
const UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: HOUR_MS,
  DAYS: DAY_MS,
};

export interface TimeBoundary {
  readonly timeColumn: string;
  /** The boundary in the time column's own format, as SQL literal text. */
  readonly literal: string;
  readonly boundaryMs: number;
}

function pushOffsetMs(table: TableConfig, unit: string | undefined): number {
  const frequency = readPushFrequency(table);
  return frequency === 'HOURLY' && unit !== 'DAYS' ? HOUR_MS : DAY_MS;
}

function readPushFrequency(table: TableConfig): string | undefined {
  const ingestion = table.json.ingestionConfig as
    | { batchIngestionConfig?: { segmentIngestionFrequency?: unknown } }
    | undefined;
  const segments = table.json.segmentsConfig as { segmentPushFrequency?: unknown } | undefined;
  const value =
    ingestion?.batchIngestionConfig?.segmentIngestionFrequency ?? segments?.segmentPushFrequency;
  return typeof value === 'string' ? value.toUpperCase() : undefined;
}

/** The boundary of an OFFLINE table's segments; undefined when none has a time range. */
export function computeTimeBoundary(
  offline: { readonly config: TableConfig; readonly schema: Schema },
  segments: readonly Segment[],
): TimeBoundary | undefined {
  const field = timeFieldOf(offline.schema, offline.config);
  if (field === undefined || field.format === undefined) return undefined;
  let maxEndTimeMs = -Infinity;
  for (const segment of segments) {
    const endMs = segment.metadata.timeRange?.endTimeMs;
    if (endMs !== undefined && endMs > maxEndTimeMs) maxEndTimeMs = endMs;
  }
  if (maxEndTimeMs === -Infinity) return undefined;
  const format = parseDateTimeFormat(field.format);
  const unit = format.kind === 'EPOCH' ? format.unit : undefined;
  const boundaryMs = maxEndTimeMs - pushOffsetMs(offline.config, unit);
  let literal: string;
  if (format.kind === 'TIMESTAMP') {
    literal = String(boundaryMs);
  } else if (format.kind === 'EPOCH') {
    const unitMs = UNIT_MS[format.unit];
    if (unitMs === undefined) return undefined;
    literal = String(Math.floor(boundaryMs / (unitMs * format.size)));
  } else {
    const text = formatMillis(boundaryMs, compilePattern(format.pattern),
      parseTimeZone(format.timeZone));
    literal = field.storedType === 'STRING' ? `'${text.replaceAll("'", "''")}'` : text;
  }
  return { timeColumn: field.name, literal, boundaryMs };
}

/** `"time" <= boundary` for the offline part, `"time" > boundary` for the real-time part. */
export function boundaryFilter(boundary: TimeBoundary, side: 'OFFLINE' | 'REALTIME'): Expr {
  const op = side === 'OFFLINE' ? '<=' : '>';
  const column = boundary.timeColumn.replaceAll('"', '""');
  const statement = parseSql(`SELECT * FROM t WHERE "${column}" ${op} ${boundary.literal}`);
  return statement.query.where!;
}
