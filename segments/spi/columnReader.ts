// Read access to one column of a segment, for the query engine (filter → doc set,
// project/aggregate → values) and, through the locators, for WASM kernels that work on
// pointers into the shared memory. Both the immutable and the mutable segment implement it.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import type { ColumnMetadata } from './metadata.js';
import type { Dictionary, IdRange, ValueRange } from './dictionary.js';
import type { BitmapLocator, DocIdSet, DocRange } from './docIdSet.js';

/**
 * The forward index in the shared memory:
 * - `packedIds`: SV dictionary column; doc d's id is the d-th `bitsPerValue`-bit value of the
 *   bit-packed array at `idsPtr` (layout of kernels/reference/bitpack.ts).
 * - `multiValue`: MV dictionary column; doc d's ids are packed values [offsets[d], offsets[d+1])
 *   at `idsPtr`, with `docCount + 1` u32 offsets at `offsetsPtr`.
 * - `rawFixed`: SV raw numeric column; `docCount` values of `valueWidthBytes` at `valuesPtr`.
 * - `rawVarLength`: SV raw STRING/BYTES; doc d is bytes [offsets[d], offsets[d+1]) at
 *   `bytesPtr`, with `docCount + 1` u32 offsets at `offsetsPtr`.
 */
export type ForwardIndexLocator =
  | {
      readonly layout: 'packedIds';
      readonly idsPtr: number;
      readonly bitsPerValue: number;
      readonly docCount: number;
    }
  | {
      readonly layout: 'multiValue';
      readonly offsetsPtr: number;
      readonly idsPtr: number;
      readonly bitsPerValue: number;
      readonly docCount: number;
      readonly totalEntries: number;
    }
  | {
      readonly layout: 'rawFixed';
      readonly valuesPtr: number;
      readonly valueWidthBytes: number;
      readonly docCount: number;
    }
  | {
      readonly layout: 'rawVarLength';
      readonly offsetsPtr: number;
      readonly bytesPtr: number;
      readonly docCount: number;
    };

/** A block of values of one stored type, filled by `readValues`. */
export type ValueBlock = Int32Array | BigInt64Array | Float32Array | Float64Array | ScalarValue[];

/**
 * What a range index answers: `matching` docs certainly satisfy the range; `candidates` (when
 * present) may, and must be checked against the forward index (bucket edges).
 */
export interface RangeLookup {
  readonly matching: DocIdSet;
  readonly candidates: DocIdSet | undefined;
}

export interface RangeIndexReader {
  /** Docs whose value lies in `range` (for MV: any element). */
  lookup(range: ValueRange): RangeLookup;
}

export interface InvertedIndexReader {
  /** Docs holding dictionary id `dictId` (for MV: among their ids). */
  docIds(dictId: number): DocIdSet;
  /** Where the bitmap of `dictId` lies in the shared memory, for kernels. */
  bitmapLocator(dictId: number): BitmapLocator | undefined;
}

export interface ColumnReader {
  readonly name: string;
  readonly storedType: StoredType;
  readonly singleValue: boolean;
  readonly metadata: ColumnMetadata;
  /** Present for dictionary-encoded columns. */
  readonly dictionary: Dictionary | undefined;

  /** SV dictionary column: the id of doc `docId`. */
  getDictId(docId: number): number;
  /** MV dictionary column: the ids of doc `docId`, in the order the row listed them. */
  getDictIds(docId: number): Uint32Array;
  /** SV column (dictionary or raw): the value of doc `docId`. Nulls read as the default. */
  getValue(docId: number): ScalarValue;
  /** MV column: the values of doc `docId`. */
  getValues(docId: number): ScalarValue[];
  /** SV dictionary column: ids of docs [startDoc, startDoc + count) into `out[0..count)`. */
  readDictIds(startDoc: number, count: number, out: Uint32Array): void;
  /**
   * SV column: values of docs [startDoc, startDoc + count) into `out[0..count)`; `out` matches
   * the stored type (INT → Int32Array, LONG → BigInt64Array, FLOAT → Float32Array,
   * DOUBLE → Float64Array, STRING/BYTES → array).
   */
  readValues(startDoc: number, count: number, out: ValueBlock): void;

  /** Inverted index, when the column has one (or is sorted, which answers the same). */
  readonly invertedIndex: InvertedIndexReader | undefined;
  /** Sorted SV dictionary column: the docs holding `dictId`. Undefined when not sorted. */
  sortedRange(dictId: number): DocRange | undefined;
  /** Sorted SV dictionary column: the docs holding ids [startId, endId). */
  sortedIdRange(ids: IdRange): DocRange | undefined;
  /** Range index, when the column has one. */
  readonly rangeIndex: RangeIndexReader | undefined;
  /** Docs whose value was null; undefined when there are none. */
  nullVector(): DocIdSet | undefined;

  /** The forward index in the shared memory, when it lies there contiguously. */
  readonly forwardIndexLocator: ForwardIndexLocator | undefined;
}
