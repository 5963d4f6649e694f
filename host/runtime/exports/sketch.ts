// Exports of kernels/assembly/sketch.ts, typed for the host. Contracts: kernels/SKETCH.md.
// Pointers are byte offsets into the shared memory; kernels return a status
// (host/runtime/status.ts). Hashes are 32-bit (u32 slots), registers one byte each.

/** Bytes of one hash in the hash arrays the kernels write and read. */
export const SKETCH_HASH_BYTES = 4;

export interface SketchExports {
  /** out[i] = clearspring hashLong(values[i]) over `count` i64 values. */
  hllHashI64(valuesPtr: number, count: number, outPtr: number): number;
  /** out[i] = hashLong(values[i]) over `count` i32 values, sign-extended. */
  hllHashI32(valuesPtr: number, count: number, outPtr: number): number;
  /** out[i] = hashValue(values[i]) over `count` f64 values (integral ones hash as longs). */
  hllHashF64(valuesPtr: number, count: number, outPtr: number): number;
  /** out[i] = murmur2(entry i, seed -1) over `count + 1` u32 offsets and their bytes. */
  hllHashVarWidth(offsetsPtr: number, bytesPtr: number, count: number, outPtr: number): number;
  /** Offers `count` hashes to 2^log2m one-byte registers. */
  hllUpdateHashes(hashesPtr: number, count: number, registersPtr: number, log2m: number): number;
  /** Offers hashes[ids[r]] for r < count (ids: u32 dictionary ids). */
  hllUpdateIds(
    idsPtr: number,
    count: number,
    hashesPtr: number,
    registersPtr: number,
    log2m: number,
  ): number;
  /** into[i] = max(into[i], from[i]) over `count` registers. */
  hllMergeRegisters(intoPtr: number, fromPtr: number, count: number): number;
}
