// Exports of kernels/assembly/dictionary.ts, typed for the host. Layouts, operator codes and
// scratch sizes: kernels/DICTIONARY.md; reference: kernels/reference/dictionary.ts. Pointers
// are byte offsets into the shared memory; negative results are status codes
// (host/runtime/status.ts). LONG operands cross the boundary as bigint.
export interface DictionaryExports {
  /** Build: returns the cardinality; `ids` receives one u32 id per input value. */
  dictBuildI32(values: number, n: number, dict: number, dictCapacityBytes: number,
    ids: number, scratch: number, scratchBytes: number): number;
  dictBuildI64(values: number, n: number, dict: number, dictCapacityBytes: number,
    ids: number, scratch: number, scratchBytes: number): number;
  dictBuildF32(values: number, n: number, dict: number, dictCapacityBytes: number,
    ids: number, scratch: number, scratchBytes: number): number;
  dictBuildF64(values: number, n: number, dict: number, dictCapacityBytes: number,
    ids: number, scratch: number, scratchBytes: number): number;
  /** `values` is n values in the variable-width layout (offsets[n+1], bytes), unsorted. */
  dictBuildBytes(values: number, n: number, dict: number, dictCapacityBytes: number,
    ids: number, scratch: number, scratchBytes: number): number;

  /** Lookup: the id, or -(insertion point) - 1 when absent. */
  dictLookupI32(dict: number, count: number, value: number): number;
  dictLookupI64(dict: number, count: number, value: bigint): number;
  dictLookupF32(dict: number, count: number, value: number): number;
  dictLookupF64(dict: number, count: number, value: number): number;
  dictLookupBytes(dict: number, count: number, value: number, valueLength: number): number;

  /** Batch lookup into i32 `ids`; returns how many values were found. */
  dictLookupBatchI32(dict: number, count: number, values: number, n: number, ids: number): number;
  dictLookupBatchI64(dict: number, count: number, values: number, n: number, ids: number): number;
  dictLookupBatchF32(dict: number, count: number, values: number, n: number, ids: number): number;
  dictLookupBatchF64(dict: number, count: number, values: number, n: number, ids: number): number;
  dictLookupBatchBytes(dict: number, count: number, values: number, n: number,
    ids: number): number;

  /** Variable width: absolute address and byte length of value `id`. */
  dictBytesStart(dict: number, count: number, id: number): number;
  dictBytesLength(dict: number, count: number, id: number): number;

  /** Writes [loId, hiId) as two u32 at `out`; returns hiId - loId. `op`: RangeOp codes. */
  dictRangeI32(dict: number, count: number, op: number, value: number, upper: number,
    out: number): number;
  dictRangeI64(dict: number, count: number, op: number, value: bigint, upper: bigint,
    out: number): number;
  dictRangeF32(dict: number, count: number, op: number, value: number, upper: number,
    out: number): number;
  dictRangeF64(dict: number, count: number, op: number, value: number, upper: number,
    out: number): number;
  dictRangeBytes(dict: number, count: number, op: number, value: number, valueLength: number,
    upper: number, upperLength: number, out: number): number;

  /**
   * IN (negate 0) / NOT IN (negate 1): bitset over ids at `bitset` (ceil(count / 32) u32
   * words); returns the number of ids set.
   */
  dictInSetI32(dict: number, count: number, values: number, n: number, negate: number,
    bitset: number): number;
  dictInSetI64(dict: number, count: number, values: number, n: number, negate: number,
    bitset: number): number;
  dictInSetF32(dict: number, count: number, values: number, n: number, negate: number,
    bitset: number): number;
  dictInSetF64(dict: number, count: number, values: number, n: number, negate: number,
    bitset: number): number;
  /** `values` is n values in the variable-width layout. */
  dictInSetBytes(dict: number, count: number, values: number, n: number, negate: number,
    bitset: number): number;
}
