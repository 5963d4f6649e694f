// Dictionary kernels: build a sorted unique dictionary with ids for every input value, look
// values up, and turn predicates into id ranges or id sets. Layouts and order rules:
// kernels/DICTIONARY.md; reference: kernels/reference/dictionary.ts (byte-identical output).
// Fixed-width values are compared through unsigned order keys (sign flip / float bit trick), so
// one radix sort and one binary search serve INT, LONG, FLOAT and DOUBLE.
import {
  STATUS_BAD_ARGUMENT,
  STATUS_OUTPUT_TOO_SMALL,
  STATUS_SCRATCH_TOO_SMALL,
} from './status';

/** Radix digits are bytes: 256 buckets keep histograms in L1. */
const RADIX_BUCKETS: u32 = 256;
/** One histogram per byte of a 64-bit key, computed in a single read pass. */
const HISTOGRAM_BYTES: usize = 8 * RADIX_BUCKETS * 4;
/** Blocks of this many indexes are insertion-sorted before merging (cheaper than merging). */
const INSERTION_BLOCK: i32 = 16;
/** Each variable-width offset is a u32. */
const OFFSET_BYTES: usize = 4;
/** Flips two's complement order into unsigned order (32 bits). */
const SIGN_32: u32 = 0x80000000;
/** Flips two's complement order into unsigned order (64 bits). */
const SIGN_64: u64 = 0x8000000000000000;
/** The canonical quiet NaN every FLOAT NaN becomes. */
const NAN_F32_BITS: u32 = 0x7fc00000;
/** The canonical quiet NaN every DOUBLE NaN becomes. */
const NAN_F64_BITS: u64 = 0x7ff8000000000000;

/** Range operator codes (kernels/reference/dictionary.ts RangeOp). */
const OP_EQ: i32 = 0;
const OP_LT: i32 = 1;
const OP_LE: i32 = 2;
const OP_GT: i32 = 3;
const OP_GE: i32 = 4;
const OP_BETWEEN: i32 = 5;

// ---- order keys --------------------------------------------------------------------------------

@inline function floatKey32(value: f32): u64 {
  const bits: u32 = value != value ? NAN_F32_BITS : value == 0 ? 0 : reinterpret<u32>(value);
  return <u64>((bits & SIGN_32) != 0 ? ~bits : bits | SIGN_32);
}

@inline function floatKey64(value: f64): u64 {
  const bits: u64 = value != value ? NAN_F64_BITS : value == 0 ? 0 : reinterpret<u64>(value);
  return (bits & SIGN_64) != 0 ? ~bits : bits | SIGN_64;
}

/** An unsigned key whose order is the dictionary order of T's values. */
@inline function orderKey<T>(value: T): u64 {
  if (isFloat<T>()) {
    if (sizeof<T>() == 4) return floatKey32(<f32>value);
    return floatKey64(<f64>value);
  }
  if (sizeof<T>() == 4) return <u64>(<u32>value ^ SIGN_32);
  return <u64>value ^ SIGN_64;
}

/** Stores the bits of the value whose order key is `key` (the inverse of orderKey). */
@inline function storeFromKey<T>(ptr: usize, key: u64): void {
  if (sizeof<T>() == 4) {
    const k = <u32>key;
    if (isFloat<T>()) store<u32>(ptr, (k & SIGN_32) != 0 ? k ^ SIGN_32 : ~k);
    else store<u32>(ptr, k ^ SIGN_32);
  } else if (isFloat<T>()) {
    store<u64>(ptr, (key & SIGN_64) != 0 ? key ^ SIGN_64 : ~key);
  } else {
    store<u64>(ptr, key ^ SIGN_64);
  }
}

// ---- radix sort ---------------------------------------------------------------------------------

/**
 * LSD radix sort of n u64 keys on bytes [firstByte, endByte), carrying u32 payloads when
 * `payload` is not 0. Returns true when the result ended in the temporary buffers.
 */
function radixSort(
  keys: usize, keysTmp: usize, payload: usize, payloadTmp: usize,
  n: u32, histogram: usize, firstByte: u32, endByte: u32,
): bool {
  const passes = endByte - firstByte;
  memory.fill(histogram, 0, <usize>passes * RADIX_BUCKETS * 4);
  for (let i: u32 = 0; i < n; i++) {
    let key = load<u64>(keys + (<usize>i << 3)) >> (<u64>firstByte << 3);
    for (let p: u32 = 0; p < passes; p++) {
      const slot = histogram + (((<usize>p << 8) + <usize>(key & 255)) << 2);
      store<u32>(slot, load<u32>(slot) + 1);
      key >>= 8;
    }
  }
  let src = keys, dst = keysTmp, srcPayload = payload, dstPayload = payloadTmp;
  let swapped = false;
  for (let p: u32 = 0; p < passes; p++) {
    const counts = histogram + (<usize>p << 10);
    const shift = <u64>(firstByte + p) << 3;
    // A byte every key shares orders nothing: skip the pass.
    const firstDigit = <usize>((load<u64>(src) >> shift) & 255);
    if (load<u32>(counts + (firstDigit << 2)) == n) continue;
    let sum: u32 = 0;
    for (let d: usize = 0; d < RADIX_BUCKETS; d++) {
      const count = load<u32>(counts + (d << 2));
      store<u32>(counts + (d << 2), sum);
      sum += count;
    }
    for (let i: usize = 0; i < <usize>n; i++) {
      const key = load<u64>(src + (i << 3));
      const slot = counts + (<usize>((key >> shift) & 255) << 2);
      const at = <usize>load<u32>(slot);
      store<u32>(slot, <u32>at + 1);
      store<u64>(dst + (at << 3), key);
      if (payload != 0) store<u32>(dstPayload + (at << 2), load<u32>(srcPayload + (i << 2)));
    }
    const t = src; src = dst; dst = t;
    const tp = srcPayload; srcPayload = dstPayload; dstPayload = tp;
    swapped = !swapped;
  }
  return swapped;
}

// ---- build: fixed width -------------------------------------------------------------------------

/** 32-bit keys: (key << 32 | index) packed in one u64, sorted on its high 4 bytes. */
function build32<T>(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  if (n < 0) return STATUS_BAD_ARGUMENT;
  if (<u64>n * 16 + HISTOGRAM_BYTES > <u64>scratchBytes) return STATUS_SCRATCH_TOO_SMALL;
  if (n == 0) return 0;
  const count = <usize>n;
  const packed = scratch;
  const packedTmp = scratch + (count << 3);
  const histogram = packedTmp + (count << 3);
  for (let i: usize = 0; i < count; i++) {
    const key = orderKey<T>(load<T>(values + (i << 2)));
    store<u64>(packed + (i << 3), (key << 32) | <u64>i);
  }
  const sorted = radixSort(packed, packedTmp, 0, 0, <u32>n, histogram, 4, 8) ? packedTmp : packed;
  let cardinality: usize = 0;
  let previous: u64 = 0;
  for (let i: usize = 0; i < count; i++) {
    const entry = load<u64>(sorted + (i << 3));
    const key = entry >> 32;
    if (i == 0 || key != previous) {
      if ((cardinality + 1) << 2 > dictCapacity) return STATUS_OUTPUT_TOO_SMALL;
      storeFromKey<T>(dict + (cardinality << 2), key);
      cardinality++;
      previous = key;
    }
    store<u32>(ids + (<usize>(<u32>entry) << 2), <u32>cardinality - 1);
  }
  return <i32>cardinality;
}

/** 64-bit keys: u64 keys with a separate u32 index payload, sorted on all 8 bytes. */
function build64<T>(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  if (n < 0) return STATUS_BAD_ARGUMENT;
  if (<u64>n * 24 + HISTOGRAM_BYTES > <u64>scratchBytes) return STATUS_SCRATCH_TOO_SMALL;
  if (n == 0) return 0;
  const count = <usize>n;
  const keys = scratch;
  const keysTmp = keys + (count << 3);
  const index = keysTmp + (count << 3);
  const indexTmp = index + (count << 2);
  const histogram = indexTmp + (count << 2);
  for (let i: usize = 0; i < count; i++) {
    store<u64>(keys + (i << 3), orderKey<T>(load<T>(values + (i << 3))));
    store<u32>(index + (i << 2), <u32>i);
  }
  const swapped = radixSort(keys, keysTmp, index, indexTmp, <u32>n, histogram, 0, 8);
  const sortedKeys = swapped ? keysTmp : keys;
  const sortedIndex = swapped ? indexTmp : index;
  let cardinality: usize = 0;
  let previous: u64 = 0;
  for (let i: usize = 0; i < count; i++) {
    const key = load<u64>(sortedKeys + (i << 3));
    if (i == 0 || key != previous) {
      if ((cardinality + 1) << 3 > dictCapacity) return STATUS_OUTPUT_TOO_SMALL;
      storeFromKey<T>(dict + (cardinality << 3), key);
      cardinality++;
      previous = key;
    }
    store<u32>(ids + (<usize>load<u32>(sortedIndex + (i << 2)) << 2), <u32>cardinality - 1);
  }
  return <i32>cardinality;
}

/**
 * Builds the sorted unique dictionary of n values at `values` into `dict` (capacity in bytes)
 * and the u32 id of every value into `ids`. Returns the cardinality or a negative status.
 * Scratch: 16 n + 8192 bytes (INT, FLOAT), 24 n + 8192 (LONG, DOUBLE).
 */
export function dictBuildI32(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  return build32<i32>(values, n, dict, dictCapacity, ids, scratch, scratchBytes);
}

export function dictBuildF32(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  return build32<f32>(values, n, dict, dictCapacity, ids, scratch, scratchBytes);
}

export function dictBuildI64(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  return build64<i64>(values, n, dict, dictCapacity, ids, scratch, scratchBytes);
}

export function dictBuildF64(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  return build64<f64>(values, n, dict, dictCapacity, ids, scratch, scratchBytes);
}

// ---- bytes: comparison and access ---------------------------------------------------------------

/** Start of value `i` in a variable-width layout of `count` values. */
@inline function varStart(base: usize, count: usize, i: usize): usize {
  return base + ((count + 1) << 2) + <usize>load<u32>(base + (i << 2));
}

@inline function varLength(base: usize, i: usize): usize {
  const at = base + (i << 2);
  return <usize>(load<u32>(at + OFFSET_BYTES) - load<u32>(at));
}

/** Unsigned lexicographic comparison, 8 bytes at a time (byte-swapped for big-endian order). */
function compareBytes(a: usize, aLength: usize, b: usize, bLength: usize): i32 {
  const length = aLength < bLength ? aLength : bLength;
  let i: usize = 0;
  for (; i + 8 <= length; i += 8) {
    const x = load<u64>(a + i);
    const y = load<u64>(b + i);
    if (x != y) return bswap<u64>(x) < bswap<u64>(y) ? -1 : 1;
  }
  for (; i < length; i++) {
    const x = <i32>load<u8>(a + i);
    const y = <i32>load<u8>(b + i);
    if (x != y) return x - y;
  }
  return aLength < bLength ? -1 : aLength > bLength ? 1 : 0;
}

@inline function compareValues(base: usize, count: usize, i: usize, j: usize): i32 {
  return compareBytes(
    varStart(base, count, i), varLength(base, i), varStart(base, count, j), varLength(base, j),
  );
}

// ---- build: variable width ----------------------------------------------------------------------

function insertionSortBlocks(index: usize, n: i32, base: usize, count: usize): void {
  for (let blockStart = 0; blockStart < n; blockStart += INSERTION_BLOCK) {
    const blockEnd = min(n, blockStart + INSERTION_BLOCK);
    for (let i = blockStart + 1; i < blockEnd; i++) {
      const moving = load<u32>(index + (<usize>i << 2));
      let j = i - 1;
      while (j >= blockStart) {
        const other = load<u32>(index + (<usize>j << 2));
        if (compareValues(base, count, <usize>other, <usize>moving) <= 0) break;
        store<u32>(index + (<usize>(j + 1) << 2), other);
        j--;
      }
      store<u32>(index + (<usize>(j + 1) << 2), moving);
    }
  }
}

function mergeRuns(
  src: usize, dst: usize, lo: i32, mid: i32, hi: i32, base: usize, count: usize,
): void {
  let i = lo, j = mid, out = lo;
  while (i < mid && j < hi) {
    const a = load<u32>(src + (<usize>i << 2));
    const b = load<u32>(src + (<usize>j << 2));
    if (compareValues(base, count, <usize>b, <usize>a) < 0) {
      store<u32>(dst + (<usize>out << 2), b);
      out++;
      j++;
    } else {
      store<u32>(dst + (<usize>out << 2), a);
      out++;
      i++;
    }
  }
  if (i < mid) {
    memory.copy(dst + (<usize>out << 2), src + (<usize>i << 2), <usize>(mid - i) << 2);
  }
  else if (j < hi) {
    memory.copy(dst + (<usize>out << 2), src + (<usize>j << 2), <usize>(hi - j) << 2);
  }
}

/** Sorts indexes 0..n-1 by value (stable merge sort); returns the buffer holding the result. */
function sortIndexes(index: usize, indexTmp: usize, n: i32, base: usize): usize {
  const count = <usize>n;
  for (let i: usize = 0; i < count; i++) store<u32>(index + (i << 2), <u32>i);
  insertionSortBlocks(index, n, base, count);
  let src = index, dst = indexTmp;
  for (let width = INSERTION_BLOCK; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(n, lo + width);
      const hi = min(n, lo + (width << 1));
      mergeRuns(src, dst, lo, mid, hi, base, count);
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}

/**
 * Builds a STRING / BYTES dictionary from n values in the variable-width layout at `values`
 * (unsorted, duplicates allowed) into `dict` and the id of every value into `ids`.
 * Scratch: 8 n bytes. Returns the cardinality or a negative status.
 */
export function dictBuildBytes(
  values: usize, n: i32, dict: usize, dictCapacity: usize, ids: usize,
  scratch: usize, scratchBytes: usize,
): i32 {
  if (n < 0) return STATUS_BAD_ARGUMENT;
  if (<u64>n * 8 > <u64>scratchBytes) return STATUS_SCRATCH_TOO_SMALL;
  const count = <usize>n;
  const sorted = sortIndexes(scratch, scratch + (count << 2), n, values);
  // First pass: ids, cardinality and byte total, so the offsets' size is known.
  let cardinality: usize = 0;
  let dataBytes: usize = 0;
  for (let i: usize = 0; i < count; i++) {
    const at = <usize>load<u32>(sorted + (i << 2));
    const before: usize = i == 0 ? 0 : <usize>load<u32>(sorted + ((i - 1) << 2));
    if (i == 0 || compareValues(values, count, before, at) != 0) {
      cardinality++;
      dataBytes += varLength(values, at);
    }
    store<u32>(ids + (at << 2), <u32>cardinality - 1);
  }
  const headerBytes = (cardinality + 1) << 2;
  if (<u64>headerBytes + <u64>dataBytes > <u64>dictCapacity) return STATUS_OUTPUT_TOO_SMALL;
  let id: usize = 0;
  let offset: usize = 0;
  for (let i: usize = 0; i < count; i++) {
    const at = <usize>load<u32>(sorted + (i << 2));
    if (i > 0 && load<u32>(ids + (at << 2)) == <u32>id - 1) continue;
    const length = varLength(values, at);
    store<u32>(dict + (id << 2), <u32>offset);
    memory.copy(dict + headerBytes + offset, varStart(values, count, at), length);
    offset += length;
    id++;
  }
  store<u32>(dict + (cardinality << 2), <u32>offset);
  return <i32>cardinality;
}

// ---- lookup -------------------------------------------------------------------------------------

/**
 * Binary search on order keys: the id of `key`, or -(insertion point) - 1. Branch-free
 * (select instead of a jump), so batch lookups do not pay a mispredict per probe.
 */
@inline function searchFixed<T>(dict: usize, count: i32, key: u64): i32 {
  if (count <= 0) return -1;
  let lo: i32 = 0;
  let length = count;
  while (length > 1) {
    const half = length >>> 1;
    const probe = orderKey<T>(load<T>(dict + (<usize>(lo + half) << alignof<T>())));
    lo = select<i32>(lo + half, lo, probe <= key);
    length -= half;
  }
  // lo is the last id whose key is <= key, or 0 when every key is larger.
  const found = orderKey<T>(load<T>(dict + (<usize>lo << alignof<T>())));
  if (found == key) return lo;
  return found < key ? -(lo + 1) - 1 : -lo - 1;
}

function searchBytes(dict: usize, count: i32, value: usize, length: usize): i32 {
  const c = <usize>count;
  let lo = 0, hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = <usize>mid;
    const cmp = compareBytes(varStart(dict, c, at), varLength(dict, at), value, length);
    if (cmp < 0) lo = mid + 1;
    else if (cmp > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** The id of `value` in a dictionary of `count` values, or -(insertion point) - 1. */
export function dictLookupI32(dict: usize, count: i32, value: i32): i32 {
  return searchFixed<i32>(dict, count, orderKey<i32>(value));
}

export function dictLookupI64(dict: usize, count: i32, value: i64): i32 {
  return searchFixed<i64>(dict, count, orderKey<i64>(value));
}

export function dictLookupF32(dict: usize, count: i32, value: f32): i32 {
  return searchFixed<f32>(dict, count, orderKey<f32>(value));
}

export function dictLookupF64(dict: usize, count: i32, value: f64): i32 {
  return searchFixed<f64>(dict, count, orderKey<f64>(value));
}

export function dictLookupBytes(dict: usize, count: i32, value: usize, length: i32): i32 {
  if (count < 0 || length < 0) return STATUS_BAD_ARGUMENT;
  return searchBytes(dict, count, value, <usize>length);
}

function lookupBatch<T>(dict: usize, count: i32, values: usize, n: i32, ids: usize): i32 {
  if (count < 0 || n < 0) return STATUS_BAD_ARGUMENT;
  let found = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    const id = searchFixed<T>(dict, count, orderKey<T>(load<T>(values + (i << alignof<T>()))));
    store<i32>(ids + (i << 2), id);
    found += <i32>(id >= 0);
  }
  return found;
}

/**
 * Looks up n values into i32 `ids` (-(insertion point) - 1 where absent); returns how many
 * were found.
 */
export function dictLookupBatchI32(
  dict: usize, count: i32, values: usize, n: i32, ids: usize,
): i32 {
  return lookupBatch<i32>(dict, count, values, n, ids);
}

export function dictLookupBatchI64(
  dict: usize, count: i32, values: usize, n: i32, ids: usize,
): i32 {
  return lookupBatch<i64>(dict, count, values, n, ids);
}

export function dictLookupBatchF32(
  dict: usize, count: i32, values: usize, n: i32, ids: usize,
): i32 {
  return lookupBatch<f32>(dict, count, values, n, ids);
}

export function dictLookupBatchF64(
  dict: usize, count: i32, values: usize, n: i32, ids: usize,
): i32 {
  return lookupBatch<f64>(dict, count, values, n, ids);
}

/** Batch lookup of n values given in the variable-width layout at `values`. */
export function dictLookupBatchBytes(
  dict: usize, count: i32, values: usize, n: i32, ids: usize,
): i32 {
  if (count < 0 || n < 0) return STATUS_BAD_ARGUMENT;
  const c = <usize>n;
  let found = 0;
  for (let i: usize = 0; i < c; i++) {
    const id = searchBytes(dict, count, varStart(values, c, i), varLength(values, i));
    store<i32>(ids + (i << 2), id);
    found += <i32>(id >= 0);
  }
  return found;
}

/** Absolute address of value `id` of a variable-width dictionary (its bytes follow). */
export function dictBytesStart(dict: usize, count: i32, id: i32): usize {
  assert(id >= 0 && id < count, 'dictionary id in range');
  return varStart(dict, <usize>count, <usize>id);
}

export function dictBytesLength(dict: usize, count: i32, id: i32): i32 {
  assert(id >= 0 && id < count, 'dictionary id in range');
  return <i32>varLength(dict, <usize>id);
}

// ---- predicates ---------------------------------------------------------------------------------

@inline function lowerBound(found: i32): i32 {
  return found >= 0 ? found : -found - 1;
}

@inline function upperBound(found: i32): i32 {
  return found >= 0 ? found + 1 : -found - 1;
}

/**
 * Writes [loId, hiId) for `op` given the search results of the operand (and of the upper
 * operand for BETWEEN); returns hiId - loId.
 */
function writeRange(op: i32, count: i32, found: i32, foundUpper: i32, out: usize): i32 {
  let lo = 0, hi = 0;
  if (op == OP_EQ) { lo = lowerBound(found); hi = upperBound(found); }
  else if (op == OP_LT) { lo = 0; hi = lowerBound(found); }
  else if (op == OP_LE) { lo = 0; hi = upperBound(found); }
  else if (op == OP_GT) { lo = upperBound(found); hi = count; }
  else if (op == OP_GE) { lo = lowerBound(found); hi = count; }
  else if (op == OP_BETWEEN) { lo = lowerBound(found); hi = upperBound(foundUpper); }
  else return STATUS_BAD_ARGUMENT;
  if (hi < lo) hi = lo;
  store<u32>(out, <u32>lo);
  store<u32>(out, <u32>hi, 4);
  return hi - lo;
}

function rangeFixed<T>(dict: usize, count: i32, op: i32, value: T, upper: T, out: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const found = searchFixed<T>(dict, count, orderKey<T>(value));
  const foundUpper = op == OP_BETWEEN ? searchFixed<T>(dict, count, orderKey<T>(upper)) : 0;
  return writeRange(op, count, found, foundUpper, out);
}

/**
 * The ids matching `column <op> value` (BETWEEN: value <= column <= upper) as [loId, hiId)
 * written to `out` (two u32); returns hiId - loId or a negative status.
 */
export function dictRangeI32(
  dict: usize, count: i32, op: i32, value: i32, upper: i32, out: usize,
): i32 {
  return rangeFixed<i32>(dict, count, op, value, upper, out);
}

export function dictRangeI64(
  dict: usize, count: i32, op: i32, value: i64, upper: i64, out: usize,
): i32 {
  return rangeFixed<i64>(dict, count, op, value, upper, out);
}

export function dictRangeF32(
  dict: usize, count: i32, op: i32, value: f32, upper: f32, out: usize,
): i32 {
  return rangeFixed<f32>(dict, count, op, value, upper, out);
}

export function dictRangeF64(
  dict: usize, count: i32, op: i32, value: f64, upper: f64, out: usize,
): i32 {
  return rangeFixed<f64>(dict, count, op, value, upper, out);
}

export function dictRangeBytes(
  dict: usize, count: i32, op: i32,
  value: usize, valueLength: i32, upper: usize, upperLength: i32, out: usize,
): i32 {
  if (count < 0 || valueLength < 0 || upperLength < 0) return STATUS_BAD_ARGUMENT;
  const found = searchBytes(dict, count, value, <usize>valueLength);
  const foundUpper = op == OP_BETWEEN ? searchBytes(dict, count, upper, <usize>upperLength) : 0;
  return writeRange(op, count, found, foundUpper, out);
}

/** Clears (IN) or sets (NOT IN) every bit of an id set over `count` ids. */
function initIdSet(bitset: usize, count: i32, negate: bool): void {
  const words = (<usize>count + 31) >> 5;
  memory.fill(bitset, negate ? 0xff : 0, words << 2);
  if (negate && (count & 31) != 0) {
    store<u32>(bitset + ((words - 1) << 2), (<u32>1 << <u32>(count & 31)) - 1);
  }
}

/** Marks one id found in the dictionary: set for IN, clear for NOT IN. */
@inline function markId(bitset: usize, id: i32, negate: bool): void {
  if (id < 0) return;
  const word = bitset + (<usize>(id >>> 5) << 2);
  const bit = <u32>1 << <u32>(id & 31);
  store<u32>(word, negate ? load<u32>(word) & ~bit : load<u32>(word) | bit);
}

function countIdSet(bitset: usize, count: i32): i32 {
  const words = (<usize>count + 31) >> 5;
  let total: i32 = 0;
  for (let i: usize = 0; i < words; i++) total += <i32>popcnt<u32>(load<u32>(bitset + (i << 2)));
  return total;
}

function inSetFixed<T>(
  dict: usize, count: i32, values: usize, n: i32, negate: bool, bitset: usize,
): i32 {
  if (count < 0 || n < 0) return STATUS_BAD_ARGUMENT;
  initIdSet(bitset, count, negate);
  for (let i: usize = 0; i < <usize>n; i++) {
    const key = orderKey<T>(load<T>(values + (i << alignof<T>())));
    markId(bitset, searchFixed<T>(dict, count, key), negate);
  }
  return countIdSet(bitset, count);
}

/**
 * IN (negate 0) / NOT IN (negate 1) over n values: a bitset over ids (ceil(count / 32) u32
 * words, bit id % 32 of word id >> 5) at `bitset`; returns the number of ids set.
 */
export function dictInSetI32(
  dict: usize, count: i32, values: usize, n: i32, negate: bool, bitset: usize,
): i32 {
  return inSetFixed<i32>(dict, count, values, n, negate, bitset);
}

export function dictInSetI64(
  dict: usize, count: i32, values: usize, n: i32, negate: bool, bitset: usize,
): i32 {
  return inSetFixed<i64>(dict, count, values, n, negate, bitset);
}

export function dictInSetF32(
  dict: usize, count: i32, values: usize, n: i32, negate: bool, bitset: usize,
): i32 {
  return inSetFixed<f32>(dict, count, values, n, negate, bitset);
}

export function dictInSetF64(
  dict: usize, count: i32, values: usize, n: i32, negate: bool, bitset: usize,
): i32 {
  return inSetFixed<f64>(dict, count, values, n, negate, bitset);
}

/** IN / NOT IN over n values given in the variable-width layout at `values`. */
export function dictInSetBytes(
  dict: usize, count: i32, values: usize, n: i32, negate: bool, bitset: usize,
): i32 {
  if (count < 0 || n < 0) return STATUS_BAD_ARGUMENT;
  initIdSet(bitset, count, negate);
  const c = <usize>n;
  for (let i: usize = 0; i < c; i++) {
    markId(bitset, searchBytes(dict, count, varStart(values, c, i), varLength(values, i)), negate);
  }
  return countIdSet(bitset, count);
}
