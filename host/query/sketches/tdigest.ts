// t-digest (Dunning's merging digest, as com.tdunning's MergingDigest that Pinot's
// PERCENTILETDIGEST uses): values collect in a buffer; a compress merges buffer and centroids in
// mean order under the k1 scale function, so a centroid spans at most one unit of
// k(q) = compression / (2π) · asin(2q − 1). Small centroids near the tails keep extreme
// quantiles accurate. The state is plain arrays (structured-cloneable across workers).
import { CuveeError, ErrorCode } from '../../errors/errors.js';

/** Pinot's default compression for PERCENTILETDIGEST. */
export const DEFAULT_TDIGEST_COMPRESSION = 100;
/** Below 10 centroids a digest says little; above 10,000 it costs more than an exact list. */
const MIN_COMPRESSION = 10;
const MAX_COMPRESSION = 10_000;
/** Buffered values per unit of compression before a compress (MergingDigest uses ~5). */
const BUFFER_FACTOR = 5;
/** MergingDigest's VERBOSE_ENCODING tag. */
const VERBOSE_ENCODING = 1;
/** Header: encoding, min, max, compression, centroid count. */
const HEADER_BYTES = 4 + 8 + 8 + 8 + 4;
/** Each centroid: weight then mean, two doubles. */
const CENTROID_BYTES = 16;

export interface TDigestState {
  readonly compression: number;
  means: number[];
  weights: number[];
  /** Values not yet merged into centroids. */
  buffer: number[];
  min: number;
  max: number;
}

export function checkCompression(compression: number): number {
  if (!(compression >= MIN_COMPRESSION && compression <= MAX_COMPRESSION)) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `PERCENTILETDIGEST compression must be in [${MIN_COMPRESSION}, ${MAX_COMPRESSION}], ` +
        `got ${compression}`,
    );
  }
  return compression;
}

export function tdigestNew(compression: number = DEFAULT_TDIGEST_COMPRESSION): TDigestState {
  checkCompression(compression);
  return {
    compression,
    means: [],
    weights: [],
    buffer: [],
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
}

export function tdigestAdd(state: TDigestState, value: number): void {
  if (Number.isNaN(value)) return;
  state.buffer.push(value);
  if (value < state.min) state.min = value;
  if (value > state.max) state.max = value;
  if (state.buffer.length >= BUFFER_FACTOR * state.compression) tdigestCompress(state);
}

function scaleK(q: number, compression: number): number {
  return (compression / (2 * Math.PI)) * Math.asin(2 * Math.min(1, Math.max(0, q)) - 1);
}

function collectSorted(state: TDigestState): { means: Float64Array; weights: Float64Array } {
  const total = state.means.length + state.buffer.length;
  const order = new Uint32Array(total);
  const means = new Float64Array(total);
  const weights = new Float64Array(total);
  state.means.forEach((mean, i) => ((means[i] = mean), (weights[i] = state.weights[i]!)));
  const offset = state.means.length;
  state.buffer.forEach((value, i) => ((means[offset + i] = value), (weights[offset + i] = 1)));
  for (let i = 0; i < total; i++) order[i] = i;
  order.sort((a, b) => means[a]! - means[b]!);
  return {
    means: Float64Array.from(order, (i) => means[i]!),
    weights: Float64Array.from(order, (i) => weights[i]!),
  };
}

/** Merges the buffer into the centroids under the k1 size bound. */
export function tdigestCompress(state: TDigestState): void {
  if (state.buffer.length === 0 && state.means.length <= 1) return;
  const { means, weights } = collectSorted(state);
  let totalWeight = 0;
  for (const weight of weights) totalWeight += weight;
  const outMeans: number[] = [];
  const outWeights: number[] = [];
  let mean = means[0]!;
  let weight = weights[0]!;
  let weightSoFar = 0;
  let kLower = scaleK(0, state.compression);
  for (let i = 1; i < means.length; i++) {
    const proposed = weight + weights[i]!;
    const kUpper = scaleK((weightSoFar + proposed) / totalWeight, state.compression);
    if (kUpper - kLower <= 1) {
      mean += ((means[i]! - mean) * weights[i]!) / proposed;
      weight = proposed;
      continue;
    }
    outMeans.push(mean);
    outWeights.push(weight);
    weightSoFar += weight;
    kLower = scaleK(weightSoFar / totalWeight, state.compression);
    mean = means[i]!;
    weight = weights[i]!;
  }
  outMeans.push(mean);
  outWeights.push(weight);
  state.means = outMeans;
  state.weights = outWeights;
  state.buffer = [];
}

export function tdigestMerge(into: TDigestState, from: TDigestState): void {
  for (let i = 0; i < from.means.length; i++) {
    into.means.push(from.means[i]!);
    into.weights.push(from.weights[i]!);
  }
  for (const value of from.buffer) into.buffer.push(value);
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  tdigestCompress(into);
}

export function tdigestCount(state: TDigestState): number {
  let total = state.buffer.length;
  for (const weight of state.weights) total += weight;
  return total;
}

/**
 * The value at quantile q in [0, 1]: centroid means sit at the middle of their weight and the
 * answer interpolates linearly between neighbours (and towards min/max at the ends).
 * NaN when the digest is empty.
 */
export function tdigestQuantile(state: TDigestState, q: number): number {
  tdigestCompress(state);
  const { means, weights } = state;
  const count = means.length;
  if (count === 0) return Number.NaN;
  if (count === 1) return means[0]!;
  let total = 0;
  for (const weight of weights) total += weight;
  const target = q * total;
  if (target <= 0) return state.min;
  if (target >= total) return state.max;
  const firstCenter = weights[0]! / 2;
  if (target < firstCenter) {
    return state.min + ((means[0]! - state.min) * target) / firstCenter;
  }
  let center = firstCenter;
  for (let i = 0; i < count - 1; i++) {
    const nextCenter = center + (weights[i]! + weights[i + 1]!) / 2;
    if (target < nextCenter) {
      const fraction = (target - center) / (nextCenter - center);
      return means[i]! + fraction * (means[i + 1]! - means[i]!);
    }
    center = nextCenter;
  }
  const lastHalf = weights[count - 1]! / 2;
  const fraction = (target - center) / lastHalf;
  return means[count - 1]! + fraction * (state.max - means[count - 1]!);
}

/** MergingDigest.asBytes (verbose): tag, min, max, compression, n, n × (weight, mean). */
export function tdigestSerialize(state: TDigestState): Uint8Array {
  tdigestCompress(state);
  const count = state.means.length;
  const bytes = new Uint8Array(HEADER_BYTES + count * CENTROID_BYTES);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, VERBOSE_ENCODING);
  view.setFloat64(4, state.min);
  view.setFloat64(12, state.max);
  view.setFloat64(20, state.compression);
  view.setInt32(28, count);
  for (let i = 0; i < count; i++) {
    view.setFloat64(HEADER_BYTES + i * CENTROID_BYTES, state.weights[i]!);
    view.setFloat64(HEADER_BYTES + i * CENTROID_BYTES + 8, state.means[i]!);
  }
  return bytes;
}

export function tdigestDeserialize(bytes: Uint8Array): TDigestState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const valid = bytes.length >= HEADER_BYTES && view.getInt32(0) === VERBOSE_ENCODING;
  const count = valid ? view.getInt32(28) : -1;
  if (count < 0 || bytes.length !== HEADER_BYTES + count * CENTROID_BYTES) {
    throw new CuveeError(
      ErrorCode.QUERY_EXECUTION,
      'Not a serialized t-digest (verbose encoding expected)',
    );
  }
  const state = tdigestNew(view.getFloat64(20));
  state.min = view.getFloat64(4);
  state.max = view.getFloat64(12);
  for (let i = 0; i < count; i++) {
    state.weights.push(view.getFloat64(HEADER_BYTES + i * CENTROID_BYTES));
    state.means.push(view.getFloat64(HEADER_BYTES + i * CENTROID_BYTES + 8));
  }
  return state;
}
