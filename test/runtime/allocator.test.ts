import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAllocator } from '../../host/runtime/allocator.js';
import { createSharedMemory, WASM_PAGE_BYTES } from '../../host/runtime/memory.js';
import { MemoryExhaustedError } from '../../host/errors/errors.js';

test('allocations are aligned, distinct and reused after release', () => {
  const memory = createSharedMemory({ initialPages: 1, maximumPages: 64 });
  const allocator = new MemoryAllocator(memory, 1024, 64 * WASM_PAGE_BYTES);
  const a = allocator.allocate(100);
  const b = allocator.allocate(10, 64);
  assert.equal(a % 16, 0);
  assert.equal(b % 64, 0);
  assert.ok(b >= a + 100);
  allocator.release(a);
  const c = allocator.allocate(50);
  assert.equal(c, a, 'a released range is reused first');
  allocator.release(b);
  allocator.release(c);
  assert.equal(allocator.stats().allocatedBytes, 0);
  assert.equal(allocator.stats().freeBytes, 0, 'everything coalesced back into the top');
});

test('memory grows on demand and exhaustion is a typed error', () => {
  const memory = createSharedMemory({ initialPages: 1, maximumPages: 4 });
  const allocator = new MemoryAllocator(memory, 0, 4 * WASM_PAGE_BYTES);
  const big = allocator.allocate(3 * WASM_PAGE_BYTES);
  assert.ok(memory.buffer.byteLength >= 3 * WASM_PAGE_BYTES);
  assert.throws(() => allocator.allocate(2 * WASM_PAGE_BYTES), MemoryExhaustedError);
  allocator.release(big);
  assert.doesNotThrow(() => allocator.allocate(2 * WASM_PAGE_BYTES));
});

test('seeded random allocate/release never overlaps live ranges', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const memory = createSharedMemory({ initialPages: 1, maximumPages: 256 });
  const allocator = new MemoryAllocator(memory, 1024, 256 * WASM_PAGE_BYTES);
  const live = new Map<number, number>();
  for (let step = 0; step < 5000; step++) {
    if (live.size > 0 && random() < 0.45) {
      const keys = [...live.keys()];
      const offset = keys[Math.floor(random() * keys.length)]!;
      allocator.release(offset);
      live.delete(offset);
    } else {
      const size = Math.floor(random() * 4000);
      const offset = allocator.allocate(size, 2 ** Math.floor(random() * 7));
      for (const [other, otherSize] of live) {
        const overlaps = offset < other + Math.max(otherSize, 1) && other < offset + size;
        assert.ok(!overlaps, `seed 12345 step ${step}: ${offset}+${size} overlaps ${other}`);
      }
      live.set(offset, size);
    }
  }
});
