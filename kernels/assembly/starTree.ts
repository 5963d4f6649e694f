// Star-tree kernels (contracts: kernels/STARTREE.md; reference: kernels/reference/starTree.ts):
// sort records by dimension ids, merge records of equal keys (building pre-aggregated and star
// records), and aggregate the records a traversal selected, per group. Records are row-major:
// dimCount u32 ids, then separately metricCount f64 values per record.
import { STATUS_BAD_ARGUMENT, STATUS_CORRUPT_INPUT } from './status';

/** The id of a star record in a dimension it aggregates away (Pinot's -1 as u32). */
const STAR_ID: u32 = 0xffffffff;
/** Metric ops (kernels/reference/starTree.ts MetricOp). */
const OP_SUM: u32 = 0;
const OP_MIN: u32 = 1;
/** Ranges this short are insertion-sorted: clearing a radix count array would cost more. */
const INSERTION_SORT_MAX: u32 = 32;
/** Words of the aggregate plan header: dimCount, metricCount, filterCount, groupDimCount. */
const PLAN_HEADER_WORDS: usize = 4;
/** Words per filter (dim, set word offset, cardinality) and per group dim (dim, stride, card). */
const PLAN_ENTRY_WORDS: usize = 3;

// @ts-ignore: decorator
@inline function dimAt(dimsPtr: usize, dimCount: u32, record: u32, dim: u32): u32 {
  return load<u32>(dimsPtr + ((<usize>record * dimCount + dim) << 2));
}

/** STAR sorts first: keys are id + 1 (wrapping STAR to 0). */
// @ts-ignore: decorator
@inline function sortKey(id: u32): u32 {
  return id + 1;
}

function lessThan(dimsPtr: usize, dimCount: u32, fromDim: u32, a: u32, b: u32): bool {
  for (let d = fromDim; d < dimCount; d++) {
    const left = sortKey(dimAt(dimsPtr, dimCount, a, d));
    const right = sortKey(dimAt(dimsPtr, dimCount, b, d));
    if (left != right) return left < right;
  }
  return false;
}

function insertionSort(dimsPtr: usize, dimCount: u32, fromDim: u32, permPtr: usize, count: u32): void {
  for (let i: u32 = 1; i < count; i++) {
    const record = load<u32>(permPtr + (<usize>i << 2));
    let j = i;
    while (j > 0) {
      const previous = load<u32>(permPtr + (<usize>(j - 1) << 2));
      if (!lessThan(dimsPtr, dimCount, fromDim, record, previous)) break;
      store<u32>(permPtr + (<usize>j << 2), previous);
      j--;
    }
    store<u32>(permPtr + (<usize>j << 2), record);
  }
}

/** One stable counting-sort pass of `from` into `to` by the key of dimension `dim`. */
function countingPass(
  dimsPtr: usize,
  dimCount: u32,
  dim: u32,
  keyCount: u32,
  from: usize,
  to: usize,
  count: u32,
  countsPtr: usize,
): void {
  memory.fill(countsPtr, 0, <usize>keyCount << 2);
  for (let i: u32 = 0; i < count; i++) {
    const key = sortKey(dimAt(dimsPtr, dimCount, load<u32>(from + (<usize>i << 2)), dim));
    const at = countsPtr + (<usize>key << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  let total: u32 = 0;
  for (let k: u32 = 0; k < keyCount; k++) {
    const at = countsPtr + (<usize>k << 2);
    const n = load<u32>(at);
    store<u32>(at, total);
    total += n;
  }
  for (let i: u32 = 0; i < count; i++) {
    const record = load<u32>(from + (<usize>i << 2));
    const at = countsPtr + (<usize>sortKey(dimAt(dimsPtr, dimCount, record, dim)) << 2);
    const position = load<u32>(at);
    store<u32>(at, position + 1);
    store<u32>(to + (<usize>position << 2), record);
  }
}

/**
 * Stably sorts the `count` record indices at `permPtr` by dims [fromDim, dimCount), STAR first.
 * `cardinalitiesPtr`: u32 per dim (ids are below it, or STAR); `tmpPtr`: `count` u32;
 * `countsPtr`: (max cardinality + 1) u32. Returns STATUS_OK or BAD_ARGUMENT.
 */
export function starTreeSort(
  dimsPtr: usize,
  dimCount: u32,
  fromDim: u32,
  permPtr: usize,
  count: u32,
  cardinalitiesPtr: usize,
  tmpPtr: usize,
  countsPtr: usize,
): i32 {
  if (fromDim > dimCount) return STATUS_BAD_ARGUMENT;
  if (count <= INSERTION_SORT_MAX) {
    insertionSort(dimsPtr, dimCount, fromDim, permPtr, count);
    return 0;
  }
  let from = permPtr;
  let to = tmpPtr;
  for (let d = dimCount; d > fromDim; d--) {
    const keyCount = load<u32>(cardinalitiesPtr + (<usize>(d - 1) << 2)) + 1;
    countingPass(dimsPtr, dimCount, d - 1, keyCount, from, to, count, countsPtr);
    const swap = from;
    from = to;
    to = swap;
  }
  if (from != permPtr) memory.copy(permPtr, from, <usize>count << 2);
  return 0;
}

// @ts-ignore: decorator
@inline function keyDim(dimsPtr: usize, dimCount: u32, r: u32, d: u32, starFrom: u32, starTo: u32): u32 {
  return d >= starFrom && d < starTo ? STAR_ID : dimAt(dimsPtr, dimCount, r, d);
}

/** A record's few metric values: a plain loop beats memory.copy's call on a shared memory. */
// @ts-ignore: decorator
@inline function copyMetrics(target: usize, source: usize, metricCount: u32): void {
  for (let m: u32 = 0; m < metricCount; m++) {
    store<f64>(target + (<usize>m << 3), load<f64>(source + (<usize>m << 3)));
  }
}

// @ts-ignore: decorator
@inline function mergeValue(op: u32, into: f64, value: f64): f64 {
  if (op == OP_SUM) return into + value;
  if (op == OP_MIN) return value < into ? value : into;
  return value > into ? value : into;
}

/**
 * Writes one record per run of equal keys among the `count` records at `permPtr` (sorted so
 * equal keys are adjacent) to `outDimsPtr`/`outMetricsPtr`, dims [starFrom, starTo) set to
 * STAR; metric m merges by the u32 op at `opsPtr`. Returns the number of records written.
 */
export function starTreeMerge(
  dimsPtr: usize,
  metricsPtr: usize,
  dimCount: u32,
  metricCount: u32,
  opsPtr: usize,
  permPtr: usize,
  count: u32,
  starFrom: u32,
  starTo: u32,
  outDimsPtr: usize,
  outMetricsPtr: usize,
): i32 {
  let out: i32 = -1;
  let previous: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const r = load<u32>(permPtr + (<usize>i << 2));
    let same = i > 0;
    for (let d: u32 = 0; same && d < dimCount; d++) {
      const left = keyDim(dimsPtr, dimCount, previous, d, starFrom, starTo);
      same = left == keyDim(dimsPtr, dimCount, r, d, starFrom, starTo);
    }
    previous = r;
    const source = metricsPtr + ((<usize>r * metricCount) << 3);
    if (!same) {
      out++;
      const dimsOut = outDimsPtr + ((<usize>out * dimCount) << 2);
      for (let d: u32 = 0; d < dimCount; d++) {
        store<u32>(dimsOut + (<usize>d << 2), keyDim(dimsPtr, dimCount, r, d, starFrom, starTo));
      }
      copyMetrics(outMetricsPtr + ((<usize>out * metricCount) << 3), source, metricCount);
      continue;
    }
    const target = outMetricsPtr + ((<usize>out * metricCount) << 3);
    for (let m: u32 = 0; m < metricCount; m++) {
      const at = target + (<usize>m << 3);
      const op = load<u32>(opsPtr + (<usize>m << 2));
      store<f64>(at, mergeValue(op, load<f64>(at), load<f64>(source + (<usize>m << 3))));
    }
  }
  return out + 1;
}

/** True when record r passes every filter of the plan. */
function passesFilters(planPtr: usize, filterCount: u32, dimsPtr: usize, dimCount: u32, r: u32, setsPtr: usize): bool {
  for (let f: u32 = 0; f < filterCount; f++) {
    const entry = planPtr + ((PLAN_HEADER_WORDS + <usize>f * PLAN_ENTRY_WORDS) << 2);
    const id = dimAt(dimsPtr, dimCount, r, load<u32>(entry));
    if (id >= load<u32>(entry, 8)) return false;
    const word = load<u32>(setsPtr + ((<usize>load<u32>(entry, 4) + (id >> 5)) << 2));
    if ((word & (1 << (id & 31))) == 0) return false;
  }
  return true;
}

/**
 * Aggregates the records of `rangeCount` ranges (u32 start, end pairs at `rangesPtr`) that
 * pass the plan's filters (plan layout: kernels/STARTREE.md) into `statesPtr` (f64 per group
 * and slot, pre-set to each op's identity) and `countsPtr` (u32 records per group). Returns the
 * records read, or CORRUPT_INPUT when a group dimension holds an id at or above its cardinality.
 */
export function starTreeAggregate(
  dimsPtr: usize,
  metricsPtr: usize,
  planPtr: usize,
  rangesPtr: usize,
  rangeCount: u32,
  setsPtr: usize,
  statesPtr: usize,
  countsPtr: usize,
): i32 {
  const dimCount = load<u32>(planPtr);
  const metricCount = load<u32>(planPtr, 4);
  const filterCount = load<u32>(planPtr, 8);
  const groupCount = load<u32>(planPtr, 12);
  const groupsPtr = planPtr + ((PLAN_HEADER_WORDS + <usize>filterCount * PLAN_ENTRY_WORDS) << 2);
  const slotsHeader = groupsPtr + ((<usize>groupCount * PLAN_ENTRY_WORDS) << 2);
  const slotCount = load<u32>(slotsHeader);
  const slotsPtr = slotsHeader + 4;
  let read: i32 = 0;
  for (let i: u32 = 0; i < rangeCount; i++) {
    const start = load<u32>(rangesPtr + (<usize>i << 3));
    const end = load<u32>(rangesPtr + (<usize>i << 3), 4);
    for (let r = start; r < end; r++) {
      read++;
      if (!passesFilters(planPtr, filterCount, dimsPtr, dimCount, r, setsPtr)) continue;
      let group: u32 = 0;
      for (let g: u32 = 0; g < groupCount; g++) {
        const entry = groupsPtr + ((<usize>g * PLAN_ENTRY_WORDS) << 2);
        const id = dimAt(dimsPtr, dimCount, r, load<u32>(entry));
        if (id >= load<u32>(entry, 8)) return STATUS_CORRUPT_INPUT;
        group += id * load<u32>(entry, 4);
      }
      const countAt = countsPtr + (<usize>group << 2);
      store<u32>(countAt, load<u32>(countAt) + 1);
      const source = metricsPtr + ((<usize>r * metricCount) << 3);
      const target = statesPtr + ((<usize>group * slotCount) << 3);
      for (let s: u32 = 0; s < slotCount; s++) {
        const metric = load<u32>(slotsPtr + (<usize>s << 3));
        const op = load<u32>(slotsPtr + (<usize>s << 3), 4);
        const at = target + (<usize>s << 3);
        store<f64>(at, mergeValue(op, load<f64>(at), load<f64>(source + (<usize>metric << 3))));
      }
    }
  }
  return read;
}

/**
 * Documents → merged records when the key space (product of the dimensions' cardinalities) is
 * small enough for a dense table: doc d's key is its ids read from each dimension's u32 column
 * (pointers at `idsPtrsPtr`) in mixed radix, last dimension fastest, so emitting the table in
 * key order emits records sorted by dims. `slotMetricsPtr`: keySpace × metricCount f64 and
 * `slotCountsPtr`: keySpace u32 of scratch. Returns the number of records written, or
 * BAD_ARGUMENT when an id is at or above its cardinality.
 */
export function starTreeDenseMerge(
  idsPtrsPtr: usize,
  cardinalitiesPtr: usize,
  dimCount: u32,
  metricsPtr: usize,
  metricCount: u32,
  opsPtr: usize,
  docCount: u32,
  keySpace: u32,
  slotMetricsPtr: usize,
  slotCountsPtr: usize,
  outDimsPtr: usize,
  outMetricsPtr: usize,
): i32 {
  memory.fill(slotCountsPtr, 0, <usize>keySpace << 2);
  const metricBytes = <usize>metricCount << 3;
  for (let doc: u32 = 0; doc < docCount; doc++) {
    let key: u32 = 0;
    for (let d: u32 = 0; d < dimCount; d++) {
      const cardinality = load<u32>(cardinalitiesPtr + (<usize>d << 2));
      const column = <usize>load<u32>(idsPtrsPtr + (<usize>d << 2));
      const id = load<u32>(column + (<usize>doc << 2));
      if (id >= cardinality) return STATUS_BAD_ARGUMENT;
      key = key * cardinality + id;
    }
    const countAt = slotCountsPtr + (<usize>key << 2);
    const seen = load<u32>(countAt);
    store<u32>(countAt, seen + 1);
    const source = metricsPtr + <usize>doc * metricBytes;
    const target = slotMetricsPtr + <usize>key * metricBytes;
    if (seen == 0) {
      copyMetrics(target, source, metricCount);
      continue;
    }
    for (let m: u32 = 0; m < metricCount; m++) {
      const at = target + (<usize>m << 3);
      const op = load<u32>(opsPtr + (<usize>m << 2));
      store<f64>(at, mergeValue(op, load<f64>(at), load<f64>(source + (<usize>m << 3))));
    }
  }
  let out: u32 = 0;
  for (let key: u32 = 0; key < keySpace; key++) {
    if (load<u32>(slotCountsPtr + (<usize>key << 2)) == 0) continue;
    let rest = key;
    const dimsOut = outDimsPtr + ((<usize>out * dimCount) << 2);
    for (let d = dimCount; d > 0; d--) {
      const cardinality = load<u32>(cardinalitiesPtr + (<usize>(d - 1) << 2));
      store<u32>(dimsOut + (<usize>(d - 1) << 2), rest % cardinality);
      rest /= cardinality;
    }
    copyMetrics(outMetricsPtr + <usize>out * metricBytes, slotMetricsPtr + <usize>key * metricBytes, metricCount);
    out++;
  }
  return <i32>out;
}
