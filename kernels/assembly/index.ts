// The one kernels module: every concern lives in its own file and is re-exported here, so a
// single .wasm instantiates on the shared memory in every worker.
//
// Rules for every kernel (see kernels/README.md): pointers into the shared linear memory in,
// status codes out (kernels/assembly/status.ts), no allocation of its own beyond the scratch
// the host hands over, no I/O.

export * from './status';
export * from './bitpack';
export * from './scan';
export * from './scanAggregate';
export * from './dictionary';
export * from './bitmap';
export * from './aggregate';
export * from './starTree';
export * from './sketch';

/** End of the module's static data: the host allocator never hands out memory below it. */
export function heapBase(): usize {
  return __heap_base;
}
