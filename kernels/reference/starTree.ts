// Plain TypeScript reference of the star-tree kernels (kernels/assembly/starTree.ts; contracts:
// kernels/STARTREE.md). Records are row-major: record r's dimension ids are
// dims[r * dimCount .. r * dimCount + dimCount), its metric values metrics[r * metricCount ..].
// The query path uses `starTreeAggregate` here when no kernels instance is at hand.

/** The id a star record holds in a dimension it aggregates away (Pinot's STAR, -1 as u32). */
export const STAR_ID = 0xffff_ffff;

/** How a metric slot merges two records' values. */
export const MetricOp = { SUM: 0, MIN: 1, MAX: 2 } as const;
export type MetricOpValue = (typeof MetricOp)[keyof typeof MetricOp];

/** Plan header: dimCount, metricCount, filterCount, groupDimCount (u32 each). */
export const AGGREGATE_PLAN_HEADER_WORDS = 4;

/** Sort key of a dimension id: STAR first (0), then ids ascending (1..cardinality). */
function keyOf(id: number): number {
  return (id + 1) >>> 0;
}

/** Compares two records on dims [fromDim, dimCount), STAR sorting first. */
function compareRecords(
  dims: Uint32Array,
  dimCount: number,
  fromDim: number,
  a: number,
  b: number,
): number {
  for (let d = fromDim; d < dimCount; d++) {
    const left = keyOf(dims[a * dimCount + d]!);
    const right = keyOf(dims[b * dimCount + d]!);
    if (left !== right) return left - right;
  }
  return 0;
}

/** Stably sorts the record indices in `perm` by dims [fromDim, dimCount). */
export function starTreeSort(
  dims: Uint32Array,
  dimCount: number,
  fromDim: number,
  perm: Uint32Array,
): void {
  // Array.prototype.sort is stable: equal keys keep their order in `perm`.
  const sorted = Array.from(perm).sort((a, b) => compareRecords(dims, dimCount, fromDim, a, b));
  perm.set(sorted);
}

function keyDim(dims: Uint32Array, dimCount: number, r: number, d: number, star: [number, number]) {
  return d >= star[0] && d < star[1] ? STAR_ID : dims[r * dimCount + d]!;
}

function sameKey(
  dims: Uint32Array,
  dimCount: number,
  a: number,
  b: number,
  star: [number, number],
): boolean {
  for (let d = 0; d < dimCount; d++) {
    if (keyDim(dims, dimCount, a, d, star) !== keyDim(dims, dimCount, b, d, star)) return false;
  }
  return true;
}

function mergeValue(op: number, into: number, value: number): number {
  if (op === MetricOp.SUM) return into + value;
  if (op === MetricOp.MIN) return value < into ? value : into;
  return value > into ? value : into;
}

export interface MergeInput {
  readonly dims: Uint32Array;
  readonly metrics: Float64Array;
  readonly dimCount: number;
  readonly metricCount: number;
  readonly ops: Uint32Array;
}

/**
 * Walks `perm` (records sorted so that equal keys are adjacent) and writes one record per run of
 * equal keys to `outDims`/`outMetrics` starting at record `outStart`, the dims in
 * [starFrom, starTo) replaced by STAR in the key. Returns the number of records written.
 */
export function starTreeMerge(
  input: MergeInput,
  perm: Uint32Array,
  starFrom: number,
  starTo: number,
  outDims: Uint32Array,
  outMetrics: Float64Array,
  outStart: number,
): number {
  const { dims, metrics, dimCount, metricCount, ops } = input;
  const star: [number, number] = [starFrom, starTo];
  let out = outStart - 1;
  for (let i = 0; i < perm.length; i++) {
    const r = perm[i]!;
    if (i === 0 || !sameKey(dims, dimCount, perm[i - 1]!, r, star)) {
      out++;
      for (let d = 0; d < dimCount; d++)
        outDims[out * dimCount + d] = keyDim(dims, dimCount, r, d, star);
      for (let m = 0; m < metricCount; m++)
        outMetrics[out * metricCount + m] = metrics[r * metricCount + m]!;
      continue;
    }
    for (let m = 0; m < metricCount; m++) {
      const at = out * metricCount + m;
      outMetrics[at] = mergeValue(ops[m]!, outMetrics[at]!, metrics[r * metricCount + m]!);
    }
  }
  return out - outStart + 1;
}

/**
 * What `starTreeAggregate` computes, as the u32 plan block the kernel reads (STARTREE.md):
 * filters test a dimension's id against a bitset (words at `setWordOffset` of the sets area,
 * an id at or above `cardinality` — STAR included — fails); the group of a record is
 * Σ id × stride over the group dimensions; `slots` name the metric columns to aggregate.
 */
export interface AggregatePlan {
  readonly dimCount: number;
  readonly metricCount: number;
  readonly filters: readonly { dim: number; setWordOffset: number; cardinality: number }[];
  readonly groups: readonly { dim: number; stride: number; cardinality: number }[];
  readonly slots: readonly { metric: number; op: MetricOpValue }[];
}

/** The plan as u32 words: header, filters (dim, offset, cardinality), groups, slots. */
export function encodeAggregatePlan(plan: AggregatePlan): Uint32Array {
  const words = [plan.dimCount, plan.metricCount, plan.filters.length, plan.groups.length];
  for (const filter of plan.filters)
    words.push(filter.dim, filter.setWordOffset, filter.cardinality);
  for (const group of plan.groups) words.push(group.dim, group.stride, group.cardinality);
  words.push(plan.slots.length);
  for (const slot of plan.slots) words.push(slot.metric, slot.op);
  return Uint32Array.from(words);
}

function passesFilters(plan: AggregatePlan, dims: Uint32Array, sets: Uint32Array, r: number) {
  for (const filter of plan.filters) {
    const id = dims[r * plan.dimCount + filter.dim]!;
    if (id >= filter.cardinality) return false;
    if ((sets[filter.setWordOffset + (id >>> 5)]! & (1 << (id & 31))) === 0) return false;
  }
  return true;
}

/**
 * Aggregates the records of `ranges` (u32 pairs start, end) that pass the plan's filters into
 * `states` (groupSpace × slot count f64, pre-set by the caller to each op's identity) and
 * `counts` (records per group). Returns the records read, or -1 (a group id out of range).
 */
export function starTreeAggregate(
  plan: AggregatePlan,
  dims: Uint32Array,
  metrics: Float64Array,
  ranges: Uint32Array,
  sets: Uint32Array,
  states: Float64Array,
  counts: Uint32Array,
): number {
  let read = 0;
  const slotCount = plan.slots.length;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    for (let r = ranges[i]!; r < ranges[i + 1]!; r++) {
      read++;
      if (!passesFilters(plan, dims, sets, r)) continue;
      let group = 0;
      for (const key of plan.groups) {
        const id = dims[r * plan.dimCount + key.dim]!;
        if (id >= key.cardinality) return -1;
        group += id * key.stride;
      }
      counts[group] = counts[group]! + 1;
      for (let s = 0; s < slotCount; s++) {
        const slot = plan.slots[s]!;
        const at = group * slotCount + s;
        states[at] = mergeValue(slot.op, states[at]!, metrics[r * plan.metricCount + slot.metric]!);
      }
    }
  }
  return read;
}
