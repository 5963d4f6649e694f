// The sorted dictionary of an immutable column, read in place from the shared memory. Layout
// and order: kernels/DICTIONARY.md (written by columnEncoder.ts through the reference builder);
// lookups use the reference binary search, so host and kernels agree on every id.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import { assert } from '../../host/util/assert.js';
import {
  dictionaryLookup,
  FIXED_WIDTH_BYTES,
  type EncodedDictionary,
} from '../../kernels/reference/dictionary.js';
import type { Dictionary, DictionaryLocator, IdRange, ValueRange } from '../spi/dictionary.js';

/** Each offset of the variable-width layout is a u32. */
const OFFSET_BYTES = 4;

type FixedView = Int32Array | BigInt64Array | Float32Array | Float64Array;

function fixedView(storedType: StoredType, buffer: ArrayBufferLike, ptr: number, count: number) {
  switch (storedType) {
    case 'INT':
      return new Int32Array(buffer, ptr, count);
    case 'LONG':
      return new BigInt64Array(buffer, ptr, count);
    case 'FLOAT':
      return new Float32Array(buffer, ptr, count);
    case 'DOUBLE':
      return new Float64Array(buffer, ptr, count);
    default:
      return undefined;
  }
}

const utf8 = new TextDecoder();

export class ImmutableDictionary implements Dictionary {
  readonly isSorted = true;
  readonly locator: DictionaryLocator;
  private readonly encoded: EncodedDictionary;
  private readonly fixed: FixedView | undefined;
  private readonly offsets: Uint32Array | undefined;
  /** Decoded STRING/BYTES values, filled on first access per id. */
  private readonly decoded: (ScalarValue | undefined)[] | undefined;

  /** `bytes` is the DICTIONARY section, a view into the shared memory at byte `ptr`. */
  constructor(
    readonly storedType: StoredType,
    readonly cardinality: number,
    private readonly bytes: Uint8Array,
    ptr: number,
  ) {
    this.encoded = { type: storedType, bytes, cardinality };
    this.fixed = fixedView(storedType, bytes.buffer, bytes.byteOffset, cardinality);
    if (this.fixed !== undefined) {
      this.locator = {
        layout: 'fixed',
        valuesPtr: ptr,
        valueWidthBytes: FIXED_WIDTH_BYTES[storedType],
      };
      this.offsets = undefined;
      this.decoded = undefined;
    } else {
      this.offsets = new Uint32Array(bytes.buffer, bytes.byteOffset, cardinality + 1);
      const headerBytes = (cardinality + 1) * OFFSET_BYTES;
      this.locator = {
        layout: 'varLength',
        offsetsPtr: ptr,
        bytesPtr: ptr + headerBytes,
        bytesLength: bytes.byteLength - headerBytes,
      };
      this.decoded = new Array<ScalarValue | undefined>(cardinality);
    }
  }

  get(dictId: number): ScalarValue {
    assert(dictId >= 0 && dictId < this.cardinality, `dict id ${dictId} < ${this.cardinality}`);
    if (this.fixed !== undefined) return this.fixed[dictId]!;
    const cached = this.decoded![dictId];
    if (cached !== undefined) return cached;
    const headerBytes = (this.cardinality + 1) * OFFSET_BYTES;
    const start = headerBytes + this.offsets![dictId]!;
    const end = headerBytes + this.offsets![dictId + 1]!;
    const raw = this.bytes.subarray(start, end);
    const value = this.storedType === 'STRING' ? utf8.decode(raw) : raw.slice();
    this.decoded![dictId] = value;
    return value;
  }

  indexOf(value: ScalarValue): number {
    // INT and LONG compare exactly as typed values: a binary search straight over the view
    // skips the reference's order-key encoding per probe (a fifth of a user-facing query).
    if (this.storedType === 'INT' && typeof value === 'number' && (value | 0) === value) {
      return searchSorted(this.fixed as Int32Array, value);
    }
    if (this.storedType === 'LONG' && typeof value === 'bigint') {
      return searchSorted(this.fixed as BigInt64Array, value);
    }
    return dictionaryLookup(this.encoded, value);
  }

  /** First id whose value is >= value (inclusive) or > value (exclusive). */
  private boundId(value: ScalarValue, inclusive: boolean): number {
    const found = this.indexOf(value);
    if (found < 0) return -found - 1;
    return inclusive ? found : found + 1;
  }

  idRange(range: ValueRange): IdRange {
    const startId =
      range.lower === undefined ? 0 : this.boundId(range.lower.value, range.lower.inclusive);
    const endId =
      range.upper === undefined
        ? this.cardinality
        : this.boundId(range.upper.value, !range.upper.inclusive);
    return { startId, endId: Math.max(startId, endId) };
  }

  idsInRange(range: ValueRange): Uint32Array {
    const { startId, endId } = this.idRange(range);
    const ids = new Uint32Array(endId - startId);
    for (let i = 0; i < ids.length; i++) ids[i] = startId + i;
    return ids;
  }

  idsOf(values: readonly ScalarValue[]): Uint32Array {
    const found: number[] = [];
    for (const value of values) {
      const id = this.indexOf(value);
      if (id >= 0) found.push(id);
    }
    const ids = Uint32Array.from(found).sort();
    let unique = 0;
    for (let i = 0; i < ids.length; i++) {
      if (i === 0 || ids[i] !== ids[unique - 1]) ids[unique++] = ids[i]!;
    }
    return ids.slice(0, unique);
  }
}

/** Java's binarySearch over ascending distinct values: the index, or -(insertionPoint) - 1. */
function searchSorted<T extends number | bigint>(
  values: { readonly length: number; readonly [index: number]: T },
  value: T,
): number {
  let low = 0;
  let high = values.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const probe = values[middle]!;
    if (probe < value) low = middle + 1;
    else if (probe > value) high = middle - 1;
    else return middle;
  }
  return -low - 1;
}
