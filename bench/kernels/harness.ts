// The contract between a kernel's bench file and the runner (bench/kernels/main.ts).
import type { KernelHarness } from '../../test/support/kernels.js';

export interface KernelBenchCase {
  /** Dotted name, e.g. `scan.range.bitpacked.w7.bitset`. */
  kernel: string;
  /** Rows processed by one call of run() or reference(). */
  rows: number;
  /** The wasm kernel on prepared input. */
  run(): void;
  /** The TypeScript reference on the same input. */
  reference(): void;
}

/** Each bench/kernels/<concern>.bench.ts exports a `suite` of this type. */
export type KernelBenchSuite = (harness: KernelHarness, rowCount: number) => KernelBenchCase[];

export interface KernelBenchResult {
  kernel: string;
  rowsPerSec: number;
  referenceRowsPerSec: number;
}
