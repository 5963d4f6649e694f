// The host-side allocator owns the memory map of the shared kernel memory: segment buffers,
// per-worker scratch and query temporaries. Kernels never allocate; they work on what this hands
// out. Released ranges are reused (first fit, neighbours coalesced), and the memory grows only
// when no released range fits. Exhaustion is a typed error, never a crash.
import { MemoryExhaustedError } from '../errors/errors.js';
import { assert } from '../util/assert.js';
import { WASM_PAGE_BYTES } from './memory.js';

/** v128 loads want 16-byte alignment; every allocation gets at least that. */
export const MIN_ALIGN_BYTES = 16;
/** Larger alignments than a page buy nothing in linear memory. */
const MAX_ALIGN_BYTES = WASM_PAGE_BYTES;
/**
 * A growing memory grows by half its capacity, but by at most this much: a wasm memory never
 * shrinks, and unbounded 1.5× steps left 3.4 GiB reserved for 2.7 GiB of peak use, close to the
 * 4 GiB cap. Growing a shared memory copies nothing, so more, smaller steps cost little.
 */
export const GROWTH_HEADROOM_MAX_BYTES = 64 * 1024 * 1024;

interface FreeRange {
  start: number;
  end: number;
}

export interface AllocatorStats {
  allocatedBytes: number;
  /** The most bytes ever allocated at once: the memory can never be smaller than this. */
  peakAllocatedBytes: number;
  allocationCount: number;
  freeBytes: number;
  capacityBytes: number;
  maximumBytes: number;
}

function alignUp(value: number, alignBytes: number): number {
  return Math.ceil(value / alignBytes) * alignBytes;
}

export class MemoryAllocator {
  /** Sorted by start, never overlapping, never adjacent (adjacent ranges are merged). */
  private readonly free: FreeRange[] = [];
  /** Offset → size of every live allocation (the size includes alignment padding in front). */
  private readonly live = new Map<number, { start: number; end: number }>();
  private top: number;
  private allocatedBytes = 0;
  private peakAllocatedBytes = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    baseBytes: number,
    private readonly maximumBytes: number,
  ) {
    assert(baseBytes >= 0, 'allocator base is not negative');
    this.top = alignUp(baseBytes, MIN_ALIGN_BYTES);
  }

  /** Returns the byte offset of `sizeBytes` bytes aligned to `alignBytes` (a power of two). */
  allocate(sizeBytes: number, alignBytes: number = MIN_ALIGN_BYTES): number {
    assert(Number.isInteger(sizeBytes) && sizeBytes >= 0, `allocation size ${sizeBytes}`);
    assert((alignBytes & (alignBytes - 1)) === 0, `alignment ${alignBytes} is a power of two`);
    const align = Math.min(Math.max(alignBytes, MIN_ALIGN_BYTES), MAX_ALIGN_BYTES);
    // Zero-byte requests still get a distinct address so that release() stays unambiguous.
    const size = alignUp(Math.max(sizeBytes, 1), MIN_ALIGN_BYTES);
    const offset = this.takeFromFree(size, align) ?? this.takeFromTop(size, align);
    const range = this.live.get(offset)!;
    this.allocatedBytes += range.end - range.start;
    this.peakAllocatedBytes = Math.max(this.peakAllocatedBytes, this.allocatedBytes);
    return offset;
  }

  /**
   * As allocate, but undefined instead of MemoryExhaustedError: for callers with somewhere else
   * to go (another memory, the calling thread).
   */
  tryAllocate(sizeBytes: number, alignBytes: number = MIN_ALIGN_BYTES): number | undefined {
    try {
      return this.allocate(sizeBytes, alignBytes);
    } catch (error) {
      if (error instanceof MemoryExhaustedError) return undefined;
      throw error;
    }
  }

  release(offset: number): void {
    const range = this.live.get(offset);
    assert(range !== undefined, `release of ${offset}, which is not a live allocation`);
    this.live.delete(offset);
    this.allocatedBytes -= range.end - range.start;
    this.insertFree(range.start, range.end);
  }

  sizeOf(offset: number): number {
    const range = this.live.get(offset);
    assert(range !== undefined, `sizeOf ${offset}, which is not a live allocation`);
    return range.end - offset;
  }

  stats(): AllocatorStats {
    let freeBytes = 0;
    for (const range of this.free) freeBytes += range.end - range.start;
    return {
      allocatedBytes: this.allocatedBytes,
      peakAllocatedBytes: this.peakAllocatedBytes,
      allocationCount: this.live.size,
      freeBytes,
      capacityBytes: this.memory.buffer.byteLength,
      maximumBytes: this.maximumBytes,
    };
  }

  private takeFromFree(size: number, align: number): number | undefined {
    for (let i = 0; i < this.free.length; i++) {
      const range = this.free[i]!;
      const offset = alignUp(range.start, align);
      if (offset + size > range.end) continue;
      this.free.splice(i, 1);
      if (offset + size < range.end) this.insertFree(offset + size, range.end);
      // Padding in front stays with the allocation so that release() returns it too.
      this.live.set(offset, { start: range.start, end: offset + size });
      return offset;
    }
    return undefined;
  }

  private takeFromTop(size: number, align: number): number {
    const offset = alignUp(this.top, align);
    const end = offset + size;
    if (end > this.maximumBytes) {
      const stats = this.stats();
      throw new MemoryExhaustedError(
        `shared kernel memory exhausted: ${size} bytes requested, ${stats.allocatedBytes} of ` +
          `${this.maximumBytes} bytes in use (wasm32 caps one memory at 4 GiB); release ` +
          `segments, lower the number of loaded segments, or run more server processes`,
      );
    }
    this.ensureCapacity(end);
    this.live.set(offset, { start: this.top, end });
    this.top = end;
    return offset;
  }

  private ensureCapacity(endBytes: number): void {
    const capacity = this.memory.buffer.byteLength;
    if (endBytes <= capacity) return;
    // Grow by more than asked, so that a stream of small allocations does not grow per call.
    const headroomBytes = Math.min(capacity / 2, GROWTH_HEADROOM_MAX_BYTES);
    const wantedBytes = Math.min(Math.max(endBytes, capacity + headroomBytes), this.maximumBytes);
    const pages = Math.ceil((wantedBytes - capacity) / WASM_PAGE_BYTES);
    try {
      this.memory.grow(pages);
    } catch (cause) {
      throw new MemoryExhaustedError(
        `shared kernel memory could not grow by ${pages} pages to hold ${endBytes} bytes: ` +
          `${String(cause)}`,
      );
    }
  }

  private insertFree(start: number, end: number): void {
    if (end === this.top) {
      // Give the tail back to the bump region, then absorb a free range that now touches it.
      this.top = start;
      const last = this.free[this.free.length - 1];
      if (last !== undefined && last.end === this.top) {
        this.free.pop();
        this.top = last.start;
      }
      return;
    }
    let i = 0;
    while (i < this.free.length && this.free[i]!.start < start) i++;
    const previous = this.free[i - 1];
    const next = this.free[i];
    if (previous !== undefined && previous.end === start) {
      previous.end = end;
      if (next !== undefined && next.start === end) {
        previous.end = next.end;
        this.free.splice(i, 1);
      }
    } else if (next !== undefined && next.start === end) {
      next.start = start;
    } else {
      this.free.splice(i, 0, { start, end });
    }
  }
}
