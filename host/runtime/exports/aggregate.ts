// Exports of kernels/assembly/aggregate.ts, typed for the host. Filled in with the kernel.
export interface AggregateExports {
  readonly __aggregateMarker?: never;
}
