// Plain TypeScript reference of the filtered scans (kernels/assembly/scan.ts): predicates over
// bit-packed dictionary ids and over raw numeric columns, into a bitset, a selection vector or
// a count. Output semantics are in kernels/BITPACK.md ("Scan outputs"); the kernels must match
// these functions bit for bit.
import { assert } from '../../host/util/assert.js';
import { unpackOne } from './bitpack.js';

/** Where a scan puts its matches; the numbers are the kernels' `output` argument. */
export const ScanOutput = {
  /** u32 words, bit d % 32 of word d >> 5 is doc d; bits outside the range are kept. */
  BITSET: 0,
  /** Ascending u32 doc ids of the matches. */
  SELECTION: 1,
  /** Only the number of matches. */
  COUNT: 2,
} as const;
export type ScanOutputMode = (typeof ScanOutput)[keyof typeof ScanOutput];

/** A predicate over dictionary ids; ranges are inclusive at both ends. */
export type IdPredicate =
  | { kind: 'eq'; id: number }
  | { kind: 'neq'; id: number }
  | { kind: 'range'; loId: number; hiId: number }
  | {
      kind: 'inSet';
      /** A bitset over ids: bit id % 32 of word id >> 5; ids >= idCount never match. */
      idSet: Uint32Array;
      idCount: number;
    };

/** A predicate over raw values; `value`, `lo` and `hi` are bigint for LONG columns. */
export type RawPredicate =
  | { kind: 'eq'; value: number | bigint }
  | { kind: 'neq'; value: number | bigint }
  | {
      kind: 'range';
      lo: number | bigint;
      hi: number | bigint;
      loInclusive: boolean;
      hiInclusive: boolean;
      /** Match the values outside the range instead (NaN is outside every range). */
      negate?: boolean;
    };

export type NumericColumn = Int32Array | BigInt64Array | Float32Array | Float64Array;

function idMatcher(predicate: IdPredicate): (id: number) => boolean {
  switch (predicate.kind) {
    case 'eq':
      return (id) => id === predicate.id;
    case 'neq':
      return (id) => id !== predicate.id;
    case 'range':
      return (id) => id >= predicate.loId && id <= predicate.hiId;
    case 'inSet':
      return (id) =>
        id < predicate.idCount && ((predicate.idSet[id >>> 5]! >>> (id & 31)) & 1) === 1;
  }
}

/** Writes one doc's outcome; returns the new match count. */
function emit(
  output: ScanOutputMode,
  out: Uint32Array | undefined,
  doc: number,
  matches: boolean,
  count: number,
): number {
  if (output === ScanOutput.BITSET) {
    const word = doc >>> 5;
    const bit = 1 << (doc & 31);
    out![word] = matches ? out![word]! | bit : out![word]! & ~bit;
  } else if (output === ScanOutput.SELECTION && matches) {
    out![count] = doc;
  }
  return matches ? count + 1 : count;
}

function checkRange(startDoc: number, endDoc: number, output: ScanOutputMode, out?: Uint32Array) {
  assert(Number.isInteger(startDoc) && startDoc >= 0, `start doc ${startDoc}`);
  assert(Number.isInteger(endDoc) && endDoc >= startDoc, `end doc ${endDoc} >= ${startDoc}`);
  if (output === ScanOutput.BITSET) {
    assert(out !== undefined && out.length * 32 >= endDoc, 'bitset covers the range');
  } else if (output === ScanOutput.SELECTION) {
    assert(out !== undefined && out.length >= endDoc - startDoc, 'selection holds the range');
  }
}

/** Scans ids of docs [startDoc, endDoc) of a packed column; returns the match count. */
export function scanIds(
  packed: Uint8Array,
  bitWidth: number,
  startDoc: number,
  endDoc: number,
  predicate: IdPredicate,
  output: ScanOutputMode,
  out?: Uint32Array,
): number {
  checkRange(startDoc, endDoc, output, out);
  const matches = idMatcher(predicate);
  let count = 0;
  for (let doc = startDoc; doc < endDoc; doc++) {
    count = emit(output, out, doc, matches(unpackOne(packed, bitWidth, doc)), count);
  }
  return count;
}

function rawMatcher(
  predicate: RawPredicate,
  isFloat32: boolean,
): (value: number | bigint) => boolean {
  // A FLOAT column compares against its bounds rounded to f32, as the kernel receives them.
  const bound = (b: number | bigint): number | bigint =>
    isFloat32 && typeof b === 'number' ? Math.fround(b) : b;
  switch (predicate.kind) {
    case 'eq': {
      const value = bound(predicate.value);
      return (v) => v === value;
    }
    case 'neq': {
      const value = bound(predicate.value);
      return (v) => !(v === value);
    }
    case 'range': {
      const lo = bound(predicate.lo);
      const hi = bound(predicate.hi);
      const { loInclusive, hiInclusive } = predicate;
      const negate = predicate.negate ?? false;
      return (v) =>
        ((loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi)) !== negate;
    }
  }
}

/** Scans raw values of docs [startDoc, endDoc) of a numeric column; returns the match count. */
export function scanRaw(
  column: NumericColumn,
  startDoc: number,
  endDoc: number,
  predicate: RawPredicate,
  output: ScanOutputMode,
  out?: Uint32Array,
): number {
  checkRange(startDoc, endDoc, output, out);
  assert(endDoc <= column.length, `end doc ${endDoc} within the column of ${column.length}`);
  const matches = rawMatcher(predicate, column instanceof Float32Array);
  let count = 0;
  for (let doc = startDoc; doc < endDoc; doc++) {
    count = emit(output, out, doc, matches(column[doc]!), count);
  }
  return count;
}

/** A double aggregation state (kernels/AGGREGATE.md): count, sum, min, max. */
export interface ScanAggregateState {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** The value column of a fused scan: values[doc], or values[id] of the doc's packed id. */
export interface ScanAggregateValues {
  /** INT, LONG, FLOAT, DOUBLE or u32 values (per doc, or per dictionary id). */
  readonly values: NumericColumn | Uint32Array;
  /** A dictionary column's packed ids and their width; undefined for a raw column. */
  readonly ids?: { readonly packed: Uint8Array; readonly bitWidth: number };
}

/** Compare-select as the engine's row path: a NaN never wins; of equal values the first stays. */
function smaller<T extends number | bigint>(value: T, current: T): T {
  return value < current ? value : current;
}

function larger<T extends number | bigint>(value: T, current: T): T {
  return value > current ? value : current;
}

/**
 * scanIdsAggregateF64: COUNT/SUM/MIN/MAX of the docs in [startDoc, endDoc) whose packed id
 * passes `predicate` (range or inSet), folded into `state` with the row path's rules: INT and
 * u32 values sum exactly, then the sum is added to state.sum as a double; LONG and floats are
 * added to state.sum one doc at a time in doc order; MIN/MAX by compare-select, and only when
 * `withMinMax`. Returns the number of matches; with none, `state` is left as it was.
 */
export function scanIdsAggregate(
  packed: Uint8Array,
  bitWidth: number,
  startDoc: number,
  endDoc: number,
  predicate: IdPredicate & { kind: 'range' | 'inSet' },
  source: ScanAggregateValues,
  withMinMax: boolean,
  state: ScanAggregateState,
): number {
  checkRange(startDoc, endDoc, ScanOutput.COUNT);
  const matches = idMatcher(predicate);
  const { values, ids } = source;
  const isInt32 = values instanceof Int32Array || values instanceof Uint32Array;
  const isLong = values instanceof BigInt64Array;
  let count = 0;
  let exactSum = 0n;
  let sum = state.sum;
  let minInt = 0n;
  let maxInt = 0n;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let doc = startDoc; doc < endDoc; doc++) {
    if (!matches(unpackOne(packed, bitWidth, doc))) continue;
    const value = values[ids === undefined ? doc : unpackOne(ids.packed, ids.bitWidth, doc)]!;
    if (isInt32 || isLong) {
      const big = BigInt(value);
      if (isInt32) exactSum += big;
      else sum += Number(big);
      minInt = count === 0 ? big : smaller(big, minInt);
      maxInt = count === 0 ? big : larger(big, maxInt);
    } else {
      sum += value as number;
      min = smaller(value as number, min);
      max = larger(value as number, max);
    }
    count++;
  }
  if (count === 0) return 0;
  if (isInt32 || isLong) [min, max] = [Number(minInt), Number(maxInt)];
  state.count += count;
  state.sum = isInt32 ? state.sum + Number(exactSum) : sum;
  if (!withMinMax) return count;
  state.min = smaller(min, state.min);
  state.max = larger(max, state.max);
  return count;
}
