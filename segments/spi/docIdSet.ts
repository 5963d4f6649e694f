// A set of document ids: the result of a filter and the unit the query engine combines with
// and/or/andNot. Readers hand these out for inverted-index entries, range-index buckets and null
// vectors. On disk and in the shared memory they are serialized roaring bitmaps (the layout of
// kernels/reference/bitmap.ts), so a kernel can work on `locator` without copying.

/** Where a serialized bitmap lies in the shared kernel memory. */
export interface BitmapLocator {
  /** Byte offset of the serialized bitmap in the shared memory. */
  readonly ptr: number;
  readonly sizeBytes: number;
}

export interface DocIdSet {
  /** Number of documents in the set. */
  cardinality(): number;
  contains(docId: number): boolean;
  /** Every doc id in ascending order. */
  toArray(): Uint32Array;
  /** Calls `visit` for every doc id in ascending order, without materializing an array. */
  forEach(visit: (docId: number) => void): void;
  /** The serialized bitmap in the shared memory, when the set is backed by one. */
  readonly locator: BitmapLocator | undefined;
}

/** A contiguous run of documents [startDoc, endDoc): what a sorted column gives per value. */
export interface DocRange {
  readonly startDoc: number;
  /** Exclusive. */
  readonly endDoc: number;
}
