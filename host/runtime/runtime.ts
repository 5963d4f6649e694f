// The kernel runtime of one process: the one shared memory, its allocator, the calling thread's
// own kernels instance (`local`) and a pool of workers running the same module on the same
// memory. Work goes to `local` when it is smaller than a worker round trip, else to the pool;
// results are equal either way. A process opens one runtime (the server holds it); tests open
// several. See host/runtime/README.md for the memory map and the rules.
import { availableParallelism } from 'node:os';
import { ConfigError } from '../errors/errors.js';
import { assert } from '../util/assert.js';
import { MemoryAllocator } from './allocator.js';
import { instantiateKernels, kernelsModule, type KernelInstance } from './kernelModule.js';
import { createSharedMemory, WASM32_MAX_PAGES, WASM_PAGE_BYTES } from './memory.js';
import { kernelProgram, validateProgram, type KernelProgram } from './operations.js';
import { DEFAULT_MAX_QUEUED_TASKS, KernelPool } from './pool.js';
import { createScratchLayout } from './scratch.js';
import {
  deserializeError,
  executeOperation,
  taskRequest,
  type ExecutionContext,
  type Operation,
  type TaskOutcome,
} from './tasks.js';
import { MemoryViews } from './views.js';

/**
 * Work of at most this many rows runs on the calling thread. A worker round trip measured 21 µs
 * p50 / 32 µs mean (bench/runtime/roundtrip.bench.ts, 2 loaded cores; the issue saw ~65 µs);
 * the slowest hot kernel (group-by, >= 5e8 rows/s) does 16,384 rows in ~33 µs, about one round
 * trip, and faster kernels (scans, >= 1.5e9 rows/s) in ~11 µs. Below it, local work finishes
 * before a worker would have answered and blocks the event loop no longer than that.
 */
export const DEFAULT_LOCAL_ROWS_MAX = 16_384;

/**
 * A query whose immutable segments hold at most this many docs in all runs on the calling
 * thread (host/query/parallel.ts). A pool task costs far more than a kernel round trip: the
 * worker parses, plans and compiles the query and results are cloned back. Measured with
 * bench/parallel (2 cores at load average ~18, so both sides inflated): one worker was 0.1-0.4×
 * the calling thread's speed at 16,384 docs, 0.7-0.95× at 65,536 and 0.85-1.4× at 262,144; the
 * threshold sits between the last two. Local work of this size blocks the event loop a few ms.
 */
export const DEFAULT_LOCAL_QUERY_DOCS_MAX = 131_072;

/**
 * 4 MiB of scratch per thread: a dense group-by table of 65,536 groups with four 8-byte
 * accumulators (2 MiB) plus a doc-id bitset for a 16M-row segment (2 MiB). 17 threads' worth is
 * under 2% of the 4 GiB wasm32 memory, and untouched pages cost no physical memory.
 */
export const DEFAULT_SCRATCH_BYTES_PER_WORKER = 4 * 1024 * 1024;

/** Scratch regions start on a cache line so that two threads' scratch never shares one. */
const SCRATCH_ALIGN_BYTES = 64;

/** wasm32 addresses at most 4 GiB; the default maximum is the whole of it. */
const WASM32_MAX_BYTES = WASM32_MAX_PAGES * WASM_PAGE_BYTES;

export interface KernelRuntimeOptions {
  /** Worker threads; default os.availableParallelism() (one per core the process may use). */
  readonly workerCount?: number;
  /** Upper bound of the shared memory; default 4 GiB (wasm32's limit), whole 64 KiB pages. */
  readonly maximumMemoryBytes?: number;
  /** Scratch per worker (and for the calling thread); default DEFAULT_SCRATCH_BYTES_PER_WORKER. */
  readonly scratchBytesPerWorker?: number;
  /** Queued-task bound of the pool; default DEFAULT_MAX_QUEUED_TASKS. */
  readonly maxQueuedTasks?: number;
  /** Work of at most this many estimated rows runs locally; default DEFAULT_LOCAL_ROWS_MAX. */
  readonly localRowsMax?: number;
  /** Queries over at most this many docs stay local; default DEFAULT_LOCAL_QUERY_DOCS_MAX. */
  readonly localQueryDocsMax?: number;
  /** The compiled kernels; default build/kernels.wasm. Tests and tools may pass another build. */
  readonly module?: WebAssembly.Module;
}

export interface RunOptions {
  /** Rows the work touches. Unknown (undefined) counts as large: it goes to the pool. */
  readonly estimatedRows?: number;
}

interface ResolvedOptions {
  workerCount: number;
  maximumPages: number;
  scratchBytes: number;
  maxQueuedTasks: number;
  localRowsMax: number;
  localQueryDocsMax: number;
  module: WebAssembly.Module;
}

function integerAtLeast(value: number, name: string, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new ConfigError(`${name} must be an integer >= ${minimum}, got ${value}`);
  }
  return value;
}

function resolveOptions(options: KernelRuntimeOptions): ResolvedOptions {
  const maximumBytes = options.maximumMemoryBytes ?? WASM32_MAX_BYTES;
  if (!(maximumBytes >= WASM_PAGE_BYTES && maximumBytes <= WASM32_MAX_BYTES)) {
    throw new ConfigError(
      `maximumMemoryBytes must lie between ${WASM_PAGE_BYTES} and ${WASM32_MAX_BYTES} ` +
        `(wasm32 caps one memory at 4 GiB), got ${maximumBytes}`,
    );
  }
  const scratchBytes = integerAtLeast(
    options.scratchBytesPerWorker ?? DEFAULT_SCRATCH_BYTES_PER_WORKER,
    'scratchBytesPerWorker',
    1,
  );
  return {
    workerCount: integerAtLeast(options.workerCount ?? availableParallelism(), 'workerCount', 1),
    maximumPages: Math.floor(maximumBytes / WASM_PAGE_BYTES),
    // Whole cache lines, so that every slot of the worker block starts on one.
    scratchBytes: Math.ceil(scratchBytes / SCRATCH_ALIGN_BYTES) * SCRATCH_ALIGN_BYTES,
    maxQueuedTasks: integerAtLeast(
      options.maxQueuedTasks ?? DEFAULT_MAX_QUEUED_TASKS,
      'maxQueuedTasks',
      0,
    ),
    localRowsMax: integerAtLeast(
      options.localRowsMax ?? DEFAULT_LOCAL_ROWS_MAX,
      'localRowsMax',
      0,
    ),
    localQueryDocsMax: integerAtLeast(
      options.localQueryDocsMax ?? DEFAULT_LOCAL_QUERY_DOCS_MAX,
      'localQueryDocsMax',
      0,
    ),
    module: options.module ?? kernelsModule(),
  };
}

export class KernelRuntime {
  private closed = false;

  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly allocator: MemoryAllocator,
    /** The calling thread's own instance of the kernels, on the shared memory. */
    readonly local: KernelInstance,
    private readonly localContext: ExecutionContext,
    private readonly pool: KernelPool,
    private readonly scratchPtrs: readonly number[],
    readonly localRowsMax: number,
    /** Queries over at most this many docs of immutable segments stay on the calling thread. */
    readonly localQueryDocsMax: number,
  ) {}

  /** Creates the memory, the allocator, the local instance and the pool; checks every worker. */
  static async open(options: KernelRuntimeOptions = {}): Promise<KernelRuntime> {
    const resolved = resolveOptions(options);
    const memory = createSharedMemory({ maximumPages: resolved.maximumPages });
    const local = instantiateKernels(memory, resolved.module);
    assert(typeof local.exports.heapBase === 'function', 'the kernels module exports heapBase');
    const allocator = new MemoryAllocator(
      memory,
      local.exports.heapBase(),
      resolved.maximumPages * WASM_PAGE_BYTES,
    );
    const { scratchBytes, workerCount } = resolved;
    const localScratchPtr = allocator.allocate(scratchBytes, SCRATCH_ALIGN_BYTES);
    const workerScratchPtr = allocator.allocate(scratchBytes * workerCount, SCRATCH_ALIGN_BYTES);
    const localContext: ExecutionContext = {
      kernels: local.exports,
      memory,
      views: new MemoryViews(memory),
      scratchPtr: localScratchPtr,
      scratchBytes,
    };
    const pool = new KernelPool({
      module: resolved.module,
      memory,
      scratch: createScratchLayout(workerScratchPtr, scratchBytes, workerCount),
      workerCount,
      maxQueuedTasks: resolved.maxQueuedTasks,
    });
    const runtime = new KernelRuntime(
      memory,
      allocator,
      local,
      localContext,
      pool,
      [localScratchPtr, workerScratchPtr],
      resolved.localRowsMax,
      resolved.localQueryDocsMax,
    );
    await runtime.checkWorkers();
    return runtime;
  }

  get workerCount(): number {
    return this.pool.workerCount;
  }

  /** Live worker threads: workerCount while open, 0 after close(). */
  get threadCount(): number {
    return this.pool.threadCount;
  }

  /** Worker scratch slots held by live workers: workerCount while all are up, 0 after close. */
  get scratchSlotsInUse(): number {
    return this.pool.claimedScratchSlots;
  }

  /** The calling thread's scratch region (for operations run through executeLocal). */
  get localScratch(): { readonly ptr: number; readonly sizeBytes: number } {
    return { ptr: this.localContext.scratchPtr, sizeBytes: this.localContext.scratchBytes };
  }

  /** Runs a kernel program locally or in a worker by its size; returns each call's result. */
  async run(program: KernelProgram, options: RunOptions = {}): Promise<number[]> {
    validateProgram(this.local.exports, program);
    return this.execute(kernelProgram, program, options);
  }

  /** Runs independent programs (e.g. one per segment) spread across the workers. */
  async runAll(programs: readonly KernelProgram[]): Promise<number[][]> {
    for (const program of programs) validateProgram(this.local.exports, program);
    return this.executeAll(kernelProgram, programs);
  }

  /** Runs any registered operation, locally when `estimatedRows` <= localRowsMax. */
  async execute<Args, Result>(
    operation: Operation<Args, Result>,
    args: Args,
    options: RunOptions = {},
  ): Promise<Result> {
    const { estimatedRows } = options;
    if (estimatedRows !== undefined && estimatedRows <= this.localRowsMax) {
      return this.executeLocal(operation, args);
    }
    assert(!this.closed, 'the kernel runtime is open');
    return decodeOutcome<Result>(await this.pool.submit(taskRequest(operation, args)));
  }

  /** Runs one operation per argument set across the workers; all are admitted or none. */
  async executeAll<Args, Result>(
    operation: Operation<Args, Result>,
    argsList: readonly Args[],
  ): Promise<Result[]> {
    assert(!this.closed, 'the kernel runtime is open');
    const requests = argsList.map((args) => taskRequest(operation, args));
    const outcomes = await this.pool.submitAll(requests);
    return outcomes.map((outcome) => decodeOutcome<Result>(outcome));
  }

  /**
   * Starts one operation per argument set in the workers, admitted whole or refused at once
   * (RuntimeBusyError); one promise per task, so that a caller holding shared memory for the
   * tasks can release it only after every task has ended, a failed one's siblings included.
   */
  startAll<Args, Result>(
    operation: Operation<Args, Result>,
    argsList: readonly Args[],
  ): Promise<Result>[] {
    assert(!this.closed, 'the kernel runtime is open');
    const requests = argsList.map((args) => taskRequest(operation, args));
    return this.pool
      .startAll(requests)
      .map((outcome) => outcome.then((settled) => decodeOutcome<Result>(settled)));
  }

  /** Runs an operation synchronously on the calling thread's instance. */
  executeLocal<Args, Result>(operation: Operation<Args, Result>, args: Args): Result {
    assert(!this.closed, 'the kernel runtime is open');
    return executeOperation(this.localContext, operation, args);
  }

  /** Stops every worker and waits for them to exit; the scratch regions are given back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
    for (const ptr of this.scratchPtrs) this.allocator.release(ptr);
  }

  /** Every worker must run the same module as `local`: each reports the module's heapBase. */
  private async checkWorkers(): Promise<void> {
    const probe: KernelProgram = [{ kernel: 'heapBase', args: [] }];
    const expected = this.local.exports.heapBase();
    try {
      const results = await this.runAll(Array.from({ length: this.workerCount }, () => probe));
      for (const [heapBase] of results) {
        assert(heapBase === expected, `worker heapBase ${heapBase} equals ${expected}`);
      }
    } catch (error) {
      await this.close();
      throw new Error(
        `kernel workers failed to start: ${String(error)} (last worker failure: ` +
          `${String(this.pool.lastFailure)})`,
        { cause: error },
      );
    }
  }
}

function decodeOutcome<Result>(outcome: TaskOutcome): Result {
  if (!outcome.ok) throw deserializeError(outcome.error);
  return outcome.value as Result;
}
