// The process's log of released shared-memory resources (segments), read by every worker.
// Workers cache what they build over shared memory (a segment's column readers) by a
// process-unique id; when the main thread frees the memory behind an id it appends the id here,
// and each worker drops its cached entries for the ids it has not seen yet at the start of its
// next task. One log per process: the main thread creates it, every pool hands it to its
// workers (workerData), so tasks carry no release lists.
//
// Layout: an Int32Array over a SharedArrayBuffer; slot 0 counts the ids ever appended
// (monotonic), slots 1..RELEASE_LOG_CAPACITY are a ring. A reader that fell more than the ring's
// capacity behind cannot know what it missed and must drop its whole cache. Ids are never
// reused, so an id a reader misses (the ring lapping it mid-read) only leaves a stale cache
// entry behind, never a wrong answer.
import { isMainThread, workerData } from 'node:worker_threads';
import { assert } from '../util/assert.js';

/**
 * Ids held in the ring. A worker reads the log at every task; 4,096 releases between two tasks
 * of one worker means whole tables dropped, and then dropping the whole cache costs only
 * re-attaching (no copy), so the ring stays 16 KiB.
 */
export const RELEASE_LOG_CAPACITY = 4096;

/** Slot of the appended-id counter. */
const COUNT_SLOT = 0;

/** The field of WorkerInit (host/runtime/worker.ts) that carries the log's buffer. */
export interface ReleaseLogInit {
  readonly releaseLog: SharedArrayBuffer;
}

let shared: Int32Array | undefined;

/** The process's log buffer (created on first use on the main thread, adopted in workers). */
export function releaseLogBuffer(): SharedArrayBuffer {
  if (shared === undefined) {
    if (isMainThread) {
      const bytes = (RELEASE_LOG_CAPACITY + 1) * Int32Array.BYTES_PER_ELEMENT;
      shared = new Int32Array(new SharedArrayBuffer(bytes));
    } else {
      const init = workerData as Partial<ReleaseLogInit> | undefined;
      assert(
        init?.releaseLog instanceof SharedArrayBuffer,
        'a worker receives the release log in its workerData',
      );
      shared = new Int32Array(init.releaseLog);
    }
  }
  return shared.buffer as SharedArrayBuffer;
}

function log(): Int32Array {
  releaseLogBuffer();
  return shared!;
}

/** Main thread: records that the resource `id` (a positive int32) is gone. */
export function publishRelease(id: number): void {
  assert(isMainThread, 'only the main thread frees shared memory');
  assert(Number.isInteger(id) && id > 0 && id <= 0x7fffffff, `release id ${id} is an int32`);
  const ring = log();
  const count = Atomics.load(ring, COUNT_SLOT);
  Atomics.store(ring, 1 + (count % RELEASE_LOG_CAPACITY), id);
  // The id is in place before the count that makes it visible.
  Atomics.store(ring, COUNT_SLOT, count + 1);
}

/** Releases appended so far (for tests and diagnostics). */
export function publishedReleaseCount(): number {
  return Atomics.load(log(), COUNT_SLOT);
}

/** One thread's position in the log. */
export class ReleaseLogReader {
  private seen: number;

  /** Starts at the log's current end: a fresh cache holds nothing released before. */
  constructor() {
    this.seen = publishedReleaseCount();
  }

  /**
   * Calls `forget` for every id appended since the last call. Returns false when more than
   * the ring holds were appended meanwhile: the caller must then forget everything.
   */
  drain(forget: (id: number) => void): boolean {
    const ring = log();
    const count = Atomics.load(ring, COUNT_SLOT);
    const missed = count - this.seen > RELEASE_LOG_CAPACITY;
    const from = missed ? count : this.seen;
    for (let index = from; index < count; index++) {
      forget(Atomics.load(ring, 1 + (index % RELEASE_LOG_CAPACITY)));
    }
    this.seen = count;
    return !missed;
  }
}
