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
  /** counts[ids[r]] += 1 for r < count (u32 ids and counts). */
  sketchCountIds(idsPtr: number, count: number, countsPtr: number): number;
  /**
   * Counts every id of the MV docs (u32 doc ids at docsPtr, or [startDoc, startDoc + docCount)
   * when docsPtr is 0) into counts; returns the number of ids counted.
   */
  sketchCountMvIds(
    offsetsPtr: number,
    packedPtr: number,
    bitsPerValue: number,
    docsPtr: number,
    startDoc: number,
    docCount: number,
    countsPtr: number,
  ): number;
  /** Ids with a non-zero count, ascending, to outIdsPtr; returns how many. */
  sketchPresentIds(countsPtr: number, cardinality: number, outIdsPtr: number): number;
  /**
   * values[i] = dictionary value ids[i] as f64 (AggValueType), weights[i] = counts[ids[i]];
   * idsPtr 0: ids 0..count−1, and countsPtr 0 writes no weights.
   */
  sketchWeightedValues(
    valueType: number,
    valuesPtr: number,
    countsPtr: number,
    idsPtr: number,
    count: number,
    outValuesPtr: number,
    outWeightsPtr: number,
  ): number;
  /** counts[keys[r] · valueCardinality + values[r]] += 1 (a value histogram per group). */
  sketchCountPairs(
    keyIdsPtr: number,
    valueIdsPtr: number,
    count: number,
    valueCardinality: number,
    countsPtr: number,
  ): number;
  /** Offers hashes[values[r]] to group keys[r]'s registers (2^log2m bytes per group). */
  hllUpdateGroupedIds(
    keyIdsPtr: number,
    valueIdsPtr: number,
    count: number,
    hashesPtr: number,
    registersPtr: number,
    log2m: number,
  ): number;
  /** t-digest centroids of sorted (mean, weight) f64 pairs; returns the centroid count. */
  tdigestCompressSorted(
    meansPtr: number,
    weightsPtr: number,
    count: number,
    compression: number,
    outMeansPtr: number,
    outWeightsPtr: number,
  ): number;
}
