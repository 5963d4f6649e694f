// Exports of kernels/assembly/bitmap.ts, typed for the host. Filled in with the kernel.
export interface BitmapExports {
  readonly __bitmapMarker?: never;
}
