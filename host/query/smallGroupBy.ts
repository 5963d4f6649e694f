// The dense group-by of kernelGroupBy.ts for selections of a few docs (a user-facing lookup
// touches ~10 docs per segment): the same groups, read on the calling thread straight from the
// packed ids and values in the shared memory into a few small arrays. It skips what dominates
// such a query on the kernel path: per-segment allocations in the shared memory, clearing and
// scanning one counter per possible group, and the kernel calls themselves.
import { AggValueType } from '../runtime/exports/aggregate.js';
import { assert } from '../util/assert.js';
import { U32_BYTES } from './kernelMemory.js';
import {
  DENSE_GROUP_BUDGET,
  type DenseGroupInput,
  type DenseGroups,
  type DenseValueStats,
} from './kernelGroupBy.js';
import type { PackedIdsLocator, ValueSource } from './kernelValues.js';
import { hostViews, idReaderOf, packedIdAt, type HostViews, type IdReader } from './hostPackedIds.js';

/**
 * Most selected docs grouped on the host. Measured on a 1M-doc segment, one key of 150 ids,
 * COUNT only (2-core VM, loaded): host 0.7 µs at 4 docs, 4.8 at 64, 9.3 at 128, 13-19 at 256;
 * the kernels 8-30 µs whatever the size up to 1024 (allocations, clearing and scanning a
 * counter per possible group). Below the crossover near 256, with room for more value columns.
 */
export const HOST_GROUP_MAX_DOCS = 128;

/** A value column as the host reads it: element `index` of a typed view. */
interface HostValues {
  readonly valueType: AggValueType;
  /** The first value's index in the view of its type. */
  readonly elementBase: number;
  /** Dictionary columns: the packed ids that index the values; undefined for raw values. */
  readonly ids: IdReader | undefined;
  /** False when no aggregation reads the column's MIN/MAX. */
  readonly minMax: boolean;
}

function hostValuesOf(source: ValueSource, minMax: boolean): HostValues {
  const { valueType, valuesPtr, widthBytes, packed } = source;
  const ids = packed === undefined ? undefined : idReaderOf(packed);
  return { valueType, elementBase: valuesPtr / widthBytes, ids, minMax };
}

/** The value of `docId` as the aggregate kernels read it (as a double). */
function valueAt(views: HostViews, column: HostValues, docId: number): number {
  const index = column.ids === undefined ? docId : packedIdAt(views.u32, column.ids, docId);
  const element = column.elementBase + index;
  switch (column.valueType) {
    case AggValueType.I32:
      return views.i32[element]!;
    case AggValueType.I64:
      // Rounds to nearest even, as the kernels' f64.convert_i64_s does.
      return Number(views.i64[element]!);
    case AggValueType.F32:
      return views.f32[element]!;
    default:
      return views.f64[element]!;
  }
}

/** Per value column, per group slot (first-seen order): SUM, MIN and MAX. */
interface SlotStats {
  readonly sums: number[];
  readonly mins: number[];
  readonly maxs: number[];
}

/**
 * Slot + 1 per dense key (0: no slot yet), shared by the calls of this thread (each runs to
 * completion and clears the entries it set): a lookup without hashing, and no per-call
 * allocation. Grows to the largest key space seen, at most DENSE_GROUP_BUDGET entries.
 */
let slotPlusOneByKey = new Int32Array(0);

/** The groups of a small selection as they accumulate, in first-seen order. */
class SlotTable {
  readonly keys: number[] = [];
  readonly counts: number[] = [];
  readonly stats: (SlotStats | undefined)[];

  constructor(
    private readonly views: HostViews,
    private readonly keyIds: readonly IdReader[],
    private readonly cardinalities: readonly number[],
    private readonly values: readonly (HostValues | undefined)[],
  ) {
    this.stats = values.map((column) =>
      column === undefined ? undefined : { sums: [], mins: [], maxs: [] },
    );
  }

  /** Adds doc `docId` to its group: count, and per value column SUM and (when read) MIN/MAX. */
  add(docId: number): void {
    const slot = this.slotOf(this.denseKey(docId));
    this.counts[slot]!++;
    for (let v = 0; v < this.values.length; v++) {
      const column = this.values[v];
      const stats = this.stats[v];
      if (column === undefined || stats === undefined) continue;
      const value = valueAt(this.views, column, docId);
      // In doc order with the row path's comparisons: NaN never wins, the first of -0/+0 stays.
      stats.sums[slot]! += value;
      if (!column.minMax) continue;
      if (value < stats.mins[slot]!) stats.mins[slot] = value;
      if (value > stats.maxs[slot]!) stats.maxs[slot] = value;
    }
  }

  /** The mixed-radix number of the doc's key ids, first column most significant. */
  private denseKey(docId: number): number {
    let key = 0;
    for (let c = 0; c < this.keyIds.length; c++) {
      const id = packedIdAt(this.views.u32, this.keyIds[c]!, docId);
      const cardinality = this.cardinalities[c]!;
      // The message is built only on failure: this runs once per doc and key column.
      if (id >= cardinality) assert(false, `dictionary id ${id} below cardinality ${cardinality}`);
      key = key * cardinality + id;
    }
    return key;
  }

  /** The slot of a key this table has seen (before release). */
  slotOfSeen(key: number): number {
    return slotPlusOneByKey[key]! - 1;
  }

  /** Clears the shared slot entries this table set. */
  release(): void {
    for (let slot = 0; slot < this.keys.length; slot++) slotPlusOneByKey[this.keys[slot]!] = 0;
  }

  /** The slot of dense key `key`, made on first sight. */
  private slotOf(key: number): number {
    const existing = slotPlusOneByKey[key]!;
    if (existing !== 0) return existing - 1;
    const slot = this.keys.length;
    slotPlusOneByKey[key] = slot + 1;
    this.keys.push(key);
    this.counts.push(0);
    for (const stats of this.stats) {
      if (stats === undefined) continue;
      stats.sums.push(0);
      stats.mins.push(Number.POSITIVE_INFINITY);
      stats.maxs.push(Number.NEGATIVE_INFINITY);
    }
    return slot;
  }
}

function gather(values: readonly number[], order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let g = 0; g < order.length; g++) out[g] = values[order[g]!]!;
  return out;
}

/** Up to this many keys sort by insertion: a typed array's sort has a fixed cost of its own. */
const INSERTION_SORT_MAX_KEYS = 16;

/**
 * The keys in ascending order, in a typed array (sorts numerically, with no comparator call);
 * copied in a plain loop, which V8 runs far faster than from() with its iterator protocol.
 */
function sortedCopy(keys: readonly number[]): Float64Array {
  const sorted = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) sorted[i] = keys[i]!;
  if (keys.length > INSERTION_SORT_MAX_KEYS) return sorted.sort();
  for (let i = 1; i < sorted.length; i++) {
    const key = sorted[i]!;
    let j = i - 1;
    for (; j >= 0 && sorted[j]! > key; j--) sorted[j + 1] = sorted[j]!;
    sorted[j + 1] = key;
  }
  return sorted;
}

/** The table's groups in dense-key order, split into key ids column by column. */
function toDenseGroups(table: SlotTable, cardinalities: readonly number[]): DenseGroups {
  const groupCount = table.keys.length;
  const sortedKeys = sortedCopy(table.keys);
  const order = new Int32Array(groupCount);
  for (let g = 0; g < groupCount; g++) order[g] = table.slotOfSeen(sortedKeys[g]!);
  const counts = new Uint32Array(groupCount);
  const keyIds = cardinalities.map(() => new Uint32Array(groupCount));
  for (let g = 0; g < groupCount; g++) {
    const slot = order[g]!;
    counts[g] = table.counts[slot]!;
    // Mixed-radix digits of the dense key, least significant (last) column first.
    let rest = table.keys[slot]!;
    for (let c = cardinalities.length - 1; c >= 0; c--) {
      keyIds[c]![g] = rest % cardinalities[c]!;
      rest = Math.floor(rest / cardinalities[c]!);
    }
  }
  const values = table.stats.map((stats): DenseValueStats | undefined =>
    stats === undefined
      ? undefined
      : {
          sums: gather(stats.sums, order),
          mins: gather(stats.mins, order),
          maxs: gather(stats.maxs, order),
        },
  );
  return { groupCount, keyIds, counts, values };
}

/** True when the host reads every column's packed ids as aligned u32 words. */
export function hostReadable(
  keys: readonly PackedIdsLocator[],
  sources: readonly (ValueSource | undefined)[],
): boolean {
  const aligned = (packed: PackedIdsLocator | undefined): boolean =>
    packed === undefined || packed.idsPtr % U32_BYTES === 0;
  return keys.every(aligned) && sources.every((source) => aligned(source?.packed));
}

/**
 * groupByDictIds's answer, computed on the calling thread: for selections of at most
 * HOST_GROUP_MAX_DOCS docs (it answers any, but scans doc by doc); undefined when there are
 * more than `maxGroups` groups. The columns must be hostReadable.
 */
export function groupSmallSelection(
  memory: WebAssembly.Memory,
  input: DenseGroupInput,
): DenseGroups | undefined {
  const { keys, cardinalities, sources, minMaxColumns, selection } = input;
  const values = sources.map((source, v) =>
    source === undefined ? undefined : hostValuesOf(source, minMaxColumns[v] ?? true),
  );
  const numGroups = cardinalities.reduce((product, cardinality) => product * cardinality, 1);
  assert(numGroups <= DENSE_GROUP_BUDGET, `${numGroups} groups within the dense budget`);
  if (slotPlusOneByKey.length < numGroups) slotPlusOneByKey = new Int32Array(numGroups);
  const table = new SlotTable(hostViews(memory), keys.map(idReaderOf), cardinalities, values);
  try {
    if (selection.kind === 'all') {
      for (let docId = 0; docId < selection.docCount; docId++) table.add(docId);
    } else {
      const ids = selection.ids;
      for (let i = 0; i < ids.length; i++) table.add(ids[i]!);
    }
    if (table.keys.length > input.maxGroups) return undefined;
    return toDenseGroups(table, cardinalities);
  } finally {
    table.release();
  }
}
