// Segments spread over the kernel worker pool. The main thread prunes, decides where each
// segment runs, and starts one task per worker with a balanced batch of immutable segments
// (split further where they lie in different memories: a task runs on one memory); a
// worker parses, plans and compiles the query once per task, attaches each segment from the
// shared memory (no copy), runs it exactly as the calling thread would (segmentExec.ts) and sends
// back plain per-segment results and stats. Tiny queries, EXPLAIN and every mutable (consuming)
// segment stay on the calling thread. Results are merged in the segments' original order, so an
// answer does not depend on where a segment ran.
//
// This module is imported by workers (the operation lives here): definitions only, no side
// effects at load beyond registering the operation.
import { threadId } from 'node:worker_threads';
import type { Schema, TableConfig } from '../config/types.js';
import { MemoryExhaustedError } from '../errors/errors.js';
import type { Expr, SqlStatement } from '../sql/ast.js';
import { parseSql } from '../sql/parser.js';
import { MemoryAllocator } from '../runtime/allocator.js';
import { RuntimeBusyError } from '../runtime/errors.js';
import { ReleaseLogReader } from '../runtime/releaseLog.js';
import { defineOperation, type ExecutionContext } from '../runtime/tasks.js';
import {
  attachImmutableSegment,
  ImmutableSegment,
  type SegmentDescriptor,
} from '../../segments/immutable/segment.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { KernelRuntime } from '../runtime/runtime.js';
import { assert } from '../util/assert.js';
import { compileQuery, type CompiledQuery } from './compiledQuery.js';
import type { KernelContext } from './kernelMemory.js';
import { parseQueryOptions } from './options.js';
import { sortedDocsBound } from './filterExec.js';
import { planQuery } from './plan.js';
import { applyTimestampIndex } from './timestampIndex.js';
import { cannotMatch } from './prune.js';
import type { BrokerResponse } from './response.js';
import {
  checkDeadline,
  executeSegment,
  QueryTimeoutError,
  type Deadline,
  type SegmentResult,
  type SegmentStats,
} from './segmentExec.js';

/**
 * Temporaries a worker may use per doc of its largest segment: a filter scan's selection
 * vector is one u32 per doc, the largest single fast-path allocation that grows with docs.
 */
export const ARENA_BYTES_PER_DOC = 4;
/**
 * Temporaries a worker may use beyond that: a dense group-by of 2^20 groups' counts (4 MiB)
 * or ~440K groups with one value column (4 + 3 × 8 bytes each), plus dictionary-id bitsets
 * and block buffers. A segment that needs more is not lost: it reruns on the calling thread.
 */
export const ARENA_BASE_BYTES = 16 * 1024 * 1024;
/**
 * Attached segments a worker keeps cached beyond those released: an attachment is only
 * column readers (views, no data), so thousands cost little; the oldest go first past it.
 */
export const MAX_ATTACHED_SEGMENTS = 4096;

/** The statement with `filter` ANDed into its WHERE (unchanged when there is none). */
export function withFilter(statement: SqlStatement, filter: Expr | undefined): SqlStatement {
  if (filter === undefined) return statement;
  const { query } = statement;
  const where: Expr =
    query.where === undefined
      ? filter
      : { kind: 'logical', op: 'AND', operands: [query.where, filter], pos: query.where.pos };
  return { ...statement, query: { ...query, where } };
}

/** What one task of the pool carries (structured-cloneable). */
export interface SegmentBatchArgs {
  readonly sql: string;
  /** The request-level queryOptions; the statement's own SET/OPTION entries win, as on main. */
  readonly queryOptions: Readonly<Record<string, string>>;
  readonly schema: Schema;
  readonly tableConfig: TableConfig;
  /** The table's broker filter (hybrid time boundary), ANDed into WHERE. */
  readonly queryFilter?: Expr;
  readonly segments: readonly SegmentDescriptor[];
  /** Absolute (epoch) time: threads have different performance.timeOrigin. */
  readonly deadlineEpochMs: number;
  readonly timeoutMs: number;
  /** The task's own range of the shared memory for kernel temporaries. */
  readonly arenaPtr: number;
  readonly arenaBytes: number;
}

/** One segment's partial result and stats, as executeSegment returns them. */
export interface SegmentOutcome {
  readonly result: SegmentResult;
  readonly stats: SegmentStats;
}

export interface SegmentBatchResult {
  /** The worker thread that ran the batch (traceInfo). */
  readonly threadId: number;
  /** One per descriptor, in order; null: it needed more temporaries, run it on the caller. */
  readonly outcomes: (SegmentOutcome | null)[];
  readonly elapsedMs: number;
}

const attached = new Map<number, ImmutableSegment>();
let releases: ReleaseLogReader | undefined;

/** Drops attachments of segments the main thread has released since the last task. */
function forgetReleased(): void {
  releases ??= new ReleaseLogReader();
  if (!releases.drain((id) => attached.delete(id))) attached.clear();
}

function attachedSegment(descriptor: SegmentDescriptor, memory: WebAssembly.Memory) {
  let segment = attached.get(descriptor.id);
  if (segment === undefined) {
    segment = attachImmutableSegment(descriptor, memory);
    if (attached.size >= MAX_ATTACHED_SEGMENTS) {
      attached.delete(attached.keys().next().value!);
    }
    attached.set(descriptor.id, segment);
  }
  return segment;
}

/** As the engine plans a part; the timestamp index applies as far as this batch has it. */
function compileBatchQuery(args: SegmentBatchArgs, segments: readonly Segment[]): CompiledQuery {
  const statement = parseSql(args.sql);
  const options = parseQueryOptions({ ...args.queryOptions, ...statement.queryOptions });
  const plan = planQuery(withFilter(statement, args.queryFilter), args.schema, options);
  return compileQuery(applyTimestampIndex(plan, args.tableConfig, segments));
}

function arenaContext(context: ExecutionContext, args: SegmentBatchArgs): KernelContext {
  const { memory } = context;
  const allocator = new MemoryAllocator(memory, args.arenaPtr, args.arenaPtr + args.arenaBytes);
  return { kernels: { exports: context.kernels, memory }, allocator };
}

function runBatch(context: ExecutionContext, args: SegmentBatchArgs): SegmentBatchResult {
  const startMs = performance.now();
  forgetReleased();
  const deadline: Deadline = {
    atMs: args.deadlineEpochMs - performance.timeOrigin,
    timeoutMs: args.timeoutMs,
  };
  checkDeadline(deadline);
  const segments = args.segments.map((descriptor) =>
    attachedSegment(descriptor, context.memory),
  );
  const query = compileBatchQuery(args, segments);
  let kernels = arenaContext(context, args);
  const outcomes: (SegmentOutcome | null)[] = [];
  for (const segment of segments) {
    checkDeadline(deadline);
    try {
      outcomes.push(executeSegment(query, segment, deadline, kernels));
    } catch (error) {
      // The worker's only allocator is its arena: the segment needs more, the caller has it.
      if (!(error instanceof MemoryExhaustedError)) throw error;
      outcomes.push(null);
      kernels = arenaContext(context, args);
    }
  }
  return { threadId, outcomes, elapsedMs: performance.now() - startMs };
}

/** The pool's per-task operation: a batch of immutable segments of one table. */
export const segmentBatch = defineOperation<SegmentBatchArgs, SegmentBatchResult>(
  import.meta.url,
  'query.segmentBatch',
  runBatch,
);

/**
 * Does nothing but make the worker load this module (the query engine's whole module graph,
 * about a second cold on a loaded 2-core machine) before the first query needs it.
 */
export const warmWorker = defineOperation<null, number>(
  import.meta.url,
  'query.warmWorker',
  () => threadId,
);

/** Loads the query modules in every worker now; failures surface on the first real task. */
export function warmWorkers(runtime: KernelRuntime): void {
  const nothing = Array.from({ length: runtime.workerCount }, () => null);
  try {
    void Promise.allSettled(runtime.startAll(warmWorker, nothing));
  } catch (error) {
    // A busy pool loads the modules with its first query instead.
    if (!(error instanceof RuntimeBusyError)) throw error;
  }
}

/** Bytes of kernel temporaries a task over segments of at most `maxDocCount` docs gets. */
export function arenaBytesFor(maxDocCount: number): number {
  return ARENA_BASE_BYTES + maxDocCount * ARENA_BYTES_PER_DOC;
}

/**
 * Splits segments into at most `batchCount` batches of near-equal doc counts (largest first,
 * each into the lightest batch so far: within 4/3 of the optimum). Returns indexes into
 * `docCounts`, each batch in ascending index order; empty batches are left out.
 */
export function balanceBatches(docCounts: readonly number[], batchCount: number): number[][] {
  const order = docCounts.map((_, index) => index).sort((a, b) => docCounts[b]! - docCounts[a]!);
  const batches = Array.from({ length: Math.max(1, batchCount) }, () => ({
    docs: 0,
    indexes: [] as number[],
  }));
  for (const index of order) {
    let lightest = batches[0]!;
    for (const batch of batches) if (batch.docs < lightest.docs) lightest = batch;
    lightest.docs += docCounts[index]!;
    lightest.indexes.push(index);
  }
  return batches
    .filter((batch) => batch.indexes.length > 0)
    .map((batch) => batch.indexes.sort((a, b) => a - b));
}

// ---- Main thread: placement, dispatch, merge ----

/** One physical table's share of a query: its compiled plan and its segment snapshot. */
export interface QueryPart {
  readonly table: {
    readonly schema: Schema;
    readonly config: TableConfig;
    readonly queryFilter?: Expr;
  };
  readonly compiled: CompiledQuery;
  readonly segments: readonly Segment[];
}

/** Where the engine runs segments: the calling thread's kernels and, optionally, the pool. */
export interface ExecutionTargets {
  /** The calling thread's kernels; undefined: host row paths only. */
  readonly kernels?: KernelContext;
  /** The pool; undefined: everything on the calling thread. */
  readonly runtime?: KernelRuntime;
}

export interface PartsRequest {
  readonly sql: string;
  readonly queryOptions: Readonly<Record<string, string>>;
  readonly parts: readonly QueryPart[];
  readonly deadline: Deadline;
  readonly response: BrokerResponse;
}

/**
 * The calling thread's kernels on the memory `segment` lies in: the runtime may hold segments
 * in several memories, and a kernel reads only its own. Mutable segments and memory 0's use
 * `targets.kernels`.
 */
export function kernelsFor(targets: ExecutionTargets, segment: Segment): KernelContext | undefined {
  const { kernels, runtime } = targets;
  if (kernels === undefined) return kernels;
  if (!(segment instanceof ImmutableSegment) || segment.memory === kernels.kernels.memory) {
    return kernels;
  }
  assert(runtime !== undefined, 'an engine over several memories is given their runtime');
  const memory = runtime.memoryOf(segment.memory);
  assert(memory !== undefined, `segment ${segment.metadata.segmentName} lies in a runtime memory`);
  return { kernels: memory.local, allocator: memory.allocator };
}

/** The index of the runtime memory an immutable segment lies in. */
function memoryIndexOf(runtime: KernelRuntime, segment: ImmutableSegment): number {
  const memory = runtime.memoryOf(segment.memory);
  assert(memory !== undefined, `segment ${segment.metadata.segmentName} lies in a runtime memory`);
  return memory.index;
}

/** One unpruned segment in query order, and what became of it. */
interface Slot {
  readonly part: number;
  readonly segment: Segment;
  outcome?: SegmentOutcome;
  placement: string;
}

/** The calling thread's placement label in traceInfo. */
const CALLER = 'thread: caller';
/** SegmentBatchResult.threadId of a batch that never reached a worker (no arena). */
const NO_WORKER = -1;

/**
 * Runs every part's segments (pruned by metadata first) and returns their partial results in
 * query order, counting stats into `request.response`. Immutable segments are held (acquire)
 * until the last task reading them has ended, even when the answer leaves early (timeout).
 */
export async function executeParts(
  targets: ExecutionTargets,
  request: PartsRequest,
): Promise<SegmentResult[]> {
  const slots = unprunedSlots(request);
  const held = holdImmutable(slots);
  let tasksEnded: Promise<unknown> = Promise.resolve();
  try {
    const pooled = poolCandidates(targets.runtime, request.parts, slots);
    const dispatch =
      pooled.length === 0 ? undefined : startBatches(targets.runtime!, request, pooled);
    if (dispatch !== undefined) tasksEnded = dispatch.ended;
    // The calling thread serves what stays local while the workers run theirs.
    const pooledSet = new Set(pooled);
    runLocally(targets, request, slots, (slot) => !pooledSet.has(slot));
    if (dispatch !== undefined) {
      const results = await untilDeadline(Promise.all(dispatch.tasks), request.deadline);
      fillFromWorkers(dispatch.batches, results);
      runLocally(targets, request, slots, (slot) => slot.outcome === undefined);
    }
  } finally {
    void tasksEnded.then(() => {
      for (const segment of held) segment.release();
    });
  }
  return collect(request, slots);
}

function unprunedSlots(request: PartsRequest): Slot[] {
  const slots: Slot[] = [];
  request.parts.forEach((part, partIndex) => {
    const filter = part.compiled.plan.filter;
    for (const segment of part.segments) {
      if (filter !== undefined && cannotMatch(filter, segment.metadata)) {
        request.response.numSegmentsPrunedByServer++;
        continue;
      }
      slots.push({ part: partIndex, segment, placement: CALLER });
    }
  });
  return slots;
}

function holdImmutable(slots: readonly Slot[]): ImmutableSegment[] {
  const held: ImmutableSegment[] = [];
  for (const { segment } of slots) {
    if (segment instanceof ImmutableSegment) held.push(segment.acquire());
  }
  return held;
}

/**
 * The slots that go to the pool: immutable segments, when there is a pool and the docs they
 * may match exceed the runtime's localQueryDocsMax (below it, a task's round trip plus the
 * worker's parse/plan/compile costs more than the work; see DEFAULT_LOCAL_QUERY_DOCS_MAX). A
 * sorted-column predicate bounds those docs: a user-facing lookup (`vieweeId = ?`) on 10M
 * docs touches a few hundred and stays on the calling thread.
 */
function poolCandidates(
  runtime: KernelRuntime | undefined,
  parts: readonly QueryPart[],
  slots: readonly Slot[],
): Slot[] {
  if (runtime === undefined) return [];
  const candidates = slots.filter((slot) => slot.segment instanceof ImmutableSegment);
  let docCount = 0;
  for (const slot of candidates) {
    docCount += sortedDocsBound(parts[slot.part]!.compiled.plan.filter, slot.segment);
    if (docCount > runtime.localQueryDocsMax) return candidates;
  }
  return [];
}

/** The slots one task serves, in order: one table's, all in one memory. */
interface Batch {
  readonly memoryIndex: number;
  readonly slots: readonly Slot[];
}

interface Dispatch {
  /** Per task: the slots it serves, in order. */
  readonly batches: readonly (readonly Slot[])[];
  readonly tasks: readonly Promise<SegmentBatchResult>[];
  /** Settles once every task has ended (its arena is then free again). */
  readonly ended: Promise<unknown>;
}

/**
 * Balanced batches, one per worker, split by part (a task runs one table's plan) and by memory
 * (a task runs on one memory's kernels).
 */
function batchSlots(runtime: KernelRuntime, pooled: readonly Slot[]): Batch[] {
  const docCounts = pooled.map((slot) => slot.segment.docCount());
  const batches: Batch[] = [];
  for (const indexes of balanceBatches(docCounts, runtime.workerCount)) {
    const byKey = new Map<string, { memoryIndex: number; slots: Slot[] }>();
    for (const index of indexes) {
      const slot = pooled[index]!;
      const memoryIndex = memoryIndexOf(runtime, slot.segment as ImmutableSegment);
      const key = `${slot.part}/${memoryIndex}`;
      const batch = byKey.get(key) ?? { memoryIndex, slots: [] };
      batch.slots.push(slot);
      byKey.set(key, batch);
    }
    batches.push(...byKey.values());
  }
  return batches;
}

/**
 * Arena slots per runtime: only workerCount tasks run at once, so only that many arenas need
 * to exist. A batch takes a slot before its arena is allocated and gives it back when its task
 * has ended; without the bound, 64 concurrent dashboard queries held 2.7 GiB of queued arenas.
 */
interface ArenaGate {
  free: number;
  readonly waiting: (() => void)[];
}

const arenaGates = new WeakMap<KernelRuntime, ArenaGate>();

function arenaGateOf(runtime: KernelRuntime): ArenaGate {
  let gate = arenaGates.get(runtime);
  if (gate === undefined) {
    gate = { free: runtime.workerCount, waiting: [] };
    arenaGates.set(runtime, gate);
  }
  return gate;
}

function acquireArenaSlot(gate: ArenaGate): Promise<void> {
  if (gate.free > 0) {
    gate.free--;
    return Promise.resolve();
  }
  return new Promise((resolve) => gate.waiting.push(resolve));
}

function releaseArenaSlot(gate: ArenaGate): void {
  const next = gate.waiting.shift();
  if (next !== undefined) next();
  else gate.free++;
}

function startBatches(
  runtime: KernelRuntime,
  request: PartsRequest,
  pooled: readonly Slot[],
): Dispatch {
  const batches = batchSlots(runtime, pooled);
  const gate = arenaGateOf(runtime);
  const tasks = batches.map(async ({ memoryIndex, slots }) => {
    await acquireArenaSlot(gate);
    // The arena lies in the memory of the batch's segments: the worker's kernels see only it.
    const { allocator } = runtime.memories[memoryIndex]!;
    let arenaPtr: number | undefined;
    try {
      // A batch that waited past the deadline would only be refused by the worker.
      checkDeadline(request.deadline);
      const arenaBytes = arenaBytesFor(Math.max(...slots.map((slot) => slot.segment.docCount())));
      arenaPtr = allocator.tryAllocate(arenaBytes);
      // A memory full of segments has no room for an arena: the calling thread runs them.
      if (arenaPtr === undefined) return noArena(slots);
      const args = batchArgs(request, slots, arenaPtr, arenaBytes);
      return await runtime.startAll(segmentBatch, [args], memoryIndex)[0]!;
    } finally {
      if (arenaPtr !== undefined) allocator.release(arenaPtr);
      releaseArenaSlot(gate);
    }
  });
  return { batches: batches.map((batch) => batch.slots), tasks, ended: Promise.allSettled(tasks) };
}

/** A batch no worker ran: every segment is left to the calling thread. */
function noArena(slots: readonly Slot[]): SegmentBatchResult {
  return { threadId: NO_WORKER, outcomes: slots.map(() => null), elapsedMs: 0 };
}

function batchArgs(
  request: PartsRequest,
  batch: readonly Slot[],
  arenaPtr: number,
  arenaBytes: number,
): SegmentBatchArgs {
  const { table } = request.parts[batch[0]!.part]!;
  return {
    sql: request.sql,
    queryOptions: request.queryOptions,
    schema: table.schema,
    tableConfig: table.config,
    queryFilter: table.queryFilter,
    segments: batch.map((slot) => (slot.segment as ImmutableSegment).descriptor()),
    deadlineEpochMs: performance.timeOrigin + request.deadline.atMs,
    timeoutMs: request.deadline.timeoutMs,
    arenaPtr,
    arenaBytes,
  };
}

function fillFromWorkers(
  batches: readonly (readonly Slot[])[],
  results: readonly SegmentBatchResult[],
): void {
  batches.forEach((batch, batchIndex) => {
    const result = results[batchIndex]!;
    batch.forEach((slot, i) => {
      const outcome = result.outcomes[i];
      if (outcome === null || outcome === undefined) {
        slot.placement =
          result.threadId === NO_WORKER
            ? `${CALLER} (no room for a worker's temporaries in its memory)`
            : `${CALLER} (worker ${result.threadId} lacked temporary memory)`;
        return;
      }
      slot.outcome = outcome;
      slot.placement = `thread: worker ${result.threadId} (task ${batchIndex + 1} of ${batches.length})`;
    });
  });
}

/** Runs the chosen slots on the calling thread, checking the deadline between segments. */
function runLocally(
  targets: ExecutionTargets,
  request: PartsRequest,
  slots: readonly Slot[],
  chosen: (slot: Slot) => boolean,
): void {
  for (const slot of slots) {
    if (!chosen(slot)) continue;
    // Between segments as well as within them: many small segments never reach the
    // in-segment check interval.
    checkDeadline(request.deadline);
    const { compiled } = request.parts[slot.part]!;
    const kernels = kernelsFor(targets, slot.segment);
    slot.outcome = executeSegment(compiled, slot.segment, request.deadline, kernels);
  }
}

/** Waits for `work` until the deadline; past it, a timeout error (the work goes on alone). */
async function untilDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    const remainingMs = Math.max(0, deadline.atMs - performance.now());
    timer = setTimeout(() => reject(new QueryTimeoutError(deadline.timeoutMs)), remainingMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stats and traces in query order; the results for reduce, in the same order. */
function collect(request: PartsRequest, slots: readonly Slot[]): SegmentResult[] {
  const { response } = request;
  const trace = request.parts[0]?.compiled.plan.options.trace === true;
  return slots.map((slot) => {
    const outcome = slot.outcome!;
    addStats(response, outcome.stats);
    if (trace) {
      const paths = [...outcome.stats.accessPaths, slot.placement];
      response.traceInfo[slot.segment.metadata.segmentName] = paths.join('; ');
    }
    return outcome.result;
  });
}

function addStats(response: BrokerResponse, stats: SegmentStats): void {
  response.numSegmentsProcessed++;
  if (stats.matched) response.numSegmentsMatched++;
  response.numDocsScanned += stats.docsScanned;
  response.numEntriesScannedInFilter += stats.entriesScannedInFilter;
  response.numEntriesScannedPostFilter += stats.entriesScannedPostFilter;
}
