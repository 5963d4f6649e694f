// The typed boundary of build/kernels.wasm. Each kernel concern declares its exports in
// host/runtime/exports/<concern>.ts; KernelExports joins them. Pointers and lengths are byte
// offsets and counts into the shared memory; kernels return a status code
// (host/runtime/status.ts) or a non-negative count.
import type { AggregateExports } from './exports/aggregate.js';
import type { BitmapExports } from './exports/bitmap.js';
import type { BitpackExports } from './exports/bitpack.js';
import type { DictionaryExports } from './exports/dictionary.js';
import type { ScanExports } from './exports/scan.js';
import type { SketchExports } from './exports/sketch.js';
import type { StarTreeExports } from './exports/starTree.js';

export interface CoreExports {
  /** End of the module's static data: the allocator never hands out memory below it. */
  heapBase(): number;
}

export type KernelExports = CoreExports &
  BitpackExports &
  ScanExports &
  DictionaryExports &
  BitmapExports &
  AggregateExports &
  StarTreeExports &
  SketchExports;
