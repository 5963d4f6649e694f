// Exports of kernels/assembly/starTree.ts, typed for the host. Contracts and the aggregate
// plan layout: kernels/STARTREE.md; reference: kernels/reference/starTree.ts. Pointers are byte
// offsets into the shared memory; kernels return a count (>= 0) or a status.
export interface StarTreeExports {
  /**
   * Stably sorts `count` u32 record indices at `permPtr` by dims [fromDim, dimCount), STAR
   * first. `cardinalitiesPtr`: u32 per dim; `tmpPtr`: `count` u32; `countsPtr`: (largest
   * cardinality + 1) u32. Returns a status.
   */
  starTreeSort(
    dimsPtr: number,
    dimCount: number,
    fromDim: number,
    permPtr: number,
    count: number,
    cardinalitiesPtr: number,
    tmpPtr: number,
    countsPtr: number,
  ): number;
  /**
   * One output record per run of equal keys among the records at `permPtr`, dims
   * [starFrom, starTo) set to STAR, metrics merged by the u32 ops at `opsPtr`. Returns the
   * number of records written.
   */
  starTreeMerge(
    dimsPtr: number,
    metricsPtr: number,
    dimCount: number,
    metricCount: number,
    opsPtr: number,
    permPtr: number,
    count: number,
    starFrom: number,
    starTo: number,
    outDimsPtr: number,
    outMetricsPtr: number,
  ): number;
  /** Aggregates the records of the ranges per the plan; returns the records read. */
  starTreeAggregate(
    dimsPtr: number,
    metricsPtr: number,
    planPtr: number,
    rangesPtr: number,
    rangeCount: number,
    setsPtr: number,
    statesPtr: number,
    countsPtr: number,
  ): number;
  /**
   * Documents → records sorted by dims through a dense key table (kernels/STARTREE.md):
   * `idsPtrsPtr` holds one pointer per dimension to its per-doc u32 ids. Returns the number of
   * records written, or BAD_ARGUMENT for an id at or above its cardinality.
   */
  starTreeDenseMerge(
    idsPtrsPtr: number,
    cardinalitiesPtr: number,
    dimCount: number,
    metricsPtr: number,
    metricCount: number,
    opsPtr: number,
    docCount: number,
    keySpace: number,
    slotMetricsPtr: number,
    slotCountsPtr: number,
    outDimsPtr: number,
    outMetricsPtr: number,
  ): number;
}
