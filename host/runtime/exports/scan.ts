// Exports of kernels/assembly/scan.ts, typed for the host. Output semantics (bitset words,
// straddling words, selection vectors): kernels/BITPACK.md, "Scan outputs". Reference:
// kernels/reference/scan.ts. Every scan returns the number of matches in [startDoc, endDoc)
// (>= 0) or a negative status (BAD_ARGUMENT: width outside 1..32, startDoc > endDoc, unknown
// output or flags). Bitsets are indexed from doc 0 of the segment and must cover endDoc;
// selection vectors need room for endDoc - startDoc ids. Packed id buffers carry the padding
// of kernels/BITPACK.md, and endDoc must not pass the column's doc count.

/** The `output` argument of every scan. */
export const ScanOutputMode = {
  /** u32 words, bit d % 32 of word d >> 5 is doc d. */
  BITSET: 0,
  /** Ascending u32 doc ids of the matches. */
  SELECTION: 1,
  /** Only the number of matches. */
  COUNT: 2,
} as const;
export type ScanOutputModeValue = (typeof ScanOutputMode)[keyof typeof ScanOutputMode];

/** Bits of the `flags` argument of the raw-column range scans. */
export const RawRangeFlag = {
  /** v > lo instead of v >= lo. */
  LO_EXCLUSIVE: 1,
  /** v < hi instead of v <= hi. */
  HI_EXCLUSIVE: 2,
  /** Docs outside the range match (neq is [v, v] negated; NaN matches a negated range). */
  NEGATE: 4,
} as const;

/**
 * Scratch bytes of scanIdsAggregateF64: a chunk's bitset and a sparse chunk's selection
 * (kernels/assembly/scanAggregate.ts).
 */
export const SCAN_AGG_SCRATCH_BYTES = 2560;

export interface ScanExports {
  /**
   * Fused filter + COUNT/SUM/MIN/MAX (kernels/AGGREGATE.md, "Fused scan and aggregation"):
   * docs in [startDoc, endDoc) whose packed id passes loId <= id <= hiId (idSetPtr 0) or the
   * id bitset at idSetPtr (ids >= idCount never match); values[doc] (valueIdsPtr 0) or
   * values[id] of the doc's packed id at valueIdsPtr, into the double state at statePtr (MIN
   * and MAX only when withMinMax is 1). Returns the match count or a negative status.
   */
  scanIdsAggregateF64(
    packedPtr: number,
    bitWidth: number,
    startDoc: number,
    endDoc: number,
    loId: number,
    hiId: number,
    idSetPtr: number,
    idCount: number,
    valueType: number,
    valuesPtr: number,
    valueIdsPtr: number,
    valueBitWidth: number,
    withMinMax: number,
    statePtr: number,
    scratchPtr: number,
  ): number;
  /** Ids loId <= id <= hiId (u32, inclusive) in a packed column. */
  scanIdsRange(
    packedPtr: number,
    bitWidth: number,
    startDoc: number,
    endDoc: number,
    loId: number,
    hiId: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** Ids equal to `id`. */
  scanIdsEq(
    packedPtr: number,
    bitWidth: number,
    startDoc: number,
    endDoc: number,
    id: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** Ids other than `id`. */
  scanIdsNeq(
    packedPtr: number,
    bitWidth: number,
    startDoc: number,
    endDoc: number,
    id: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** Ids whose bit is set in the u32 bitset at `idSetPtr` (ids >= idCount never match). */
  scanIdsInSet(
    packedPtr: number,
    bitWidth: number,
    startDoc: number,
    endDoc: number,
    idSetPtr: number,
    idCount: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** INT column (i32 per doc): lo <= v <= hi, bounds adjusted by RawRangeFlag bits. */
  scanI32Range(
    valuesPtr: number,
    startDoc: number,
    endDoc: number,
    lo: number,
    hi: number,
    flags: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** LONG column (i64 per doc); bounds are bigint. */
  scanI64Range(
    valuesPtr: number,
    startDoc: number,
    endDoc: number,
    lo: bigint,
    hi: bigint,
    flags: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** FLOAT column (f32 per doc); bounds are rounded to f32 by the call. */
  scanF32Range(
    valuesPtr: number,
    startDoc: number,
    endDoc: number,
    lo: number,
    hi: number,
    flags: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
  /** DOUBLE column (f64 per doc). */
  scanF64Range(
    valuesPtr: number,
    startDoc: number,
    endDoc: number,
    lo: number,
    hi: number,
    flags: number,
    output: ScanOutputModeValue,
    outPtr: number,
  ): number;
}
