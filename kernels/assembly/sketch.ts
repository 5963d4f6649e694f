// Sketch kernels: clearspring's 32-bit hashes (what Pinot's DISTINCTCOUNTHLL feeds its
// HyperLogLog) over fixed-width values and over the variable-width dictionary layout, and the
// HyperLogLog register update and merge. Registers are one byte each (rank 0..32), the layout
// host/query/sketches/hll.ts keeps. Contracts: kernels/SKETCH.md; the plain TypeScript twin is
// kernels/reference/sketch.ts.
//
// The usual use: hash a column's dictionary once (one hash per dictionary id), then update the
// registers from the selected docs' unpacked ids: each doc costs a load and a byte max.

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
