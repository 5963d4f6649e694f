// Plain TypeScript reference of the aggregation and group-by kernels (kernels/AGGREGATE.md).
// Same inputs as kernels/assembly/aggregate.ts, as typed arrays instead of pointers; the fuzz
// test holds the kernels to these answers bit for bit (double sums follow the same order).
import { assert } from '../../host/util/assert.js';

/** A column of values indexed by position (doc id, or dictionary id for a dictionary). */
export type ValueArray = Int32Array | BigInt64Array | Float32Array | Float64Array | Uint32Array;

/**
 * `count` rows: row r reads values[r] without a selection, values[selection[r] - baseDoc] with
 * one. A dictionary source is the dictionary as values and the dense ids as selection.
 */
export interface RowSource {
  values: ValueArray;
  count: number;
  selection?: Uint32Array;
  baseDoc?: number;
}

export interface AggStateF64 {
  count: bigint;
  sum: number;
  min: number;
  max: number;
}

export interface AggStateI64 {
  count: bigint;
  sum: bigint;
  min: bigint;
  max: bigint;
  /** The exact sum is sum + wraps * 2^64. */
  wraps: number;
}

/** Lanes of the fixed double summation order (four f64x2 accumulators). */
const SUM_LANES = 8;
/** Rows whose i32 partial sums stay exact in a double: 2^22 * 2^31 = 2^53. */
const EXACT_NUMBER_CHUNK_ROWS = 1 << 22;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

export function newStateF64(): AggStateF64 {
  return { count: 0n, sum: 0, min: Infinity, max: -Infinity };
}

export function newStateI64(): AggStateI64 {
  return { count: 0n, sum: 0n, min: I64_MAX, max: I64_MIN, wraps: 0 };
}

function positionOf(source: RowSource, row: number): number {
  if (source.selection === undefined) return row;
  return source.selection[row]! - (source.baseDoc ?? 0);
}

/** Value of a row as a double (LONG values round to nearest, as f64.convert_i64_s). */
export function valueAsNumber(source: RowSource, row: number): number {
  const value = source.values[positionOf(source, row)];
  assert(value !== undefined, `row ${row} reads inside the value column`);
  return Number(value);
}

/** Value of a row as an exact integer (integer sources only). */
export function valueAsBigInt(source: RowSource, row: number): bigint {
  const value = source.values[positionOf(source, row)];
  assert(value !== undefined, `row ${row} reads inside the value column`);
  assert(typeof value === 'bigint' || Number.isInteger(value), 'integer value source');
  return BigInt(value);
}

function isInteger32(values: ValueArray): boolean {
  return values instanceof Int32Array || values instanceof Uint32Array;
}

/** Exact sum of 32-bit integer rows: doubles in chunks that cannot round, joined as bigint. */
function exactSum32(source: RowSource): bigint {
  let total = 0n;
  for (let start = 0; start < source.count; start += EXACT_NUMBER_CHUNK_ROWS) {
    const end = Math.min(source.count, start + EXACT_NUMBER_CHUNK_ROWS);
    let chunk = 0;
    for (let row = start; row < end; row++) chunk += valueAsNumber(source, row);
    total += BigInt(chunk);
  }
  return total;
}

/** The documented double summation order: lane r % 8 over the bulk, folded, then the tail. */
export function laneSum(source: RowSource): number {
  const lanes = new Float64Array(SUM_LANES);
  const bulk = source.count - (source.count % SUM_LANES);
  for (let row = 0; row < bulk; row++) lanes[row % SUM_LANES]! += valueAsNumber(source, row);
  const [l0, l1, l2, l3, l4, l5, l6, l7] = lanes as unknown as number[];
  let total = (l0! + l2! + (l4! + l6!)) + (l1! + l3! + (l5! + l7!));
  for (let row = bulk; row < source.count; row++) total += valueAsNumber(source, row);
  return total;
}

/** COUNT, SUM (double), MIN, MAX; NaN wins min and max, as Math.min/Math.max. */
export function aggregateF64(source: RowSource, state: AggStateF64): void {
  const blockSum = isInteger32(source.values) ? Number(exactSum32(source)) : laneSum(source);
  state.count += BigInt(source.count);
  state.sum += blockSum;
  for (let row = 0; row < source.count; row++) {
    const value = valueAsNumber(source, row);
    state.min = Math.min(state.min, value);
    state.max = Math.max(state.max, value);
  }
}

/** Wraps a bigint to i64 the way wasm's i64.add does. */
export function wrapI64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** 2^64: one wrap of an i64 sum. */
const TWO_POW_64 = 1n << 64n;

/** Exact COUNT, SUM (i64 wrapped, plus the count of wraps), MIN, MAX of integer rows. */
export function aggregateI64(source: RowSource, state: AggStateI64): void {
  let blockSum = 0n;
  for (let row = 0; row < source.count; row++) {
    const value = valueAsBigInt(source, row);
    blockSum += value;
    if (value < state.min) state.min = value;
    if (value > state.max) state.max = value;
  }
  const exact = state.sum + BigInt(state.wraps) * TWO_POW_64 + blockSum;
  state.sum = wrapI64(exact);
  state.wraps = Number((exact - state.sum) / TWO_POW_64);
  state.count += BigInt(source.count);
}

/** Folds min and max of dense ids into out[0] and out[1]. */
export function idMinMax(ids: Uint32Array, count: number, out: Uint32Array): void {
  for (let row = 0; row < count; row++) {
    out[0] = Math.min(out[0]!, ids[row]!);
    out[1] = Math.max(out[1]!, ids[row]!);
  }
}

function checkKey(keys: Uint32Array, row: number, numGroups: number): number {
  const key = keys[row]!;
  assert(key < numGroups, `key ${key} of row ${row} is below numGroups ${numGroups}`);
  return key;
}

export function groupCount(keys: Uint32Array, count: number, counts: Uint32Array): void {
  for (let row = 0; row < count; row++) counts[checkKey(keys, row, counts.length)]!++;
}

/** Per-group counts (when given) and double sums, in row order per group. */
export function groupSumF64(
  keys: Uint32Array,
  source: RowSource,
  counts: Uint32Array | undefined,
  sums: Float64Array,
): void {
  for (let row = 0; row < source.count; row++) {
    const key = checkKey(keys, row, sums.length);
    if (counts !== undefined) counts[key]!++;
    sums[key]! += valueAsNumber(source, row);
  }
}

/** Per-group counts (when given) and exact i64 sums; returns whether a sum wrapped. */
export function groupSumI64(
  keys: Uint32Array,
  source: RowSource,
  counts: Uint32Array | undefined,
  sums: BigInt64Array,
): boolean {
  let overflow = false;
  for (let row = 0; row < source.count; row++) {
    const key = checkKey(keys, row, sums.length);
    if (counts !== undefined) counts[key]!++;
    const total = sums[key]! + valueAsBigInt(source, row);
    if (total !== wrapI64(total)) overflow = true;
    sums[key] = wrapI64(total);
  }
  return overflow;
}

/**
 * COUNT and exact SUM of i32 values per group, as groupCountSumI32 and its striped and u8-key
 * forms: keys may be u32 or u8 (a width-8 forward index). Stops at the first key >= the group
 * count, like the kernels, and returns the rows it added (rows before that key stay added).
 */
export function groupCountSumI32(
  keys: Uint32Array | Uint8Array,
  source: RowSource,
  counts: Uint32Array,
  sums: BigInt64Array,
): number {
  assert(source.values instanceof Int32Array, 'groupCountSumI32 sums INT values');
  for (let row = 0; row < source.count; row++) {
    const key = keys[row]!;
    if (key >= sums.length) return row;
    counts[key]!++;
    sums[key] = wrapI64(sums[key]! + valueAsBigInt(source, row));
  }
  return source.count;
}

export function groupMinMaxF64(
  keys: Uint32Array,
  source: RowSource,
  mins: Float64Array | undefined,
  maxs: Float64Array | undefined,
): void {
  const numGroups = (mins ?? maxs)?.length ?? 0;
  for (let row = 0; row < source.count; row++) {
    const key = checkKey(keys, row, numGroups);
    const value = valueAsNumber(source, row);
    if (mins !== undefined) mins[key] = Math.min(mins[key]!, value);
    if (maxs !== undefined) maxs[key] = Math.max(maxs[key]!, value);
  }
}

export function groupMinMaxI64(
  keys: Uint32Array,
  source: RowSource,
  mins: BigInt64Array | undefined,
  maxs: BigInt64Array | undefined,
): void {
  const numGroups = (mins ?? maxs)?.length ?? 0;
  for (let row = 0; row < source.count; row++) {
    const key = checkKey(keys, row, numGroups);
    const value = valueAsBigInt(source, row);
    if (mins !== undefined && value < mins[key]!) mins[key] = value;
    if (maxs !== undefined && value > maxs[key]!) maxs[key] = value;
  }
}

/** Packed keys ((id0 * card1) + id1) * card2 + ... as exact bigints. */
export function packedKeys(
  idBlocks: readonly Uint32Array[],
  cardinalities: readonly number[],
  count: number,
): bigint[] {
  assert(idBlocks.length === cardinalities.length, 'one cardinality per id block');
  const keys: bigint[] = [];
  for (let row = 0; row < count; row++) {
    let key = 0n;
    for (let column = 0; column < idBlocks.length; column++) {
      const id = idBlocks[column]![row]!;
      assert(id < cardinalities[column]!, `id ${id} is below its cardinality`);
      key = key * BigInt(cardinalities[column]!) + BigInt(id);
    }
    keys.push(key);
  }
  return keys;
}

export function buildKeysU32(
  idBlocks: readonly Uint32Array[],
  cardinalities: readonly number[],
  count: number,
): Uint32Array {
  return Uint32Array.from(packedKeys(idBlocks, cardinalities, count), (key) => Number(key));
}

export function buildKeysU64(
  idBlocks: readonly Uint32Array[],
  cardinalities: readonly number[],
  count: number,
): BigUint64Array {
  return BigUint64Array.from(packedKeys(idBlocks, cardinalities, count));
}

/** What hashGroupIds reports: rows that got a group id, and whether the limit stopped it. */
export interface GroupIdsResult {
  rowsMapped: number;
  limitReached: boolean;
}

/** Group ids in first-seen order with a group limit, as the hash kernel (capacity aside). */
export class ReferenceGroupIds {
  private readonly groupOf = new Map<bigint, number>();
  private readonly keyOf: bigint[] = [];

  constructor(private readonly maxGroups: number) {}

  get numGroups(): number {
    return this.keyOf.length;
  }

  /** Maps rows in order; stops at the first new key once maxGroups groups exist. */
  assign(keys: BigUint64Array, count: number, groupIds: Uint32Array): GroupIdsResult {
    for (let row = 0; row < count; row++) {
      const key = keys[row]!;
      let group = this.groupOf.get(key);
      if (group === undefined) {
        if (this.keyOf.length >= this.maxGroups) return { rowsMapped: row, limitReached: true };
        group = this.keyOf.length;
        this.groupOf.set(key, group);
        this.keyOf.push(key);
      }
      groupIds[row] = group;
    }
    return { rowsMapped: count, limitReached: false };
  }

  /** Existing group ids only; unseen keys get missingGroupId. */
  lookup(keys: BigUint64Array, count: number, groupIds: Uint32Array, missingGroupId: number): void {
    for (let row = 0; row < count; row++) {
      groupIds[row] = this.groupOf.get(keys[row]!) ?? missingGroupId;
    }
  }

  /** Key of each group, by group index. */
  keys(): readonly bigint[] {
    return this.keyOf;
  }
}
