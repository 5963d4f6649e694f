// Filtered scans: predicates over bit-packed dictionary ids (layout: kernels/BITPACK.md) and
// over raw numeric columns, into a bitset, a selection vector or a count. Reference:
// kernels/reference/scan.ts. Every scan works one 32-doc bitset word at a time: it decides all
// 32 docs of the word with SIMD, then keeps only the bits of docs inside [startDoc, endDoc).
import { STATUS_BAD_ARGUMENT } from './status';
import { rangeIdsLane32Fixed } from './scanLanes';
import {
  ALL_DOCS, bitmask16x2, bitmask32x4, emitWord, keepMask, laneConstant, LANE_SHIFTED,
  LANE_SHUFFLE, LANE_VALUE_MASK, maxIdOf, OUTPUT_BITSET, OUTPUT_COUNT, OUTPUT_SELECTION,
} from './scanSupport';

/** Raw-range flag: the lower bound is exclusive (v > lo). */
const RANGE_LO_EXCLUSIVE: u32 = 1;
/** Raw-range flag: the upper bound is exclusive (v < hi). */
const RANGE_HI_EXCLUSIVE: u32 = 2;
/** Raw-range flag: match the docs outside the range (neq is a negated [v, v]). */
const RANGE_NEGATE: u32 = 4;
/** Every flag a raw range accepts; other bits are a bad argument. */
const RANGE_FLAGS: u32 = RANGE_LO_EXCLUSIVE | RANGE_HI_EXCLUSIVE | RANGE_NEGATE;
/** Dictionary ids are u32: 32 bits is the widest packing. */
const MAX_BIT_WIDTH: u32 = 32;
/** Widths decoded in 16-bit lanes: a value at bit offset <= 7 must fit 16 bits. */
const LANE16_MAX_WIDTH: u32 = 9;
/** Widths decoded in 32-bit lanes: a value at bit offset <= 7 must fit 32 bits. */
const LANE32_MAX_WIDTH: u32 = 25;
// ---------------------------------------------------------------------------------------------
// Emitting one word of matches

// @ts-ignore: decorator
@inline function isValidOutput(output: i32): bool {
  return output == OUTPUT_BITSET || output == OUTPUT_SELECTION || output == OUTPUT_COUNT;
}

// ---------------------------------------------------------------------------------------------
// Lane constants for odd widths (BITPACK.md, "SIMD decoding")

/** 8 lanes of 16 bits for values starting at bits 0, w, ..., 7w of one load. */
function lanes16(kind: i32, bitWidth: u32, value: u32): v128 {
  let lanes = i16x8.splat(<i16>laneConstant(kind, 2, 0, value));
  lanes = i16x8.replace_lane(lanes, 1, <i16>laneConstant(kind, 2, bitWidth, value));
  lanes = i16x8.replace_lane(lanes, 2, <i16>laneConstant(kind, 2, 2 * bitWidth, value));
  lanes = i16x8.replace_lane(lanes, 3, <i16>laneConstant(kind, 2, 3 * bitWidth, value));
  lanes = i16x8.replace_lane(lanes, 4, <i16>laneConstant(kind, 2, 4 * bitWidth, value));
  lanes = i16x8.replace_lane(lanes, 5, <i16>laneConstant(kind, 2, 5 * bitWidth, value));
  lanes = i16x8.replace_lane(lanes, 6, <i16>laneConstant(kind, 2, 6 * bitWidth, value));
  return i16x8.replace_lane(lanes, 7, <i16>laneConstant(kind, 2, 7 * bitWidth, value));
}

// ---------------------------------------------------------------------------------------------
// Id ranges: lo <= id <= hi as (id - lo) <=u (hi - lo), in place at each lane's bit offset

/** Width 8: 32 ids are 32 bytes. */
function rangeIds8(
  packedPtr: usize, startDoc: u32, endDoc: u32, lo: u32, span: u32, invert: u32,
  output: i32, outPtr: usize,
): u32 {
  const loV = i8x16.splat(<i8>lo);
  const spanV = i8x16.splat(<i8>span);
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    const src = packedPtr + (<usize>word << 5);
    const low = i8x16.bitmask(i8x16.le_u(i8x16.sub(v128.load(src), loV), spanV));
    const high = i8x16.bitmask(i8x16.le_u(i8x16.sub(v128.load(src, 16), loV), spanV));
    const bits = (<u32>low | (<u32>high << 16)) ^ invert;
    count = emitWord(output, outPtr, word, bits, keepMask(word, startDoc, endDoc), count);
  }
  return count;
}

/** Width 16: 32 ids are 64 bytes. */
function rangeIds16(
  packedPtr: usize, startDoc: u32, endDoc: u32, lo: u32, span: u32, invert: u32,
  output: i32, outPtr: usize,
): u32 {
  const loV = i16x8.splat(<i16>lo);
  const spanV = i16x8.splat(<i16>span);
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    const src = packedPtr + (<usize>word << 6);
    const low = bitmask16x2(
      i16x8.le_u(i16x8.sub(v128.load(src), loV), spanV),
      i16x8.le_u(i16x8.sub(v128.load(src, 16), loV), spanV),
    );
    const high = bitmask16x2(
      i16x8.le_u(i16x8.sub(v128.load(src, 32), loV), spanV),
      i16x8.le_u(i16x8.sub(v128.load(src, 48), loV), spanV),
    );
    const bits = low | (high << 16);
    count = emitWord(output, outPtr, word, bits ^ invert, keepMask(word, startDoc, endDoc), count);
  }
  return count;
}

/** 4 u32 ids at `src` against the range: all-ones lanes match. */
// @ts-ignore: decorator
@inline function range4x32(src: usize, loV: v128, spanV: v128): v128 {
  return i32x4.le_u(i32x4.sub(v128.load(src), loV), spanV);
}

/** Width 32: 32 ids are 128 bytes. */
function rangeIds32(
  packedPtr: usize, startDoc: u32, endDoc: u32, lo: u32, span: u32, invert: u32,
  output: i32, outPtr: usize,
): u32 {
  const loV = i32x4.splat(lo);
  const spanV = i32x4.splat(span);
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    const src = packedPtr + (<usize>word << 7);
    const low = bitmask32x4(
      range4x32(src, loV, spanV),
      range4x32(src + 16, loV, spanV),
      range4x32(src + 32, loV, spanV),
      range4x32(src + 48, loV, spanV),
    );
    const high = bitmask32x4(
      range4x32(src + 64, loV, spanV),
      range4x32(src + 80, loV, spanV),
      range4x32(src + 96, loV, spanV),
      range4x32(src + 112, loV, spanV),
    );
    const bits = low | (high << 16);
    count = emitWord(output, outPtr, word, bits ^ invert, keepMask(word, startDoc, endDoc), count);
  }
  return count;
}

/** 8 ids placed into 16-bit lanes by `shuffle` against the range: all-ones lanes match. */
// @ts-ignore: decorator
@inline function range8x16(
  src: usize, shuffle: v128, valueMask: v128, loV: v128, spanV: v128,
): v128 {
  const ids = v128.and(i8x16.swizzle(v128.load(src), shuffle), valueMask);
  return i16x8.le_u(i16x8.sub(ids, loV), spanV);
}

/** Widths 1..9 but 8: 8 ids span w bytes, so 4 loads of 8 ids each make a word. */
function rangeIdsLane16(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, lo: u32, span: u32,
  invert: u32, output: i32, outPtr: usize,
): u32 {
  const shuffle = lanes16(LANE_SHUFFLE, bitWidth, 0);
  const valueMask = lanes16(LANE_VALUE_MASK, bitWidth, maxIdOf(bitWidth));
  const loV = lanes16(LANE_SHIFTED, bitWidth, lo);
  const spanV = lanes16(LANE_SHIFTED, bitWidth, span);
  const step = <usize>bitWidth;
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    const src = packedPtr + (<usize>word << 2) * step;
    const low = bitmask16x2(
      range8x16(src, shuffle, valueMask, loV, spanV),
      range8x16(src + step, shuffle, valueMask, loV, spanV),
    );
    const high = bitmask16x2(
      range8x16(src + 2 * step, shuffle, valueMask, loV, spanV),
      range8x16(src + 3 * step, shuffle, valueMask, loV, spanV),
    );
    const bits = low | (high << 16);
    count = emitWord(output, outPtr, word, bits ^ invert, keepMask(word, startDoc, endDoc), count);
  }
  return count;
}

/** Widths 26..31: one unaligned 8-byte load per id. */
function rangeIdsScalar(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, lo: u32, span: u32,
  invert: u32, output: i32, outPtr: usize,
): u32 {
  const maxId = <u64>maxIdOf(bitWidth);
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    let bit = <u64>(word << 5) * bitWidth;
    let bits: u32 = 0;
    for (let k: u32 = 0; k < 32; k++, bit += bitWidth) {
      const id = <u32>((load<u64>(packedPtr + <usize>(bit >> 3)) >> (bit & 7)) & maxId);
      bits |= <u32>(id - lo <= span) << k;
    }
    count = emitWord(output, outPtr, word, bits ^ invert, keepMask(word, startDoc, endDoc), count);
  }
  return count;
}

/** Checks the arguments every scan shares. */
// @ts-ignore: decorator
@inline function isValidScan(startDoc: u32, endDoc: u32, output: i32): bool {
  return startDoc <= endDoc && isValidOutput(output);
}

/** lo <= id <= hi, or its complement when `negate`; returns the count or a status. */
function scanIdRange(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, lo: u32, hi: u32,
  negate: bool, output: i32, outPtr: usize,
): i32 {
  if (bitWidth - 1 >= MAX_BIT_WIDTH || !isValidScan(startDoc, endDoc, output)) {
    return STATUS_BAD_ARGUMENT;
  }
  if (startDoc == endDoc) return 0;
  const maxId = maxIdOf(bitWidth);
  if (hi > maxId) hi = maxId;
  if (lo > hi) {
    // No id matches: the complement of "every id" keeps the SIMD paths free of a special case.
    lo = 0;
    hi = maxId;
    negate = !negate;
  }
  const span = hi - lo;
  const invert: u32 = negate ? ALL_DOCS : 0;
  let count: u32;
  if (bitWidth == 8) {
    count = rangeIds8(packedPtr, startDoc, endDoc, lo, span, invert, output, outPtr);
  } else if (bitWidth == 16) {
    count = rangeIds16(packedPtr, startDoc, endDoc, lo, span, invert, output, outPtr);
  } else if (bitWidth == 32) {
    count = rangeIds32(packedPtr, startDoc, endDoc, lo, span, invert, output, outPtr);
  } else if (bitWidth <= LANE16_MAX_WIDTH) {
    count = rangeIdsLane16(packedPtr, bitWidth, startDoc, endDoc, lo, span, invert, output, outPtr);
  } else if (bitWidth <= LANE32_MAX_WIDTH) {
    count = rangeIdsLane32Fixed(
      packedPtr, bitWidth, startDoc, endDoc, lo, span, invert, output, outPtr,
    );
  } else {
    count = rangeIdsScalar(packedPtr, bitWidth, startDoc, endDoc, lo, span, invert, output, outPtr);
  }
  return <i32>count;
}

/**
 * Docs in [startDoc, endDoc) of a packed id column with loId <= id <= hiId (inclusive, u32).
 * `output`: 0 bitset, 1 selection vector, 2 count only (kernels/BITPACK.md, "Scan outputs").
 * Returns the number of matches, or STATUS_BAD_ARGUMENT (width outside 1..32, startDoc >
 * endDoc, unknown output).
 */
export function scanIdsRange(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, loId: u32, hiId: u32,
  output: i32, outPtr: usize,
): i32 {
  return scanIdRange(packedPtr, bitWidth, startDoc, endDoc, loId, hiId, false, output, outPtr);
}

/** Docs whose id equals `id`; as scanIdsRange. */
export function scanIdsEq(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, id: u32, output: i32,
  outPtr: usize,
): i32 {
  return scanIdRange(packedPtr, bitWidth, startDoc, endDoc, id, id, false, output, outPtr);
}

/** Docs whose id differs from `id`; as scanIdsRange. */
export function scanIdsNeq(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, id: u32, output: i32,
  outPtr: usize,
): i32 {
  return scanIdRange(packedPtr, bitWidth, startDoc, endDoc, id, id, true, output, outPtr);
}

// ---------------------------------------------------------------------------------------------
// Id sets: a bitset over dictionary ids

/** Whether `id` is in the id bitset at `idSetPtr` covering ids [0, idCount). */
// @ts-ignore: decorator
@inline function inIdSet(idSetPtr: usize, idCount: u32, id: u32): u32 {
  // Ids past the set read word 0 and are masked off: no load past the caller's set.
  const inRange = id < idCount;
  const word = load<u32>(idSetPtr + (inRange ? <usize>(id >> 5) << 2 : 0));
  return (word >> (id & 31)) & <u32>inRange;
}

/**
 * Docs in [startDoc, endDoc) whose id is in the set: bit id % 32 of u32 word id >> 5 at
 * `idSetPtr`, for ids below `idCount` (larger ids never match). As scanIdsRange otherwise.
 */
export function scanIdsInSet(
  packedPtr: usize, bitWidth: u32, startDoc: u32, endDoc: u32, idSetPtr: usize, idCount: u32,
  output: i32, outPtr: usize,
): i32 {
  if (bitWidth - 1 >= MAX_BIT_WIDTH || !isValidScan(startDoc, endDoc, output)) {
    return STATUS_BAD_ARGUMENT;
  }
  if (startDoc == endDoc) return 0;
  // An empty set matches nothing; the range path says so without reading the set.
  if (idCount == 0) {
    return scanIdRange(packedPtr, bitWidth, startDoc, endDoc, 1, 0, false, output, outPtr);
  }
  const maxId = <u64>maxIdOf(bitWidth);
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    let bit = <u64>(word << 5) * bitWidth;
    let bits: u32 = 0;
    for (let k: u32 = 0; k < 32; k++, bit += bitWidth) {
      const id = <u32>((load<u64>(packedPtr + <usize>(bit >> 3)) >> (bit & 7)) & maxId);
      bits |= inIdSet(idSetPtr, idCount, id) << k;
    }
    count = emitWord(output, outPtr, word, bits, keepMask(word, startDoc, endDoc), count);
  }
  return <i32>count;
}

// ---------------------------------------------------------------------------------------------
// Raw numeric columns: lo <= v <= hi with inclusive bounds (exclusive ones are converted first)

/** lo <= v <= hi per lane of the vector at `src`: all-ones lanes match. */
// @ts-ignore: decorator
@inline function rawInRange<T>(src: usize, loV: v128, hiV: v128): v128 {
  const values = v128.load(src);
  return v128.and(v128.ge<T>(values, loV), v128.le<T>(values, hiV));
}

/** One full word of 32 values at `src`: 2 * sizeof<T>() vectors. */
// @ts-ignore: decorator
@inline function rawWordSimd<T>(src: usize, loV: v128, hiV: v128): u32 {
  if (sizeof<T>() == 4) {
    // 4-byte lanes: narrow the compare results and take 16 bits at a time.
    const low = bitmask32x4(
      rawInRange<T>(src, loV, hiV),
      rawInRange<T>(src + 16, loV, hiV),
      rawInRange<T>(src + 32, loV, hiV),
      rawInRange<T>(src + 48, loV, hiV),
    );
    const high = bitmask32x4(
      rawInRange<T>(src + 64, loV, hiV),
      rawInRange<T>(src + 80, loV, hiV),
      rawInRange<T>(src + 96, loV, hiV),
      rawInRange<T>(src + 112, loV, hiV),
    );
    return low | (high << 16);
  }
  const lanes = <u32>(16 / sizeof<T>());
  let bits: u32 = 0;
  for (let shift: u32 = 0; shift < 32; shift += lanes, src += 16) {
    const values = v128.load(src);
    const inRange = v128.and(v128.ge<T>(values, loV), v128.le<T>(values, hiV));
    // Comparisons give all-ones lanes, so the integer bitmask of the lane size serves floats.
    const laneBits = sizeof<T>() == 8 ? i64x2.bitmask(inRange) : i32x4.bitmask(inRange);
    bits |= <u32>laneBits << shift;
  }
  return bits;
}

/** The docs of a word from `firstDoc` up to `endDoc` (the column may end before the word). */
// @ts-ignore: decorator
@inline function rawWordTail<T>(valuesPtr: usize, firstDoc: u32, endDoc: u32, lo: T, hi: T): u32 {
  let bits: u32 = 0;
  for (let doc = firstDoc; doc < endDoc; doc++) {
    const value = load<T>(valuesPtr + (<usize>doc << alignof<T>()));
    bits |= <u32>(value >= lo && value <= hi) << (doc - firstDoc);
  }
  return bits;
}

/** The word loop over a raw column; bounds are inclusive here. */
// @ts-ignore: decorator
@inline function scanRaw<T>(
  valuesPtr: usize, startDoc: u32, endDoc: u32, lo: T, hi: T, invert: u32, output: i32,
  outPtr: usize,
): i32 {
  const loV = v128.splat<T>(lo);
  const hiV = v128.splat<T>(hi);
  let count: u32 = 0;
  const lastWord = (endDoc - 1) >> 5;
  for (let word = startDoc >> 5; word <= lastWord; word++) {
    const firstDoc = word << 5;
    // Only whole words use SIMD: a word's tail may lie past the end of the column.
    const bits = endDoc - firstDoc >= 32
      ? rawWordSimd<T>(valuesPtr + (<usize>firstDoc << alignof<T>()), loV, hiV)
      : rawWordTail<T>(valuesPtr, firstDoc, endDoc, lo, hi);
    count = emitWord(output, outPtr, word, bits ^ invert, keepMask(word, startDoc, endDoc), count);
  }
  return <i32>count;
}

// @ts-ignore: decorator
@inline function isValidRawScan(startDoc: u32, endDoc: u32, flags: u32, output: i32): bool {
  return isValidScan(startDoc, endDoc, output) && (flags & ~RANGE_FLAGS) == 0;
}

// @ts-ignore: decorator
@inline function invertOf(flags: u32): u32 {
  return flags & RANGE_NEGATE ? ALL_DOCS : 0;
}

/**
 * Docs in [startDoc, endDoc) of an INT column (i32 at `valuesPtr`, doc d at d * 4) with
 * lo <= v <= hi. `flags`: 1 lower bound exclusive, 2 upper bound exclusive, 4 negate (neq is
 * [v, v] negated). `output` and the result as scanIdsRange.
 */
export function scanI32Range(
  valuesPtr: usize, startDoc: u32, endDoc: u32, lo: i32, hi: i32, flags: u32, output: i32,
  outPtr: usize,
): i32 {
  return scanIntegerRange<i32>(
    valuesPtr, startDoc, endDoc, lo, hi, i32.MIN_VALUE, i32.MAX_VALUE, flags, output, outPtr,
  );
}

/** As scanI32Range over a LONG column (i64, doc d at d * 8). */
export function scanI64Range(
  valuesPtr: usize, startDoc: u32, endDoc: u32, lo: i64, hi: i64, flags: u32, output: i32,
  outPtr: usize,
): i32 {
  return scanIntegerRange<i64>(
    valuesPtr, startDoc, endDoc, lo, hi, i64.MIN_VALUE, i64.MAX_VALUE, flags, output, outPtr,
  );
}

/** The integer raw scans: exclusive bounds become inclusive ones on the type's range. */
function scanIntegerRange<T>(
  valuesPtr: usize, startDoc: u32, endDoc: u32, lo: T, hi: T, minValue: T, maxValue: T,
  flags: u32, output: i32, outPtr: usize,
): i32 {
  if (!isValidRawScan(startDoc, endDoc, flags, output)) return STATUS_BAD_ARGUMENT;
  if (startDoc == endDoc) return 0;
  // A bound with no neighbour (lo > MAX, hi < MIN) matches nothing.
  let empty = false;
  if (flags & RANGE_LO_EXCLUSIVE) {
    if (lo == maxValue) empty = true;
    else lo++;
  }
  if (flags & RANGE_HI_EXCLUSIVE) {
    if (hi == minValue) empty = true;
    else hi--;
  }
  if (empty) {
    lo = maxValue;
    hi = minValue;
  }
  return scanRaw<T>(valuesPtr, startDoc, endDoc, lo, hi, invertOf(flags), output, outPtr);
}

/** The next f32 above x (NaN stays NaN; +inf becomes NaN, so "v > +inf" matches nothing). */
// @ts-ignore: decorator
@inline function nextUpF32(x: f32): f32 {
  if (x != x) return x;
  if (x == 0) return reinterpret<f32>(<u32>1);
  const bits = reinterpret<u32>(x);
  return reinterpret<f32>(x > 0 ? bits + 1 : bits - 1);
}

// @ts-ignore: decorator
@inline function nextUpF64(x: f64): f64 {
  if (x != x) return x;
  if (x == 0) return reinterpret<f64>(<u64>1);
  const bits = reinterpret<u64>(x);
  return reinterpret<f64>(x > 0 ? bits + 1 : bits - 1);
}

/**
 * As scanI32Range over a FLOAT column (f32, doc d at d * 4). NaN values fail every range (and
 * so pass a negated one); v > lo is v >= nextUp(lo), exact for every non-NaN v.
 */
export function scanF32Range(
  valuesPtr: usize, startDoc: u32, endDoc: u32, lo: f32, hi: f32, flags: u32, output: i32,
  outPtr: usize,
): i32 {
  if (!isValidRawScan(startDoc, endDoc, flags, output)) return STATUS_BAD_ARGUMENT;
  if (startDoc == endDoc) return 0;
  if (flags & RANGE_LO_EXCLUSIVE) lo = nextUpF32(lo);
  if (flags & RANGE_HI_EXCLUSIVE) hi = -nextUpF32(-hi);
  return scanRaw<f32>(valuesPtr, startDoc, endDoc, lo, hi, invertOf(flags), output, outPtr);
}

/** As scanF32Range over a DOUBLE column (f64, doc d at d * 8). */
export function scanF64Range(
  valuesPtr: usize, startDoc: u32, endDoc: u32, lo: f64, hi: f64, flags: u32, output: i32,
  outPtr: usize,
): i32 {
  if (!isValidRawScan(startDoc, endDoc, flags, output)) return STATUS_BAD_ARGUMENT;
  if (startDoc == endDoc) return 0;
  if (flags & RANGE_LO_EXCLUSIVE) lo = nextUpF64(lo);
  if (flags & RANGE_HI_EXCLUSIVE) hi = -nextUpF64(-hi);
  return scanRaw<f64>(valuesPtr, startDoc, endDoc, lo, hi, invertOf(flags), output, outPtr);
}
