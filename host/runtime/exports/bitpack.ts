// Exports of kernels/assembly/bitpack.ts, typed for the host. Filled in with the kernel.
export interface BitpackExports {
  readonly __bitpackMarker?: never;
}
