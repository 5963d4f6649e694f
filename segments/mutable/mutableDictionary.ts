// The insertion-order dictionary of a mutable segment column: a Map from value to id and the
// values by id. Ids never change once given, so forward-index ids written earlier stay valid;
// the builder sorts the dictionary when the segment is sealed.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import type { Comparator } from '../immutable/values.js';
import { fastComparatorFor } from './valueOrder.js';
import type { Dictionary, IdRange, ValueRange } from '../spi/dictionary.js';

/**
 * Map key of a value: numbers as themselves (SameValueZero: -0 = 0, NaN = NaN), FLOAT rounded
 * to f32 as it will be stored, LONG as a number when exact (bigint keys hash about 3x slower)
 * and as a bigint otherwise, BYTES as a string of one char per byte.
 */
type DictionaryKey = number | bigint | string;

/** BYTES values up to this length become keys without a Buffer (one char per byte). */
const SMALL_BYTES_KEY_LENGTH = 64;

function bytesKey(bytes: Uint8Array): string {
  if (bytes.length > SMALL_BYTES_KEY_LENGTH) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  }
  let key = '';
  for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
  return key;
}

export function dictionaryKey(storedType: StoredType, value: ScalarValue): DictionaryKey {
  if (value instanceof Uint8Array) return bytesKey(value);
  if (typeof value === 'bigint') {
    const exact = Number(value);
    return Number.isSafeInteger(exact) ? exact : value;
  }
  if (storedType === 'FLOAT') return Math.fround(value as number);
  return value;
}

/** True when `value` lies in `range` under `compare`. */
export function inRange(compare: Comparator, range: ValueRange, value: ScalarValue): boolean {
  const { lower, upper } = range;
  if (lower !== undefined) {
    const order = compare(value, lower.value);
    if (order < 0 || (order === 0 && !lower.inclusive)) return false;
  }
  if (upper !== undefined) {
    const order = compare(value, upper.value);
    if (order > 0 || (order === 0 && !upper.inclusive)) return false;
  }
  return true;
}

/** The growing dictionary; `view(cardinality)` gives readers a fixed-size Dictionary. */
export class MutableDictionary {
  readonly values: ScalarValue[] = [];
  private readonly ids = new Map<DictionaryKey, number>();
  readonly compare: Comparator;
  /** Smallest and largest value so far (dictionary order); they only move on a new value. */
  minValue: ScalarValue | undefined;
  maxValue: ScalarValue | undefined;
  /** Approximate heap bytes of the values and the map, for flush thresholds. */
  sizeBytes = 0;

  constructor(readonly storedType: StoredType) {
    this.compare = fastComparatorFor(storedType);
  }

  get cardinality(): number {
    return this.values.length;
  }

  /** The id of `value`, adding it when new. */
  idOf(value: ScalarValue): number {
    const key = dictionaryKey(this.storedType, value);
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.values.length;
    const stored = this.storedType === 'FLOAT' ? (key as number) : value;
    this.values.push(stored);
    this.ids.set(key, id);
    this.sizeBytes += valueSizeBytes(stored);
    if (this.minValue === undefined || this.compare(stored, this.minValue) < 0) {
      this.minValue = stored;
    }
    if (this.maxValue === undefined || this.compare(stored, this.maxValue) > 0) {
      this.maxValue = stored;
    }
    return id;
  }

  lookup(value: ScalarValue): number {
    return this.ids.get(dictionaryKey(this.storedType, value)) ?? -1;
  }

  view(cardinality: number): Dictionary {
    return new MutableDictionaryView(this, cardinality);
  }
}

/** Per distinct value: the value itself, its Map entry and its slot (rough V8 figures). */
const ENTRY_OVERHEAD_BYTES = 40;

function valueSizeBytes(value: ScalarValue): number {
  if (typeof value === 'string') return ENTRY_OVERHEAD_BYTES + 2 * value.length;
  if (value instanceof Uint8Array) return ENTRY_OVERHEAD_BYTES + 2 * value.length;
  return ENTRY_OVERHEAD_BYTES;
}

/** A reader's view: ids below `cardinality` (those any published doc can hold). */
class MutableDictionaryView implements Dictionary {
  readonly isSorted = false;
  readonly locator = undefined;

  constructor(
    private readonly source: MutableDictionary,
    readonly cardinality: number,
  ) {}

  get storedType(): StoredType {
    return this.source.storedType;
  }

  get(dictId: number): ScalarValue {
    return this.source.values[dictId]!;
  }

  indexOf(value: ScalarValue): number {
    const id = this.source.lookup(value);
    return id < this.cardinality ? id : -1;
  }

  idRange(_range: ValueRange): IdRange | undefined {
    return undefined;
  }

  idsInRange(range: ValueRange): Uint32Array {
    const matching: number[] = [];
    const { values, compare } = this.source;
    for (let id = 0; id < this.cardinality; id++) {
      if (inRange(compare, range, values[id]!)) matching.push(id);
    }
    return Uint32Array.from(matching);
  }

  idsOf(values: readonly ScalarValue[]): Uint32Array {
    const found = new Set<number>();
    for (const value of values) {
      const id = this.indexOf(value);
      if (id >= 0) found.add(id);
    }
    return Uint32Array.from(found).sort();
  }
}
