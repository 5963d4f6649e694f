// Answers an aggregation or group-by from a segment's star-tree (Pinot's StarTreeFilterOperator
// plus its aggregation over pre-aggregated records): the traversal follows the filter's ids on
// filtered dimensions, every value on group-by dimensions and the star child elsewhere, and
// stops at a node's aggregated record once no filtered or grouped dimension lies below it; the
// kernel (or, without kernels, its reference) filters the selected records on the remaining
// predicates and aggregates them per group; sketch aggregations merge the selected records'
// stored sketch states per group on the host. `numDocsScanned` counts the records aggregated.
import type { Segment } from '../../segments/spi/segment.js';
import { starTreesOf, type StarTree } from '../../segments/immutable/starTreeReader.js';
import { NO_NODE, NODE_WORDS, NodeField } from '../../segments/immutable/starTreeLayout.js';
import {
  encodeAggregatePlan,
  MetricOp,
  starTreeAggregate,
  type AggregatePlan,
} from '../../kernels/reference/starTree.js';
import { checkStatus } from '../runtime/status.js';
import type { ExprValue } from '../expr/types.js';
import { newState, type AccumulatorState } from './aggregations.js';
import type { CompiledQuery } from './compiledQuery.js';
import { groupKey } from './groupKey.js';
import { deserializeSketch, type SketchState } from './sketches/aggregate.js';
import { finishMerges, mergeDeferred } from '../../segments/immutable/starTreeSketches.js';
import { F64_BYTES, KernelTemporaries, U32_BYTES, type KernelContext } from './kernelMemory.js';
import type { Group, SegmentResult, SegmentStats } from './segmentExec.js';
import { fitStarTree, type DimensionSets, type StarTreeFit } from './starTreeFit.js';

/**
 * Most dense group slots one segment's star-tree aggregation may use (product of the group-by
 * dimensions' cardinalities): 2^20 groups × a few f64 slots stays within tens of MiB; beyond
 * it the scan's hash group-by answers.
 */
export const STAR_TREE_GROUP_SPACE_MAX = 1 << 20;

/** Kernel op per slot kind: counts add up like sums. */
const OP_CODES = { count: MetricOp.SUM, sum: MetricOp.SUM, min: MetricOp.MIN, max: MetricOp.MAX };
/** Each op's neutral start value for a group's state. */
const IDENTITY = { count: 0, sum: 0, min: Infinity, max: -Infinity };

/** Record ranges (start, end pairs) the traversal selects; `nodes` counts nodes visited. */
export function traverse(
  tree: StarTree,
  filters: DimensionSets,
  groupDims: readonly number[],
): { ranges: number[]; nodesVisited: number } {
  const grouped = new Set(groupDims);
  const deepest = Math.max(-1, ...filters.keys(), ...groupDims);
  const nodes = tree.nodes;
  const ranges: number[] = [];
  const stack = [0, 0];
  let nodesVisited = 0;
  const pushRange = (start: number, end: number): void => {
    if (ranges.length > 0 && ranges[ranges.length - 1] === start) ranges[ranges.length - 1] = end;
    else ranges.push(start, end);
  };
  while (stack.length > 0) {
    const depth = stack.pop()!;
    const at = stack.pop()! * NODE_WORDS;
    nodesVisited++;
    if (depth > deepest) {
      const record = nodes[at + NodeField.aggregatedRecord]!;
      pushRange(record, record + 1);
      continue;
    }
    const first = nodes[at + NodeField.firstChild]!;
    const childCount = nodes[at + NodeField.childCount]!;
    if (childCount === 0) {
      pushRange(nodes[at + NodeField.startRecord]!, nodes[at + NodeField.endRecord]!);
      continue;
    }
    const set = filters.get(depth);
    const star = nodes[at + NodeField.starChild]!;
    if (set === undefined && !grouped.has(depth) && star !== NO_NODE) {
      stack.push(star, depth + 1);
      continue;
    }
    // Pushed in reverse so the records come out in ascending order.
    for (let c = first + childCount - 1; c >= first; c--) {
      const id = nodes[c * NODE_WORDS + NodeField.value]!;
      if (set === undefined || (set[id >>> 5]! & (1 << (id & 31))) !== 0) stack.push(c, depth + 1);
    }
  }
  return { ranges, nodesVisited };
}

interface Layout {
  readonly plan: AggregatePlan;
  readonly sets: Uint32Array;
  readonly groupSpace: number;
  readonly cardinalities: readonly number[];
}

function layoutOf(fit: StarTreeFit, segment: Segment): Layout | undefined {
  const names = fit.tree.description.dimensionsSplitOrder;
  const cardinalityOf = (dim: number): number =>
    segment.column(names[dim]!)!.dictionary!.cardinality;
  const filters: { dim: number; setWordOffset: number; cardinality: number }[] = [];
  const words: number[] = [];
  for (const [dim, set] of fit.filters ?? new Map<number, Uint32Array>()) {
    filters.push({ dim, setWordOffset: words.length, cardinality: cardinalityOf(dim) });
    for (const word of set) words.push(word);
  }
  const cardinalities = fit.groupDims.map(cardinalityOf);
  let groupSpace = 1;
  const groups = fit.groupDims.map((dim, g) => ({
    dim,
    stride: 0,
    cardinality: cardinalities[g]!,
  }));
  for (let g = groups.length - 1; g >= 0; g--) {
    Object.assign(groups[g]!, { stride: groupSpace });
    groupSpace *= cardinalities[g]!;
    if (groupSpace > STAR_TREE_GROUP_SPACE_MAX) return undefined;
  }
  const plan: AggregatePlan = {
    dimCount: names.length,
    metricCount: fit.tree.description.metrics.length,
    filters,
    groups,
    slots: fit.slots.map((slot) => ({ metric: slot.metric, op: OP_CODES[slot.op] })),
  };
  return { plan, sets: Uint32Array.from(words), groupSpace, cardinalities };
}

interface Aggregated {
  readonly states: Float64Array;
  readonly counts: Uint32Array;
  readonly recordsRead: number;
}

function initialStates(fit: StarTreeFit, groupSpace: number, states: Float64Array): void {
  const slotCount = fit.slots.length;
  for (let s = 0; s < slotCount; s++) {
    const identity = IDENTITY[fit.slots[s]!.op];
    for (let g = 0; g < groupSpace; g++) states[g * slotCount + s] = identity;
  }
}

function aggregateWithKernels(
  fit: StarTreeFit,
  layout: Layout,
  ranges: number[],
  context: KernelContext,
) {
  const temps = new KernelTemporaries(context.allocator);
  try {
    const planWords = encodeAggregatePlan(layout.plan);
    const stateCount = layout.groupSpace * fit.slots.length;
    const planPtr = temps.allocate(planWords.byteLength);
    const rangesPtr = temps.allocate(Math.max(1, ranges.length) * U32_BYTES);
    const setsPtr = temps.allocate(Math.max(1, layout.sets.length) * U32_BYTES);
    const statesPtr = temps.allocate(Math.max(1, stateCount) * F64_BYTES);
    const countsPtr = temps.allocate(layout.groupSpace * U32_BYTES);
    const buffer = context.kernels.memory.buffer;
    new Uint32Array(buffer, planPtr, planWords.length).set(planWords);
    new Uint32Array(buffer, rangesPtr, ranges.length).set(ranges);
    new Uint32Array(buffer, setsPtr, layout.sets.length).set(layout.sets);
    const states = new Float64Array(buffer, statesPtr, stateCount);
    initialStates(fit, layout.groupSpace, states);
    new Uint32Array(buffer, countsPtr, layout.groupSpace).fill(0);
    const read = context.kernels.exports.starTreeAggregate(
      fit.tree.dimsPtr,
      fit.tree.metricsPtr,
      planPtr,
      rangesPtr,
      ranges.length / 2,
      setsPtr,
      statesPtr,
      countsPtr,
    );
    checkStatus('starTreeAggregate', read);
    const counts = new Uint32Array(buffer, countsPtr, layout.groupSpace).slice();
    return { states: states.slice(), counts, recordsRead: read };
  } finally {
    temps.releaseAll();
  }
}

function aggregateOnHost(fit: StarTreeFit, layout: Layout, ranges: number[]): Aggregated {
  const states = new Float64Array(layout.groupSpace * fit.slots.length);
  initialStates(fit, layout.groupSpace, states);
  const counts = new Uint32Array(layout.groupSpace);
  const read = starTreeAggregate(
    layout.plan,
    fit.tree.dims,
    fit.tree.metrics,
    Uint32Array.from(ranges),
    layout.sets,
    states,
    counts,
  );
  return { states, counts, recordsRead: checkStatus('starTreeAggregate', read) };
}

/** Per group id, each aggregation's merged sketch state (undefined: no sketch slot). */
type GroupSketches = Map<number, (SketchState | undefined)[]>;

/** The group of record `r` when it passes the plan's filters (the kernel's rule), else -1. */
function recordGroup(plan: AggregatePlan, sets: Uint32Array, dims: Uint32Array, r: number) {
  const base = r * plan.dimCount;
  for (const filter of plan.filters) {
    const id = dims[base + filter.dim]!;
    if (id >= filter.cardinality) return -1;
    if ((sets[filter.setWordOffset + (id >>> 5)]! & (1 << (id & 31))) === 0) return -1;
  }
  let group = 0;
  for (const g of plan.groups) group += dims[base + g.dim]! * g.stride;
  return group;
}

/** Merges the stored sketches of the selected records into per-group states. */
function mergeSketches(
  query: CompiledQuery,
  fit: StarTreeFit,
  layout: Layout,
  ranges: readonly number[],
): GroupSketches {
  const groups: GroupSketches = new Map();
  const withSketch = fit.uses.flatMap((use, i) => (use.sketch === undefined ? [] : [i]));
  if (withSketch.length === 0) return groups;
  const specs = query.plan.aggregations;
  for (let range = 0; range < ranges.length; range += 2) {
    for (let r = ranges[range]!; r < ranges[range + 1]!; r++) {
      const g = recordGroup(layout.plan, layout.sets, fit.tree.dims, r);
      if (g < 0) continue;
      let states = groups.get(g);
      if (states === undefined) {
        states = specs.map((spec, i) =>
          fit.uses[i]!.sketch === undefined ? undefined : newState(spec.fn).sketch,
        );
        groups.set(g, states);
      }
      for (const i of withSketch) {
        const column = fit.tree.sketches[fit.uses[i]!.sketch!]!;
        const bytes = column.bytes.subarray(column.offsets[r]!, column.offsets[r + 1]!);
        mergeDeferred(states[i]!, deserializeSketch(states[i]!.sketch, bytes));
      }
    }
  }
  for (const states of groups.values()) for (const state of states) if (state) finishMerges(state);
  return groups;
}

/** The engine's accumulator states of group `g`. */
function statesOf(
  query: CompiledQuery,
  fit: StarTreeFit,
  result: Aggregated,
  sketches: GroupSketches,
  g: number,
) {
  const slotCount = fit.slots.length;
  const position = (metric: number | undefined): number | undefined =>
    metric === undefined ? undefined : fit.slots.findIndex((slot) => slot.metric === metric);
  const value = (metric: number | undefined, fallback: number): number => {
    const s = position(metric);
    return s === undefined ? fallback : result.states[g * slotCount + s]!;
  };
  return query.plan.aggregations.map((spec, i): AccumulatorState => {
    const use = fit.uses[i]!;
    const state = newState(spec.fn);
    // Without a count slot the record count stands in: only its emptiness is ever read.
    state.count = value(use.count, result.counts[g]!);
    state.sum = value(use.sum, 0);
    state.min = value(use.min, state.min);
    state.max = value(use.max, state.max);
    const sketch = sketches.get(g)?.[i];
    if (sketch !== undefined) state.sketch = sketch;
    return state;
  });
}

function groupsOf(
  query: CompiledQuery,
  fit: StarTreeFit,
  layout: Layout,
  segment: Segment,
  result: Aggregated,
  sketches: GroupSketches,
) {
  const names = fit.tree.description.dimensionsSplitOrder;
  const dictionaries = fit.groupDims.map((dim) => segment.column(names[dim]!)!.dictionary!);
  const strides = layout.plan.groups.map((group) => group.stride);
  const groups = new Map<string, Group>();
  for (let g = 0; g < layout.groupSpace; g++) {
    if (result.counts[g] === 0) continue;
    const keys: ExprValue[] = dictionaries.map((dictionary, k) =>
      dictionary.get(Math.floor(g / strides[k]!) % layout.cardinalities[k]!),
    );
    groups.set(groupKey(keys), { keys, states: statesOf(query, fit, result, sketches, g) });
  }
  return groups;
}

function newStats(): SegmentStats {
  return {
    docsScanned: 0,
    entriesScannedInFilter: 0,
    entriesScannedPostFilter: 0,
    matched: false,
    accessPaths: [],
  };
}

/**
 * The segment's answer from a star-tree, or undefined when no tree fits (no tree, a filter or
 * aggregation it does not cover, `SET useStarTree = false`, a group space too large, more groups
 * than numGroupsLimit): the engine then scans.
 */
export function executeStarTree(
  query: CompiledQuery,
  segment: Segment,
  kernels: KernelContext | undefined,
): { result: SegmentResult; stats: SegmentStats } | undefined {
  const trees = starTreesOf(segment);
  if (trees.length === 0) return undefined;
  const fit = fitStarTree(query.plan, segment, trees);
  if (fit === undefined) return undefined;
  const layout = layoutOf(fit, segment);
  if (layout === undefined) return undefined;
  const { ranges, nodesVisited } =
    fit.filters === undefined
      ? { ranges: [], nodesVisited: 0 }
      : traverse(fit.tree, fit.filters, fit.groupDims);
  const result =
    kernels === undefined
      ? aggregateOnHost(fit, layout, ranges)
      : aggregateWithKernels(fit, layout, ranges, kernels);
  const sketches = mergeSketches(query, fit, layout, ranges);
  const stats = newStats();
  let matched = 0;
  for (const count of result.counts) matched += count;
  stats.docsScanned = matched;
  stats.matched = matched > 0;
  stats.entriesScannedInFilter = result.recordsRead * layout.plan.filters.length;
  stats.entriesScannedPostFilter = matched * (fit.groupDims.length + fit.slots.length);
  stats.accessPaths.push(starTreePath(fit, nodesVisited, result.recordsRead));
  if (query.plan.kind === 'aggregation') {
    const states = statesOf(query, fit, result, sketches, 0);
    return { result: { kind: 'aggregation', states }, stats };
  }
  const groups = groupsOf(query, fit, layout, segment, result, sketches);
  if (groups.size > query.plan.options.numGroupsLimit) return undefined;
  return { result: { kind: 'groupBy', groups, limitReached: false }, stats };
}

/** How EXPLAIN and trace name the star-tree access path. */
export function starTreePath(fit: StarTreeFit, nodesVisited: number, recordsRead: number): string {
  const dims = fit.tree.description.dimensionsSplitOrder.join(',');
  return `star-tree ${fit.treeIndex} [${dims}]: ${nodesVisited} nodes, ${recordsRead} records`;
}

/** EXPLAIN's line for a segment a star-tree would answer, or undefined when it scans. */
export function explainStarTree(query: CompiledQuery, segment: Segment): string | undefined {
  const fit = fitStarTree(query.plan, segment, starTreesOf(segment));
  if (fit === undefined || layoutOf(fit, segment) === undefined) return undefined;
  const dims = fit.tree.description.dimensionsSplitOrder.join(',');
  return `STAR_TREE(tree:${fit.treeIndex}, splitOrder:[${dims}])`;
}
