// Sketch kernels: clearspring's 32-bit hashes (what Pinot's DISTINCTCOUNTHLL feeds its
// HyperLogLog) over fixed-width values and over the variable-width dictionary layout, and the
// HyperLogLog register update and merge, the dictionary-id histograms of the other sketches and
// the t-digest compress. Registers are one byte each (rank 0..32), the layout
// host/query/sketches/hll.ts keeps. Contracts: kernels/SKETCH.md; the plain TypeScript twin is
// kernels/reference/sketch.ts.
//
// The usual use: hash a column's dictionary once (one hash per dictionary id), then update the
// registers from the selected docs' unpacked ids: each doc costs a load and a byte max.

import { VALUE_F32, VALUE_F64, VALUE_I32, VALUE_I64 } from './aggregate';
import { STATUS_BAD_ARGUMENT, STATUS_OK } from './status';

/** murmur2's multiplier and shift. */
const MURMUR_M: i32 = 0x5bd1e995;
const MURMUR_R: i32 = 24;
/** clearspring's seed for byte arrays. */
const BYTES_SEED: i32 = -1;
/** HyperLogLog register counts the kernels accept: 2^1 .. 2^20 (host/query/sketches/hll.ts). */
const MIN_LOG2M: i32 = 1;
const MAX_LOG2M: i32 = 20;
/** Bytes merged per SIMD step. */
const V128_BYTES: i32 = 16;

/** clearspring's MurmurHash.hashLong over a 64-bit value. */
// @ts-ignore: decorator
@inline
function hashLong(value: i64): i32 {
  let k: i32 = <i32>value * MURMUR_M;
  k ^= <i32>(<u32>k >>> MURMUR_R);
  let h: i32 = k * MURMUR_M;
  k = <i32>(value >> 32) * MURMUR_M;
  k ^= <i32>(<u32>k >>> MURMUR_R);
  h *= MURMUR_M;
  h ^= k * MURMUR_M;
  h ^= <i32>(<u32>h >>> 13);
  h *= MURMUR_M;
  h ^= <i32>(<u32>h >>> 15);
  return h;
}

/**
 * clearspring's murmur2 over `length` bytes at `ptr` with `seed`: little-endian words, then
 * the trailing bytes in reverse order as signed bytes (unlike Kafka's murmur2).
 */
function murmur2(ptr: usize, length: i32, seed: i32): i32 {
  let h: i32 = seed ^ length;
  const wordsEnd = length & ~3;
  for (let i = 0; i < wordsEnd; i += 4) {
    let k: i32 = load<i32>(ptr + <usize>i);
    k *= MURMUR_M;
    k ^= <i32>(<u32>k >>> MURMUR_R);
    k *= MURMUR_M;
    h *= MURMUR_M;
    h ^= k;
  }
  const left = length & 3;
  const end = ptr + <usize>length;
  if (left != 0) {
    if (left >= 3) h ^= <i32>load<i8>(end - 3) << 16;
    if (left >= 2) h ^= <i32>load<i8>(end - 2) << 8;
    h ^= <i32>load<i8>(end - 1);
    h *= MURMUR_M;
  }
  h ^= <i32>(<u32>h >>> 13);
  h *= MURMUR_M;
  h ^= <i32>(<u32>h >>> 15);
  return h;
}

/** out[i] = hashLong(values[i]) for `count` i64 values (LONG, TIMESTAMP). */
export function hllHashI64(valuesPtr: usize, count: i32, outPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 2;
    store<i32>(outPtr + at, hashLong(load<i64>(valuesPtr + (<usize>i << 3))));
  }
  return STATUS_OK;
}

/** out[i] = hashLong(values[i]) for `count` i32 values, sign-extended as Java's Integer. */
export function hllHashI32(valuesPtr: usize, count: i32, outPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 2;
    store<i32>(outPtr + at, hashLong(<i64>load<i32>(valuesPtr + at)));
  }
  return STATUS_OK;
}

/**
 * out[i] = hash of a DOUBLE as host/query/sketches/hash.ts hashValue: integral values within
 * ±2^53 as longs, every other value as hashLong of its raw bits.
 */
export function hllHashF64(valuesPtr: usize, count: i32, outPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const safe: f64 = 9007199254740991.0;
  for (let i = 0; i < count; i++) {
    const value = load<f64>(valuesPtr + (<usize>i << 3));
    const integral = value == Math.trunc(value) && Math.abs(value) <= safe;
    // -0 is integral and hashes as the long 0, as in JavaScript.
    const bits = integral ? <i64>value : reinterpret<i64>(value);
    store<i32>(outPtr + (<usize>i << 2), hashLong(bits));
  }
  return STATUS_OK;
}

/**
 * out[i] = murmur2(bytes of entry i, seed -1) over the variable-width layout: `count + 1` u32
 * offsets at offsetsPtr into the bytes at bytesPtr (STRING as UTF-8, BYTES).
 */
export function hllHashVarWidth(
  offsetsPtr: usize,
  bytesPtr: usize,
  count: i32,
  outPtr: usize,
): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  for (let i = 0; i < count; i++) {
    const start = load<u32>(offsetsPtr + (<usize>i << 2));
    const end = load<u32>(offsetsPtr + (<usize>(i + 1) << 2));
    if (end < start) return STATUS_BAD_ARGUMENT;
    const hash = murmur2(bytesPtr + <usize>start, <i32>(end - start), BYTES_SEED);
    store<i32>(outPtr + (<usize>i << 2), hash);
  }
  return STATUS_OK;
}

/** clearspring's offerHashed on one-byte registers. */
// @ts-ignore: decorator
@inline
function offer(registersPtr: usize, hash: i32, log2m: i32): void {
  const index = <usize>(<u32>hash >>> (32 - log2m));
  const rank = <u8>(clz<i32>((hash << log2m) | ((1 << (log2m - 1)) + 1)) + 1);
  const at = registersPtr + index;
  if (rank > load<u8>(at)) store<u8>(at, rank);
}

/** Offers `count` hashes (u32 at hashesPtr) to the 2^log2m registers at registersPtr. */
export function hllUpdateHashes(
  hashesPtr: usize,
  count: i32,
  registersPtr: usize,
  log2m: i32,
): i32 {
  if (count < 0 || log2m < MIN_LOG2M || log2m > MAX_LOG2M) return STATUS_BAD_ARGUMENT;
  for (let i = 0; i < count; i++) {
    offer(registersPtr, load<i32>(hashesPtr + (<usize>i << 2)), log2m);
  }
  return STATUS_OK;
}

/**
 * Offers hashes[ids[r]] for r < count: `ids` are the selected docs' unpacked dictionary ids
 * (u32), `hashes` one hash per dictionary id (from the hash kernels above). Ids are trusted
 * to be below the dictionary size (they come from the segment's own forward index).
 */
export function hllUpdateIds(
  idsPtr: usize,
  count: i32,
  hashesPtr: usize,
  registersPtr: usize,
  log2m: i32,
): i32 {
  if (count < 0 || log2m < MIN_LOG2M || log2m > MAX_LOG2M) return STATUS_BAD_ARGUMENT;
  for (let r = 0; r < count; r++) {
    const id = load<u32>(idsPtr + (<usize>r << 2));
    offer(registersPtr, load<i32>(hashesPtr + (<usize>id << 2)), log2m);
  }
  return STATUS_OK;
}

/** into[i] = max(into[i], from[i]) over `count` one-byte registers (16 per SIMD step). */
export function hllMergeRegisters(intoPtr: usize, fromPtr: usize, count: i32): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const vectorEnd = count & ~(V128_BYTES - 1);
  let i = 0;
  for (; i < vectorEnd; i += V128_BYTES) {
    const at = <usize>i;
    v128.store(intoPtr + at, i8x16.max_u(v128.load(intoPtr + at), v128.load(fromPtr + at)));
  }
  for (; i < count; i++) {
    const a = load<u8>(intoPtr + <usize>i);
    const b = load<u8>(fromPtr + <usize>i);
    if (b > a) store<u8>(intoPtr + <usize>i, b);
  }
  return STATUS_OK;
}

// ---------------------------------------------------------------------------------------------
// Dictionary-id histograms and the t-digest: the per-segment work of DISTINCTCOUNTBITMAP,
// PERCENTILEEST, PERCENTILETDIGEST (and DISTINCTCOUNTHLL over MV columns). A sorted
// dictionary turns the histogram of the selected docs' ids into the sorted weighted input a
// digest is built from, in one pass over the docs and one over the dictionary.

/** Bits of the u64 window one packed id is read from (kernels/BITPACK.md pads the tail). */
const MAX_ID_BITS: i32 = 32;
/** t-digest's k1 scale function: compression / (2π) · asin(2q − 1). */
const TWO_PI: f64 = 2.0 * Math.PI;

/** counts[ids[r]] += 1 for r < count: u32 counts, one per dictionary id (trusted ids). */
export function sketchCountIds(idsPtr: usize, count: i32, countsPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  for (let r = 0; r < count; r++) {
    const at = countsPtr + (<usize>load<u32>(idsPtr + (<usize>r << 2)) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  return STATUS_OK;
}

/**
 * MV dictionary column: counts every id of `docCount` docs into counts[id] (u32). The docs are
 * the u32 doc ids at docsPtr, or docs [startDoc, startDoc + docCount) when docsPtr is 0. Doc d's
 * ids are packed values [offsets[d], offsets[d + 1]) of the `bitsPerValue`-bit array at
 * packedPtr (the layout of segments/spi ForwardIndexLocator 'multiValue'). Returns the number
 * of ids counted.
 */
export function sketchCountMvIds(
  offsetsPtr: usize,
  packedPtr: usize,
  bitsPerValue: i32,
  docsPtr: usize,
  startDoc: i32,
  docCount: i32,
  countsPtr: usize,
): i32 {
  if (docCount < 0 || startDoc < 0 || bitsPerValue < 1 || bitsPerValue > MAX_ID_BITS) {
    return STATUS_BAD_ARGUMENT;
  }
  const mask: u64 = (<u64>1 << <u64>bitsPerValue) - 1;
  const width = <u64>bitsPerValue;
  let total: i32 = 0;
  for (let i = 0; i < docCount; i++) {
    const doc = docsPtr == 0 ? <u32>(startDoc + i) : load<u32>(docsPtr + (<usize>i << 2));
    const first = load<u32>(offsetsPtr + (<usize>doc << 2));
    const end = load<u32>(offsetsPtr + (<usize>(doc + 1) << 2));
    for (let e = first; e < end; e++) {
      const bit = <u64>e * width;
      const id = <u32>((load<u64>(packedPtr + <usize>(bit >> 3)) >> (bit & 7)) & mask);
      const at = countsPtr + (<usize>id << 2);
      store<u32>(at, load<u32>(at) + 1);
    }
    total += <i32>(end - first);
  }
  return total;
}

/** Writes the ids whose count is non-zero, ascending, as u32 at outIdsPtr; returns how many. */
export function sketchPresentIds(countsPtr: usize, cardinality: i32, outIdsPtr: usize): i32 {
  if (cardinality < 0) return STATUS_BAD_ARGUMENT;
  let n: i32 = 0;
  for (let id = 0; id < cardinality; id++) {
    if (load<u32>(countsPtr + (<usize>id << 2)) != 0) {
      store<u32>(outIdsPtr + (<usize>n << 2), <u32>id);
      n++;
    }
  }
  return n;
}

/** Dictionary value `id` of the aggregate kernels' value type, as a double. */
// @ts-ignore: decorator
@inline
function valueAsF64(valueType: i32, valuesPtr: usize, id: usize): f64 {
  if (valueType == VALUE_I32) return <f64>load<i32>(valuesPtr + (id << 2));
  if (valueType == VALUE_I64) return <f64>load<i64>(valuesPtr + (id << 3));
  if (valueType == VALUE_F32) return <f64>load<f32>(valuesPtr + (id << 2));
  return load<f64>(valuesPtr + (id << 3));
}

/**
 * For i < count with id = ids[i]: values[i] = dictionary value id as f64 (i32/i64/f32/f64 at
 * valuesPtr, the aggregate kernels' VALUE_* type codes), weights[i] = counts[id] as f64. With
 * idsPtr 0 the ids are 0..count−1 and countsPtr may be 0 (weights not written): a widening
 * copy of the dictionary (FLOAT values for hllHashF64).
 */
export function sketchWeightedValues(
  valueType: i32,
  valuesPtr: usize,
  countsPtr: usize,
  idsPtr: usize,
  count: i32,
  outValuesPtr: usize,
  outWeightsPtr: usize,
): i32 {
  if (count < 0 || valueType < VALUE_I32 || valueType > VALUE_F64) return STATUS_BAD_ARGUMENT;
  for (let i = 0; i < count; i++) {
    const id = idsPtr == 0 ? <usize>i : <usize>load<u32>(idsPtr + (<usize>i << 2));
    store<f64>(outValuesPtr + (<usize>i << 3), valueAsF64(valueType, valuesPtr, id));
    if (countsPtr != 0) {
      store<f64>(outWeightsPtr + (<usize>i << 3), <f64>load<u32>(countsPtr + (id << 2)));
    }
  }
  return STATUS_OK;
}

// @ts-ignore: decorator
@inline
function scaleK(q: f64, compression: f64): f64 {
  return (compression / TWO_PI) * Math.asin(2.0 * min<f64>(1.0, max<f64>(0.0, q)) - 1.0);
}

/**
 * Compresses `count` (mean, weight) pairs sorted by mean (f64 each) into t-digest centroids
 * under the k1 scale bound, as host/query/sketches/tdigest.ts tdigestCompress does: a pair
 * joins the open centroid while the centroid spans at most one unit of k. Writes the centroids
 * to outMeansPtr/outWeightsPtr (which may be the inputs: output j is written after input j is
 * read) and returns how many.
 */
export function tdigestCompressSorted(
  meansPtr: usize,
  weightsPtr: usize,
  count: i32,
  compression: f64,
  outMeansPtr: usize,
  outWeightsPtr: usize,
): i32 {
  if (count < 0 || !(compression > 0)) return STATUS_BAD_ARGUMENT;
  if (count == 0) return 0;
  let totalWeight: f64 = 0;
  for (let i = 0; i < count; i++) totalWeight += load<f64>(weightsPtr + (<usize>i << 3));
  let mean = load<f64>(meansPtr);
  let weight = load<f64>(weightsPtr);
  let weightSoFar: f64 = 0;
  let kLower = scaleK(0, compression);
  let n: i32 = 0;
  for (let i = 1; i < count; i++) {
    const at = <usize>i << 3;
    const nextWeight = load<f64>(weightsPtr + at);
    const proposed = weight + nextWeight;
    const kUpper = scaleK((weightSoFar + proposed) / totalWeight, compression);
    if (kUpper - kLower <= 1) {
      mean += ((load<f64>(meansPtr + at) - mean) * nextWeight) / proposed;
      weight = proposed;
      continue;
    }
    store<f64>(outMeansPtr + (<usize>n << 3), mean);
    store<f64>(outWeightsPtr + (<usize>n << 3), weight);
    n++;
    weightSoFar += weight;
    kLower = scaleK(weightSoFar / totalWeight, compression);
    mean = load<f64>(meansPtr + at);
    weight = nextWeight;
  }
  store<f64>(outMeansPtr + (<usize>n << 3), mean);
  store<f64>(outWeightsPtr + (<usize>n << 3), weight);
  return n + 1;
}

// ---------------------------------------------------------------------------------------------
// Group-by: one group per dictionary id of an SV key column. Each doc carries its key id and
// its value id (both unpacked by the host per block).

/**
 * counts[keys[r] · valueCardinality + values[r]] += 1 for r < count: one dense histogram of
 * value ids per group, groups side by side (u32 counts; trusted ids).
 */
export function sketchCountPairs(
  keyIdsPtr: usize,
  valueIdsPtr: usize,
  count: i32,
  valueCardinality: i32,
  countsPtr: usize,
): i32 {
  if (count < 0 || valueCardinality < 0) return STATUS_BAD_ARGUMENT;
  for (let r = 0; r < count; r++) {
    const at = <usize>r << 2;
    const slot =
      <usize>load<u32>(keyIdsPtr + at) * <usize>valueCardinality + <usize>load<u32>(valueIdsPtr + at);
    const ptr = countsPtr + (slot << 2);
    store<u32>(ptr, load<u32>(ptr) + 1);
  }
  return STATUS_OK;
}

/**
 * Offers hashes[values[r]] to group keys[r]'s 2^log2m registers (group g's registers start at
 * registersPtr + g · 2^log2m) for r < count.
 */
export function hllUpdateGroupedIds(
  keyIdsPtr: usize,
  valueIdsPtr: usize,
  count: i32,
  hashesPtr: usize,
  registersPtr: usize,
  log2m: i32,
): i32 {
  if (count < 0 || log2m < MIN_LOG2M || log2m > MAX_LOG2M) return STATUS_BAD_ARGUMENT;
  for (let r = 0; r < count; r++) {
    const at = <usize>r << 2;
    const group = registersPtr + (<usize>load<u32>(keyIdsPtr + at) << <usize>log2m);
    offer(group, load<i32>(hashesPtr + (<usize>load<u32>(valueIdsPtr + at) << 2)), log2m);
  }
  return STATUS_OK;
}
