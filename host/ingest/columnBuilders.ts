// Column builders for columnar ingestion: one column of one segment, filled doc by doc and
// handed to the segment builder as ColumnInput. Text and integer columns are dictionary-encoded
// as they fill (the builder then sorts only the distinct values), with the byte-level lookup
// keyed by the input's own bytes so that a repeated value costs neither a string nor a BigInt.
import type { FieldSpec, ScalarValue, Value } from '../config/types.js';
import type { ColumnInput } from '../../segments/spi/builder.js';
import { assert } from '../util/assert.js';

/** Docs a column starts with room for; it doubles from there. */
const INITIAL_DOC_CAPACITY = 1 << 16;
/** Hash slots a dictionary starts with (a power of two); it doubles at half full. */
const INITIAL_SLOT_COUNT = 1 << 10;
/** Bytes of distinct text a string dictionary keeps for its lookup before growing. */
const INITIAL_POOL_BYTES = 1 << 16;
/** FNV-1a's 32-bit offset basis and prime: a cheap byte hash that spreads short keys well. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** MurmurHash3's 32-bit finaliser constants: every input bit reaches every output bit. */
const MIX_1 = 0x85ebca6b;
const MIX_2 = 0xc2b2ae35;
/** 2^32: the high half of an integer kept in a double. */
const TWO_POW_32 = 4294967296;

/** A growable Uint32Array. */
class U32List {
  array: Uint32Array;
  length = 0;
  constructor(capacity: number) {
    this.array = new Uint32Array(capacity);
  }
  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = new Uint32Array(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }
  /** The filled part, copied into an array of its own size. */
  take(): Uint32Array {
    return this.array.slice(0, this.length);
  }
}

export interface ColumnBuilder {
  readonly field: FieldSpec;
  /** Appends a prepared value (null: the field's default, remembered as a null doc). */
  addValue(value: Value): void;
  /** The column of the docs added so far. */
  finish(): ColumnInput;
}

/** Docs by their value's id among the distinct values (first-seen order), plus the null docs. */
abstract class DictionaryColumn implements ColumnBuilder {
  protected readonly ids = new U32List(INITIAL_DOC_CAPACITY);
  private readonly nullDocs = new U32List(INITIAL_SLOT_COUNT);

  constructor(readonly field: FieldSpec) {
    assert(field.singleValueField, `column ${field.name} is single-value`);
  }

  /** The id of a prepared (non-null) value, added to the dictionary if new. */
  protected abstract idOfValue(value: ScalarValue): number;

  /** The distinct values by id. */
  protected abstract distinctValues(): ScalarValue[];

  addValue(value: Value): void {
    if (value === null) {
      this.nullDocs.push(this.ids.length);
      this.ids.push(this.idOfValue(this.field.defaultNullValue));
      return;
    }
    assert(!Array.isArray(value), `column ${this.field.name} is single-value`);
    this.ids.push(this.idOfValue(value as ScalarValue));
  }

  finish(): ColumnInput {
    return {
      kind: 'dictionaryEncoded',
      values: this.distinctValues(),
      dictIds: this.ids.take(),
      nullDocIds: this.nullDocs.take(),
    };
  }
}

/** An open-addressing table of ids (stored + 1; 0 is an empty slot). */
function emptySlots(count: number): Int32Array {
  assert((count & (count - 1)) === 0, 'slot counts are powers of two');
  return new Int32Array(count);
}

/** STRING: looked up by the value's UTF-8 bytes, decoded once per distinct value. */
export class StringColumn extends DictionaryColumn {
  private slots = emptySlots(INITIAL_SLOT_COUNT);
  private entryCount = 0;
  /** Per byte-keyed entry: its hash, its bytes in `pool`, its id. */
  private entryHashes = new Int32Array(INITIAL_SLOT_COUNT);
  private entryStarts = new Int32Array(INITIAL_SLOT_COUNT + 1);
  private entryIds = new Int32Array(INITIAL_SLOT_COUNT);
  private pool = Buffer.allocUnsafe(INITIAL_POOL_BYTES);
  private readonly idByText = new Map<string, number>();
  private readonly values: string[] = [];

  protected distinctValues(): ScalarValue[] {
    return this.values;
  }

  protected idOfValue(value: ScalarValue): number {
    assert(typeof value === 'string', `column ${this.field.name} holds text`);
    return this.idOfText(value);
  }

  private idOfText(text: string): number {
    let id = this.idByText.get(text);
    if (id === undefined) {
      id = this.values.push(text) - 1;
      this.idByText.set(text, id);
    }
    return id;
  }

  /**
   * Appends the value whose UTF-8 bytes are `bytes[start, end)`; false, adding nothing, when
   * they hold a NUL or `stopByte` (a value that sanitising or splitting would change). One
   * pass both hashes and checks.
   */
  addBytes(bytes: Buffer, start: number, end: number, stopByte: number): boolean {
    let hash = FNV_OFFSET;
    for (let at = start; at < end; at++) {
      const code = bytes[at]!;
      if (code === 0 || code === stopByte) return false;
      hash = Math.imul(hash ^ code, FNV_PRIME);
    }
    hash = finalMix(hash);
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry === -1) {
        const id = this.idOfText(bytes.toString('utf8', start, end));
        this.addEntry(slot, hash, bytes, start, end, id);
        this.ids.push(id);
        return true;
      }
      if (this.entryHashes[entry] === hash && this.entryEquals(entry, bytes, start, length)) {
        this.ids.push(this.entryIds[entry]!);
        return true;
      }
    }
  }

  /** Byte by byte: Buffer.compare's call into C++ costs more than a short key's loop. */
  private entryEquals(entry: number, bytes: Buffer, start: number, length: number): boolean {
    const entryStart = this.entryStarts[entry]!;
    if (this.entryStarts[entry + 1]! - entryStart !== length) return false;
    const pool = this.pool;
    for (let offset = 0; offset < length; offset++) {
      if (pool[entryStart + offset] !== bytes[start + offset]) return false;
    }
    return true;
  }

  private addEntry(slot: number, hash: number, bytes: Buffer, start: number, end: number,
    id: number): void {
    const entry = this.entryCount++;
    if (entry === this.entryHashes.length) this.growEntries();
    const poolStart = this.entryStarts[entry]!;
    const poolEnd = poolStart + end - start;
    if (poolEnd > this.pool.length) {
      const grown = Buffer.allocUnsafe(Math.max(poolEnd, this.pool.length * 2));
      this.pool.copy(grown, 0, 0, poolStart);
      this.pool = grown;
    }
    bytes.copy(this.pool, poolStart, start, end);
    this.entryHashes[entry] = hash;
    this.entryStarts[entry + 1] = poolEnd;
    this.entryIds[entry] = id;
    this.slots[slot] = entry + 1;
    if (this.entryCount * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const capacity = this.entryHashes.length * 2;
    const grow = (old: Int32Array, size: number): Int32Array<ArrayBuffer> => {
      const fresh = new Int32Array(size);
      fresh.set(old);
      return fresh;
    };
    this.entryHashes = grow(this.entryHashes, capacity);
    this.entryStarts = grow(this.entryStarts, capacity + 1);
    this.entryIds = grow(this.entryIds, capacity);
  }

  private rehash(): void {
    const slots = emptySlots(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.entryCount; entry++) {
      let slot = this.entryHashes[entry]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

/** MurmurHash3's finaliser: FNV's low bits depend only on the bytes' low bits; mix them all. */
function finalMix(value: number): number {
  let hash = Math.imul(value ^ (value >>> 16), MIX_1);
  hash = Math.imul(hash ^ (hash >>> 13), MIX_2);
  return hash ^ (hash >>> 16);
}

/** Spreads an integer-valued double over 32 bits (both halves count: ids reach past 2^32). */
function integerHash(value: number): number {
  return finalMix((value | 0) ^ Math.imul(Math.floor(value / TWO_POW_32) | 0, FNV_PRIME));
}

/**
 * INT and LONG: safe integers are looked up as doubles; a LONG beyond 2^53 (rare) by its
 * bigint. Distinct values stay doubles until finish, so each distinct LONG becomes a BigInt
 * once, not once per doc, and the hot path never stores a mix of numbers and bigints.
 */
export class IntegerColumn extends DictionaryColumn {
  /** Open addressing: a slot's id + 1 (0: empty) and its key. */
  private slots = emptySlots(INITIAL_SLOT_COUNT);
  private keys = new Float64Array(INITIAL_SLOT_COUNT);
  /** Per id: the value as a double (NaN for one only `bigValues` holds). */
  private distinct = new Float64Array(INITIAL_SLOT_COUNT);
  private distinctCount = 0;
  /** The last key looked up and its id: sorted or clustered columns repeat values in runs. */
  private lastKey = Number.NaN;
  private lastId = -1;
  private readonly idByBigint = new Map<bigint, number>();
  private readonly bigValues = new Map<number, bigint>();
  private readonly isLong: boolean;

  constructor(field: FieldSpec) {
    super(field);
    assert(field.storedType === 'INT' || field.storedType === 'LONG', 'an integer column');
    this.isLong = field.storedType === 'LONG';
  }

  protected idOfValue(value: ScalarValue): number {
    if (typeof value === 'number') return this.idOfInteger(value);
    assert(typeof value === 'bigint', `column ${this.field.name} holds integers`);
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      return this.idOfInteger(Number(value));
    }
    let id = this.idByBigint.get(value);
    if (id === undefined) {
      id = this.newId(Number.NaN);
      this.idByBigint.set(value, id);
      this.bigValues.set(id, value);
    }
    return id;
  }

  protected distinctValues(): ScalarValue[] {
    const values = new Array<ScalarValue>(this.distinctCount);
    for (let id = 0; id < values.length; id++) {
      const key = this.distinct[id]!;
      values[id] = Number.isNaN(key) ? this.bigValues.get(id)! : this.isLong ? BigInt(key) : key;
    }
    return values;
  }

  /** Appends a safe integer (an INT column's must fit in 32 bits). */
  addInteger(value: number): void {
    this.ids.push(this.idOfInteger(value));
  }

  private newId(key: number): number {
    if (this.distinctCount === this.distinct.length) {
      const grown = new Float64Array(this.distinct.length * 2);
      grown.set(this.distinct);
      this.distinct = grown;
    }
    this.distinct[this.distinctCount] = key;
    return this.distinctCount++;
  }

  private idOfInteger(value: number): number {
    const key = value === 0 ? 0 : value; // -0 and 0 are one value
    if (key === this.lastKey) return this.lastId;
    const mask = this.slots.length - 1;
    for (let slot = integerHash(key) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.slots[slot]!;
      if (stored === 0) {
        const id = this.newId(key);
        this.slots[slot] = id + 1;
        this.keys[slot] = key;
        if (this.distinctCount * 2 > this.slots.length) this.rehash();
        return this.remember(key, id);
      }
      if (this.keys[slot] === key) return this.remember(key, stored - 1);
    }
  }

  private remember(key: number, id: number): number {
    this.lastKey = key;
    this.lastId = id;
    return id;
  }

  private rehash(): void {
    const slots = emptySlots(this.slots.length * 2);
    const keys = new Float64Array(slots.length);
    const mask = slots.length - 1;
    for (let old = 0; old < this.slots.length; old++) {
      const stored = this.slots[old]!;
      if (stored === 0) continue;
      const key = this.keys[old]!;
      let slot = integerHash(key) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = stored;
      keys[slot] = key;
    }
    this.slots = slots;
    this.keys = keys;
  }
}

/** Any other type: prepared values as they come (the segment builder does the rest). */
export class ValueColumn implements ColumnBuilder {
  private readonly values: Value[] = [];
  constructor(readonly field: FieldSpec) {}

  addValue(value: Value): void {
    this.values.push(value);
  }

  finish(): ColumnInput {
    return { kind: 'values', values: this.values };
  }
}

/** The smallest and largest non-null value of a finished column (undefined when all null). */
export function valueBounds(
  input: ColumnInput,
  compare: (left: ScalarValue, right: ScalarValue) => number,
): [ScalarValue | undefined, ScalarValue | undefined] {
  let min: ScalarValue | undefined;
  let max: ScalarValue | undefined;
  const consider = (value: ScalarValue): void => {
    if (min === undefined || compare(value, min) < 0) min = value;
    if (max === undefined || compare(value, max) > 0) max = value;
  };
  if (input.kind === 'values') {
    for (const value of input.values) {
      if (value !== null && !Array.isArray(value)) consider(value as ScalarValue);
    }
    return [min, max];
  }
  // Only values some non-null doc holds count (a null doc holds the default value).
  const used = new Uint8Array(input.values.length);
  let nullIndex = 0;
  for (let docId = 0; docId < input.dictIds.length; docId++) {
    if (input.nullDocIds[nullIndex] === docId) nullIndex++;
    else used[input.dictIds[docId]!] = 1;
  }
  input.values.forEach((value, id) => {
    if (used[id] === 1) consider(value);
  });
  return [min, max];
}
