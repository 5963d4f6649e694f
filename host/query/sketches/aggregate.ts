// The sketch aggregations as the accumulator sees them: which names exist, a fresh state per
// function, adding a value (a BYTES value is a serialized state, as Pinot reads pre-aggregated
// columns), merging, and the final answer (a number, or hex for the RAW forms).
import type { ScalarValue } from '../../config/types.js';
import { CuveeError, ErrorCode } from '../../errors/errors.js';
import { toDouble } from '../../expr/values.js';
import type { AggregationFunction, AggregationKind } from '../aggregations.js';
import {
  bitmapAdd,
  bitmapCardinality,
  bitmapDeserialize,
  bitmapMerge,
  bitmapNew,
  bitmapSerialize,
} from './bitmapDistinct.js';
import {
  DEFAULT_HLL_LOG2M,
  hllAdd,
  hllCardinality,
  hllDeserialize,
  hllMerge,
  hllNew,
  hllSerialize,
} from './hll.js';
import {
  qdigestAdd,
  qdigestCount,
  qdigestDeserialize,
  qdigestMerge,
  qdigestNew,
  qdigestQuantile,
  qdigestSerialize,
} from './quantileDigest.js';
import {
  DEFAULT_TDIGEST_COMPRESSION,
  tdigestAdd,
  tdigestCount,
  tdigestDeserialize,
  tdigestMerge,
  tdigestNew,
  tdigestQuantile,
  tdigestSerialize,
} from './tdigest.js';
import { toHex, type SketchState } from './index.js';

export type { SketchState } from './index.js';

/** Pinot's PERCENTILEEST answer when it saw no value (an empty QuantileDigest). */
const EMPTY_ESTIMATE = -(2 ** 63);

interface SketchName {
  kind: AggregationKind;
  multiValue: boolean;
  raw?: boolean;
}

/** The sketch functions by upper-case name, each with its MV form. */
export function sketchKinds(): Record<string, SketchName> {
  const names: Record<string, SketchName> = {};
  const add = (name: string, kind: AggregationKind, raw: boolean): void => {
    names[name] = { kind, multiValue: false, raw };
    names[`${name}MV`] = { kind, multiValue: true, raw };
  };
  add('DISTINCTCOUNTHLL', 'DISTINCTCOUNTHLL', false);
  add('DISTINCTCOUNTRAWHLL', 'DISTINCTCOUNTHLL', true);
  add('DISTINCTCOUNTBITMAP', 'DISTINCTCOUNTBITMAP', false);
  add('PERCENTILEEST', 'PERCENTILEEST', false);
  add('PERCENTILERAWEST', 'PERCENTILEEST', true);
  add('PERCENTILETDIGEST', 'PERCENTILETDIGEST', false);
  add('PERCENTILERAWTDIGEST', 'PERCENTILETDIGEST', true);
  return names;
}

/** A fresh state for a sketch function; undefined for the other aggregations. */
export function newSketch(fn: AggregationFunction): SketchState | undefined {
  switch (fn.kind) {
    case 'DISTINCTCOUNTHLL':
      return { sketch: 'hll', ...hllNew(fn.log2m ?? DEFAULT_HLL_LOG2M) };
    case 'DISTINCTCOUNTBITMAP':
      return { sketch: 'bitmap', ...bitmapNew() };
    case 'PERCENTILEEST':
      return { sketch: 'qdigest', ...qdigestNew() };
    case 'PERCENTILETDIGEST':
      return { sketch: 'tdigest', ...tdigestNew(fn.compression ?? DEFAULT_TDIGEST_COMPRESSION) };
    default:
      return undefined;
  }
}

/** Reads a serialized state of the same kind (a BYTES value) into a tagged state. */
export function deserializeSketch(kind: SketchState['sketch'], bytes: Uint8Array): SketchState {
  switch (kind) {
    case 'hll':
      return { sketch: 'hll', ...hllDeserialize(bytes) };
    case 'bitmap':
      return { sketch: 'bitmap', ...bitmapDeserialize(bytes) };
    case 'qdigest':
      return { sketch: 'qdigest', ...qdigestDeserialize(bytes) };
    case 'tdigest':
      return { sketch: 'tdigest', ...tdigestDeserialize(bytes) };
  }
}

export function serializeSketch(state: SketchState): Uint8Array {
  switch (state.sketch) {
    case 'hll':
      return hllSerialize(state);
    case 'bitmap':
      return bitmapSerialize(state);
    case 'qdigest':
      return qdigestSerialize(state);
    case 'tdigest':
      return tdigestSerialize(state);
  }
}

export function sketchAccumulate(state: SketchState, value: ScalarValue): void {
  if (value instanceof Uint8Array && state.sketch !== 'bitmap') {
    sketchMerge(state, deserializeSketch(state.sketch, value));
    return;
  }
  switch (state.sketch) {
    case 'hll':
      hllAdd(state, value);
      return;
    case 'bitmap':
      bitmapAdd(state, value);
      return;
    case 'qdigest':
      qdigestAdd(state, toDouble(value));
      return;
    case 'tdigest':
      tdigestAdd(state, toDouble(value));
      return;
  }
}

export function sketchMerge(into: SketchState, from: SketchState): void {
  if (into.sketch !== from.sketch) {
    throw new CuveeError(
      ErrorCode.QUERY_EXECUTION,
      `Cannot merge a ${from.sketch} sketch into a ${into.sketch} sketch`,
    );
  }
  if (into.sketch === 'hll') hllMerge(into, from as typeof into);
  else if (into.sketch === 'bitmap') bitmapMerge(into, from as typeof into);
  else if (into.sketch === 'qdigest') qdigestMerge(into, from as typeof into);
  else tdigestMerge(into, from as typeof into);
}

/** True when the sketch saw no value. */
export function sketchEmpty(state: SketchState): boolean {
  switch (state.sketch) {
    case 'hll':
      return state.registers.every((rank) => rank === 0);
    case 'bitmap':
      return state.hashes.size === 0;
    case 'qdigest':
      return qdigestCount(state) === 0;
    case 'tdigest':
      return tdigestCount(state) === 0;
  }
}

/** The final answer: a count, a percentile, or the serialized state as hex (RAW forms). */
export function sketchResult(fn: AggregationFunction, state: SketchState): number | string {
  if (fn.raw === true) return toHex(serializeSketch(state));
  const quantile = (fn.percentile ?? 0) / 100;
  switch (state.sketch) {
    case 'hll':
      return hllCardinality(state);
    case 'bitmap':
      return bitmapCardinality(state);
    case 'qdigest': {
      const value = qdigestQuantile(state, quantile);
      return Number.isNaN(value) ? EMPTY_ESTIMATE : value;
    }
    case 'tdigest':
      return tdigestCount(state) === 1
        ? (state.buffer[0] ?? state.means[0]!)
        : tdigestQuantile(state, quantile);
  }
}
