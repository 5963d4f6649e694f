// Dense group-by over 1..3 SV dictionary columns (the group key is the mixed-radix number of
// their ids), with a doc count per group and COUNT/SUM/MIN/MAX per value column, all in
// per-group arrays in the shared memory that the aggregate kernels update block by block.
// Used when the key space is small enough to hold densely; otherwise undefined (the engine's
// hash path takes over).
import type { ForwardIndexLocator } from '../../segments/spi/columnReader.js';
import type { KernelInstance } from '../runtime/kernelModule.js';
import { checkStatus } from '../runtime/status.js';
import { assert } from '../util/assert.js';
import type { AccumulatorState } from './aggregations.js';
import { selectionSize, type DocSelection } from './docSelection.js';
import {
  F64_BYTES,
  forEachDocBlock,
  KernelTemporaries,
  memoryViews,
  U32_BYTES,
  type DocBlock,
  type KernelContext,
  type MemoryViews,
} from './kernelMemory.js';
import {
  bindBlock,
  floatValueAt,
  isPackedIds,
  loadIds,
  type BoundBlock,
  type NumericColumn,
  type PackedIdsLocator,
  type ValueSource,
  valueSourceOf,
} from './kernelValues.js';
import { groupSmallSelection, HOST_GROUP_MAX_DOCS, hostReadable } from './smallGroupBy.js';

/**
 * Most groups (product of the key cardinalities) held densely: 2^20 groups cost 4 MiB of
 * counts plus 24 MiB per value column, and clearing them stays below a millisecond or so.
 */
export const DENSE_GROUP_BUDGET = 1 << 20;
/** Most key columns: buildKeysU32 packs any number, but deeper keys rarely fit the budget. */
const MAX_KEY_COLUMNS = 3;
/** Docs per kernel call (as in kernelPaths.ts): a block's keys and values stay in cache. */
const GROUP_BLOCK_DOCS = 4096;

export interface GroupKeyColumn {
  readonly forward: ForwardIndexLocator | undefined;
  readonly cardinality: number;
}

/** One non-empty group: its key ids (one per key column), doc count and per-value states. */
export interface DenseGroup {
  readonly keyIds: number[];
  readonly count: number;
  /** One per value column; for an undefined value column only `count` is set (COUNT(*)). */
  readonly states: AccumulatorState[];
}

/** The per-group arrays of one value column in the shared memory. */
interface ValueArrays {
  readonly source: ValueSource;
  /** False when no aggregation reads this column's MIN/MAX: the kernel skips them. */
  readonly minMax: boolean;
  readonly idsPtr: number;
  readonly sumsPtr: number;
  readonly minsPtr: number;
  readonly maxsPtr: number;
}

/** Where everything of one call lies in the shared memory. */
interface GroupLayout {
  readonly numGroups: number;
  readonly keys: readonly PackedIdsLocator[];
  readonly keyIdsPtrs: readonly number[];
  /** The key of each row: the one key column's ids, or buildKeysU32's output. */
  readonly keysPtr: number;
  readonly idPtrsPtr: number;
  readonly cardinalitiesPtr: number;
  readonly countsPtr: number;
  readonly values: readonly (ValueArrays | undefined)[];
  readonly docsPtr: number;
}

function allocateLayout(
  temps: KernelTemporaries,
  keys: readonly PackedIdsLocator[],
  sources: readonly (ValueSource | undefined)[],
  minMaxColumns: readonly boolean[],
  numGroups: number,
  selection: DocSelection,
): GroupLayout {
  const blockBytes = GROUP_BLOCK_DOCS * U32_BYTES;
  const keyIdsPtrs = keys.map(() => temps.allocate(blockBytes));
  const keysPtr = keys.length === 1 ? keyIdsPtrs[0]! : temps.allocate(blockBytes);
  const idPtrsPtr = temps.allocate(keys.length * U32_BYTES);
  const cardinalitiesPtr = temps.allocate(keys.length * U32_BYTES);
  const countsPtr = temps.allocate(numGroups * U32_BYTES);
  const values = sources.map((source, i) =>
    source === undefined
      ? undefined
      : {
          source,
          minMax: minMaxColumns[i] ?? true,
          idsPtr: source.packed === undefined ? 0 : temps.allocate(blockBytes),
          sumsPtr: temps.allocate(numGroups * F64_BYTES),
          minsPtr: temps.allocate(numGroups * F64_BYTES),
          maxsPtr: temps.allocate(numGroups * F64_BYTES),
        },
  );
  const docsPtr = selection.kind === 'ids' ? temps.allocate(blockBytes) : 0;
  const layout = { numGroups, keys, keyIdsPtrs, keysPtr, idPtrsPtr, cardinalitiesPtr };
  return { ...layout, countsPtr, values, docsPtr };
}

/** Clears counts and sums, sets mins to +Infinity and maxs to -Infinity; writes the key setup. */
function initializeLayout(
  layout: GroupLayout,
  cardinalities: readonly number[],
  views: MemoryViews,
): void {
  const { numGroups } = layout;
  const u32 = views.u32;
  u32.fill(0, layout.countsPtr / U32_BYTES, layout.countsPtr / U32_BYTES + numGroups);
  layout.keyIdsPtrs.forEach((ptr, i) => {
    u32[layout.idPtrsPtr / U32_BYTES + i] = ptr;
    u32[layout.cardinalitiesPtr / U32_BYTES + i] = cardinalities[i]!;
  });
  for (const arrays of layout.values) {
    if (arrays === undefined) continue;
    const f64Range = (ptr: number): [number, number] => [
      ptr / F64_BYTES,
      ptr / F64_BYTES + numGroups,
    ];
    views.f64.fill(0, ...f64Range(arrays.sumsPtr));
    views.f64.fill(Number.POSITIVE_INFINITY, ...f64Range(arrays.minsPtr));
    views.f64.fill(Number.NEGATIVE_INFINITY, ...f64Range(arrays.maxsPtr));
  }
}

/** Writes the block's group keys to layout.keysPtr. */
function loadKeys(kernels: KernelInstance, layout: GroupLayout, block: DocBlock): void {
  layout.keys.forEach((packed, i) => loadIds(kernels, packed, block, layout.keyIdsPtrs[i]!));
  if (layout.keys.length === 1) return;
  checkStatus(
    'buildKeysU32',
    kernels.exports.buildKeysU32(
      layout.keys.length,
      layout.idPtrsPtr,
      layout.cardinalitiesPtr,
      block.count,
      layout.keysPtr,
    ),
  );
}

function aggregateBlock(kernels: KernelInstance, layout: GroupLayout, block: DocBlock): void {
  const k = kernels.exports;
  const { keysPtr, numGroups } = layout;
  loadKeys(kernels, layout, block);
  checkStatus('groupCount', k.groupCount(keysPtr, block.count, numGroups, layout.countsPtr));
  const bound: BoundBlock = { valuesPtr: 0, selPtr: 0 };
  for (const arrays of layout.values) {
    if (arrays === undefined) continue;
    const { source } = arrays;
    bindBlock(kernels, source, block, arrays.idsPtr, bound);
    checkStatus(
      'groupSumF64',
      k.groupSumF64(
        source.valueType,
        keysPtr,
        bound.valuesPtr,
        bound.selPtr,
        block.count,
        0,
        numGroups,
        0,
        arrays.sumsPtr,
      ),
    );
    if (!arrays.minMax) continue;
    checkStatus(
      'groupMinMaxF64',
      k.groupMinMaxF64(
        source.valueType,
        keysPtr,
        bound.valuesPtr,
        bound.selPtr,
        block.count,
        0,
        numGroups,
        arrays.minsPtr,
        arrays.maxsPtr,
      ),
    );
  }
}

/**
 * Groups of a FLOAT/DOUBLE value column whose kernel MIN/MAX may differ from the row path
 * (f64.min/max let a NaN win and order -0 before +0); undefined when there are none.
 */
function suspectGroups(
  layout: GroupLayout,
  arrays: ValueArrays,
  views: MemoryViews,
): Uint8Array | undefined {
  if (!arrays.source.isFloat) return undefined;
  let suspect: Uint8Array | undefined;
  const countBase = layout.countsPtr / U32_BYTES;
  for (let group = 0; group < layout.numGroups; group++) {
    if (views.u32[countBase + group] === 0) continue;
    const sum = views.f64[arrays.sumsPtr / F64_BYTES + group]!;
    const min = views.f64[arrays.minsPtr / F64_BYTES + group]!;
    const max = views.f64[arrays.maxsPtr / F64_BYTES + group]!;
    if (!(Number.isNaN(sum) || Number.isNaN(min) || Number.isNaN(max) || min === 0 || max === 0)) {
      continue;
    }
    suspect ??= new Uint8Array(layout.numGroups);
    suspect[group] = 1;
    views.f64[arrays.minsPtr / F64_BYTES + group] = Number.POSITIVE_INFINITY;
    views.f64[arrays.maxsPtr / F64_BYTES + group] = Number.NEGATIVE_INFINITY;
  }
  return suspect;
}

/** Redoes MIN/MAX of the suspect groups in row order with the row path's comparisons. */
function redoMinMax(
  kernels: KernelInstance,
  layout: GroupLayout,
  arrays: ValueArrays,
  suspect: Uint8Array,
  selection: DocSelection,
  views: MemoryViews,
): void {
  const bound: BoundBlock = { valuesPtr: 0, selPtr: 0 };
  const minBase = arrays.minsPtr / F64_BYTES;
  const maxBase = arrays.maxsPtr / F64_BYTES;
  const keyBase = layout.keysPtr / U32_BYTES;
  forEachDocBlock(selection, GROUP_BLOCK_DOCS, layout.docsPtr, views, (block) => {
    loadKeys(kernels, layout, block);
    bindBlock(kernels, arrays.source, block, arrays.idsPtr, bound);
    for (let row = 0; row < block.count; row++) {
      const group = views.u32[keyBase + row]!;
      if (suspect[group] !== 1) continue;
      const value = floatValueAt(views, arrays.source, bound, row);
      if (value < views.f64[minBase + group]!) views.f64[minBase + group] = value;
      if (value > views.f64[maxBase + group]!) views.f64[maxBase + group] = value;
    }
  });
}

/** Per value column, per group (index g of DenseGroups): SUM, MIN and MAX as doubles. */
export interface DenseValueStats {
  readonly sums: Float64Array;
  readonly mins: Float64Array;
  readonly maxs: Float64Array;
}

/**
 * The non-empty groups in key order, column-major so that 10^5 groups cost a few typed arrays
 * rather than 10^5 objects: group g has key ids keyIds[c][g], counts[g] docs and, per value
 * column v, values[v].sums[g] etc. (COUNT of a value column is counts[g]: nulls read as their
 * default, so every selected doc has a value).
 */
export interface DenseGroups {
  readonly groupCount: number;
  readonly keyIds: readonly Uint32Array[];
  readonly counts: Uint32Array;
  /** Undefined where the value column was undefined (COUNT(*)). */
  readonly values: readonly (DenseValueStats | undefined)[];
}

/** Group g as key ids, doc count and one AccumulatorState per value column (count only for
 * an undefined column), for callers that merge into the row path's groups. */
export function denseGroupAt(groups: DenseGroups, group: number): DenseGroup {
  const count = groups.counts[group]!;
  const states = groups.values.map(
    (stats): AccumulatorState =>
      stats === undefined
        ? { count, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }
        : { count, sum: stats.sums[group]!, min: stats.mins[group]!, max: stats.maxs[group]! },
  );
  return { keyIds: groups.keyIds.map((ids) => ids[group]!), count, states };
}

/** Dense keys of the non-empty groups, or undefined when there are more than `maxGroups`. */
function nonEmptyGroups(
  layout: GroupLayout,
  maxGroups: number,
  views: MemoryViews,
): Uint32Array | undefined {
  const countBase = layout.countsPtr / U32_BYTES;
  let groupCount = 0;
  for (let group = 0; group < layout.numGroups; group++) {
    if (views.u32[countBase + group] !== 0) groupCount++;
  }
  if (groupCount > maxGroups) return undefined;
  const keys = new Uint32Array(groupCount);
  let n = 0;
  for (let group = 0; group < layout.numGroups; group++) {
    if (views.u32[countBase + group] !== 0) keys[n++] = group;
  }
  return keys;
}

/** Gathers `ptr`'s f64 entries at `keys`. */
function gatherF64(views: MemoryViews, ptr: number, keys: Uint32Array): Float64Array {
  const out = new Float64Array(keys.length);
  const base = ptr / F64_BYTES;
  for (let g = 0; g < keys.length; g++) out[g] = views.f64[base + keys[g]!]!;
  return out;
}

/** The non-empty groups, or undefined when there are more than `maxGroups`. */
function collectGroups(
  layout: GroupLayout,
  cardinalities: readonly number[],
  maxGroups: number,
  views: MemoryViews,
): DenseGroups | undefined {
  const keys = nonEmptyGroups(layout, maxGroups, views);
  if (keys === undefined) return undefined;
  const counts = new Uint32Array(keys.length);
  const countBase = layout.countsPtr / U32_BYTES;
  for (let g = 0; g < keys.length; g++) counts[g] = views.u32[countBase + keys[g]!]!;
  // Mixed-radix digits of the dense key, least significant (last) column first.
  const keyIds = cardinalities.map(() => new Uint32Array(keys.length));
  for (let g = 0; g < keys.length; g++) {
    let rest = keys[g]!;
    for (let c = cardinalities.length - 1; c >= 0; c--) {
      const cardinality = cardinalities[c]!;
      keyIds[c]![g] = rest % cardinality;
      rest = Math.floor(rest / cardinality);
    }
  }
  const values = layout.values.map((arrays) =>
    arrays === undefined
      ? undefined
      : {
          sums: gatherF64(views, arrays.sumsPtr, keys),
          mins: gatherF64(views, arrays.minsPtr, keys),
          maxs: gatherF64(views, arrays.maxsPtr, keys),
        },
  );
  return { groupCount: keys.length, keyIds, counts, values };
}

/**
 * Dense group-by over 1..MAX_KEY_COLUMNS SV dictionary key columns: per non-empty group (in
 * key order) its key ids, doc count and, per value column, SUM/MIN/MAX as doubles (SUMs add
 * rows in doc order, as the row path does; MIN/MAX follow the row path's NaN and -0 rules).
 * Undefined when the fast path does not apply: a key or value column without kernel-readable
 * locators, a key space over DENSE_GROUP_BUDGET, or more than `maxGroups` non-empty groups
 * (the caller's path then applies its group limit). Nulls read as their stored default: with
 * null handling on, leave null docs out of `selection`. Where `minMaxColumns[v]` is false, no
 * aggregation reads value column v's MIN/MAX: they are not computed (left at +/-Infinity).
 * Selections of at most HOST_GROUP_MAX_DOCS docs are grouped on the calling thread
 * (smallGroupBy.ts), with the same answer bit for bit.
 */
export function groupByDictIds(
  context: KernelContext,
  keyColumns: readonly GroupKeyColumn[],
  valueColumns: readonly (NumericColumn | undefined)[],
  selection: DocSelection,
  docCount: number,
  maxGroups: number,
  minMaxColumns: readonly boolean[] = [],
): DenseGroups | undefined {
  if (keyColumns.length === 0 || keyColumns.length > MAX_KEY_COLUMNS) return undefined;
  const keys: PackedIdsLocator[] = [];
  for (const column of keyColumns) {
    if (!isPackedIds(column.forward) || column.cardinality < 1) return undefined;
    assert(docCount <= column.forward.docCount, `docCount ${docCount} within the key column`);
    keys.push(column.forward);
  }
  const cardinalities = keyColumns.map((column) => column.cardinality);
  const numGroups = cardinalities.reduce((product, cardinality) => product * cardinality, 1);
  if (numGroups > DENSE_GROUP_BUDGET) return undefined;
  const sources = valueColumns.map((column) =>
    column === undefined ? undefined : valueSourceOf(column),
  );
  if (sources.some((source, i) => source === undefined && valueColumns[i] !== undefined)) {
    return undefined;
  }
  if (selectionSize(selection) === 0) {
    const empty = {
      sums: new Float64Array(0),
      mins: new Float64Array(0),
      maxs: new Float64Array(0),
    };
    return {
      groupCount: 0,
      keyIds: keyColumns.map(() => new Uint32Array(0)),
      counts: new Uint32Array(0),
      values: sources.map((source) => (source === undefined ? undefined : empty)),
    };
  }
  const input = { keys, cardinalities, sources, minMaxColumns, selection, maxGroups };
  if (selectionSize(selection) <= HOST_GROUP_MAX_DOCS && hostReadable(keys, sources)) {
    return groupSmallSelection(context.kernels.memory, input);
  }
  return groupWithKernels(context, input);
}

/** A group-by the dense paths can read, checked by groupByDictIds. */
export interface DenseGroupInput {
  readonly keys: readonly PackedIdsLocator[];
  /** Per key column; their product is within DENSE_GROUP_BUDGET. */
  readonly cardinalities: readonly number[];
  readonly sources: readonly (ValueSource | undefined)[];
  readonly minMaxColumns: readonly boolean[];
  readonly selection: DocSelection;
  readonly maxGroups: number;
}

/** groupByDictIds through the kernels, block by block, on per-group arrays. */
export function groupWithKernels(
  context: KernelContext,
  input: DenseGroupInput,
): DenseGroups | undefined {
  const { keys, cardinalities, sources, minMaxColumns, selection } = input;
  const numGroups = cardinalities.reduce((product, cardinality) => product * cardinality, 1);
  assert(numGroups <= DENSE_GROUP_BUDGET, `${numGroups} groups within the dense budget`);
  const temps = new KernelTemporaries(context.allocator);
  try {
    const layout = allocateLayout(temps, keys, sources, minMaxColumns, numGroups, selection);
    const views = memoryViews(context.kernels.memory);
    initializeLayout(layout, cardinalities, views);
    forEachDocBlock(selection, GROUP_BLOCK_DOCS, layout.docsPtr, views, (block) =>
      aggregateBlock(context.kernels, layout, block),
    );
    for (const arrays of layout.values) {
      if (arrays === undefined || !arrays.minMax) continue;
      const suspect = suspectGroups(layout, arrays, views);
      if (suspect !== undefined) {
        redoMinMax(context.kernels, layout, arrays, suspect, selection, views);
      }
    }
    return collectGroups(layout, cardinalities, input.maxGroups, views);
  } finally {
    temps.releaseAll();
  }
}
