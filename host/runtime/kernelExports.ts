// The typed boundary of build/kernels.wasm. Each kernel concern declares its exports in its own
// interface; KernelExports joins them. Pointers and lengths are i32 byte offsets/counts into the
// shared memory; every kernel returns a status code (host/runtime/status.ts) unless noted.

export interface CoreExports {
  /** End of the module's static data: the allocator never hands out memory below it. */
  heapBase(): number;
}

/* Each concern adds an interface below and joins it into KernelExports. */

export type KernelExports = CoreExports;
