import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GROWTH_HEADROOM_MAX_BYTES, MemoryAllocator } from '../../host/runtime/allocator.js';
import { Cuvee } from '../../host/cuvee.js';
import { SECTION_ALIGN_BYTES } from '../../segments/immutable/format.js';
import {
  PROFILE_VIEWS_TABLE,
  ProfileViewGenerator,
  profileViewsSchemaJson,
  profileViewsTableJson,
} from '../../bench/data/profileViews.js';
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

test('peakAllocatedBytes keeps the high-water mark after releases', () => {
  const memory = createSharedMemory({ initialPages: 1, maximumPages: 64 });
  const allocator = new MemoryAllocator(memory, 0, 64 * WASM_PAGE_BYTES);
  const a = allocator.allocate(1000);
  const b = allocator.allocate(3000);
  const peak = allocator.stats().allocatedBytes;
  allocator.release(a);
  allocator.release(b);
  allocator.allocate(16);
  assert.equal(allocator.stats().peakAllocatedBytes, peak);
  assert.equal(allocator.stats().allocatedBytes, 16);
});

test('growth past a request is bounded, so a large memory is not over-reserved', () => {
  const maximumPages = 16_384;
  const memory = createSharedMemory({ initialPages: 1, maximumPages });
  const allocator = new MemoryAllocator(memory, 0, maximumPages * WASM_PAGE_BYTES);
  const largeBytes = 4 * GROWTH_HEADROOM_MAX_BYTES;
  allocator.allocate(largeBytes);
  const capacityBytes = memory.buffer.byteLength;
  // One byte past the capacity: the old 1.5× rule grew by half the capacity here.
  allocator.allocate(capacityBytes - largeBytes + 1);
  const grownBytes = memory.buffer.byteLength - capacityBytes;
  assert.ok(grownBytes > 0, 'the memory grew');
  assert.ok(grownBytes <= GROWTH_HEADROOM_MAX_BYTES + WASM_PAGE_BYTES, `grew ${grownBytes} bytes`);
  // Small memories still grow by half, so that small allocations do not grow them per call.
  const small = createSharedMemory({ initialPages: 2, maximumPages: 64 });
  new MemoryAllocator(small, 0, 64 * WASM_PAGE_BYTES).allocate(2 * WASM_PAGE_BYTES + 1);
  assert.equal(small.buffer.byteLength, 3 * WASM_PAGE_BYTES);
});

describe('segment write and load in the shared kernel memory', () => {
  /** Rows per segment: enough for every index (inverted, range, star-tree) to have content. */
  const ROWS_PER_SEGMENT = 20_000;
  /** Segments per round: the freed images of one round must hold the next round's. */
  const SEGMENTS_PER_ROUND = 3;
  let cuvee: Cuvee;

  before(async () => {
    cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => undefined });
    await cuvee.createSchema(profileViewsSchemaJson());
    await cuvee.createTable(profileViewsTableJson());
  });
  after(async () => {
    await cuvee.close();
  });

  async function writeAndLoadRound(generator: ProfileViewGenerator): Promise<number> {
    const table = cuvee.table(PROFILE_VIEWS_TABLE);
    const names: string[] = [];
    for (let index = 0; index < SEGMENTS_PER_ROUND; index++) {
      const rows = generator.chunk(index * ROWS_PER_SEGMENT, ROWS_PER_SEGMENT);
      names.push(...(await cuvee.addRows(table, rows)));
    }
    let fileBytes = 0;
    for (const size of (await table.segmentSizesBytes()).values()) fileBytes += size;
    const inUseBytes = cuvee.runtime.allocator.stats().allocatedBytes;
    for (const name of names) assert.ok(await table.deleteSegment(name));
    return inUseBytes - fileBytes;
  }

  test('only segment images stay; deleting them gives every byte back and space is reused', async () => {
    const { allocator, memory } = cuvee.runtime;
    const baselineBytes = allocator.stats().allocatedBytes;
    const generator = new ProfileViewGenerator(SEGMENTS_PER_ROUND * ROWS_PER_SEGMENT, 7);
    const overheadBytes = await writeAndLoadRound(generator);
    // Beyond the images only alignment: 16-byte size rounding and up to 63 bytes in front.
    const paddingMaxBytes = SEGMENTS_PER_ROUND * 2 * SECTION_ALIGN_BYTES;
    assert.ok(overheadBytes >= baselineBytes, 'the images are in the shared memory');
    assert.ok(overheadBytes < baselineBytes + paddingMaxBytes,
      `${overheadBytes - baselineBytes} bytes besides the segment images after the writes`);
    assert.equal(allocator.stats().allocatedBytes, baselineBytes, 'back to the baseline');
    const capacityBytes = memory.buffer.byteLength;
    await writeAndLoadRound(generator);
    assert.equal(allocator.stats().allocatedBytes, baselineBytes, 'back to the baseline again');
    assert.equal(memory.buffer.byteLength, capacityBytes, 'the second round reused the space');
  });
});
