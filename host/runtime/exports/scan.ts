// Exports of kernels/assembly/scan.ts, typed for the host. Filled in with the kernel.
export interface ScanExports {
  readonly __scanMarker?: never;
}
