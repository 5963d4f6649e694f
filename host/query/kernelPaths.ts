// WASM-kernel fast paths of per-segment query execution: dictionary-id scans for filters,
// COUNT/SUM/MIN/MAX over a numeric column, and dense group-by over dictionary ids
// (kernelGroupBy.ts). Each works on the locators of segments/spi (pointers into the shared
// kernel memory) and returns undefined when it does not apply (MV column, no locator, a type
// the kernels do not read), so the engine falls back to its row-at-a-time path. Results equal
// the row path's: same docs, same counts, same MIN/MAX (NaN and signed-zero rules included),
// sums within rounding (the kernels add in another order).
import type { ForwardIndexLocator } from '../../segments/spi/columnReader.js';
import { AGG_STATE_F64_BYTES, AggStateOffset } from '../runtime/exports/aggregate.js';
import { ScanOutputMode, type ScanOutputModeValue } from '../runtime/exports/scan.js';
import type { KernelInstance } from '../runtime/kernelModule.js';
import { checkStatus } from '../runtime/status.js';
import type { IdSet } from './idSet.js';
import { hostViews, idReaderOf, packedIdAt } from './hostPackedIds.js';
import { assert } from '../util/assert.js';
import type { AccumulatorState } from './aggregations.js';
import { docIds, noDocs, selectionSize, type DocSelection } from './docSelection.js';
import {
  F64_BYTES,
  forEachDocBlock,
  idBitsetIn,
  KernelTemporaries,
  memoryViews,
  U32_BYTES,
  type KernelContext,
  type MemoryViews,
} from './kernelMemory.js';
import {
  bindBlock,
  floatValueAt,
  isPackedIds,
  type BoundBlock,
  type NumericColumn,
  type PackedIdsLocator,
  type ValueSource,
  valueSourceOf,
} from './kernelValues.js';

export type { KernelContext } from './kernelMemory.js';
export type { NumericColumn } from './kernelValues.js';
export {
  DENSE_GROUP_BUDGET,
  groupByDictIds,
  denseGroupAt,
  type DenseGroup,
  type DenseGroups,
  type DenseValueStats,
  type GroupKeyColumn,
} from './kernelGroupBy.js';

/** Docs per kernel call when streaming: a block's ids and values stay in cache. */
export const KERNEL_BLOCK_DOCS = 4096;
/**
 * Candidates below docCount / this are gathered by id (unpackAt) instead of scanning the
 * whole column. Measured on 10M docs (bench/query/kernelPaths.bench.ts): a sparse gather costs
 * ~20 ns per candidate, a scan ~1 ns per doc for one id and ~5 ns for an id set, so 1/16 is
 * near the break-even of single-id scans and safely below that of set scans.
 */
export const GATHER_CANDIDATES_DIVISOR = 16;
/**
 * At most this many candidates are tested on the calling thread, reading their packed ids from
 * the shared memory: a user-facing lookup's ts cut tests ~10 docs per segment, where the
 * kernel gather's two temporaries and call cost more than the test (the same crossover as
 * smallGroupBy.ts's HOST_GROUP_MAX_DOCS).
 */
export const HOST_TEST_MAX_CANDIDATES = 128;
/** Bits per u32 word of the id and doc bitsets. */
const BITS_PER_WORD = 32;

/** How the kernels test an id: one id, a contiguous range, or a bitset over the dictionary. */
interface IdPredicate {
  readonly kind: 'eq' | 'range' | 'set';
  readonly loId: number;
  readonly hiId: number;
  /** `set`: ceil(cardinality / 32) u32 words in the shared memory. */
  readonly setPtr: number;
  readonly cardinality: number;
}

function idPredicate(
  temps: KernelTemporaries,
  kernels: KernelInstance,
  matchingIds: IdSet,
  cardinality: number,
): IdPredicate {
  const loId = matchingIds.first;
  const hiId = matchingIds.last;
  assert(hiId < cardinality, `matching id ${hiId} is below the cardinality ${cardinality}`);
  if (matchingIds.size === 1) return { kind: 'eq', loId, hiId, setPtr: 0, cardinality };
  if (matchingIds.contiguous) return { kind: 'range', loId, hiId, setPtr: 0, cardinality };
  const setPtr = idBitsetIn(temps, kernels.memory, matchingIds, cardinality);
  return { kind: 'set', loId, hiId, setPtr, cardinality };
}

/** One scan over docs [0, docCount); returns the number of matches. */
function runScan(
  kernels: KernelInstance,
  packed: PackedIdsLocator,
  predicate: IdPredicate,
  docCount: number,
  output: ScanOutputModeValue,
  outPtr: number,
): number {
  const { idsPtr, bitsPerValue } = packed;
  const k = kernels.exports;
  switch (predicate.kind) {
    case 'eq':
      return checkStatus(
        'scanIdsEq',
        k.scanIdsEq(idsPtr, bitsPerValue, 0, docCount, predicate.loId, output, outPtr),
      );
    case 'range':
      return checkStatus(
        'scanIdsRange',
        k.scanIdsRange(
          idsPtr,
          bitsPerValue,
          0,
          docCount,
          predicate.loId,
          predicate.hiId,
          output,
          outPtr,
        ),
      );
    case 'set':
      return checkStatus(
        'scanIdsInSet',
        k.scanIdsInSet(
          idsPtr,
          bitsPerValue,
          0,
          docCount,
          predicate.setPtr,
          predicate.cardinality,
          output,
          outPtr,
        ),
      );
  }
}

/**
 * Keeps candidates[i] whose gathered id (u32 at `idsPtr` + 4i) matches; one loop per
 * predicate kind keeps the test monomorphic and branch-light.
 */
function keepMatching(
  predicate: IdPredicate,
  u32: Uint32Array,
  idsPtr: number,
  candidates: Uint32Array,
): Uint32Array {
  const out = new Uint32Array(candidates.length);
  const idBase = idsPtr / U32_BYTES;
  let n = 0;
  if (predicate.kind === 'set') {
    const wordBase = predicate.setPtr / U32_BYTES;
    for (let i = 0; i < candidates.length; i++) {
      const id = u32[idBase + i]!;
      if ((u32[wordBase + (id >>> 5)]! & (1 << (id & 31))) !== 0) out[n++] = candidates[i]!;
    }
  } else {
    const { loId } = predicate;
    // One unsigned compare: id - loId wraps above the span when id < loId.
    const span = predicate.hiId - loId;
    for (let i = 0; i < candidates.length; i++) {
      if ((u32[idBase + i]! - loId) >>> 0 <= span) out[n++] = candidates[i]!;
    }
  }
  return out.slice(0, n);
}

/** A handful of candidates against a contiguous id range, read on the calling thread. */
function hostRangeMatches(
  memory: WebAssembly.Memory,
  packed: PackedIdsLocator,
  matchingIds: IdSet,
  candidates: Uint32Array,
): Uint32Array {
  const u32 = hostViews(memory).u32;
  const reader = idReaderOf(packed);
  const loId = matchingIds.first;
  const span = matchingIds.last - loId;
  const out = new Uint32Array(candidates.length);
  let n = 0;
  for (let i = 0; i < candidates.length; i++) {
    const docId = candidates[i]!;
    if ((packedIdAt(u32, reader, docId) - loId) >>> 0 <= span) out[n++] = docId;
  }
  return out.slice(0, n);
}

function hostTestable(packed: PackedIdsLocator, matchingIds: IdSet, candidates: Uint32Array) {
  return (
    candidates.length <= HOST_TEST_MAX_CANDIDATES &&
    matchingIds.contiguous &&
    packed.idsPtr % U32_BYTES === 0
  );
}

/** Few candidates: gather their ids and test each. */
function gatherMatches(
  context: KernelContext,
  temps: KernelTemporaries,
  packed: PackedIdsLocator,
  predicate: IdPredicate,
  candidates: Uint32Array,
): Uint32Array {
  const count = candidates.length;
  const docsPtr = temps.allocate(count * U32_BYTES);
  const idsPtr = temps.allocate(count * U32_BYTES);
  const views = memoryViews(context.kernels.memory);
  views.u32.set(candidates, docsPtr / U32_BYTES);
  checkStatus(
    'unpackAt',
    context.kernels.exports.unpackAt(packed.idsPtr, packed.bitsPerValue, docsPtr, count, idsPtr),
  );
  return keepMatching(predicate, views.u32, idsPtr, candidates);
}

/** Many candidates: scan the column into a doc bitset, then keep the candidates it holds. */
function bitsetMatches(
  context: KernelContext,
  temps: KernelTemporaries,
  packed: PackedIdsLocator,
  predicate: IdPredicate,
  docCount: number,
  candidates: Uint32Array,
): Uint32Array {
  const wordCount = Math.ceil(docCount / BITS_PER_WORD);
  const bitsetPtr = temps.allocate(wordCount * U32_BYTES);
  runScan(context.kernels, packed, predicate, docCount, ScanOutputMode.BITSET, bitsetPtr);
  const words = new Uint32Array(context.kernels.memory.buffer, bitsetPtr, wordCount);
  const out = new Uint32Array(candidates.length);
  let n = 0;
  for (let i = 0; i < candidates.length; i++) {
    const docId = candidates[i]!;
    if ((words[docId >>> 5]! & (1 << (docId & 31))) !== 0) out[n++] = docId;
  }
  return out.slice(0, n);
}

/** Every doc of the column whose id matches, as a selection vector. */
function selectionMatches(
  context: KernelContext,
  temps: KernelTemporaries,
  packed: PackedIdsLocator,
  predicate: IdPredicate,
  docCount: number,
): Uint32Array {
  const outPtr = temps.allocate(docCount * U32_BYTES);
  const count = runScan(
    context.kernels,
    packed,
    predicate,
    docCount,
    ScanOutputMode.SELECTION,
    outPtr,
  );
  return new Uint32Array(context.kernels.memory.buffer, outPtr, count).slice();
}

function checkScanArguments(
  packed: PackedIdsLocator,
  docCount: number,
  candidates: DocSelection,
): void {
  assert(
    docCount <= packed.docCount,
    `docCount ${docCount} within the column's ${packed.docCount}`,
  );
  if (candidates.kind === 'ids' && candidates.ids.length > 0) {
    const last = candidates.ids[candidates.ids.length - 1]!;
    assert(last < docCount, `candidate doc ${last} is below docCount ${docCount}`);
  }
}

/**
 * The docs within `candidates` of an SV dictionary column whose id is in `matchingIds`
 * (ascending, each below `cardinality`): one kernel scan over docs [0, docCount), or, for
 * fewer than docCount / GATHER_CANDIDATES_DIVISOR candidates, a gather of their ids.
 * Undefined when the column is not bit-packed SV ids.
 */
export function scanDictIds(
  context: KernelContext,
  locator: ForwardIndexLocator | undefined,
  matchingIds: IdSet,
  cardinality: number,
  docCount: number,
  candidates: DocSelection,
): DocSelection | undefined {
  if (!isPackedIds(locator)) return undefined;
  checkScanArguments(locator, docCount, candidates);
  if (matchingIds.size === 0 || selectionSize(candidates) === 0) return noDocs();
  if (candidates.kind === 'ids' && hostTestable(locator, matchingIds, candidates.ids)) {
    return docIds(hostRangeMatches(context.kernels.memory, locator, matchingIds, candidates.ids));
  }
  const temps = new KernelTemporaries(context.allocator);
  try {
    const predicate = idPredicate(temps, context.kernels, matchingIds, cardinality);
    if (candidates.kind === 'all') {
      return docIds(selectionMatches(context, temps, locator, predicate, docCount));
    }
    if (candidates.ids.length < docCount / GATHER_CANDIDATES_DIVISOR) {
      return docIds(gatherMatches(context, temps, locator, predicate, candidates.ids));
    }
    return docIds(bitsetMatches(context, temps, locator, predicate, docCount, candidates.ids));
  } finally {
    temps.releaseAll();
  }
}

/**
 * The number of docs `scanDictIds` would return: over all docs one COUNT scan that writes
 * nothing (SELECT COUNT(*) ... WHERE on one predicate).
 */
export function countDictIds(
  context: KernelContext,
  locator: ForwardIndexLocator | undefined,
  matchingIds: IdSet,
  cardinality: number,
  docCount: number,
  candidates: DocSelection,
): number | undefined {
  if (!isPackedIds(locator)) return undefined;
  if (candidates.kind === 'ids') {
    const docs = scanDictIds(context, locator, matchingIds, cardinality, docCount, candidates);
    return docs === undefined ? undefined : selectionSize(docs);
  }
  checkScanArguments(locator, docCount, candidates);
  if (matchingIds.size === 0 || docCount === 0) return 0;
  const temps = new KernelTemporaries(context.allocator);
  try {
    const predicate = idPredicate(temps, context.kernels, matchingIds, cardinality);
    return runScan(context.kernels, locator, predicate, docCount, ScanOutputMode.COUNT, 0);
  } finally {
    temps.releaseAll();
  }
}

/**
 * Row-path MIN/MAX of one bound FLOAT/DOUBLE block: a NaN never wins and among equal values
 * (-0, +0) the first one stays, as `accumulate` in aggregations.ts does.
 */
function rowPathMinMax(
  views: MemoryViews,
  source: ValueSource,
  bound: BoundBlock,
  count: number,
): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let row = 0; row < count; row++) {
    const value = floatValueAt(views, source, bound, row);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}

/**
 * Folds one block's kernel state into `state`. The kernels follow f64.min/max (a NaN wins,
 * -0 < +0); where that could differ from the row path (a NaN sum, a zero or NaN extreme),
 * MIN/MAX of the block are redone on the host.
 */
function mergeBlockState(
  views: MemoryViews,
  statePtr: number,
  source: ValueSource,
  bound: BoundBlock,
  count: number,
  state: AccumulatorState,
): void {
  const word = (statePtr + AggStateOffset.count) / U32_BYTES;
  // A block's count is far below 2^32, so the low word of the i64 count holds it.
  const blockCount = views.u32[word]!;
  const sum = views.f64[(statePtr + AggStateOffset.sum) / F64_BYTES]!;
  let min = views.f64[(statePtr + AggStateOffset.min) / F64_BYTES]!;
  let max = views.f64[(statePtr + AggStateOffset.max) / F64_BYTES]!;
  const suspect =
    Number.isNaN(sum) || Number.isNaN(min) || Number.isNaN(max) || min === 0 || max === 0;
  if (source.isFloat && suspect) ({ min, max } = rowPathMinMax(views, source, bound, count));
  state.count += blockCount;
  state.sum += sum;
  if (min < state.min) state.min = min;
  if (max > state.max) state.max = max;
}

/**
 * Adds COUNT, SUM, MIN and MAX (as doubles) of an SV numeric column (INT, LONG, FLOAT,
 * DOUBLE; dictionary or raw) over `selection` into `state`, streaming KERNEL_BLOCK_DOCS docs
 * per kernel call. Nulls read as their stored default: with null handling on, leave null docs
 * out of `selection`. Returns `state`, or undefined when the column has no fast path.
 */
export function aggregateNumeric(
  context: KernelContext,
  column: NumericColumn,
  selection: DocSelection,
  docCount: number,
  state: AccumulatorState,
): AccumulatorState | undefined {
  const source = valueSourceOf(column);
  if (source === undefined) return undefined;
  assert(docCount <= column.forward.docCount, `docCount ${docCount} within the column`);
  assert(
    selection.kind === 'ids' || selection.docCount <= docCount,
    'the selection lies within docCount',
  );
  if (selectionSize(selection) === 0) return state;
  const kernels = context.kernels.exports;
  const temps = new KernelTemporaries(context.allocator);
  try {
    const statePtr = temps.allocate(AGG_STATE_F64_BYTES);
    const docsPtr = selection.kind === 'ids' ? temps.allocate(KERNEL_BLOCK_DOCS * U32_BYTES) : 0;
    const idsPtr = source.packed === undefined ? 0 : temps.allocate(KERNEL_BLOCK_DOCS * U32_BYTES);
    const views = memoryViews(context.kernels.memory);
    const bound: BoundBlock = { valuesPtr: 0, selPtr: 0 };
    forEachDocBlock(selection, KERNEL_BLOCK_DOCS, docsPtr, views, (block) => {
      bindBlock(context.kernels, source, block, idsPtr, bound);
      kernels.aggStateInitF64(statePtr);
      checkStatus(
        'aggregateF64',
        kernels.aggregateF64(
          source.valueType,
          bound.valuesPtr,
          bound.selPtr,
          block.count,
          0,
          statePtr,
        ),
      );
      mergeBlockState(views, statePtr, source, bound, block.count, state);
    });
    return state;
  } finally {
    temps.releaseAll();
  }
}
