// Per-worker scratch regions. The main thread allocates one contiguous block (one slot per
// worker) before the pool starts. A worker claims a free slot when it starts, marking it with its
// threadId in a small shared table; the pool frees the slot when that worker's thread has
// exited. A replacement worker started while its predecessor is still shutting down waits
// (bounded) for the slot. No two live workers ever share a slot.
import { assert } from '../util/assert.js';

/** Cloneable description of the scratch block, sent to every worker in workerData. */
export interface ScratchLayout {
  readonly basePtr: number;
  readonly bytesPerSlot: number;
  readonly slotCount: number;
  /**
   * Int32 per slot: 0 when free, else the threadId of the worker holding it; one more Int32
   * after them counts releases, for waiting on.
   */
  readonly owners: SharedArrayBuffer;
}

/** A worker being replaced exits within milliseconds; waiting longer means a broken pool. */
const CLAIM_TIMEOUT_MS = 10_000;

export function createScratchLayout(
  basePtr: number,
  bytesPerSlot: number,
  slotCount: number,
): ScratchLayout {
  assert(slotCount > 0, `scratch slot count ${slotCount}`);
  const owners = new SharedArrayBuffer((slotCount + 1) * Int32Array.BYTES_PER_ELEMENT);
  return { basePtr, bytesPerSlot, slotCount, owners };
}

export interface ScratchRegion {
  readonly slot: number;
  readonly ptr: number;
  readonly sizeBytes: number;
}

function tryClaim(
  layout: ScratchLayout,
  owners: Int32Array,
  threadId: number,
): ScratchRegion | undefined {
  const { basePtr, bytesPerSlot } = layout;
  for (let slot = 0; slot < layout.slotCount; slot++) {
    if (Atomics.compareExchange(owners, slot, 0, threadId) === 0) {
      return { slot, ptr: basePtr + slot * bytesPerSlot, sizeBytes: bytesPerSlot };
    }
  }
  return undefined;
}

/** Claims a free slot for `threadId` (a worker's, always > 0); blocks until one is free. */
export function claimScratch(layout: ScratchLayout, threadId: number): ScratchRegion {
  assert(threadId > 0, `worker threadId ${threadId}`);
  const owners = new Int32Array(layout.owners);
  const deadline = Date.now() + CLAIM_TIMEOUT_MS;
  for (;;) {
    const releases = Atomics.load(owners, layout.slotCount);
    const region = tryClaim(layout, owners, threadId);
    if (region !== undefined) return region;
    const leftMs = deadline - Date.now();
    assert(leftMs > 0, `a scratch slot of ${layout.slotCount} freed for worker ${threadId}`);
    Atomics.wait(owners, layout.slotCount, releases, leftMs);
  }
}

/** Frees the slot held by `threadId`, if any (a worker that failed early may hold none). */
export function releaseScratch(layout: ScratchLayout, threadId: number): void {
  const owners = new Int32Array(layout.owners);
  for (let slot = 0; slot < layout.slotCount; slot++) {
    if (Atomics.compareExchange(owners, slot, threadId, 0) === threadId) {
      Atomics.add(owners, layout.slotCount, 1);
      Atomics.notify(owners, layout.slotCount);
      return;
    }
  }
}

/** Slots currently held by live workers. */
export function claimedScratchCount(layout: ScratchLayout): number {
  const owners = new Int32Array(layout.owners);
  let claimed = 0;
  for (let slot = 0; slot < layout.slotCount; slot++) {
    if (Atomics.load(owners, slot) !== 0) claimed++;
  }
  return claimed;
}
