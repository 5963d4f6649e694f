// Exports of kernels/assembly/bitpack.ts, typed for the host. Layout: kernels/BITPACK.md;
// reference and size helpers (packedSizeBytes, bitsNeeded): kernels/reference/bitpack.ts.
// Pointers are byte offsets into the shared memory; widths are 1..32.
export interface BitpackExports {
  /**
   * Packs `count` u32 values at `valuesPtr` into `outPtr`, writing the whole padded size
   * (packedSizeBytes(count, bitWidth)). Returns STATUS_OK, or BAD_ARGUMENT for a width outside
   * 1..32 or a value that does not fit the width.
   */
  pack(valuesPtr: number, count: number, bitWidth: number, outPtr: number): number;
  /** Decodes values [start, start + count) into u32 at `outPtr`. Returns a status. */
  unpack(packedPtr: number, bitWidth: number, start: number, count: number, outPtr: number): number;
  /**
   * The value at `index`, as the i32 that wasm returns: apply `>>> 0` for widths of 32. A width
   * outside 1..32 aborts (a thrown Error): check widths before calling.
   */
  unpackOne(packedPtr: number, bitWidth: number, index: number): number;
  /** Gathers the values of the `count` u32 doc ids at `docIdsPtr` into u32 at `outPtr`. */
  unpackAt(
    packedPtr: number,
    bitWidth: number,
    docIdsPtr: number,
    count: number,
    outPtr: number,
  ): number;
}
