// One column of a mutable segment: an insertion-order dictionary with u32 ids in chunks (or raw
// values for single-value noDictionary columns), MV offsets, a null vector and, where the table
// asks for one, a live inverted index. Appends happen in two passes per row (validate every
// column, then write every column) so a rejected row leaves nothing behind.
import type { FieldSpec, ScalarValue, StoredType, Value } from '../../host/config/types.js';
import { DataError } from '../../host/errors/errors.js';
import { assertNever } from '../../host/util/assert.js';
import type { Comparator } from '../immutable/values.js';
import { fastComparatorFor } from './valueOrder.js';
import { ChunkedArray, GrowableU32, type NumericArray } from './chunkedArrays.js';
import { MutableDictionary } from './mutableDictionary.js';

/** Forward-index and inverted-index entries are u32 ids or doc ids. */
const ID_BYTES = 4;
/** LONG is a signed 64-bit integer: a bigint outside would wrap in a BigInt64Array. */
const INT64_MIN = -(2n ** 63n);
/** Largest LONG. */
const INT64_MAX = 2n ** 63n - 1n;
/** Rough heap cost of one raw STRING/BYTES value beyond its characters (pointer + header). */
const RAW_VALUE_OVERHEAD_BYTES = 24;

export interface ColumnIndexing {
  /** Dictionary-encode (false only for single-value noDictionary columns). */
  readonly dictionary: boolean;
  /** Keep a live inverted index (dictionary columns only). */
  readonly invertedIndex: boolean;
}

function rawArrayFor(storedType: StoredType): ChunkedArray<NumericArray> | undefined {
  switch (storedType) {
    case 'INT':
      return new ChunkedArray(Int32Array);
    case 'LONG':
      return new ChunkedArray(BigInt64Array);
    case 'FLOAT':
      return new ChunkedArray(Float32Array);
    case 'DOUBLE':
      return new ChunkedArray(Float64Array);
    case 'STRING':
    case 'BYTES':
      return undefined;
    default:
      return assertNever(storedType, 'stored type');
  }
}

/** Whether `value` is a prepared value of `storedType` (host/config/types.ts). */
export function isStoredValue(storedType: StoredType, value: ScalarValue): boolean {
  switch (storedType) {
    case 'INT':
      return typeof value === 'number' && (value | 0) === value;
    case 'FLOAT':
    case 'DOUBLE':
      return typeof value === 'number';
    case 'LONG':
      return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX;
    case 'STRING':
      return typeof value === 'string';
    case 'BYTES':
      return value instanceof Uint8Array;
    default:
      return assertNever(storedType, 'stored type');
  }
}

export class MutableColumn {
  readonly name: string;
  readonly storedType: StoredType;
  readonly singleValue: boolean;
  readonly dictionary: MutableDictionary | undefined;
  /** Dictionary columns: SV one id per doc; MV every doc's ids, concatenated. */
  readonly forwardIds = new ChunkedArray(Uint32Array);
  /** MV: docCount + 1 offsets into forwardIds. */
  readonly mvOffsets: ChunkedArray<Uint32Array> | undefined;
  /** Raw numeric SV values, or raw STRING/BYTES values. */
  readonly rawNumbers: ChunkedArray<NumericArray> | undefined;
  readonly rawObjects: ScalarValue[] | undefined;
  /** Per dictionary id, the docs holding it, ascending. */
  readonly invertedLists: GrowableU32[] | undefined;
  readonly nullDocs = new GrowableU32();
  totalEntries = 0;
  maxMultiValues = 0;
  sizeBytes = 0;
  private rawMin: ScalarValue | undefined;
  private rawMax: ScalarValue | undefined;
  private readonly compare: Comparator;

  constructor(
    readonly field: FieldSpec,
    readonly indexing: ColumnIndexing,
  ) {
    this.name = field.name;
    this.storedType = field.storedType;
    this.singleValue = field.singleValueField;
    this.compare = fastComparatorFor(field.storedType);
    this.dictionary = indexing.dictionary ? new MutableDictionary(field.storedType) : undefined;
    this.invertedLists = indexing.dictionary && indexing.invertedIndex ? [] : undefined;
    if (!this.singleValue) {
      this.mvOffsets = new ChunkedArray(Uint32Array);
      this.mvOffsets.append(0);
    }
    if (!indexing.dictionary) {
      this.rawNumbers = rawArrayFor(field.storedType);
      if (this.rawNumbers === undefined) this.rawObjects = [];
    }
  }

  get minValue(): ScalarValue | undefined {
    return this.dictionary?.minValue ?? this.rawMin;
  }

  get maxValue(): ScalarValue | undefined {
    return this.dictionary?.maxValue ?? this.rawMax;
  }

  /** Throws a DataError when `value` cannot be appended; appends nothing. */
  check(value: Value | undefined, docId: number): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      if (this.singleValue) {
        throw new DataError(
          `column ${this.name}, document ${docId}: a list given to a single-value column`,
        );
      }
      for (const element of value as readonly (ScalarValue | null)[]) {
        if (element !== null) this.checkScalar(element, docId);
      }
      return;
    }
    this.checkScalar(value, docId);
  }

  private checkScalar(value: ScalarValue, docId: number): void {
    if (isStoredValue(this.storedType, value)) return;
    throw new DataError(
      `column ${this.name} (${this.storedType}), document ${docId}: value ${String(value)} ` +
        `of type ${typeof value} is not a prepared ${this.storedType}; prepare rows with the ` +
        'schema before appending them',
    );
  }

  /** Appends doc `docId`'s value; `check` has accepted it. */
  append(value: Value | undefined, docId: number): void {
    if (this.singleValue) this.appendSingle(value as ScalarValue | null | undefined, docId);
    else this.appendMulti(value, docId);
  }

  private appendSingle(value: ScalarValue | null | undefined, docId: number): void {
    let stored = value;
    if (stored === null || stored === undefined) {
      this.markNull(docId);
      stored = this.field.defaultNullValue;
    }
    this.totalEntries++;
    this.maxMultiValues = 1;
    if (this.dictionary !== undefined) {
      this.appendId(this.dictionary.idOf(stored), docId);
    } else {
      this.appendRaw(stored);
    }
  }

  private appendMulti(value: Value | undefined, docId: number): void {
    const dictionary = this.dictionary!;
    const before = this.forwardIds.length;
    if (value !== null && value !== undefined) {
      const list = (Array.isArray(value) ? value : [value]) as readonly (ScalarValue | null)[];
      // Pinot drops null elements; a list left empty is a null (one default value).
      for (const element of list) {
        if (element !== null) this.appendId(dictionary.idOf(element), docId);
      }
    }
    if (this.forwardIds.length === before) {
      this.markNull(docId);
      this.appendId(dictionary.idOf(this.field.defaultNullValue), docId);
    }
    const entries = this.forwardIds.length - before;
    this.totalEntries += entries;
    if (entries > this.maxMultiValues) this.maxMultiValues = entries;
    this.mvOffsets!.append(this.forwardIds.length);
    this.sizeBytes += ID_BYTES;
  }

  private appendId(id: number, docId: number): void {
    this.forwardIds.append(id);
    this.sizeBytes += ID_BYTES;
    const lists = this.invertedLists;
    if (lists === undefined) return;
    while (lists.length <= id) lists.push(new GrowableU32());
    const list = lists[id]!;
    // An MV doc may list a value twice; the doc appears once in the value's posting list.
    if (list.last() !== docId) {
      list.append(docId);
      this.sizeBytes += ID_BYTES;
    }
  }

  private appendRaw(value: ScalarValue): void {
    if (this.rawNumbers !== undefined) {
      this.rawNumbers.append(value as number & bigint);
      this.sizeBytes += rawWidthBytes(this.storedType);
    } else {
      this.rawObjects!.push(value);
      this.sizeBytes += RAW_VALUE_OVERHEAD_BYTES + 2 * (value as string | Uint8Array).length;
    }
    if (this.rawMin === undefined || this.compare(value, this.rawMin) < 0) this.rawMin = value;
    if (this.rawMax === undefined || this.compare(value, this.rawMax) > 0) this.rawMax = value;
  }

  private markNull(docId: number): void {
    this.nullDocs.append(docId);
    this.sizeBytes += ID_BYTES;
  }

  /** Bytes the column holds, dictionary included (an estimate for flush thresholds). */
  estimatedSizeBytes(): number {
    return this.sizeBytes + (this.dictionary?.sizeBytes ?? 0);
  }
}

function rawWidthBytes(storedType: StoredType): number {
  return storedType === 'INT' || storedType === 'FLOAT' ? 4 : 8;
}
