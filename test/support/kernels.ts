// A kernels instance on its own shared memory with an allocator, for kernel tests and benches.
import { MemoryAllocator } from '../../host/runtime/allocator.js';
import { instantiateKernels, type KernelInstance } from '../../host/runtime/kernelModule.js';
import { createSharedMemory, WASM32_MAX_PAGES, WASM_PAGE_BYTES } from '../../host/runtime/memory.js';

export interface KernelHarness extends KernelInstance {
  readonly allocator: MemoryAllocator;
  /** Copies bytes into freshly allocated memory and returns the pointer. */
  copyIn(bytes: ArrayBufferView): number;
  /** A view of `length` elements at `ptr` (re-created per call: the memory may have grown). */
  u8(ptr: number, length: number): Uint8Array;
  u32(ptr: number, length: number): Uint32Array;
  i32(ptr: number, length: number): Int32Array;
  i64(ptr: number, length: number): BigInt64Array;
  f32(ptr: number, length: number): Float32Array;
  f64(ptr: number, length: number): Float64Array;
}

export function kernelHarness(): KernelHarness {
  const memory = createSharedMemory();
  const instance = instantiateKernels(memory);
  const allocator = new MemoryAllocator(
    memory,
    instance.exports.heapBase(),
    WASM32_MAX_PAGES * WASM_PAGE_BYTES,
  );
  const buffer = (): SharedArrayBuffer => memory.buffer as unknown as SharedArrayBuffer;
  return {
    ...instance,
    allocator,
    copyIn(bytes) {
      const ptr = allocator.allocate(bytes.byteLength);
      new Uint8Array(buffer(), ptr, bytes.byteLength).set(
        new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      );
      return ptr;
    },
    u8: (ptr, length) => new Uint8Array(buffer(), ptr, length),
    u32: (ptr, length) => new Uint32Array(buffer(), ptr, length),
    i32: (ptr, length) => new Int32Array(buffer(), ptr, length),
    i64: (ptr, length) => new BigInt64Array(buffer(), ptr, length),
    f32: (ptr, length) => new Float32Array(buffer(), ptr, length),
    f64: (ptr, length) => new Float64Array(buffer(), ptr, length),
  };
}
