// Plain TypeScript reference of the dictionary kernels (kernels/assembly/dictionary.ts). The
// segment writer encodes dictionaries with it; the fuzz tests compare the wasm kernels against it
// byte for byte. Layouts and ordering rules: kernels/DICTIONARY.md.
import { assert } from '../../host/util/assert.js';

/** The stored types a dictionary holds (Pinot's stored types). */
export type DictionaryType = 'INT' | 'LONG' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BYTES';

/** Values to build a fixed-width dictionary from, in their natural typed array. */
export type FixedValues = Int32Array | BigInt64Array | Float32Array | Float64Array;

/** A lookup or predicate operand: number (INT, FLOAT, DOUBLE), bigint (LONG), bytes or string. */
export type DictionaryValue = number | bigint | Uint8Array | string;

/** An encoded dictionary: sorted unique values in the layout of kernels/DICTIONARY.md. */
export interface EncodedDictionary {
  readonly type: DictionaryType;
  /** Fixed width: the values packed little-endian. Variable width: offsets, then bytes. */
  readonly bytes: Uint8Array;
  readonly cardinality: number;
}

export interface BuiltDictionary extends EncodedDictionary {
  /** For every input value, its id (0..cardinality-1 in sorted order). */
  readonly ids: Uint32Array;
}

/** Operator codes shared with the kernels (dictRange* take them as `op`). */
export const RangeOp = { EQ: 0, LT: 1, LE: 2, GT: 3, GE: 4, BETWEEN: 5 } as const;
export type RangeOpCode = (typeof RangeOp)[keyof typeof RangeOp];

/** A half-open id range [loId, hiId); empty when hiId === loId (never hiId < loId). */
export interface IdRange {
  readonly loId: number;
  readonly hiId: number;
}

/** Bytes per value of each fixed-width type. */
export const FIXED_WIDTH_BYTES: Readonly<Record<DictionaryType, number>> = {
  INT: 4, LONG: 8, FLOAT: 4, DOUBLE: 8, STRING: 0, BYTES: 0,
};
/** Each offset of the variable-width layout is a u32. */
const OFFSET_BYTES = 4;
/** The single NaN every FLOAT NaN becomes (the canonical quiet NaN); it sorts last. */
export const CANONICAL_NAN_F32_BITS = 0x7fc00000;
/** The single NaN every DOUBLE NaN becomes (the canonical quiet NaN); it sorts last. */
export const CANONICAL_NAN_F64_BITS = 0x7ff8000000000000n;
/** Flipping the sign bit turns two's complement order into unsigned order (32 bits). */
const SIGN_32 = 0x80000000;
/** Flipping the sign bit turns two's complement order into unsigned order (64 bits). */
const SIGN_64 = 0x8000000000000000n;
/** All 64 bits set, to complement a 64-bit key. */
const MASK_64 = 0xffffffffffffffffn;

/** Histograms of the kernels' radix sort: 8 bytes of key × 256 buckets × u32. */
const RADIX_HISTOGRAM_BYTES = 8 * 256 * 4;

/**
 * Scratch bytes the build kernels need for n values: (key|index) pairs double-buffered plus
 * histograms for fixed width, two u32 index arrays for variable width (DICTIONARY.md).
 */
export function dictionaryBuildScratchBytes(type: DictionaryType, n: number): number {
  if (isVariableWidth(type)) return 8 * n;
  return (FIXED_WIDTH_BYTES[type] === 8 ? 24 : 16) * n + RADIX_HISTOGRAM_BYTES;
}

/** Output bytes a build of these n values can need at most (every value distinct). */
export function dictionaryBuildMaxBytes(type: DictionaryType, n: number, inputBytes = 0): number {
  return isVariableWidth(type) ? inputBytes : FIXED_WIDTH_BYTES[type] * n;
}

export function isVariableWidth(type: DictionaryType): boolean {
  return type === 'STRING' || type === 'BYTES';
}

// ---- order keys: an unsigned integer per value whose order is the dictionary order ----------

/** Reused to read a float's bits without allocating per value. */
const floatBits = new DataView(new ArrayBuffer(8));

/** Sign-flip key of an f32 bit pattern after -0 → +0 and NaN → canonical NaN. */
function floatKey32(value: number): number {
  if (Number.isNaN(value)) return (CANONICAL_NAN_F32_BITS | SIGN_32) >>> 0;
  floatBits.setFloat32(0, value === 0 ? 0 : value, true);
  const bits = floatBits.getUint32(0, true);
  return (bits & SIGN_32) !== 0 ? ~bits >>> 0 : (bits | SIGN_32) >>> 0;
}

function floatKey64(value: number): bigint {
  if (Number.isNaN(value)) return CANONICAL_NAN_F64_BITS | SIGN_64;
  floatBits.setFloat64(0, value === 0 ? 0 : value, true);
  const bits = floatBits.getBigUint64(0, true);
  return (bits & SIGN_64) !== 0n ? ~bits & MASK_64 : bits | SIGN_64;
}

/** The order key of a fixed-width value: number for 32-bit types, bigint for 64-bit ones. */
export function orderKey(type: DictionaryType, value: number | bigint): number | bigint {
  switch (type) {
    case 'INT':
      assert(typeof value === 'number' && (value | 0) === value, `INT value ${value}`);
      return (value ^ SIGN_32) >>> 0;
    case 'LONG':
      assert(typeof value === 'bigint', `LONG value ${value} is a bigint`);
      return BigInt.asUintN(64, value) ^ SIGN_64;
    case 'FLOAT':
      assert(typeof value === 'number', `FLOAT value ${value} is a number`);
      return floatKey32(value);
    case 'DOUBLE':
      assert(typeof value === 'number', `DOUBLE value ${value} is a number`);
      return floatKey64(value);
    default:
      throw new RangeError(`orderKey of variable-width type ${type}`);
  }
}

/** Writes the value whose order key is `key` at `byteOffset` (the inverse of orderKey). */
function writeKey(type: DictionaryType, view: DataView, byteOffset: number, key: number | bigint) {
  if (type === 'INT') view.setInt32(byteOffset, (key as number) ^ SIGN_32, true);
  else if (type === 'LONG') view.setBigUint64(byteOffset, (key as bigint) ^ SIGN_64, true);
  else if (type === 'FLOAT') {
    const k = key as number;
    view.setUint32(byteOffset, (k & SIGN_32) !== 0 ? (k ^ SIGN_32) >>> 0 : ~k >>> 0, true);
  } else {
    const k = key as bigint;
    view.setBigUint64(byteOffset, (k & SIGN_64) !== 0n ? k ^ SIGN_64 : ~k & MASK_64, true);
  }
}

function readKey(type: DictionaryType, view: DataView, id: number): number | bigint {
  switch (type) {
    case 'INT': return orderKey(type, view.getInt32(id * 4, true));
    case 'LONG': return orderKey(type, view.getBigInt64(id * 8, true));
    case 'FLOAT': return orderKey(type, view.getFloat32(id * 4, true));
    default: return orderKey(type, view.getFloat64(id * 8, true));
  }
}

// ---- bytes ------------------------------------------------------------------------------------

/** Unsigned lexicographic order; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

/** Encodes values in the variable-width layout (offsets[count+1], then bytes), in given order. */
export function encodeVariableWidth(values: readonly Uint8Array[]): Uint8Array {
  let dataBytes = 0;
  for (const value of values) dataBytes += value.length;
  const headerBytes = (values.length + 1) * OFFSET_BYTES;
  const out = new Uint8Array(headerBytes + dataBytes);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (let i = 0; i < values.length; i++) {
    view.setUint32(i * OFFSET_BYTES, offset, true);
    out.set(values[i]!, headerBytes + offset);
    offset += values[i]!.length;
  }
  view.setUint32(values.length * OFFSET_BYTES, offset, true);
  return out;
}

/** The byte range [start, end) of value `id` inside a variable-width encoding of `count`. */
export function variableWidthRange(bytes: Uint8Array, count: number, id: number): [number, number] {
  assert(id >= 0 && id < count, `id ${id} within [0, ${count})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = (count + 1) * OFFSET_BYTES;
  return [
    headerBytes + view.getUint32(id * OFFSET_BYTES, true),
    headerBytes + view.getUint32((id + 1) * OFFSET_BYTES, true),
  ];
}

export function decodeVariableWidth(bytes: Uint8Array, count: number): Uint8Array[] {
  const values: Uint8Array[] = [];
  for (let id = 0; id < count; id++) {
    const [start, end] = variableWidthRange(bytes, count, id);
    values.push(bytes.subarray(start, end));
  }
  return values;
}

const utf8 = new TextEncoder();

function asBytes(value: DictionaryValue): Uint8Array {
  if (typeof value === 'string') return utf8.encode(value);
  assert(value instanceof Uint8Array, `variable-width operand is bytes or a string`);
  return value;
}

// ---- build -------------------------------------------------------------------------------------

/** First index in sorted `keys[0, length)` whose key is >= `key`. */
function lowerBound<K>(keys: ArrayLike<K>, length: number, key: K): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function buildFixed(type: DictionaryType, values: FixedValues): BuiltDictionary {
  const n = values.length;
  const wide = FIXED_WIDTH_BYTES[type] === 8;
  const keys = wide ? new BigUint64Array(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = orderKey(type, values[i]!) as never;
  const sorted = keys.slice().sort();
  let cardinality = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[cardinality++] = sorted[i]!;
  }
  const width = FIXED_WIDTH_BYTES[type];
  const bytes = new Uint8Array(cardinality * width);
  const view = new DataView(bytes.buffer);
  for (let id = 0; id < cardinality; id++) writeKey(type, view, id * width, sorted[id]!);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = lowerBound<number | bigint>(sorted, cardinality, keys[i]!);
  return { type, bytes, cardinality, ids };
}

function buildVariable(type: DictionaryType, values: readonly Uint8Array[]): BuiltDictionary {
  const order = Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => compareBytes(values[a]!, values[b]!));
  const unique: Uint8Array[] = [];
  const ids = new Uint32Array(values.length);
  for (const index of order) {
    const value = values[index]!;
    const last = unique[unique.length - 1];
    if (last === undefined || compareBytes(last, value) !== 0) unique.push(value);
    ids[index] = unique.length - 1;
  }
  return { type, bytes: encodeVariableWidth(unique), cardinality: unique.length, ids };
}

/**
 * Builds the sorted unique dictionary of `values` and the id of every value. Fixed-width types
 * take their typed array (INT: Int32Array, LONG: BigInt64Array, FLOAT: Float32Array, DOUBLE:
 * Float64Array); STRING and BYTES take one Uint8Array per value (STRING: UTF-8).
 */
export function buildDictionary(
  type: DictionaryType,
  values: FixedValues | readonly Uint8Array[],
): BuiltDictionary {
  if (isVariableWidth(type)) {
    assert(Array.isArray(values), `${type} values are an array of Uint8Array`);
    return buildVariable(type, values as readonly Uint8Array[]);
  }
  assert(ArrayBuffer.isView(values), `${type} values are a typed array`);
  return buildFixed(type, values as FixedValues);
}

/** Builds a STRING dictionary from JS strings (UTF-8 encoded, ordered by their bytes). */
export function buildStringDictionary(values: readonly string[]): BuiltDictionary {
  return buildVariable('STRING', values.map((value) => utf8.encode(value)));
}

/** Builds a dictionary from scalar row values of one stored type (the segment writer's input). */
export function buildDictionaryFromScalars(
  type: DictionaryType,
  values: readonly DictionaryValue[],
): BuiltDictionary {
  switch (type) {
    case 'INT': return buildFixed(type, Int32Array.from(values as number[]));
    case 'LONG': return buildFixed(type, BigInt64Array.from(values as bigint[]));
    case 'FLOAT': return buildFixed(type, Float32Array.from(values as number[]));
    case 'DOUBLE': return buildFixed(type, Float64Array.from(values as number[]));
    default: return buildVariable(type, values.map(asBytes));
  }
}

// ---- lookup ------------------------------------------------------------------------------------

/** Where `value` sits: its id when present, else -(insertion point) - 1 (binary search). */
export function dictionaryLookup(dictionary: EncodedDictionary, value: DictionaryValue): number {
  const { type, bytes, cardinality } = dictionary;
  let lo = 0;
  let hi = cardinality - 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const variable = isVariableWidth(type);
  const probe = variable ? asBytes(value) : undefined;
  const key = variable ? 0 : orderKey(type, value as number | bigint);
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    let cmp: number;
    if (probe !== undefined) {
      const [start, end] = variableWidthRange(bytes, cardinality, mid);
      cmp = compareBytes(bytes.subarray(start, end), probe);
    } else {
      const midKey = readKey(type, view, mid);
      cmp = midKey < key ? -1 : midKey > key ? 1 : 0;
    }
    if (cmp < 0) lo = mid + 1;
    else if (cmp > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** dictionaryLookup of every value; absent values get -(insertion point) - 1. */
export function dictionaryLookupBatch(
  dictionary: EncodedDictionary,
  values: readonly DictionaryValue[] | FixedValues,
): Int32Array {
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) ids[i] = dictionaryLookup(dictionary, values[i]!);
  return ids;
}

/** The value of `id`: number (INT, FLOAT, DOUBLE), bigint (LONG) or a view of its bytes. */
export function dictionaryValue(
  dictionary: EncodedDictionary,
  id: number,
): number | bigint | Uint8Array {
  const { type, bytes, cardinality } = dictionary;
  assert(Number.isInteger(id) && id >= 0 && id < cardinality, `id ${id} in [0, ${cardinality})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type) {
    case 'INT': return view.getInt32(id * 4, true);
    case 'LONG': return view.getBigInt64(id * 8, true);
    case 'FLOAT': return view.getFloat32(id * 4, true);
    case 'DOUBLE': return view.getFloat64(id * 8, true);
    default: {
      const [start, end] = variableWidthRange(bytes, cardinality, id);
      return bytes.subarray(start, end);
    }
  }
}

// ---- predicates --------------------------------------------------------------------------------

/** First id whose value is >= `value`. */
function lowerBoundId(dictionary: EncodedDictionary, value: DictionaryValue): number {
  const found = dictionaryLookup(dictionary, value);
  return found >= 0 ? found : -found - 1;
}

/** First id whose value is > `value`. */
function upperBoundId(dictionary: EncodedDictionary, value: DictionaryValue): number {
  const found = dictionaryLookup(dictionary, value);
  return found >= 0 ? found + 1 : -found - 1;
}

/**
 * The ids matching `column <op> value` (BETWEEN: value <= column <= upper, inclusive) as a
 * half-open range. `upper` is only read for BETWEEN.
 */
export function dictionaryIdRange(
  dictionary: EncodedDictionary,
  op: RangeOpCode,
  value: DictionaryValue,
  upper?: DictionaryValue,
): IdRange {
  const count = dictionary.cardinality;
  let loId: number;
  let hiId: number;
  switch (op) {
    case RangeOp.EQ:
      loId = lowerBoundId(dictionary, value);
      hiId = upperBoundId(dictionary, value);
      break;
    case RangeOp.LT: loId = 0; hiId = lowerBoundId(dictionary, value); break;
    case RangeOp.LE: loId = 0; hiId = upperBoundId(dictionary, value); break;
    case RangeOp.GT: loId = upperBoundId(dictionary, value); hiId = count; break;
    case RangeOp.GE: loId = lowerBoundId(dictionary, value); hiId = count; break;
    case RangeOp.BETWEEN:
      assert(upper !== undefined, 'BETWEEN has an upper bound');
      loId = lowerBoundId(dictionary, value);
      hiId = upperBoundId(dictionary, upper);
      break;
    default: throw new RangeError(`unknown range operator ${String(op)}`);
  }
  return { loId, hiId: Math.max(loId, hiId) };
}

/** u32 words of a bitset over `cardinality` ids (bit id%32 of word id>>5). */
export function idSetWordCount(cardinality: number): number {
  return Math.ceil(cardinality / 32);
}

/**
 * IN (negate = false) or NOT IN (negate = true): a bitset over ids, bit id%32 of word id>>5.
 * Bits past `cardinality` stay clear. Values absent from the dictionary match no id.
 */
export function dictionaryIdSet(
  dictionary: EncodedDictionary,
  values: readonly DictionaryValue[] | FixedValues,
  negate: boolean,
): Uint32Array {
  const count = dictionary.cardinality;
  const words = new Uint32Array(idSetWordCount(count));
  if (negate) {
    words.fill(0xffffffff);
    if (count % 32 !== 0) words[words.length - 1] = (1 << count % 32) - 1;
  }
  for (let i = 0; i < values.length; i++) {
    const id = dictionaryLookup(dictionary, values[i]!);
    if (id < 0) continue;
    if (negate) words[id >>> 5]! &= ~(1 << (id & 31));
    else words[id >>> 5]! |= 1 << (id & 31);
  }
  return words;
}
