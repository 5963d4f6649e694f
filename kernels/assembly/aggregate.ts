// Aggregation and group-by kernels. The contracts (state layouts, summation order, NaN rule,
// hash table layout, group-limit behaviour) are written down in kernels/AGGREGATE.md; the
// plain TypeScript twin is kernels/reference/aggregate.ts.
//
// Every kernel reads rows r = 0 .. count-1. A *value source* is a column of i32/i64/f32/f64/u32
// values read at position pos(r): pos(r) = r when selPtr is 0 (the host points valuesPtr at the
// first doc of the range), otherwise pos(r) = sel[r] - baseDoc (a selection vector of doc ids).
// A dictionary-encoded source is the same thing with the dictionary as the value column and the
// unpacked ids as the "selection" (baseDoc 0): value = dictionary[id[r]]. Group keys are dense
// per row (keys[r]), which is what unpack/unpackAt and the key builders below produce.

import {
  STATUS_BAD_ARGUMENT,
  STATUS_GROUP_LIMIT,
  STATUS_OK,
  STATUS_SCRATCH_TOO_SMALL,
} from './status';

/** Value type code: 32-bit signed integers (INT). */
export const VALUE_I32: i32 = 0;
/** Value type code: 64-bit signed integers (LONG, TIMESTAMP). */
export const VALUE_I64: i32 = 1;
/** Value type code: 32-bit floats (FLOAT). */
export const VALUE_F32: i32 = 2;
/** Value type code: 64-bit floats (DOUBLE). */
export const VALUE_F64: i32 = 3;
/** Value type code: 32-bit unsigned integers (dictionary ids). */
export const VALUE_U32: i32 = 4;

/** Double state: count i64 @0, sum f64 @8, min f64 @16, max f64 @24. */
export const AGG_STATE_F64_BYTES: i32 = 32;
/**
 * Exact state: count i64 @0, sum i64 @8 (wrapped), min i64 @16, max i64 @24, wraps i32 @32
 * (net times the running sum passed i64 max (+1) or min (-1): the exact sum is
 * sum + wraps * 2^64, and it fits in i64 exactly when wraps is 0), padding @36.
 */
export const AGG_STATE_I64_BYTES: i32 = 40;

/** Hash table header: capacity u32 @0, numGroups u32 @4, maxGroups u32 @8, rowsMapped u32 @12. */
export const HASH_HEADER_BYTES: i32 = 16;
/** Hash slot: key u64 @0, group index + 1 u32 @8 (0 marks an empty slot), padding @12. */
export const HASH_SLOT_BYTES: i32 = 16;
/** Load bound: a new group may not push numGroups past 3/4 of the capacity (linear probing). */
export const HASH_LOAD_NUMERATOR: i32 = 3;
/** Denominator of the load bound above. */
export const HASH_LOAD_DENOMINATOR: i32 = 4;
/** Smallest capacity: the load bound must leave room for at least one group. */
export const HASH_MIN_CAPACITY: i32 = 4;

// ---------------------------------------------------------------------------------------------
// Row positions and value loads

@inline function rowPos(gather: bool, selPtr: usize, r: usize, baseDoc: u32): usize {
  return gather ? <usize>(load<u32>(selPtr + (r << 2)) - baseDoc) : r;
}

@inline function valueAt<T>(valuesPtr: usize, pos: usize): T {
  return load<T>(valuesPtr + (pos << alignof<T>()));
}

@inline function isValueType(valueType: i32): bool {
  return valueType >= VALUE_I32 && valueType <= VALUE_U32;
}

@inline function isExactType(valueType: i32): bool {
  return valueType == VALUE_I32 || valueType == VALUE_I64 || valueType == VALUE_U32;
}

// ---------------------------------------------------------------------------------------------
// State initialisation

/** Sets a double state to the empty aggregate: count 0, sum 0, min +Inf, max -Inf. */
export function aggStateInitF64(statePtr: usize): void {
  store<i64>(statePtr, 0);
  store<f64>(statePtr, 0, 8);
  store<f64>(statePtr, Infinity, 16);
  store<f64>(statePtr, -Infinity, 24);
}

/** Sets an exact state to the empty aggregate: count 0, sum 0, min i64 max, max i64 min. */
export function aggStateInitI64(statePtr: usize): void {
  store<i64>(statePtr, 0);
  store<i64>(statePtr, 0, 8);
  store<i64>(statePtr, i64.MAX_VALUE, 16);
  store<i64>(statePtr, i64.MIN_VALUE, 24);
  store<u32>(statePtr, 0, 32);
  store<u32>(statePtr, 0, 36);
}

// ---------------------------------------------------------------------------------------------
// Double sums in a fixed order: 8 lanes (row r of the bulk goes to lane r % 8), folded as
// ((l0 + l2) + (l4 + l6)) + ((l1 + l3) + (l5 + l7)), then the tail rows one by one. This is the
// order of four f64x2 accumulators, so the SIMD and scalar paths and the reference agree bit
// for bit.

@inline function laneValue<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, r: usize, baseDoc: u32,
): f64 {
  return <f64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r, baseDoc));
}

/** b < a ? b : a: one compare-select; NaN and the sign of zero are left to a second pass. */
@inline function pminF64(a: f64, b: f64): f64 {
  return select<f64>(b, a, b < a);
}

@inline function pmaxF64(a: f64, b: f64): f64 {
  return select<f64>(b, a, b > a);
}

/**
 * One pass over any rows: returns the sum in the order above and leaves min and max, found
 * by compare-select, in passMinF64/passMaxF64 (see statsRowsF64 for NaN and zeros).
 */
@inline function sumMinMaxLanes<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
): f64 {
  let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0;
  let l4: f64 = 0, l5: f64 = 0, l6: f64 = 0, l7: f64 = 0;
  let mn: f64 = Infinity, mx: f64 = -Infinity;
  const bulk = count & ~(<usize>7);
  for (let r: usize = 0; r < bulk; r += 8) {
    const v0 = laneValue<T>(gather, valuesPtr, selPtr, r, baseDoc);
    const v1 = laneValue<T>(gather, valuesPtr, selPtr, r + 1, baseDoc);
    const v2 = laneValue<T>(gather, valuesPtr, selPtr, r + 2, baseDoc);
    const v3 = laneValue<T>(gather, valuesPtr, selPtr, r + 3, baseDoc);
    const v4 = laneValue<T>(gather, valuesPtr, selPtr, r + 4, baseDoc);
    const v5 = laneValue<T>(gather, valuesPtr, selPtr, r + 5, baseDoc);
    const v6 = laneValue<T>(gather, valuesPtr, selPtr, r + 6, baseDoc);
    const v7 = laneValue<T>(gather, valuesPtr, selPtr, r + 7, baseDoc);
    l0 += v0;
    l1 += v1;
    l2 += v2;
    l3 += v3;
    l4 += v4;
    l5 += v5;
    l6 += v6;
    l7 += v7;
    // Against the running extreme, not pairwise: the select rarely changes, so a V8 lowering
    // to a branch predicts well.
    mn = pminF64(pminF64(pminF64(pminF64(mn, v0), v1), v2), v3);
    mn = pminF64(pminF64(pminF64(pminF64(mn, v4), v5), v6), v7);
    mx = pmaxF64(pmaxF64(pmaxF64(pmaxF64(mx, v0), v1), v2), v3);
    mx = pmaxF64(pmaxF64(pmaxF64(pmaxF64(mx, v4), v5), v6), v7);
  }
  let total = ((l0 + l2) + (l4 + l6)) + ((l1 + l3) + (l5 + l7));
  for (let r = bulk; r < count; r++) {
    const v = laneValue<T>(gather, valuesPtr, selPtr, r, baseDoc);
    total += v;
    mn = pminF64(mn, v);
    mx = pmaxF64(mx, v);
  }
  passMinF64 = mn;
  passMaxF64 = mx;
  return total;
}

// Min and max of the last fused dense pass below. Wasm globals belong to one instance and
// every worker thread has its own instance, so these never race.
let passMinF64: f64 = Infinity;
let passMaxF64: f64 = -Infinity;
let passMinI64: i64 = i64.MAX_VALUE;
let passMaxI64: i64 = i64.MIN_VALUE;

@inline function foldMinF64(v: v128): f64 {
  return min<f64>(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

@inline function foldMaxF64(v: v128): f64 {
  return max<f64>(f64x2.extract_lane(v, 0), f64x2.extract_lane(v, 1));
}

/**
 * One pass over dense f64 (or f32, promoted) values: returns the sum in the order of
 * sumMinMaxLanes (four f64x2 accumulators) and leaves min and max in passMinF64/passMaxF64,
 * found with pmin/pmax (NaN and the sign of zero not handled: see statsDenseFloat).
 */
@inline function sumMinMaxDenseFloat<T>(valuesPtr: usize, count: usize): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let mn = f64x2.splat(Infinity), mx = f64x2.splat(-Infinity);
  const bulk = count & ~(<usize>7);
  for (let r: usize = 0; r < bulk; r += 8) {
    let v0: v128, v1: v128, v2: v128, v3: v128;
    if (sizeof<T>() == 8) {
      const p = valuesPtr + (r << 3);
      v0 = v128.load(p);
      v1 = v128.load(p, 16);
      v2 = v128.load(p, 32);
      v3 = v128.load(p, 48);
    } else {
      const p = valuesPtr + (r << 2);
      const low = v128.load(p);
      const high = v128.load(p, 16);
      v0 = f64x2.promote_low_f32x4(low);
      v1 = f64x2.promote_low_f32x4(i32x4.shuffle(low, low, 2, 3, 0, 1));
      v2 = f64x2.promote_low_f32x4(high);
      v3 = f64x2.promote_low_f32x4(i32x4.shuffle(high, high, 2, 3, 0, 1));
    }
    a0 = f64x2.add(a0, v0);
    a1 = f64x2.add(a1, v1);
    a2 = f64x2.add(a2, v2);
    a3 = f64x2.add(a3, v3);
    // pmin/pmax are one instruction each; statsDenseFloat redoes min/max with f64x2.min
    // when their answer can differ (a NaN, or a zero whose sign depends on the order).
    mn = f64x2.pmin(mn, f64x2.pmin(f64x2.pmin(v0, v1), f64x2.pmin(v2, v3)));
    mx = f64x2.pmax(mx, f64x2.pmax(f64x2.pmax(v0, v1), f64x2.pmax(v2, v3)));
  }
  const folded = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  let total = f64x2.extract_lane(folded, 0) + f64x2.extract_lane(folded, 1);
  let mnScalar = foldMinF64(mn), mxScalar = foldMaxF64(mx);
  for (let r = bulk; r < count; r++) {
    const v = <f64>load<T>(valuesPtr + (r << alignof<T>()));
    total += v;
    mnScalar = min<f64>(mnScalar, v);
    mxScalar = max<f64>(mxScalar, v);
  }
  passMinF64 = mnScalar;
  passMaxF64 = mxScalar;
  return total;
}

/**
 * Sum, min and max of dense floats. A NaN anywhere makes the sum NaN, and only a zero min or
 * max can carry the wrong sign, so the one fast pass is exact except in those cases, which
 * take a second pass with f64.min/f64.max.
 */
@inline function statsDenseFloat<T>(valuesPtr: usize, count: usize): f64 {
  const total = sumMinMaxDenseFloat<T>(valuesPtr, count);
  if (isNaN(total) || passMinF64 == 0 || passMaxF64 == 0) {
    exactMinMaxRows<T>(false, valuesPtr, 0, count, 0);
  }
  return total;
}

/**
 * Exact sum of 32-bit integer rows (cannot overflow i64 for count < 2^32); leaves min and max
 * in passMinI64/passMaxI64.
 */
@inline function statsExact32<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
): i64 {
  let s0: i64 = 0, s1: i64 = 0;
  let mn: i64 = i64.MAX_VALUE, mx: i64 = i64.MIN_VALUE;
  const bulk = count & ~(<usize>1);
  for (let r: usize = 0; r < bulk; r += 2) {
    const v0 = <i64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r, baseDoc));
    const v1 = <i64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r + 1, baseDoc));
    s0 += v0;
    s1 += v1;
    const low = select<i64>(v0, v1, v0 < v1);
    const high = select<i64>(v1, v0, v0 < v1);
    mn = select<i64>(low, mn, low < mn);
    mx = select<i64>(high, mx, high > mx);
  }
  if (bulk < count) {
    const v = <i64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, bulk, baseDoc));
    s0 += v;
    mn = select<i64>(v, mn, v < mn);
    mx = select<i64>(v, mx, v > mx);
  }
  passMinI64 = mn;
  passMaxI64 = mx;
  return s0 + s1;
}

/**
 * One pass over dense 32-bit integers (T = i32 or u32): returns the exact sum (i64x2 lanes)
 * and leaves min and max in passMinI64/passMaxI64.
 */
@inline function statsDenseInt32<T>(valuesPtr: usize, count: usize): i64 {
  let a0 = i64x2.splat(0), a1 = i64x2.splat(0);
  let mn = i32x4.splat(isSigned<T>() ? i32.MAX_VALUE : -1);
  let mx = i32x4.splat(isSigned<T>() ? i32.MIN_VALUE : 0);
  const bulk = count & ~(<usize>3);
  for (let r: usize = 0; r < bulk; r += 4) {
    const v = v128.load(valuesPtr + (r << 2));
    if (isSigned<T>()) {
      a0 = i64x2.add(a0, i64x2.extend_low_i32x4_s(v));
      a1 = i64x2.add(a1, i64x2.extend_high_i32x4_s(v));
      mn = i32x4.min_s(mn, v);
      mx = i32x4.max_s(mx, v);
    } else {
      a0 = i64x2.add(a0, i64x2.extend_low_i32x4_u(v));
      a1 = i64x2.add(a1, i64x2.extend_high_i32x4_u(v));
      mn = i32x4.min_u(mn, v);
      mx = i32x4.max_u(mx, v);
    }
  }
  const folded = i64x2.add(a0, a1);
  let total = i64x2.extract_lane(folded, 0) + i64x2.extract_lane(folded, 1);
  let mnScalar: i64 = i64.MAX_VALUE, mxScalar: i64 = i64.MIN_VALUE;
  for (let lane = 0; lane < 4; lane++) {
    const laneMin = <i64><T>i32x4.extract_lane(mn, 0);
    const laneMax = <i64><T>i32x4.extract_lane(mx, 0);
    if (bulk > 0) mnScalar = select<i64>(laneMin, mnScalar, laneMin < mnScalar);
    if (bulk > 0) mxScalar = select<i64>(laneMax, mxScalar, laneMax > mxScalar);
    mn = i32x4.shuffle(mn, mn, 1, 2, 3, 0);
    mx = i32x4.shuffle(mx, mx, 1, 2, 3, 0);
  }
  for (let r = bulk; r < count; r++) {
    const v = <i64>load<T>(valuesPtr + (r << 2));
    total += v;
    mnScalar = select<i64>(v, mnScalar, v < mnScalar);
    mxScalar = select<i64>(v, mxScalar, v > mxScalar);
  }
  passMinI64 = mnScalar;
  passMaxI64 = mxScalar;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Min/max. Floats follow WebAssembly's f64.min/f64.max: a NaN anywhere makes the result NaN
// (as Java's Math.min and JavaScript's Math.min); -0 is smaller than +0.

/** Exact f64.min/f64.max over any rows, for the cases compare-select gets wrong. */
@inline function exactMinMaxRows<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
): void {
  let mn: f64 = Infinity, mx: f64 = -Infinity;
  for (let r: usize = 0; r < count; r++) {
    const v = laneValue<T>(gather, valuesPtr, selPtr, r, baseDoc);
    mn = min<f64>(mn, v);
    mx = max<f64>(mx, v);
  }
  passMinF64 = mn;
  passMaxF64 = mx;
}

/**
 * Sum, min and max of any rows as doubles. A NaN anywhere makes the sum NaN, and only a zero
 * min or max can carry the wrong sign, so the one fast pass is exact except in those cases,
 * which take a second pass with f64.min/f64.max.
 */
@inline function statsRowsF64<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
): f64 {
  const total = sumMinMaxLanes<T>(gather, valuesPtr, selPtr, count, baseDoc);
  if (isFloat<T>() && (isNaN(total) || passMinF64 == 0 || passMaxF64 == 0)) {
    exactMinMaxRows<T>(gather, valuesPtr, selPtr, count, baseDoc);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Aggregation over a selection into a state record

/** Folds a fused pass's min and max into a double state (count > 0 only). */
@inline function mergePassIntoF64(statePtr: usize, passMin: f64, passMax: f64): void {
  store<f64>(statePtr, min<f64>(load<f64>(statePtr, 16), passMin), 16);
  store<f64>(statePtr, max<f64>(load<f64>(statePtr, 24), passMax), 24);
}

@inline function aggregateF64Typed<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32, statePtr: usize,
): void {
  store<i64>(statePtr, load<i64>(statePtr) + <i64>count);
  if (!gather && sizeof<T>() == 4 && isInteger<T>()) {
    const blockSum = statsDenseInt32<T>(valuesPtr, count);
    store<f64>(statePtr, load<f64>(statePtr, 8) + <f64>blockSum, 8);
    if (count > 0) mergePassIntoF64(statePtr, <f64>passMinI64, <f64>passMaxI64);
  } else if (!gather && isFloat<T>()) {
    const blockSum = statsDenseFloat<T>(valuesPtr, count);
    store<f64>(statePtr, load<f64>(statePtr, 8) + blockSum, 8);
    if (count > 0) mergePassIntoF64(statePtr, passMinF64, passMaxF64);
  } else if (sizeof<T>() == 4 && isInteger<T>()) {
    const blockSum = statsExact32<T>(gather, valuesPtr, selPtr, count, baseDoc);
    store<f64>(statePtr, load<f64>(statePtr, 8) + <f64>blockSum, 8);
    if (count > 0) mergePassIntoF64(statePtr, <f64>passMinI64, <f64>passMaxI64);
  } else {
    const blockSum = statsRowsF64<T>(gather, valuesPtr, selPtr, count, baseDoc);
    store<f64>(statePtr, load<f64>(statePtr, 8) + blockSum, 8);
    if (count > 0) mergePassIntoF64(statePtr, passMinF64, passMaxF64);
  }
}

@inline function aggregateF64Gather(
  gather: bool, valueType: i32, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  statePtr: usize,
): void {
  if (valueType == VALUE_I32) {
    aggregateF64Typed<i32>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  } else if (valueType == VALUE_I64) {
    aggregateF64Typed<i64>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  } else if (valueType == VALUE_F32) {
    aggregateF64Typed<f32>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  } else if (valueType == VALUE_F64) {
    aggregateF64Typed<f64>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  } else {
    aggregateF64Typed<u32>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  }
}

/**
 * COUNT, SUM, MIN, MAX of `count` rows into a double state (AGG_STATE_F64_BYTES at statePtr,
 * set up by aggStateInitF64), accumulating across calls. Returns the row count or a status.
 */
export function aggregateF64(
  valueType: i32, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32, statePtr: usize,
): i32 {
  if (!isValueType(valueType) || count < 0) return STATUS_BAD_ARGUMENT;
  if (selPtr == 0) {
    aggregateF64Gather(false, valueType, valuesPtr, 0, <usize>count, 0, statePtr);
  } else {
    aggregateF64Gather(true, valueType, valuesPtr, selPtr, <usize>count, baseDoc, statePtr);
  }
  return count;
}

/** Net direction of a wrap of a + b = s: +1 past i64 max, -1 past i64 min, else 0. */
@inline function wrapOf(a: i64, b: i64, s: i64): i64 {
  const wrapped = ((a ^ s) & (b ^ s)) >> 63;
  return wrapped & ((b >> 63) | 1);
}

/** Adds a block's sum (and its own wraps) to the state's sum and its net wrap count. */
@inline function addExactSum(statePtr: usize, b: i64, blockWraps: i64): void {
  const a = load<i64>(statePtr, 8);
  const s = a + b;
  store<i64>(statePtr, s, 8);
  const wraps = <i64>load<i32>(statePtr, 32) + blockWraps + wrapOf(a, b, s);
  store<i32>(statePtr, <i32>wraps, 32);
}

/** Exact sum, wraps, min and max of LONG rows; min and max land in passMinI64/passMaxI64. */
@inline function statsExact64<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32, statePtr: usize,
): void {
  let sum: i64 = 0;
  let wraps: i64 = 0;
  let mn: i64 = i64.MAX_VALUE, mx: i64 = i64.MIN_VALUE;
  for (let r: usize = 0; r < count; r++) {
    const v = <i64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r, baseDoc));
    const s = sum + v;
    wraps += wrapOf(sum, v, s);
    sum = s;
    mn = select<i64>(v, mn, v < mn);
    mx = select<i64>(v, mx, v > mx);
  }
  addExactSum(statePtr, sum, wraps);
  passMinI64 = mn;
  passMaxI64 = mx;
}

@inline function aggregateI64Typed<T>(
  gather: bool, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32, statePtr: usize,
): void {
  store<i64>(statePtr, load<i64>(statePtr) + <i64>count);
  if (!gather && sizeof<T>() == 4) {
    addExactSum(statePtr, statsDenseInt32<T>(valuesPtr, count), 0);
  } else if (sizeof<T>() == 4) {
    addExactSum(statePtr, statsExact32<T>(gather, valuesPtr, selPtr, count, baseDoc), 0);
  } else {
    statsExact64<T>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  }
  if (count == 0) return;
  const mn = load<i64>(statePtr, 16), mx = load<i64>(statePtr, 24);
  store<i64>(statePtr, select<i64>(passMinI64, mn, passMinI64 < mn), 16);
  store<i64>(statePtr, select<i64>(passMaxI64, mx, passMaxI64 > mx), 24);
}

@inline function aggregateI64Gather(
  gather: bool, valueType: i32, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  statePtr: usize,
): void {
  if (valueType == VALUE_I32) {
    aggregateI64Typed<i32>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  } else if (valueType == VALUE_I64) {
    aggregateI64Typed<i64>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  } else {
    aggregateI64Typed<u32>(gather, valuesPtr, selPtr, count, baseDoc, statePtr);
  }
}

/**
 * Exact COUNT, SUM, MIN, MAX of integer rows (VALUE_I32, VALUE_I64, VALUE_U32) into an exact
 * state (AGG_STATE_I64_BYTES, set up by aggStateInitI64). The sum wraps like i64 and the state
 * counts the wraps, so the exact sum is always recoverable. Returns the row count or a status.
 */
export function aggregateI64(
  valueType: i32, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32, statePtr: usize,
): i32 {
  if (!isExactType(valueType) || count < 0) return STATUS_BAD_ARGUMENT;
  if (selPtr == 0) {
    aggregateI64Gather(false, valueType, valuesPtr, 0, <usize>count, 0, statePtr);
  } else {
    aggregateI64Gather(true, valueType, valuesPtr, selPtr, <usize>count, baseDoc, statePtr);
  }
  return count;
}

/**
 * Smallest and largest dictionary id of `count` dense ids, folded into out[0] (min) and
 * out[1] (max) (u32 each; start them at 0xFFFFFFFF and 0). With a sorted dictionary these are
 * the ids of MIN and MAX. Returns the row count or a status.
 */
export function idMinMax(idsPtr: usize, count: i32, outPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  // Lanes start at the u32 extremes (-1 is 0xFFFFFFFF) and fold into out[] after the loop.
  let mnv = i32x4.splat(-1), mxv = i32x4.splat(0);
  const bulk = n & ~(<usize>3);
  for (let r: usize = 0; r < bulk; r += 4) {
    const v = v128.load(idsPtr + (r << 2));
    mnv = i32x4.min_u(mnv, v);
    mxv = i32x4.max_u(mxv, v);
  }
  let mn = load<u32>(outPtr), mx = load<u32>(outPtr, 4);
  for (let lane = 0; lane < 4; lane++) {
    mn = min<u32>(mn, <u32>i32x4.extract_lane(mnv, 0));
    mx = max<u32>(mx, <u32>i32x4.extract_lane(mxv, 0));
    mnv = i32x4.shuffle(mnv, mnv, 1, 2, 3, 0);
    mxv = i32x4.shuffle(mxv, mxv, 1, 2, 3, 0);
  }
  for (let r = bulk; r < n; r++) {
    const v = load<u32>(idsPtr + (r << 2));
    mn = min<u32>(mn, v);
    mx = max<u32>(mx, v);
  }
  store<u32>(outPtr, mn);
  store<u32>(outPtr, mx, 4);
  return count;
}

// ---------------------------------------------------------------------------------------------
// Group-by over dense keys: keys[r] < numGroups indexes host-provided per-group arrays. A key
// at or past numGroups is a programmer error: the kernel stops at that row and returns
// STATUS_BAD_ARGUMENT (rows before it are already aggregated).

/** counts[keys[r]] += 1 for every row. Returns the row count or a status. */
export function groupCount(keysPtr: usize, count: i32, numGroups: u32, countsPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  for (let r: usize = 0; r < n; r++) {
    const k = load<u32>(keysPtr + (r << 2));
    if (k >= numGroups) return STATUS_BAD_ARGUMENT;
    const c = countsPtr + (<usize>k << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  return count;
}

@inline function groupSumF64Typed<T>(
  gather: bool, counting: bool, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize,
  baseDoc: u32, numGroups: u32, countsPtr: usize, sumsPtr: usize,
): i32 {
  for (let r: usize = 0; r < count; r++) {
    const k = load<u32>(keysPtr + (r << 2));
    if (k >= numGroups) return STATUS_BAD_ARGUMENT;
    const v = <f64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r, baseDoc));
    if (counting) {
      const c = countsPtr + (<usize>k << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    const s = sumsPtr + (<usize>k << 3);
    store<f64>(s, load<f64>(s) + v);
  }
  return <i32>count;
}

@inline function groupSumF64Gather<T>(
  gather: bool, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize,
): i32 {
  return countsPtr != 0
    ? groupSumF64Typed<T>(
      gather, true, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups, countsPtr, sumsPtr)
    : groupSumF64Typed<T>(
      gather, false, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups, 0, sumsPtr);
}

function groupSumF64Of<T>(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize,
): i32 {
  return selPtr == 0
    ? groupSumF64Gather<T>(
      false, keysPtr, valuesPtr, 0, count, 0, numGroups, countsPtr, sumsPtr)
    : groupSumF64Gather<T>(
      true, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups, countsPtr, sumsPtr);
}

/**
 * Per-group COUNT (u32 counts, skipped when countsPtr is 0) and double SUM (f64 sums, summed
 * in row order per group). Returns the row count or a status.
 */
export function groupSumF64(
  valueType: i32, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize,
): i32 {
  if (!isValueType(valueType) || count < 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  if (valueType == VALUE_I32) {
    return groupSumF64Of<i32>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups, countsPtr,
      sumsPtr);
  }
  if (valueType == VALUE_I64) {
    return groupSumF64Of<i64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups, countsPtr,
      sumsPtr);
  }
  if (valueType == VALUE_F32) {
    return groupSumF64Of<f32>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups, countsPtr,
      sumsPtr);
  }
  if (valueType == VALUE_F64) {
    return groupSumF64Of<f64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups, countsPtr,
      sumsPtr);
  }
  return groupSumF64Of<u32>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups, countsPtr, sumsPtr);
}

/** True when all four keys at keysPtr + r * 4 are below numGroups (one SIMD compare). */
@inline function keysBelow4(keysPtr: usize, r: usize, limit: v128): bool {
  return !v128.any_true(i32x4.ge_u(v128.load(keysPtr + (r << 2)), limit));
}

/** Adds row r into group k; returns the overflow bits of a LONG sum (sign bit set on wrap). */
@inline function groupSumI64Row<T>(
  gather: bool, counting: bool, k: u32, valuesPtr: usize, selPtr: usize, r: usize,
  baseDoc: u32, countsPtr: usize, sumsPtr: usize,
): i64 {
  const v = <i64>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r, baseDoc));
  if (counting) {
    const c = countsPtr + (<usize>k << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  const s = sumsPtr + (<usize>k << 3);
  const before = load<i64>(s);
  const after = before + v;
  store<i64>(s, after);
  // 32-bit values cannot wrap an i64 sum below 2^32 rows per group; LONG values can.
  return sizeof<T>() == 8 ? (before ^ after) & (v ^ after) : 0;
}

@inline function groupSumI64Typed<T>(
  gather: bool, counting: bool, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize,
  baseDoc: u32, numGroups: u32, countsPtr: usize, sumsPtr: usize, overflowPtr: usize,
): i32 {
  let overflowBits: i64 = 0;
  let r: usize = 0;
  const limit = i32x4.splat(numGroups);
  // Four rows per step: one SIMD bounds check, then four independent scalar updates.
  for (; r + 4 <= count && keysBelow4(keysPtr, r, limit); r += 4) {
    const p = keysPtr + (r << 2);
    overflowBits |= groupSumI64Row<T>(gather, counting, load<u32>(p), valuesPtr, selPtr, r,
      baseDoc, countsPtr, sumsPtr);
    overflowBits |= groupSumI64Row<T>(gather, counting, load<u32>(p, 4), valuesPtr, selPtr,
      r + 1, baseDoc, countsPtr, sumsPtr);
    overflowBits |= groupSumI64Row<T>(gather, counting, load<u32>(p, 8), valuesPtr, selPtr,
      r + 2, baseDoc, countsPtr, sumsPtr);
    overflowBits |= groupSumI64Row<T>(gather, counting, load<u32>(p, 12), valuesPtr, selPtr,
      r + 3, baseDoc, countsPtr, sumsPtr);
  }
  let result = <i32>count;
  for (; r < count; r++) {
    const k = load<u32>(keysPtr + (r << 2));
    if (k >= numGroups) {
      result = STATUS_BAD_ARGUMENT;
      break;
    }
    overflowBits |= groupSumI64Row<T>(gather, counting, k, valuesPtr, selPtr, r, baseDoc,
      countsPtr, sumsPtr);
  }
  if (overflowBits < 0 && overflowPtr != 0) store<u32>(overflowPtr, 1);
  return result;
}

@inline function groupSumI64Gather<T>(
  gather: bool, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize, overflowPtr: usize,
): i32 {
  return countsPtr != 0
    ? groupSumI64Typed<T>(gather, true, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups,
      countsPtr, sumsPtr, overflowPtr)
    : groupSumI64Typed<T>(gather, false, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups,
      0, sumsPtr, overflowPtr);
}

function groupSumI64Of<T>(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize, overflowPtr: usize,
): i32 {
  return selPtr == 0
    ? groupSumI64Gather<T>(false, keysPtr, valuesPtr, 0, count, 0, numGroups,
      countsPtr, sumsPtr, overflowPtr)
    : groupSumI64Gather<T>(true, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups,
      countsPtr, sumsPtr, overflowPtr);
}

/**
 * Per-group COUNT (u32, skipped when countsPtr is 0) and exact SUM (i64 sums, wrapping; a wrap
 * of a LONG sum sets the u32 at overflowPtr to 1 when overflowPtr is not 0) of integer values.
 * Returns the row count or a status.
 */
export function groupSumI64(
  valueType: i32, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize, overflowPtr: usize,
): i32 {
  if (!isExactType(valueType) || count < 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  if (valueType == VALUE_I32) {
    return groupSumI64Of<i32>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      countsPtr, sumsPtr, overflowPtr);
  }
  if (valueType == VALUE_I64) {
    return groupSumI64Of<i64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      countsPtr, sumsPtr, overflowPtr);
  }
  return groupSumI64Of<u32>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
    countsPtr, sumsPtr, overflowPtr);
}

@inline function groupMinMaxTyped<T, A>(
  gather: bool, wantMin: bool, wantMax: bool, keysPtr: usize, valuesPtr: usize, selPtr: usize,
  count: usize, baseDoc: u32, numGroups: u32, minsPtr: usize, maxsPtr: usize,
): i32 {
  for (let r: usize = 0; r < count; r++) {
    const k = load<u32>(keysPtr + (r << 2));
    if (k >= numGroups) return STATUS_BAD_ARGUMENT;
    const v = <A>valueAt<T>(valuesPtr, rowPos(gather, selPtr, r, baseDoc));
    const offset = <usize>k << alignof<A>();
    // Floats use f64.min/f64.max (NaN wins); integers compare as i64.
    if (wantMin) {
      const old = load<A>(minsPtr + offset);
      store<A>(minsPtr + offset, isFloat<A>() ? min<A>(old, v) : select<A>(v, old, v < old));
    }
    if (wantMax) {
      const old = load<A>(maxsPtr + offset);
      store<A>(maxsPtr + offset, isFloat<A>() ? max<A>(old, v) : select<A>(v, old, v > old));
    }
  }
  return <i32>count;
}

@inline function groupMinMaxWanted<T, A>(
  gather: bool, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, minsPtr: usize, maxsPtr: usize,
): i32 {
  if (minsPtr != 0 && maxsPtr != 0) {
    return groupMinMaxTyped<T, A>(gather, true, true, keysPtr, valuesPtr, selPtr, count,
      baseDoc, numGroups, minsPtr, maxsPtr);
  }
  if (minsPtr != 0) {
    return groupMinMaxTyped<T, A>(gather, true, false, keysPtr, valuesPtr, selPtr, count,
      baseDoc, numGroups, minsPtr, 0);
  }
  return groupMinMaxTyped<T, A>(gather, false, true, keysPtr, valuesPtr, selPtr, count,
    baseDoc, numGroups, 0, maxsPtr);
}

function groupMinMaxOf<T, A>(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, minsPtr: usize, maxsPtr: usize,
): i32 {
  return selPtr == 0
    ? groupMinMaxWanted<T, A>(false, keysPtr, valuesPtr, 0, count, 0, numGroups,
      minsPtr, maxsPtr)
    : groupMinMaxWanted<T, A>(true, keysPtr, valuesPtr, selPtr, count, baseDoc, numGroups,
      minsPtr, maxsPtr);
}

/**
 * Per-group MIN into f64 mins and MAX into f64 maxs (either pointer 0 to skip it; start them
 * at +Infinity and -Infinity). Returns the row count or a status.
 */
export function groupMinMaxF64(
  valueType: i32, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32,
  numGroups: u32, minsPtr: usize, maxsPtr: usize,
): i32 {
  if (!isValueType(valueType) || count < 0) return STATUS_BAD_ARGUMENT;
  if (minsPtr == 0 && maxsPtr == 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  if (valueType == VALUE_I32) {
    return groupMinMaxOf<i32, f64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      minsPtr, maxsPtr);
  }
  if (valueType == VALUE_I64) {
    return groupMinMaxOf<i64, f64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      minsPtr, maxsPtr);
  }
  if (valueType == VALUE_F32) {
    return groupMinMaxOf<f32, f64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      minsPtr, maxsPtr);
  }
  if (valueType == VALUE_F64) {
    return groupMinMaxOf<f64, f64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      minsPtr, maxsPtr);
  }
  return groupMinMaxOf<u32, f64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
    minsPtr, maxsPtr);
}

/**
 * Per-group exact MIN/MAX of integer values into i64 mins/maxs (either pointer 0 to skip it;
 * start them at i64 max and i64 min). Returns the row count or a status.
 */
export function groupMinMaxI64(
  valueType: i32, keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32,
  numGroups: u32, minsPtr: usize, maxsPtr: usize,
): i32 {
  if (!isExactType(valueType) || count < 0) return STATUS_BAD_ARGUMENT;
  if (minsPtr == 0 && maxsPtr == 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  if (valueType == VALUE_I32) {
    return groupMinMaxOf<i32, i64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      minsPtr, maxsPtr);
  }
  if (valueType == VALUE_I64) {
    return groupMinMaxOf<i64, i64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
      minsPtr, maxsPtr);
  }
  return groupMinMaxOf<u32, i64>(keysPtr, valuesPtr, selPtr, n, baseDoc, numGroups,
    minsPtr, maxsPtr);
}

// ---------------------------------------------------------------------------------------------
// Key building: several dense id blocks (u32 per row) packed into one key per row,
// key = ((id0 * card1) + id1) * card2 + id2 ... . idPtrsPtr and cardinalitiesPtr are u32
// arrays of columnCount entries (cardinalities[0] only enters the overflow check).

/** Product of the cardinalities, or 0 when it does not fit in `limitBits` bits. */
function keySpace(columnCount: u32, cardinalitiesPtr: usize, limitBits: u32): u64 {
  let product: u64 = 1;
  for (let c: u32 = 0; c < columnCount; c++) {
    const card = <u64>load<u32>(cardinalitiesPtr + (<usize>c << 2));
    if (card == 0) return 0;
    const limit: u64 = limitBits == 64 ? u64.MAX_VALUE : (<u64>1 << limitBits) - 1;
    if (product > limit / card) return 0;
    product *= card;
  }
  return product;
}

/**
 * u32 keys for dense group-by. Returns the row count, or STATUS_BAD_ARGUMENT when there are no
 * columns or the product of the cardinalities passes 2^32 - 1.
 */
export function buildKeysU32(
  columnCount: u32, idPtrsPtr: usize, cardinalitiesPtr: usize, count: i32, outPtr: usize,
): i32 {
  if (columnCount == 0 || count < 0) return STATUS_BAD_ARGUMENT;
  if (keySpace(columnCount, cardinalitiesPtr, 32) == 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  memory.copy(outPtr, load<u32>(idPtrsPtr), n << 2);
  const bulk = n & ~(<usize>3);
  for (let c: u32 = 1; c < columnCount; c++) {
    const ids = <usize>load<u32>(idPtrsPtr + (<usize>c << 2));
    const card = load<u32>(cardinalitiesPtr + (<usize>c << 2));
    const cardv = i32x4.splat(card);
    for (let r: usize = 0; r < bulk; r += 4) {
      const p = outPtr + (r << 2);
      v128.store(p, i32x4.add(i32x4.mul(v128.load(p), cardv), v128.load(ids + (r << 2))));
    }
    for (let r = bulk; r < n; r++) {
      const p = outPtr + (r << 2);
      store<u32>(p, load<u32>(p) * card + load<u32>(ids + (r << 2)));
    }
  }
  return count;
}

/**
 * u64 keys for hash group-by. Returns the row count, or STATUS_BAD_ARGUMENT when there are no
 * columns or the product of the cardinalities passes 2^64 - 1.
 */
export function buildKeysU64(
  columnCount: u32, idPtrsPtr: usize, cardinalitiesPtr: usize, count: i32, outPtr: usize,
): i32 {
  if (columnCount == 0 || count < 0) return STATUS_BAD_ARGUMENT;
  if (keySpace(columnCount, cardinalitiesPtr, 64) == 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  const first = <usize>load<u32>(idPtrsPtr);
  for (let r: usize = 0; r < n; r++) {
    store<u64>(outPtr + (r << 3), <u64>load<u32>(first + (r << 2)));
  }
  const bulk = n & ~(<usize>1);
  for (let c: u32 = 1; c < columnCount; c++) {
    const ids = <usize>load<u32>(idPtrsPtr + (<usize>c << 2));
    const card = <u64>load<u32>(cardinalitiesPtr + (<usize>c << 2));
    const cardv = i64x2.splat(card);
    for (let r: usize = 0; r < bulk; r += 2) {
      const p = outPtr + (r << 3);
      const idv = i64x2.extend_low_i32x4_u(v128.load64_zero(ids + (r << 2)));
      v128.store(p, i64x2.add(i64x2.mul(v128.load(p), cardv), idv));
    }
    if (bulk < n) {
      const p = outPtr + (bulk << 3);
      store<u64>(p, load<u64>(p) * card + <u64>load<u32>(ids + (bulk << 2)));
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Hash group-by: an open-addressing table (u64 keys, linear probing, power-of-two capacity) in
// host memory maps each key to a group index assigned in first-seen order. Layout: header
// (HASH_HEADER_BYTES) then `capacity` slots of HASH_SLOT_BYTES.

/** murmur3's 64-bit finalizer: packed keys are far from random in their low bits. */
@inline function hashKey(key: u64): u64 {
  let h = key ^ (key >> 33);
  h *= 0xff51afd7ed558ccd;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53;
  return h ^ (h >> 33);
}

@inline function slotAddress(tablePtr: usize, slot: usize): usize {
  return tablePtr + <usize>HASH_HEADER_BYTES + slot * <usize>HASH_SLOT_BYTES;
}

@inline function fitsLoadBound(groupCount: u32, capacity: u32): bool {
  return <u64>groupCount * <u64>HASH_LOAD_DENOMINATOR <= <u64>capacity * <u64>HASH_LOAD_NUMERATOR;
}

/**
 * Empties a table of `capacity` slots (a power of two >= HASH_MIN_CAPACITY) that will refuse
 * new keys past `maxGroups` groups. Returns STATUS_OK or STATUS_BAD_ARGUMENT.
 */
export function hashTableInit(tablePtr: usize, capacity: u32, maxGroups: u32): i32 {
  if (capacity < <u32>HASH_MIN_CAPACITY || (capacity & (capacity - 1)) != 0) {
    return STATUS_BAD_ARGUMENT;
  }
  store<u32>(tablePtr, capacity);
  store<u32>(tablePtr, 0, 4);
  store<u32>(tablePtr, maxGroups, 8);
  store<u32>(tablePtr, 0, 12);
  memory.fill(slotAddress(tablePtr, 0), 0, <usize>capacity * <usize>HASH_SLOT_BYTES);
  return STATUS_OK;
}

/**
 * Maps keys[r] (u64, dense per row) to group ids (u32 at groupIdsPtr[r]), adding unseen keys
 * as groups numGroups, numGroups + 1, ... . Rows are mapped in order; the first row whose key
 * is new when the table already holds maxGroups groups stops the call with STATUS_GROUP_LIMIT,
 * and the first row whose new group would pass the load bound stops it with
 * STATUS_SCRATCH_TOO_SMALL (grow with hashTableRehash, then go on from that row). Either way
 * header.rowsMapped holds how many rows got a group id and header.numGroups the groups so far.
 * Returns the row count when every row was mapped.
 */
export function hashGroupIds(tablePtr: usize, keysPtr: usize, count: i32, groupIdsPtr: usize): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  const capacity = load<u32>(tablePtr);
  const maxGroups = load<u32>(tablePtr, 8);
  const mask = <usize>capacity - 1;
  let groupCount = load<u32>(tablePtr, 4);
  let status = count;
  let r: usize = 0;
  for (; r < n; r++) {
    const key = load<u64>(keysPtr + (r << 3));
    let slot = <usize>hashKey(key) & mask;
    let group: u32 = 0;
    while (true) {
      const address = slotAddress(tablePtr, slot);
      const stored = load<u32>(address, 8);
      if (stored == 0) {
        if (groupCount >= maxGroups) {
          status = STATUS_GROUP_LIMIT;
        } else if (!fitsLoadBound(groupCount + 1, capacity)) {
          status = STATUS_SCRATCH_TOO_SMALL;
        } else {
          store<u64>(address, key);
          groupCount++;
          store<u32>(address, groupCount, 8);
          group = groupCount;
        }
        break;
      }
      if (load<u64>(address) == key) {
        group = stored;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (group == 0) break;
    store<u32>(groupIdsPtr + (r << 2), group - 1);
  }
  store<u32>(tablePtr, groupCount, 4);
  store<u32>(tablePtr, <u32>r, 12);
  return status;
}

/**
 * Copies every group of the table at fromPtr into the (initialised, empty, larger) table at
 * toPtr, keeping group indices. Returns STATUS_OK, or STATUS_BAD_ARGUMENT when the target is
 * not empty or the groups would pass its load bound.
 */
export function hashTableRehash(fromPtr: usize, toPtr: usize): i32 {
  const fromCapacity = load<u32>(fromPtr);
  const groupCount = load<u32>(fromPtr, 4);
  const toCapacity = load<u32>(toPtr);
  if (load<u32>(toPtr, 4) != 0 || !fitsLoadBound(groupCount, toCapacity)) {
    return STATUS_BAD_ARGUMENT;
  }
  const mask = <usize>toCapacity - 1;
  for (let slot: usize = 0; slot < <usize>fromCapacity; slot++) {
    const from = slotAddress(fromPtr, slot);
    const group = load<u32>(from, 8);
    if (group == 0) continue;
    const key = load<u64>(from);
    let target = <usize>hashKey(key) & mask;
    while (load<u32>(slotAddress(toPtr, target), 8) != 0) target = (target + 1) & mask;
    store<u64>(slotAddress(toPtr, target), key);
    store<u32>(slotAddress(toPtr, target), group, 8);
  }
  store<u32>(toPtr, groupCount, 4);
  return STATUS_OK;
}

/** Writes the key of group g to keysOut[g] (u64) for every group; returns numGroups. */
export function hashTableKeys(tablePtr: usize, keysOutPtr: usize): i32 {
  const capacity = <usize>load<u32>(tablePtr);
  for (let slot: usize = 0; slot < capacity; slot++) {
    const address = slotAddress(tablePtr, slot);
    const group = load<u32>(address, 8);
    if (group != 0) store<u64>(keysOutPtr + (<usize>(group - 1) << 3), load<u64>(address));
  }
  return <i32>load<u32>(tablePtr, 4);
}

/**
 * Maps keys[r] to their group ids without adding groups: an unseen key gets `missingGroupId`
 * (the host points it at a spare slot past maxGroups, whose aggregates it drops). This is how
 * rows after STATUS_GROUP_LIMIT still count for the groups already there. Returns the row count
 * or a status.
 */
export function hashLookupGroupIds(
  tablePtr: usize, keysPtr: usize, count: i32, groupIdsPtr: usize, missingGroupId: u32,
): i32 {
  if (count < 0) return STATUS_BAD_ARGUMENT;
  const n = <usize>count;
  const mask = <usize>load<u32>(tablePtr) - 1;
  for (let r: usize = 0; r < n; r++) {
    const key = load<u64>(keysPtr + (r << 3));
    let slot = <usize>hashKey(key) & mask;
    let group = missingGroupId;
    while (true) {
      const address = slotAddress(tablePtr, slot);
      const stored = load<u32>(address, 8);
      if (stored == 0) break;
      if (load<u64>(address) == key) {
        group = stored - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
    store<u32>(groupIdsPtr + (r << 2), group);
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// COUNT + SUM of 32-bit integers for few groups, the commonest group-by: one read-modify-write
// per row instead of two. Each row adds (1 << 48) + value (sign-extended) to a packed u64 per
// group in scratch; every PACKED_CHUNK_ROWS rows the scratch is unpacked into counts and sums.
// Keys of a chunk are checked in one SIMD pass first, so the per-row loop has no bound check.
// The striped kernels keep PACKED_STRIPES copies of the scratch and send row r to copy r % 4:
// repeated keys (sorted or skewed columns) then no longer wait on the previous row's store.

/** Bit where the packed row count starts: a chunk's sums (|sum| <= 2^15 * 2^31) fit below. */
const PACKED_COUNT_SHIFT: u64 = 48;
/** Rows per chunk: 2^15 rows keep |sum| <= 2^46 and counts (<= 2^15) within 16 bits. */
const PACKED_CHUNK_ROWS: usize = 32768;
/** Most groups the packed path takes: past this, unpacking per chunk costs more than it saves. */
export const PACKED_MAX_GROUPS: i32 = 1024;
/** Scratch copies of the striped kernels: four store chains (scratchPtr, s1..s3 below). */
export const PACKED_STRIPES: i32 = 4;
/** Rows per unrolled step of the dense loop (written out below): two rows per stripe. */
const PACKED_UNROLL_ROWS: usize = 8;
/** Bytes the key validation pass reads per step: four v128 loads folded by max, one compare. */
const KEY_CHECK_STRIDE_BYTES: usize = 64;
/** Most groups of the u8-key kernel: u8 keys name at most 256, so 256 needs no key check. */
export const U8_KEY_MAX_GROUPS: i32 = 256;

/** Folds each group's stripes into counts and sums; zeroes the scratch for the next chunk. */
@inline function unpackChunk(
  numGroups: usize, scratchPtr: usize, stripeBytes: usize, countsPtr: usize, sumsPtr: usize,
): void {
  for (let k: usize = 0; k < numGroups; k++) {
    const p = scratchPtr + (k << 3);
    let packed = load<u64>(p);
    store<u64>(p, 0);
    if (stripeBytes != 0) {
      // Packed words add: the sum of all stripes is the packed word of the whole chunk.
      packed += load<u64>(p + stripeBytes) + load<u64>(p + 2 * stripeBytes)
        + load<u64>(p + 3 * stripeBytes);
      store<u64>(p + stripeBytes, 0);
      store<u64>(p + 2 * stripeBytes, 0);
      store<u64>(p + 3 * stripeBytes, 0);
    }
    if (packed == 0) continue;
    // The low bits hold the signed sum; its borrows into the count bits cancel on subtraction.
    const sum = <i64>(packed << (64 - PACKED_COUNT_SHIFT)) >> (64 - PACKED_COUNT_SHIFT);
    const rows = (packed - <u64>sum) >> PACKED_COUNT_SHIFT;
    store<u32>(countsPtr + (k << 2), load<u32>(countsPtr + (k << 2)) + <u32>rows);
    store<i64>(sumsPtr + (k << 3), load<i64>(sumsPtr + (k << 3)) + sum);
  }
}

/** Whether one 64-byte step of keys at p holds a key >= limit (a splat of numGroups). */
@inline function stepHasKeyOutOfRange<K>(p: usize, limit: v128): bool {
  if (sizeof<K>() == 1) {
    const highest = i8x16.max_u(
      i8x16.max_u(v128.load(p), v128.load(p, 16)),
      i8x16.max_u(v128.load(p, 32), v128.load(p, 48)),
    );
    return v128.any_true(i8x16.ge_u(highest, limit));
  }
  const highest = i32x4.max_u(
    i32x4.max_u(v128.load(p), v128.load(p, 16)),
    i32x4.max_u(v128.load(p, 32), v128.load(p, 48)),
  );
  return v128.any_true(i32x4.ge_u(highest, limit));
}

/** The first row in [start, end) whose key is >= numGroups, or end when all are in range. */
function firstKeyOutOfRange<K>(keysPtr: usize, start: usize, end: usize, numGroups: u32): usize {
  if (sizeof<K>() == 1 && numGroups >= <u32>U8_KEY_MAX_GROUPS) return end;
  const limit = sizeof<K>() == 1 ? i8x16.splat(<i8>numGroups) : i32x4.splat(numGroups);
  const stepRows = KEY_CHECK_STRIDE_BYTES / sizeof<K>();
  let r = start;
  for (; r + stepRows <= end; r += stepRows) {
    if (stepHasKeyOutOfRange<K>(keysPtr + r * sizeof<K>(), limit)) break;
  }
  for (; r < end; r++) {
    if (<u32>load<K>(keysPtr + r * sizeof<K>()) >= numGroups) return r;
  }
  return end;
}

/** One row's packed increment: a count of one above PACKED_COUNT_SHIFT plus the signed value. */
@inline function packedIncrement(value: i32): u64 {
  return <u64>(<i64>value + (<i64>1 << PACKED_COUNT_SHIFT));
}

/** Adds one row of key k and its value into the packed scratch stripe at stripePtr. */
@inline function addPacked(stripePtr: usize, k: u32, value: i32): void {
  const p = stripePtr + (<usize>k << 3);
  store<u64>(p, load<u64>(p) + packedIncrement(value));
}

/**
 * Adds dense rows [start, end) whose keys are in range. Pointers step so that loads use
 * constant offsets; stripeBytes 0 puts every row in one copy of the scratch.
 */
function addPackedRowsDense<K>(
  keysPtr: usize, valuesPtr: usize, start: usize, end: usize, scratchPtr: usize,
  stripeBytes: usize,
): void {
  const keyBytes = sizeof<K>();
  let keyPtr = keysPtr + start * keyBytes;
  let valuePtr = valuesPtr + (start << 2);
  const bulkEnd = keyPtr + ((end - start) & ~(PACKED_UNROLL_ROWS - 1)) * keyBytes;
  const s1 = scratchPtr + stripeBytes;
  const s2 = s1 + stripeBytes;
  const s3 = s2 + stripeBytes;
  for (; keyPtr < bulkEnd; keyPtr += 8 * keyBytes, valuePtr += 32) {
    addPacked(scratchPtr, <u32>load<K>(keyPtr), load<i32>(valuePtr));
    addPacked(s1, <u32>load<K>(keyPtr, keyBytes), load<i32>(valuePtr, 4));
    addPacked(s2, <u32>load<K>(keyPtr, 2 * keyBytes), load<i32>(valuePtr, 8));
    addPacked(s3, <u32>load<K>(keyPtr, 3 * keyBytes), load<i32>(valuePtr, 12));
    addPacked(scratchPtr, <u32>load<K>(keyPtr, 4 * keyBytes), load<i32>(valuePtr, 16));
    addPacked(s1, <u32>load<K>(keyPtr, 5 * keyBytes), load<i32>(valuePtr, 20));
    addPacked(s2, <u32>load<K>(keyPtr, 6 * keyBytes), load<i32>(valuePtr, 24));
    addPacked(s3, <u32>load<K>(keyPtr, 7 * keyBytes), load<i32>(valuePtr, 28));
  }
  const keysEnd = keysPtr + end * keyBytes;
  for (; keyPtr < keysEnd; keyPtr += keyBytes, valuePtr += 4) {
    addPacked(scratchPtr, <u32>load<K>(keyPtr), load<i32>(valuePtr));
  }
}

/** Adds selected rows [start, end) whose keys are in range: row r reads sel[r] - baseDoc. */
function addPackedRowsGather<K>(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, start: usize, end: usize, baseDoc: u32,
  scratchPtr: usize,
): void {
  for (let r = start; r < end; r++) {
    addPacked(scratchPtr, <u32>load<K>(keysPtr + r * sizeof<K>()),
      valueAt<i32>(valuesPtr, rowPos(true, selPtr, r, baseDoc)));
  }
}

function groupCountSumPacked<K>(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: usize, baseDoc: u32,
  numGroups: u32, countsPtr: usize, sumsPtr: usize, scratchPtr: usize, striped: bool,
): i32 {
  const stripeBytes: usize = striped ? <usize>numGroups << 3 : 0;
  memory.fill(scratchPtr, 0, striped ? stripeBytes * PACKED_STRIPES : <usize>numGroups << 3);
  for (let start: usize = 0; start < count; start += PACKED_CHUNK_ROWS) {
    const end = min<usize>(count, start + PACKED_CHUNK_ROWS);
    const validEnd = firstKeyOutOfRange<K>(keysPtr, start, end, numGroups);
    if (selPtr != 0) {
      addPackedRowsGather<K>(keysPtr, valuesPtr, selPtr, start, validEnd, baseDoc, scratchPtr);
    } else {
      addPackedRowsDense<K>(keysPtr, valuesPtr, start, validEnd, scratchPtr, stripeBytes);
    }
    unpackChunk(numGroups, scratchPtr, stripeBytes, countsPtr, sumsPtr);
    if (validEnd < end) return STATUS_BAD_ARGUMENT;
  }
  return <i32>count;
}

/**
 * Per-group u32 COUNT and exact i64 SUM of i32 values for at most PACKED_MAX_GROUPS groups,
 * same results as groupSumI64 with counts; scratchPtr holds numGroups * 8 bytes.
 */
export function groupCountSumI32(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32, numGroups: u32,
  countsPtr: usize, sumsPtr: usize, scratchPtr: usize,
): i32 {
  if (count < 0 || numGroups > <u32>PACKED_MAX_GROUPS) return STATUS_BAD_ARGUMENT;
  return groupCountSumPacked<u32>(keysPtr, valuesPtr, selPtr, <usize>count, baseDoc, numGroups,
    countsPtr, sumsPtr, scratchPtr, false);
}

/**
 * groupCountSumI32 with PACKED_STRIPES copies of the scratch (numGroups * 8 * PACKED_STRIPES
 * bytes): faster on dense rows, most of all when neighbouring rows share a key.
 */
export function groupCountSumI32Striped(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32, numGroups: u32,
  countsPtr: usize, sumsPtr: usize, scratchPtr: usize,
): i32 {
  if (count < 0 || numGroups > <u32>PACKED_MAX_GROUPS) return STATUS_BAD_ARGUMENT;
  return groupCountSumPacked<u32>(keysPtr, valuesPtr, selPtr, <usize>count, baseDoc, numGroups,
    countsPtr, sumsPtr, scratchPtr, true);
}

/**
 * groupCountSumI32Striped with u8 keys: keysPtr is a bit-packed forward index of width 8 (a
 * plain u8 array) advanced to the first row, so the engine skips the unpack. numGroups <= 256.
 * Keys are per row (keys[r]) with a selection too, as in every group-by kernel here.
 */
export function groupCountSumI32KeysU8(
  keysPtr: usize, valuesPtr: usize, selPtr: usize, count: i32, baseDoc: u32, numGroups: u32,
  countsPtr: usize, sumsPtr: usize, scratchPtr: usize,
): i32 {
  if (count < 0 || numGroups > <u32>U8_KEY_MAX_GROUPS) return STATUS_BAD_ARGUMENT;
  return groupCountSumPacked<u8>(keysPtr, valuesPtr, selPtr, <usize>count, baseDoc, numGroups,
    countsPtr, sumsPtr, scratchPtr, true);
}
