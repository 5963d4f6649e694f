// Pinot's aggregation functions: one accumulator kind per function, mergeable so that
// per-segment partial results combine per server and reduce at the broker. Result types follow
// Pinot: COUNT is LONG, DISTINCTCOUNT INT, everything numeric DOUBLE.
import type { ScalarValue } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import { compareValues, toDouble } from '../expr/values.js';
import type { ColumnDataType } from './response.js';
import { DEFAULT_MAX_DISTINCT_VALUES } from './options.js';

export type AggregationKind =
  | 'COUNT'
  | 'SUM'
  | 'MIN'
  | 'MAX'
  | 'AVG'
  | 'MINMAXRANGE'
  | 'DISTINCTCOUNT'
  | 'PERCENTILE'
  | 'MODE';

export interface AggregationFunction {
  readonly kind: AggregationKind;
  /** True for the *MV forms: each element of a multi-value counts. */
  readonly multiValue: boolean;
  /** PERCENTILE: 0..100. */
  readonly percentile?: number;
  readonly resultType: ColumnDataType;
}

/** The mutable state of one aggregation for one group. */
export interface AccumulatorState {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** DISTINCTCOUNT, MODE: value → occurrences (keys normalized by distinctKey). */
  values?: Map<unknown, number>;
  /** PERCENTILE: every value. */
  list?: number[];
}

/** Pinot's neutral results when no value was aggregated and null handling is off. */
const EMPTY_MIN = Number.POSITIVE_INFINITY;
const EMPTY_MAX = Number.NEGATIVE_INFINITY;
/** Pinot's AVG, PERCENTILE and MODE answer negative infinity when they saw no value. */
const EMPTY_AVERAGE = Number.NEGATIVE_INFINITY;

const BY_NAME: Record<string, { kind: AggregationKind; multiValue: boolean }> = {
  COUNT: { kind: 'COUNT', multiValue: false },
  SUM: { kind: 'SUM', multiValue: false },
  MIN: { kind: 'MIN', multiValue: false },
  MAX: { kind: 'MAX', multiValue: false },
  AVG: { kind: 'AVG', multiValue: false },
  MINMAXRANGE: { kind: 'MINMAXRANGE', multiValue: false },
  DISTINCTCOUNT: { kind: 'DISTINCTCOUNT', multiValue: false },
  PERCENTILE: { kind: 'PERCENTILE', multiValue: false },
  MODE: { kind: 'MODE', multiValue: false },
  COUNTMV: { kind: 'COUNT', multiValue: true },
  SUMMV: { kind: 'SUM', multiValue: true },
  MINMV: { kind: 'MIN', multiValue: true },
  MAXMV: { kind: 'MAX', multiValue: true },
  AVGMV: { kind: 'AVG', multiValue: true },
  MINMAXRANGEMV: { kind: 'MINMAXRANGE', multiValue: true },
  DISTINCTCOUNTMV: { kind: 'DISTINCTCOUNT', multiValue: true },
  PERCENTILEMV: { kind: 'PERCENTILE', multiValue: true },
};

/** `PERCENTILE95`, `PERCENTILEMV50`: Pinot's older spelling with the percentile in the name. */
const PERCENTILE_IN_NAME = /^PERCENTILE(MV)?(\d{1,3}(?:\.\d+)?)$/;

/** True when `name` (any case, underscores ignored) is an aggregation function. */
export function isAggregationName(name: string): boolean {
  const upper = name.replaceAll('_', '').toUpperCase();
  return upper in BY_NAME || PERCENTILE_IN_NAME.test(upper);
}

function resultTypeOf(kind: AggregationKind): ColumnDataType {
  if (kind === 'COUNT') return 'LONG';
  if (kind === 'DISTINCTCOUNT') return 'INT';
  return 'DOUBLE';
}

/** Resolves a call name (and a percentile argument, when given) to its function. */
export function resolveAggregation(name: string, percentileArg?: number): AggregationFunction {
  const upper = name.replaceAll('_', '').toUpperCase();
  const inName = PERCENTILE_IN_NAME.exec(upper);
  if (inName !== null) {
    return {
      kind: 'PERCENTILE',
      multiValue: inName[1] !== undefined,
      percentile: checkPercentile(Number(inName[2])),
      resultType: 'DOUBLE',
    };
  }
  const known = BY_NAME[upper];
  if (known === undefined) {
    throw new CuveeError(ErrorCode.QUERY_VALIDATION, `Unsupported aggregation function: ${name}`);
  }
  const fn: AggregationFunction = { ...known, resultType: resultTypeOf(known.kind) };
  if (known.kind !== 'PERCENTILE') return fn;
  if (percentileArg === undefined) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `${name} needs a percentile: PERCENTILE(column, 90)`,
    );
  }
  return { ...fn, percentile: checkPercentile(percentileArg) };
}

function checkPercentile(value: number): number {
  if (!(value >= 0 && value <= 100)) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `Percentile must be within [0, 100], got ${value}`,
    );
  }
  return value;
}

export function newState(fn: AggregationFunction): AccumulatorState {
  const state: AccumulatorState = { count: 0, sum: 0, min: EMPTY_MIN, max: EMPTY_MAX };
  if (fn.kind === 'DISTINCTCOUNT' || fn.kind === 'MODE') state.values = new Map();
  if (fn.kind === 'PERCENTILE') state.list = [];
  return state;
}

/** Map key of a value for DISTINCTCOUNT/MODE: bytes compare by content, numbers by value. */
function distinctKey(value: ScalarValue): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

function checkDistinctBound(map: Map<unknown, number>): void {
  if (map.size > DEFAULT_MAX_DISTINCT_VALUES) {
    throw new CuveeError(
      ErrorCode.QUERY_EXECUTION,
      `More than ${DEFAULT_MAX_DISTINCT_VALUES} distinct values in one group; use DISTINCTCOUNTHLL ` +
        'or filter the query',
    );
  }
}

/** Adds one (non-null) value. COUNT ignores the value itself. */
export function accumulate(
  fn: AggregationFunction,
  state: AccumulatorState,
  value: ScalarValue,
): void {
  switch (fn.kind) {
    case 'COUNT':
      state.count++;
      return;
    case 'DISTINCTCOUNT': {
      const key = distinctKey(value);
      state.values!.set(key, 1);
      checkDistinctBound(state.values!);
      return;
    }
    case 'MODE': {
      const number = toDouble(value);
      state.values!.set(number, (state.values!.get(number) ?? 0) + 1);
      checkDistinctBound(state.values!);
      return;
    }
    default:
      break;
  }
  const number = toDouble(value);
  state.count++;
  if (fn.kind === 'PERCENTILE') {
    state.list!.push(number);
    return;
  }
  state.sum += number;
  if (number < state.min) state.min = number;
  if (number > state.max) state.max = number;
}

export function mergeStates(
  fn: AggregationFunction,
  into: AccumulatorState,
  from: AccumulatorState,
): void {
  into.count += from.count;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  if (from.list !== undefined) {
    for (const value of from.list) into.list!.push(value);
  }
  if (from.values !== undefined) {
    for (const [key, count] of from.values) {
      into.values!.set(key, fn.kind === 'MODE' ? (into.values!.get(key) ?? 0) + count : 1);
    }
    checkDistinctBound(into.values!);
  }
}

/** Pinot's exact percentile: the value at index floor(size * p / 100) of the sorted list. */
function percentileOf(list: number[], percentile: number): number {
  if (list.length === 0) return EMPTY_AVERAGE;
  const sorted = Float64Array.from(list).sort();
  if (percentile === 100) return sorted[sorted.length - 1]!;
  return sorted[Math.floor((sorted.length * percentile) / 100)]!;
}

/** Pinot's MODE: the most frequent value; among ties the smallest. */
function modeOf(values: Map<unknown, number>): number {
  let best = EMPTY_AVERAGE;
  let bestCount = 0;
  for (const [key, count] of values) {
    const value = key as number;
    if (count > bestCount || (count === bestCount && compareValues(value, best) < 0)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The final value. With null handling, an aggregation that saw no value is null (SQL); without
 * it Pinot's neutral values stand (0 for SUM, ±Infinity for MIN/MAX, -Infinity for AVG).
 */
export function finalResult(
  fn: AggregationFunction,
  state: AccumulatorState,
  nullHandling: boolean,
): number | null {
  const empty =
    fn.kind === 'DISTINCTCOUNT' || fn.kind === 'MODE'
      ? state.values!.size === 0
      : state.count === 0;
  if (empty && nullHandling && fn.kind !== 'COUNT' && fn.kind !== 'DISTINCTCOUNT') return null;
  switch (fn.kind) {
    case 'COUNT':
      return state.count;
    case 'SUM':
      return state.sum;
    case 'MIN':
      return state.min;
    case 'MAX':
      return state.max;
    case 'AVG':
      return state.count === 0 ? EMPTY_AVERAGE : state.sum / state.count;
    case 'MINMAXRANGE':
      return state.count === 0 ? EMPTY_AVERAGE : state.max - state.min;
    case 'DISTINCTCOUNT':
      return state.values!.size;
    case 'PERCENTILE':
      return percentileOf(state.list!, fn.percentile!);
    case 'MODE':
      return modeOf(state.values!);
  }
}
