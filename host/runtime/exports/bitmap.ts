// Exports of kernels/assembly/bitmap.ts, typed for the host. Layout, container choice and size
// bounds: kernels/BITMAP.md; reference: kernels/reference/bitmap.ts. Pointers are byte offsets
// into the shared memory; negative results are status codes (host/runtime/status.ts). Size
// functions return f64 so that no size wraps an i32.
export interface BitmapExports {
  /**
   * Combine a and b into `out` (capacity from the matching *MaxBytes); scratch of at least
   * BITMAP_SCRATCH_BYTES (8192). Return the size written or a negative status.
   */
  bitmapAnd(a: number, b: number, out: number, capacityBytes: number, scratch: number,
    scratchBytes: number): number;
  bitmapOr(a: number, b: number, out: number, capacityBytes: number, scratch: number,
    scratchBytes: number): number;
  bitmapAndNot(a: number, b: number, out: number, capacityBytes: number, scratch: number,
    scratchBytes: number): number;
  /** The doc ids of [0, docCount) not in a. */
  bitmapNot(a: number, docCount: number, out: number, capacityBytes: number, scratch: number,
    scratchBytes: number): number;

  bitmapAndMaxBytes(a: number, b: number): number;
  bitmapOrMaxBytes(a: number, b: number): number;
  bitmapAndNotMaxBytes(a: number, b: number): number;
  bitmapNotMaxBytes(a: number, docCount: number): number;
  bitmapFromDocIdsMaxBytes(idCount: number): number;
  bitmapFromBitsetMaxBytes(wordCount: number): number;
  /** Exact size of the (valid) bitmap at `b`. */
  bitmapSerializedBytes(b: number): number;

  bitmapCardinality(b: number): number;
  /** 1 when the doc id is in the bitmap, else 0. */
  bitmapContains(b: number, docId: number): number;
  /** Ascending doc ids from rank `startIndex`, at most `capacity` u32; returns the count. */
  bitmapToDocIds(b: number, startIndex: number, out: number, capacity: number): number;
  /** From strictly ascending u32 doc ids below 2^31; returns the size or a negative status. */
  bitmapFromDocIds(ids: number, idCount: number, out: number, capacityBytes: number): number;
  /** From a plain bitset (bit d % 32 of u32 word d >> 5); returns the size or a status. */
  bitmapFromBitset(words: number, wordCount: number, out: number, capacityBytes: number,
    scratch: number, scratchBytes: number): number;
  /** Into a plain bitset of `wordCount` words (cleared first); status. */
  bitmapToBitset(b: number, words: number, wordCount: number): number;
  /** STATUS_OK when [b, b + sizeBytes) is exactly one well-formed bitmap, else CORRUPT_INPUT. */
  bitmapCheck(b: number, sizeBytes: number): number;
}
