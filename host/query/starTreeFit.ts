// Whether a star-tree answers a query on a segment (Pinot's StarTreeUtils.isFitForStarTree):
// every group-by expression is a split-order dimension, every aggregation has the metric slots
// it needs (COUNT, SUM, MIN, MAX, AVG, MINMAXRANGE, DISTINCTCOUNTHLL and PERCENTILETDIGEST with the
// stored sketch parameter, their MV and RAW forms, no FILTER clause), and the
// filter is an AND of per-dimension predicates (any AND/OR/NOT of predicates on one dimension
// folds into one set of matching dictionary ids). Null handling needs null-free columns: the
// records keep no null vectors.
import type { Segment } from '../../segments/spi/segment.js';
import type { StarTree } from '../../segments/immutable/starTreeReader.js';
import { matchingIds } from './filterExec.js';
import type { FilterNode } from './filterPlan.js';
import type { AggregationSpec, QueryPlan } from './plan.js';
import { DEFAULT_HLL_LOG2M } from './sketches/hll.js';
import { DEFAULT_TDIGEST_COMPRESSION } from './sketches/tdigest.js';

/** Bits per bitset word. */
const WORD_BITS = 32;

/** Per split-order dimension, the bitset of the dictionary ids a record may hold. */
export type DimensionSets = Map<number, Uint32Array>;

/** Record metric columns each aggregation state field comes from (undefined: not needed). */
export interface SlotUse {
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  /** Index of the tree's sketch slot (StarTree.sketches) holding this aggregation's states. */
  readonly sketch?: number;
}

export interface StarTreeFit {
  readonly tree: StarTree;
  readonly treeIndex: number;
  /** Undefined: the filter matches nothing (a FALSE constant). */
  readonly filters: DimensionSets | undefined;
  /** Split-order index of each group-by expression. */
  readonly groupDims: readonly number[];
  readonly uses: readonly SlotUse[];
  /** The distinct metric columns the kernel aggregates, with their op. */
  readonly slots: readonly { metric: number; op: 'count' | 'sum' | 'min' | 'max' }[];
}

function bitsetOf(ids: Iterable<number>, cardinality: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(cardinality / WORD_BITS));
  for (const id of ids) words[id >>> 5] = words[id >>> 5]! | (1 << (id & 31));
  return words;
}

function combine(into: DimensionSets, from: DimensionSets, and: boolean): void {
  for (const [dim, set] of from) {
    const existing = into.get(dim);
    if (existing === undefined) {
      into.set(dim, set.slice());
      continue;
    }
    for (let i = 0; i < set.length; i++)
      existing[i] = and ? existing[i]! & set[i]! : existing[i]! | set[i]!;
  }
}

/** null: the node matches nothing; undefined: the tree cannot answer it. */
type Converted = DimensionSets | null | undefined;

function leafSets(node: FilterNode & { kind: 'column' }, tree: StarTree, segment: Segment) {
  const dim = tree.dimensionIndex.get(node.field.name);
  const reader = segment.column(node.field.name);
  if (dim === undefined || reader?.dictionary === undefined || !reader.singleValue)
    return undefined;
  const cardinality = reader.dictionary.cardinality;
  let set = bitsetOf(matchingIds(reader.dictionary, node.predicate), cardinality);
  if (node.negated) {
    set = set.map((word) => ~word >>> 0);
    const tailBits = cardinality % WORD_BITS;
    if (tailBits !== 0) set[set.length - 1] = set[set.length - 1]! & ((1 << tailBits) - 1);
  }
  return new Map([[dim, set]]);
}

function convertAnd(children: readonly FilterNode[], tree: StarTree, segment: Segment): Converted {
  const sets: DimensionSets = new Map();
  let never = false;
  for (const child of children) {
    const converted = convertFilter(child, tree, segment);
    if (converted === undefined) return undefined;
    if (converted === null) never = true;
    else combine(sets, converted, true);
  }
  return never ? null : sets;
}

function convertOr(children: readonly FilterNode[], tree: StarTree, segment: Segment): Converted {
  const sets: DimensionSets = new Map();
  let always = false;
  let anyChild = false;
  for (const child of children) {
    const converted = convertFilter(child, tree, segment);
    if (converted === undefined) return undefined;
    if (converted === null) continue;
    anyChild = true;
    if (converted.size === 0) always = true;
    combine(sets, converted, false);
  }
  if (!anyChild) return null;
  if (always) return new Map();
  // An OR across dimensions is no per-dimension set: the scan answers it.
  return sets.size === 1 ? sets : undefined;
}

export function convertFilter(node: FilterNode, tree: StarTree, segment: Segment): Converted {
  switch (node.kind) {
    case 'constant':
      return node.value ? new Map() : null;
    case 'column':
      return leafSets(node, tree, segment);
    case 'and':
      return convertAnd(node.children, tree, segment);
    case 'or':
      return convertOr(node.children, tree, segment);
    default:
      return undefined;
  }
}

/** The slots one aggregation reads, or undefined when the tree lacks one. */
function slotUse(spec: AggregationSpec, plan: QueryPlan, tree: StarTree): SlotUse | undefined {
  if (spec.filter !== undefined) return undefined;
  const metric = (name: string): number | undefined => tree.metricIndex.get(name);
  if (spec.argument === undefined) {
    const count = metric('count:*');
    return spec.fn.kind === 'COUNT' && count !== undefined ? { count } : undefined;
  }
  if (spec.argument.kind !== 'identifier') return undefined;
  const column = spec.argument.name;
  const field = plan.schema.fields.find((candidate) => candidate.name === column);
  // A plain aggregation over an MV column is an error the scan reports.
  if (field === undefined || (!field.singleValueField && !spec.fn.multiValue)) return undefined;
  const countName = field.singleValueField ? 'count:*' : `count:${column}`;
  const need = (names: Record<string, string>): SlotUse | undefined => {
    const use: Record<string, number> = {};
    for (const [key, name] of Object.entries(names)) {
      const index = metric(name);
      if (index === undefined) return undefined;
      use[key] = index;
    }
    return use;
  };
  switch (spec.fn.kind) {
    case 'COUNT':
      return need({ count: countName });
    case 'SUM':
      return need({ sum: `sum:${column}` });
    case 'MIN':
      return need({ min: `min:${column}` });
    case 'MAX':
      return need({ max: `max:${column}` });
    case 'AVG':
      return need({ sum: `sum:${column}`, count: countName });
    case 'MINMAXRANGE':
      return need({ min: `min:${column}`, max: `max:${column}` });
    case 'DISTINCTCOUNTHLL':
      return sketchUse(tree, `hll(${spec.fn.log2m ?? DEFAULT_HLL_LOG2M}):${column}`);
    case 'PERCENTILETDIGEST':
      return sketchUse(
        tree,
        `tdigest(${spec.fn.compression ?? DEFAULT_TDIGEST_COMPRESSION}):${column}`,
      );
    default:
      return undefined;
  }
}

function sketchUse(tree: StarTree, name: string): SlotUse | undefined {
  const sketch = tree.sketchIndex.get(name);
  return sketch === undefined ? undefined : { sketch };
}

/** Columns whose nulls would make the records' answer differ under null handling. */
function hasNulls(segment: Segment, names: Iterable<string>): boolean {
  for (const name of names) {
    if ((segment.column(name)?.nullVector()?.cardinality() ?? 0) > 0) return true;
  }
  return false;
}

function slotsOf(uses: readonly SlotUse[], tree: StarTree): StarTreeFit['slots'] {
  const metrics = new Set<number>();
  for (const use of uses) {
    for (const [field, index] of Object.entries(use)) {
      if (field !== 'sketch') metrics.add(index as number);
    }
  }
  return [...metrics].map((metric) => ({
    metric,
    op: tree.description.metrics[metric]!.split(':')[0] as 'count' | 'sum' | 'min' | 'max',
  }));
}

function fitTree(plan: QueryPlan, segment: Segment, tree: StarTree, treeIndex: number) {
  const groupDims: number[] = [];
  for (const expr of plan.groupBy) {
    const dim = expr.kind === 'identifier' ? tree.dimensionIndex.get(expr.name) : undefined;
    if (dim === undefined) return undefined;
    groupDims.push(dim);
  }
  const uses: SlotUse[] = [];
  for (const spec of plan.aggregations) {
    const use = slotUse(spec, plan, tree);
    if (use === undefined) return undefined;
    uses.push(use);
  }
  const filters = plan.filter === undefined ? new Map() : convertFilter(plan.filter, tree, segment);
  if (filters === undefined) return undefined;
  if (plan.options.enableNullHandling) {
    const names = [...tree.dimensionIndex.keys()];
    for (const spec of plan.aggregations) {
      if (spec.argument?.kind === 'identifier') names.push(spec.argument.name);
    }
    if (hasNulls(segment, names)) return undefined;
  }
  const fit: StarTreeFit = {
    tree,
    treeIndex,
    filters: filters ?? undefined,
    groupDims,
    uses,
    slots: slotsOf(uses, tree),
  };
  return fit;
}

/** The first of the segment's trees that answers the query, or undefined. */
export function fitStarTree(
  plan: QueryPlan,
  segment: Segment,
  trees: readonly StarTree[],
): StarTreeFit | undefined {
  if (!plan.options.useStarTree) return undefined;
  if (plan.kind !== 'aggregation' && plan.kind !== 'groupBy') return undefined;
  for (let i = 0; i < trees.length; i++) {
    const fit = fitTree(plan, segment, trees[i]!, i);
    if (fit !== undefined) return fit;
  }
  return undefined;
}
