// Pinot's aggregation functions: one accumulator kind per function, mergeable so that
// per-segment partial results combine per server and reduce at the broker. Result types follow
// Pinot: COUNT is LONG, DISTINCTCOUNT INT, everything numeric DOUBLE.
import type { ScalarValue } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import { compareValues, toDouble } from '../expr/values.js';
import type { ColumnDataType } from './response.js';
import { DEFAULT_MAX_DISTINCT_VALUES } from './options.js';
import {
  newSketch,
  sketchAccumulate,
  sketchEmpty,
  sketchKinds,
  sketchMerge,
  sketchResult,
  type SketchState,
} from './sketches/aggregate.js';

export type AggregationKind =
  | 'COUNT'
  | 'SUM'
  | 'MIN'
  | 'MAX'
  | 'AVG'
  | 'MINMAXRANGE'
  | 'DISTINCTCOUNT'
  | 'PERCENTILE'
  | 'MODE'
  | 'DISTINCTCOUNTHLL'
  | 'DISTINCTCOUNTBITMAP'
  | 'PERCENTILEEST'
  | 'PERCENTILETDIGEST';

export interface AggregationFunction {
  readonly kind: AggregationKind;
  /** True for the *MV forms: each element of a multi-value counts. */
  readonly multiValue: boolean;
  /** PERCENTILE: 0..100. */
  readonly percentile?: number;
  readonly resultType: ColumnDataType;
  /** Sketches: answer the serialized state as hex (DISTINCTCOUNTRAWHLL, PERCENTILERAWEST…). */
  readonly raw?: boolean;
  /** DISTINCTCOUNTHLL: registers = 2^log2m. */
  readonly log2m?: number;
  /** PERCENTILETDIGEST: the digest's compression. */
  readonly compression?: number;
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
  /** Sketch aggregations: a plain, structured-cloneable state (host/query/sketches). */
  sketch?: SketchState;
}

/** Pinot's neutral results when no value was aggregated and null handling is off. */
const EMPTY_MIN = Number.POSITIVE_INFINITY;
const EMPTY_MAX = Number.NEGATIVE_INFINITY;
/** Pinot's AVG, PERCENTILE and MODE answer negative infinity when they saw no value. */
const EMPTY_AVERAGE = Number.NEGATIVE_INFINITY;

const BY_NAME: Record<string, { kind: AggregationKind; multiValue: boolean; raw?: boolean }> = {
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
  ...sketchKinds(),
};

/** `PERCENTILE95`, `PERCENTILEESTMV50`: Pinot's older spelling with the percentile in the name. */
const PERCENTILE_IN_NAME =
  /^(PERCENTILE(?:EST|TDIGEST|RAWEST|RAWTDIGEST)?)(MV)?(\d{1,3}(?:\.\d+)?)$/;

/** True when `name` (any case, underscores ignored) is an aggregation function. */
export function isAggregationName(name: string): boolean {
  const upper = name.replaceAll('_', '').toUpperCase();
  return upper in BY_NAME || PERCENTILE_IN_NAME.test(upper);
}

function resultTypeOf(kind: AggregationKind, raw: boolean): ColumnDataType {
  if (raw) return 'STRING';
  if (kind === 'COUNT' || kind === 'DISTINCTCOUNTHLL' || kind === 'PERCENTILEEST') return 'LONG';
  if (kind === 'DISTINCTCOUNT' || kind === 'DISTINCTCOUNTBITMAP') return 'INT';
  return 'DOUBLE';
}

const PERCENTILE_KINDS = new Set<AggregationKind>([
  'PERCENTILE',
  'PERCENTILEEST',
  'PERCENTILETDIGEST',
]);

/**
 * Resolves a call name and its numeric literal arguments after the column (the percentile,
 * DISTINCTCOUNTHLL's log2m, PERCENTILETDIGEST's compression) to its function.
 */
export function resolveAggregation(
  name: string,
  secondArg?: number,
  thirdArg?: number,
): AggregationFunction {
  const upper = name.replaceAll('_', '').toUpperCase();
  const inName = PERCENTILE_IN_NAME.exec(upper);
  if (inName !== null) {
    const base = BY_NAME[inName[1]!]!;
    return withParameters(
      {
        ...base,
        multiValue: inName[2] !== undefined,
        resultType: resultTypeOf(base.kind, base.raw === true),
      },
      Number(inName[3]),
      secondArg,
    );
  }
  const known = BY_NAME[upper];
  if (known === undefined) {
    throw new CuveeError(ErrorCode.QUERY_VALIDATION, `Unsupported aggregation function: ${name}`);
  }
  const fn: AggregationFunction = {
    ...known,
    resultType: resultTypeOf(known.kind, known.raw === true),
  };
  if (PERCENTILE_KINDS.has(known.kind) && secondArg === undefined) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `${name} needs a percentile: ${name}(column, 90)`,
    );
  }
  return withParameters(fn, secondArg, thirdArg);
}

/** Places the literal arguments: a percentile first for percentile kinds, else log2m. */
function withParameters(
  fn: AggregationFunction,
  first: number | undefined,
  second: number | undefined,
): AggregationFunction {
  if (PERCENTILE_KINDS.has(fn.kind)) {
    const percentile = checkPercentile(first!);
    return second === undefined
      ? { ...fn, percentile }
      : { ...fn, percentile, compression: second };
  }
  if (fn.kind === 'DISTINCTCOUNTHLL' && first !== undefined) return { ...fn, log2m: first };
  return fn;
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
  const sketch = newSketch(fn);
  if (sketch !== undefined) state.sketch = sketch;
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
    case 'DISTINCTCOUNTHLL':
    case 'DISTINCTCOUNTBITMAP':
    case 'PERCENTILEEST':
    case 'PERCENTILETDIGEST':
      state.count++;
      sketchAccumulate(state.sketch!, value);
      return;
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
  if (from.sketch !== undefined) sketchMerge(into.sketch!, from.sketch);
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
): number | string | null {
  const empty =
    fn.kind === 'DISTINCTCOUNT' || fn.kind === 'MODE'
      ? state.values!.size === 0
      : state.sketch !== undefined
        ? sketchEmpty(state.sketch)
        : state.count === 0;
  const sketchCount =
    (fn.kind === 'DISTINCTCOUNTHLL' || fn.kind === 'DISTINCTCOUNTBITMAP') && fn.raw !== true;
  const counts = fn.kind === 'COUNT' || fn.kind === 'DISTINCTCOUNT' || sketchCount;
  if (empty && nullHandling && !counts) return null;
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
    case 'DISTINCTCOUNTHLL':
    case 'DISTINCTCOUNTBITMAP':
    case 'PERCENTILEEST':
    case 'PERCENTILETDIGEST':
      return sketchResult(fn, state.sketch!);
  }
}
