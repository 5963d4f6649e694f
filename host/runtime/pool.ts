// A fixed-size piscina pool whose workers all instantiate the same compiled kernels module on the
// same shared memory (host/runtime/worker.ts). The pool moves TaskRequests and TaskOutcomes; it
// knows nothing of what operations do. Admission is bounded: a task is taken only if an idle
// worker or a queue place is free, else RuntimeBusyError (429) comes back at once.
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { assert } from '../util/assert.js';
import { RuntimeBusyError } from './errors.js';
import { releaseLogBuffer } from './releaseLog.js';
import { claimedScratchCount, releaseScratch, type ScratchLayout } from './scratch.js';
import type { TaskOutcome, TaskRequest } from './tasks.js';
import type { WorkerInit } from './worker.js';

/** Compiled next to this file: dist/host/runtime/worker.js. */
const WORKER_PATH = fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * Default bound of queued (not yet running) tasks. A query queues one task per segment, so 4,096
 * admits a query over thousands of segments while capping what waits in memory (a few hundred
 * bytes per task); past it the server is overloaded and says so (429) instead of queueing.
 */
export const DEFAULT_MAX_QUEUED_TASKS = 4096;

/** piscina rejects with this message when its own maxQueue check trips (it has no error class). */
const PISCINA_QUEUE_FULL_MESSAGE = 'Task queue is at limit';

export interface KernelPoolOptions {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** One slot per worker. */
  readonly scratch: ScratchLayout;
  readonly workerCount: number;
  readonly maxQueuedTasks: number;
}

export class KernelPool {
  readonly workerCount: number;
  readonly maxQueuedTasks: number;
  private readonly piscina: Piscina<TaskRequest, TaskOutcome>;
  private closed = false;
  private readonly scratch: ScratchLayout;
  private readonly watchedThreads = new WeakSet<Worker>();
  /** The last error a worker raised outside any task (e.g. while starting); for diagnostics. */
  private lastWorkerFailure: unknown = undefined;

  constructor(options: KernelPoolOptions) {
    assert(Number.isInteger(options.workerCount) && options.workerCount > 0, 'worker count');
    assert(Number.isInteger(options.maxQueuedTasks) && options.maxQueuedTasks >= 0, 'queue');
    this.workerCount = options.workerCount;
    this.maxQueuedTasks = options.maxQueuedTasks;
    this.scratch = options.scratch;
    const workerData: WorkerInit = {
      module: options.module,
      memory: options.memory,
      scratch: options.scratch,
      releaseLog: releaseLogBuffer(),
    };
    this.piscina = new Piscina<TaskRequest, TaskOutcome>({
      filename: WORKER_PATH,
      // A fixed set of workers: each holds a scratch slot, and none idles out to be respawned.
      minThreads: options.workerCount,
      maxThreads: options.workerCount,
      maxQueue: options.maxQueuedTasks,
      // Kernels run to completion: a second concurrent task per worker would only wait.
      concurrentTasksPerWorker: 1,
      workerData,
    });
    // A slot is free once its worker's thread is gone: watch every thread piscina starts.
    this.watchThreadExits();
    this.piscina.on('workerCreate', () => this.watchThreadExits());
    this.piscina.on('workerDestroy', () => this.watchThreadExits());
    this.piscina.on('error', (error: unknown) => {
      this.lastWorkerFailure = error;
    });
  }

  /** Tasks waiting for a worker. */
  get queuedTaskCount(): number {
    return this.piscina.queueSize;
  }

  /** Live worker threads (0 after close()). */
  get threadCount(): number {
    return this.piscina.threads.length;
  }

  get lastFailure(): unknown {
    return this.lastWorkerFailure;
  }

  /** Runs one task in some worker. Rejects with RuntimeBusyError when the queue is full. */
  async submit(request: TaskRequest): Promise<TaskOutcome> {
    this.admit(1);
    return this.piscina.run(request).catch(translatePoolError);
  }

  /**
   * Runs independent tasks across the workers. All or nothing: the batch is refused as a whole
   * (RuntimeBusyError) unless every task fits, so a query never runs on half its segments.
   */
  async submitAll(requests: readonly TaskRequest[]): Promise<TaskOutcome[]> {
    return Promise.all(this.startAll(requests));
  }

  /**
   * Admits the batch whole (or throws RuntimeBusyError at once) and starts every task; one
   * promise per task, so that a caller can wait until all have ended even when one fails.
   */
  startAll(requests: readonly TaskRequest[]): Promise<TaskOutcome>[] {
    this.admit(requests.length);
    return requests.map((request) => this.piscina.run(request).catch(translatePoolError));
  }

  /** Terminates every worker and waits until they have exited; queued tasks are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }

  /** Claimed scratch slots: workerCount while every worker is up, 0 after close(). */
  get claimedScratchSlots(): number {
    return claimedScratchCount(this.scratch);
  }

  /**
   * Frees a worker's scratch slot when its thread exits. The threadId is read while the thread
   * lives: Node reports -1 once it has exited.
   */
  private watchThreadExits(): void {
    for (const thread of this.piscina.threads) {
      if (this.watchedThreads.has(thread) || thread.threadId < 0) continue;
      this.watchedThreads.add(thread);
      const threadId = thread.threadId;
      thread.once('exit', () => releaseScratch(this.scratch, threadId));
    }
  }

  private admit(taskCount: number): void {
    assert(!this.closed, 'the kernel pool is open');
    const freeCount = this.piscina.idleThreads + this.maxQueuedTasks - this.piscina.queueSize;
    if (taskCount <= freeCount) return;
    throw new RuntimeBusyError(
      `kernel worker queue is full: ${taskCount} task(s) asked for, room for ${freeCount} ` +
        `(${this.workerCount} workers, at most ${this.maxQueuedTasks} queued); retry later, ` +
        `send fewer concurrent queries, or raise maxQueuedTasks`,
    );
  }
}

function translatePoolError(error: unknown): never {
  if (error instanceof Error && error.message === PISCINA_QUEUE_FULL_MESSAGE) {
    throw new RuntimeBusyError(
      'kernel worker queue is full; retry later or send fewer concurrent queries',
    );
  }
  throw error;
}
