// The kernel runtime of one process: its shared wasm32 memories (one to start with; another
// opens when segments no longer fit), each with its allocator and the calling thread's own
// kernels instance on it, and a pool of workers that instantiate the same module on the same
// memories. Work goes to the calling thread when it is smaller than a worker round trip, else
// to the pool; results are equal either way. A process opens one runtime (the server holds
// it); tests open several. See host/runtime/README.md for the memory map and the rules.
import { availableParallelism, totalmem } from 'node:os';
import { ConfigError, MemoryExhaustedError } from '../errors/errors.js';
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
  type MemoryTarget,
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

/**
 * Segment images may fill at most this share of the machine's RAM across all memories (the
 * default memory count): the rest is left to the JS heap, the OS page cache and other
 * processes. On the 24 GiB development machine: 4 memories, 16 GiB of segments.
 */
const SEGMENT_RAM_SHARE = 0.75;

/**
 * Room a memory keeps free of segment images for query temporaries: a worker's arena over a
 * 1M-doc segment is 20 MiB (parallel.ts), 16 workers' 320 MiB, plus the calling thread's fast
 * paths. A segment that would eat into it goes to the next memory (a new one if allowed);
 * only when no memory may be opened is the headroom given up.
 */
export const DEFAULT_MEMORY_HEADROOM_BYTES = 512 * 1024 * 1024;

export interface KernelRuntimeOptions {
  /** Worker threads; default os.availableParallelism() (one per core the process may use). */
  readonly workerCount?: number;
  /** Upper bound of each shared memory; default 4 GiB (wasm32's limit), whole 64 KiB pages. */
  readonly maximumMemoryBytes?: number;
  /**
   * Memories the runtime may open, one after the other as segments fill them; default: as
   * many 4 GiB memories as fit in 75% of the machine's RAM, at least one.
   */
  readonly maximumMemoryCount?: number;
  /** Room each memory keeps free of segments; default DEFAULT_MEMORY_HEADROOM_BYTES. */
  readonly memoryHeadroomBytes?: number;
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
  /** The memory whose data the work reads (KernelMemory.index); default 0. */
  readonly memoryIndex?: number;
}

/** One wasm32 memory of the runtime, its allocator and the calling thread's kernels on it. */
export interface KernelMemory {
  readonly index: number;
  readonly memory: WebAssembly.Memory;
  readonly allocator: MemoryAllocator;
  /** The calling thread's own instance of the kernels on this memory. */
  readonly local: KernelInstance;
  readonly localContext: ExecutionContext;
  /** What a task on this memory tells a worker (undefined for memory 0, every worker's own). */
  readonly target: MemoryTarget | undefined;
  /** The worker scratch block and the calling thread's scratch, given back at close. */
  readonly scratchPtrs: readonly number[];
}

/** A range allocated for a segment image, and the memory it lies in. */
export interface PlacedRange {
  readonly ptr: number;
  readonly memory: KernelMemory;
}

interface ResolvedOptions {
  workerCount: number;
  maximumPages: number;
  maximumMemoryCount: number;
  headroomBytes: number;
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
  const defaultCount = Math.floor((totalmem() * SEGMENT_RAM_SHARE) / WASM32_MAX_BYTES);
  // The default never takes more than an eighth of a memory, so that small memories still
  // hold segments; a value given is taken as it is.
  const headroomBytes =
    options.memoryHeadroomBytes === undefined
      ? Math.min(DEFAULT_MEMORY_HEADROOM_BYTES, Math.floor(maximumBytes / 8))
      : integerAtLeast(options.memoryHeadroomBytes, 'memoryHeadroomBytes', 0);
  return {
    workerCount: integerAtLeast(options.workerCount ?? availableParallelism(), 'workerCount', 1),
    maximumPages: Math.floor(maximumBytes / WASM_PAGE_BYTES),
    maximumMemoryCount: integerAtLeast(
      options.maximumMemoryCount ?? Math.max(1, defaultCount),
      'maximumMemoryCount',
      1,
    ),
    headroomBytes,
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

/** Opens memory `index`: the calling thread's instance, scratch and the worker scratch block. */
function openKernelMemory(index: number, resolved: ResolvedOptions): KernelMemory {
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
  return {
    index,
    memory,
    allocator,
    local,
    localContext,
    target: index === 0 ? undefined : { index, memory, workerScratchPtr },
    scratchPtrs: [localScratchPtr, workerScratchPtr],
  };
}

export class KernelRuntime {
  private closed = false;
  private readonly openMemories: KernelMemory[];

  private constructor(
    first: KernelMemory,
    private readonly pool: KernelPool,
    private readonly resolved: ResolvedOptions,
  ) {
    this.openMemories = [first];
  }

  /** Creates memory 0, its allocator, the local instance and the pool; checks every worker. */
  static async open(options: KernelRuntimeOptions = {}): Promise<KernelRuntime> {
    const resolved = resolveOptions(options);
    const first = openKernelMemory(0, resolved);
    const pool = new KernelPool({
      module: resolved.module,
      memory: first.memory,
      scratch: createScratchLayout(
        first.scratchPtrs[1]!,
        resolved.scratchBytes,
        resolved.workerCount,
      ),
      workerCount: resolved.workerCount,
      maxQueuedTasks: resolved.maxQueuedTasks,
    });
    const runtime = new KernelRuntime(first, pool, resolved);
    await runtime.checkWorkers();
    return runtime;
  }

  /** Memory 0: small data, query temporaries of mutable segments, and the first segments. */
  get memory(): WebAssembly.Memory {
    return this.openMemories[0]!.memory;
  }

  get allocator(): MemoryAllocator {
    return this.openMemories[0]!.allocator;
  }

  /** The calling thread's own instance of the kernels on memory 0. */
  get local(): KernelInstance {
    return this.openMemories[0]!.local;
  }

  /** The memories opened so far, in opening order (index = position). */
  get memories(): readonly KernelMemory[] {
    return this.openMemories;
  }

  get maximumMemoryCount(): number {
    return this.resolved.maximumMemoryCount;
  }

  /** Work of at most this many estimated rows runs on the calling thread. */
  get localRowsMax(): number {
    return this.resolved.localRowsMax;
  }

  /** Queries over at most this many docs of immutable segments stay on the calling thread. */
  get localQueryDocsMax(): number {
    return this.resolved.localQueryDocsMax;
  }

  /** The open memory `memory` is, or undefined when it is none of this runtime's. */
  memoryOf(memory: WebAssembly.Memory): KernelMemory | undefined {
    return this.openMemories.find((candidate) => candidate.memory === memory);
  }

  /**
   * Allocates a segment image in the first memory where it leaves the headroom free, opening
   * the next memory when none does; with no memory left to open, the headroom is given up
   * before MemoryExhaustedError.
   */
  allocateSegment(sizeBytes: number, alignBytes: number): PlacedRange {
    assert(!this.closed, 'the kernel runtime is open');
    const { headroomBytes, maximumMemoryCount } = this.resolved;
    for (const memory of this.openMemories) {
      const ptr = tryAllocate(memory.allocator, sizeBytes, alignBytes, headroomBytes);
      if (ptr !== undefined) return { ptr, memory };
    }
    if (this.openMemories.length < maximumMemoryCount) {
      const memory = openKernelMemory(this.openMemories.length, this.resolved);
      this.openMemories.push(memory);
      return { ptr: memory.allocator.allocate(sizeBytes, alignBytes), memory };
    }
    for (const memory of this.openMemories) {
      const ptr = tryAllocate(memory.allocator, sizeBytes, alignBytes, 0);
      if (ptr !== undefined) return { ptr, memory };
    }
    throw new MemoryExhaustedError(
      `no kernel memory has room for a segment of ${sizeBytes} bytes: all ` +
        `${maximumMemoryCount} memories of at most ${this.resolved.maximumPages * WASM_PAGE_BYTES} ` +
        `bytes are open and full; release segments, raise maximumMemoryCount, or run more ` +
        `server processes`,
    );
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

  /** The calling thread's scratch region in memory 0 (for operations run through executeLocal). */
  get localScratch(): { readonly ptr: number; readonly sizeBytes: number } {
    const { localContext } = this.openMemories[0]!;
    return { ptr: localContext.scratchPtr, sizeBytes: localContext.scratchBytes };
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
    const { estimatedRows, memoryIndex = 0 } = options;
    if (estimatedRows !== undefined && estimatedRows <= this.localRowsMax) {
      return this.executeLocal(operation, args, memoryIndex);
    }
    const target = this.memoryAt(memoryIndex).target;
    return decodeOutcome<Result>(await this.pool.submit(taskRequest(operation, args, target)));
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
    memoryIndex = 0,
  ): Promise<Result>[] {
    const target = this.memoryAt(memoryIndex).target;
    const requests = argsList.map((args) => taskRequest(operation, args, target));
    return this.pool
      .startAll(requests)
      .map((outcome) => outcome.then((settled) => decodeOutcome<Result>(settled)));
  }

  /** Runs an operation synchronously on the calling thread's instance on memory `memoryIndex`. */
  executeLocal<Args, Result>(
    operation: Operation<Args, Result>,
    args: Args,
    memoryIndex = 0,
  ): Result {
    return executeOperation(this.memoryAt(memoryIndex).localContext, operation, args);
  }

  /** Stops every worker and waits for them to exit; the scratch regions are given back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
    for (const { allocator, scratchPtrs } of this.openMemories) {
      for (const ptr of scratchPtrs) allocator.release(ptr);
    }
  }

  private memoryAt(index: number): KernelMemory {
    assert(!this.closed, 'the kernel runtime is open');
    const memory = this.openMemories[index];
    assert(memory !== undefined, `kernel memory ${index} is open`);
    return memory;
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

/**
 * Allocates when the memory keeps `headroomBytes` free afterwards; undefined when it would not
 * or cannot (fragmentation, growth refused).
 */
function tryAllocate(
  allocator: MemoryAllocator,
  sizeBytes: number,
  alignBytes: number,
  headroomBytes: number,
): number | undefined {
  const { allocatedBytes, maximumBytes } = allocator.stats();
  if (allocatedBytes + sizeBytes + headroomBytes > maximumBytes) return undefined;
  return allocator.tryAllocate(sizeBytes, alignBytes);
}

function decodeOutcome<Result>(outcome: TaskOutcome): Result {
  if (!outcome.ok) throw deserializeError(outcome.error);
  return outcome.value as Result;
}
