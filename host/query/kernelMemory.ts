// The kernel context of the query fast paths (host/query/kernelPaths.ts) and the bookkeeping
// of their temporaries in the shared kernel memory: every call allocates its scratch up front,
// releases it in `finally`, and reads results through views made after the last allocation
// (an allocation may grow the memory, which replaces its buffer).
import type { MemoryAllocator } from '../runtime/allocator.js';
import type { KernelInstance } from '../runtime/kernelModule.js';
import type { DocSelection } from './docSelection.js';

/** The calling thread's kernels instance and the allocator of the memory it runs on. */
export interface KernelContext {
  readonly kernels: KernelInstance;
  readonly allocator: MemoryAllocator;
}

/** Bytes of one u32 (doc ids, dictionary ids, keys, counts). */
export const U32_BYTES = 4;
/** Bytes of one f64 (sums, mins, maxs). */
export const F64_BYTES = 8;

/** Allocations of one fast-path call, released together (newest first, so the top shrinks). */
export class KernelTemporaries {
  private readonly ptrs: number[] = [];

  constructor(private readonly allocator: MemoryAllocator) {}

  allocate(sizeBytes: number): number {
    const ptr = this.allocator.allocate(sizeBytes);
    this.ptrs.push(ptr);
    return ptr;
  }

  releaseAll(): void {
    while (this.ptrs.length > 0) this.allocator.release(this.ptrs.pop()!);
  }
}

/** Whole-memory views; make them after the call's last allocation. */
export interface MemoryViews {
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

export function memoryViews(memory: WebAssembly.Memory): MemoryViews {
  const buffer = memory.buffer;
  return {
    u32: new Uint32Array(buffer),
    f32: new Float32Array(buffer),
    f64: new Float64Array(buffer),
  };
}

/**
 * One block of selected docs: dense docs [startDoc, startDoc + count) when `docsPtr` is 0,
 * otherwise `count` ascending doc ids at `docsPtr` in the shared memory.
 */
export interface DocBlock {
  startDoc: number;
  count: number;
  docsPtr: number;
}

/**
 * Streams `selection` in blocks of at most `blockDocs`; for an id list, each block's ids are
 * copied to `docsPtr` (room for `blockDocs` u32) first. `visit` sees one reused block object.
 */
export function forEachDocBlock(
  selection: DocSelection,
  blockDocs: number,
  docsPtr: number,
  views: MemoryViews,
  visit: (block: DocBlock) => void,
): void {
  const block: DocBlock = { startDoc: 0, count: 0, docsPtr: 0 };
  if (selection.kind === 'all') {
    for (let start = 0; start < selection.docCount; start += blockDocs) {
      block.startDoc = start;
      block.count = Math.min(blockDocs, selection.docCount - start);
      visit(block);
    }
    return;
  }
  const ids = selection.ids;
  for (let start = 0; start < ids.length; start += blockDocs) {
    const count = Math.min(blockDocs, ids.length - start);
    views.u32.set(ids.subarray(start, start + count), docsPtr / U32_BYTES);
    block.startDoc = ids[start]!;
    block.count = count;
    block.docsPtr = docsPtr;
    visit(block);
  }
}

/** Bits per u32 word of an id bitset. */
const ID_BITS_PER_WORD = 32;

/**
 * A bitset of `ids` over [0, cardinality) in a temporary of the shared memory, as the scan
 * kernels' id-set tests read it; returns its pointer.
 */
export function idBitsetIn(
  temps: KernelTemporaries,
  memory: WebAssembly.Memory,
  ids: Iterable<number>,
  cardinality: number,
): number {
  const wordCount = Math.max(1, Math.ceil(cardinality / ID_BITS_PER_WORD));
  const setPtr = temps.allocate(wordCount * U32_BYTES);
  const words = new Uint32Array(memory.buffer, setPtr, wordCount);
  words.fill(0);
  for (const id of ids) words[id >>> 5] = words[id >>> 5]! | (1 << (id & 31));
  return setPtr;
}
