// WASM-kernel path of the sketch aggregations (DISTINCTCOUNTHLL, DISTINCTCOUNTBITMAP,
// PERCENTILEEST, PERCENTILETDIGEST, their MV and RAW forms) over one segment's dictionary
// column. DISTINCTCOUNTHLL over an SV column hashes the dictionary once and offers each
// selected doc's hash (kernels: hllHash*, unpack, hllUpdateIds). The others count the selected
// docs' dictionary ids (sketchCountIds / sketchCountMvIds): a sorted dictionary turns that
// histogram into the sorted (value, count) input a t-digest is compressed from in one kernel
// pass (tdigestCompressSorted) and a q-digest is built from on the host; DISTINCTCOUNTBITMAP
// adds each present value once. The states are the host's (host/query/sketches), so they merge
// with row-path, star-tree and other servers' states: HLL registers and bitmap hash codes are
// exactly the row path's; the digests hold the same values with other centroids/nodes (one
// compress over the whole histogram instead of one per buffered batch), within the bounds of
// host/query/sketches/FORMAT.md.
import type { StoredType } from '../config/types.js';
import type { ColumnReader, ForwardIndexLocator } from '../../segments/spi/columnReader.js';
import type { Dictionary } from '../../segments/spi/dictionary.js';
import type { Segment } from '../../segments/spi/segment.js';
import { AggValueType } from '../runtime/exports/aggregate.js';
import { checkStatus } from '../runtime/status.js';
import {
  newState,
  type AccumulatorState,
  type AggregationFunction,
  type AggregationKind,
} from './aggregations.js';
import { selectionSize, type DocSelection } from './docSelection.js';
import {
  F64_BYTES,
  forEachDocBlock,
  KernelTemporaries,
  memoryViews,
  U32_BYTES,
  type KernelContext,
  type MemoryViews,
} from './kernelMemory.js';
import { KERNEL_BLOCK_DOCS } from './kernelPaths.js';
import { isPackedIds, loadIds, type PackedIdsLocator } from './kernelValues.js';
import type { CompiledQuery } from './compiledQuery.js';
import { groupKey } from './groupKey.js';
import type { AggregationSpec } from './plan.js';
import type { Group } from './segmentExec.js';
import {
  bitmapAdd,
  bitmapCheckBound,
  DEFAULT_HLL_LOG2M,
  qdigestAddCounts,
  type SketchState,
} from './sketches/index.js';
import { hasNulls } from './rowReader.js';

/** The sketch aggregations this path builds. */
const SKETCH_KINDS = new Set<AggregationKind>([
  'DISTINCTCOUNTHLL',
  'DISTINCTCOUNTBITMAP',
  'PERCENTILEEST',
  'PERCENTILETDIGEST',
]);
/** Dictionary value types the kernels read as numbers (digests, fixed-width HLL hashing). */
const VALUE_TYPES: Partial<Record<StoredType, AggValueType>> = {
  INT: AggValueType.I32,
  LONG: AggValueType.I64,
  FLOAT: AggValueType.F32,
  DOUBLE: AggValueType.F64,
};
/** Bytes of one dictionary value per AggValueType (I32, I64, F32, F64). */
const VALUE_WIDTH_BYTES = [4, 8, 4, 8];
/**
 * The kernels' work grows with the dictionary (histogram, hashes), the row path's with the
 * selected docs: past this many dictionary entries per selected doc the row path is cheaper.
 */
export const MAX_CARDINALITY_PER_SELECTED_DOC = 16;

/** Segments whose sketch aggregations / group-bys ran in the kernels, per thread (tests). */
export const sketchKernelCounters = { segmentAggregations: 0, segmentGroupBys: 0 };

/** The widest dictionary id the kernels read. */
const MAX_BITS_PER_ID = 32;

/** The forward index of an MV dictionary column. */
type MvLocator = Extract<ForwardIndexLocator, { layout: 'multiValue' }>;

export function isSketchKind(kind: AggregationKind): boolean {
  return SKETCH_KINDS.has(kind);
}

function mvLocator(reader: ColumnReader): MvLocator | undefined {
  const locator = reader.forwardIndexLocator;
  if (locator?.layout !== 'multiValue') return undefined;
  const fits = locator.bitsPerValue >= 1 && locator.bitsPerValue <= MAX_BITS_PER_ID;
  return fits ? locator : undefined;
}

/** The fixed-width dictionary as the value kernels read it, or undefined. */
function numericDictionary(
  reader: ColumnReader,
): { valueType: AggValueType; valuesPtr: number } | undefined {
  const valueType = VALUE_TYPES[reader.storedType];
  const locator = reader.dictionary?.locator;
  if (valueType === undefined || locator?.layout !== 'fixed') return undefined;
  const width = VALUE_WIDTH_BYTES[valueType]!;
  if (locator.valueWidthBytes !== width || locator.valuesPtr % width !== 0) return undefined;
  return { valueType, valuesPtr: locator.valuesPtr };
}

/** True when the kernels can read (and, for HLL, hash) the column's dictionary values. */
function dictionaryFits(kind: AggregationKind, reader: ColumnReader): boolean {
  const locator = reader.dictionary?.locator;
  if (locator === undefined) return false;
  // A BYTES value is a serialized sketch to merge (row path); bitmap hashes any value.
  if (kind === 'DISTINCTCOUNTBITMAP') return true;
  if (kind === 'DISTINCTCOUNTHLL' && reader.storedType === 'STRING') {
    return locator.layout === 'varLength';
  }
  return numericDictionary(reader) !== undefined;
}

/**
 * The dictionary column a sketch aggregation reads through the kernels, or undefined when the
 * row path must run it (FILTER clause, expression, raw or BYTES column, SV function on an MV
 * column, or a dictionary much larger than the selection).
 */
export function sketchColumn(
  spec: AggregationSpec,
  segment: Segment,
  selectedDocs: number,
): ColumnReader | undefined {
  if (spec.filter !== undefined || !isSketchKind(spec.fn.kind)) return undefined;
  if (spec.argument?.kind !== 'identifier') return undefined;
  const reader = segment.column(spec.argument.name);
  if (reader === undefined || !dictionaryFits(spec.fn.kind, reader)) return undefined;
  if (reader.singleValue ? !isPackedIds(reader.forwardIndexLocator) : !spec.fn.multiValue) {
    return undefined;
  }
  if (!reader.singleValue && mvLocator(reader) === undefined) return undefined;
  const cardinality = reader.dictionary!.cardinality;
  return cardinality <= MAX_CARDINALITY_PER_SELECTED_DOC * Math.max(1, selectedDocs)
    ? reader
    : undefined;
}

/** One hash per dictionary id into hashesPtr; FLOAT widens to f64 at widenPtr first. */
function hashDictionary(
  context: KernelContext,
  reader: ColumnReader,
  hashesPtr: number,
  widenPtr: number,
): void {
  const k = context.kernels.exports;
  const locator = reader.dictionary!.locator!;
  const cardinality = reader.dictionary!.cardinality;
  if (locator.layout === 'varLength') {
    const { offsetsPtr, bytesPtr } = locator;
    checkStatus('hllHashVarWidth', k.hllHashVarWidth(offsetsPtr, bytesPtr, cardinality, hashesPtr));
    return;
  }
  const { valueType, valuesPtr } = numericDictionary(reader)!;
  if (valueType === AggValueType.I32) {
    checkStatus('hllHashI32', k.hllHashI32(valuesPtr, cardinality, hashesPtr));
  } else if (valueType === AggValueType.I64) {
    checkStatus('hllHashI64', k.hllHashI64(valuesPtr, cardinality, hashesPtr));
  } else {
    let doublesPtr = valuesPtr;
    if (valueType === AggValueType.F32) {
      // A FLOAT reads as the double it widens to, which is what the row path hashes.
      checkStatus(
        'sketchWeightedValues',
        k.sketchWeightedValues(valueType, valuesPtr, 0, 0, cardinality, widenPtr, 0),
      );
      doublesPtr = widenPtr;
    }
    checkStatus('hllHashF64', k.hllHashF64(doublesPtr, cardinality, hashesPtr));
  }
}

/** Scratch of one sketch aggregation, allocated up front (views come after). */
interface Scratch {
  readonly docsPtr: number;
  readonly idsPtr: number;
  readonly countsPtr: number;
  readonly presentPtr: number;
  readonly hashesPtr: number;
  readonly widenPtr: number;
  readonly registersPtr: number;
  readonly valuesPtr: number;
  readonly weightsPtr: number;
}

function allocateScratch(
  temps: KernelTemporaries,
  reader: ColumnReader,
  state: SketchState,
  selection: DocSelection,
): Scratch {
  const cardinality = Math.max(1, reader.dictionary!.cardinality);
  const hll = state.sketch === 'hll';
  const histogram = !hll || !reader.singleValue;
  const digest = state.sketch === 'qdigest' || state.sketch === 'tdigest';
  const floatHll = hll && reader.storedType === 'FLOAT';
  const ptr = (needed: boolean, sizeBytes: number): number =>
    needed ? temps.allocate(sizeBytes) : 0;
  return {
    docsPtr: ptr(selection.kind === 'ids', KERNEL_BLOCK_DOCS * U32_BYTES),
    idsPtr: ptr(reader.singleValue, KERNEL_BLOCK_DOCS * U32_BYTES),
    countsPtr: ptr(histogram, cardinality * U32_BYTES),
    presentPtr: ptr(histogram, cardinality * U32_BYTES),
    hashesPtr: ptr(hll, cardinality * U32_BYTES),
    widenPtr: ptr(floatHll, cardinality * F64_BYTES),
    registersPtr: ptr(hll, hll ? state.registers.length : 0),
    valuesPtr: ptr(digest, cardinality * F64_BYTES),
    weightsPtr: ptr(digest, cardinality * F64_BYTES),
  };
}

/** SV DISTINCTCOUNTHLL: one hash per dictionary id, then one register offer per doc. */
function hllSingleValue(
  context: KernelContext,
  reader: ColumnReader,
  selection: DocSelection,
  scratch: Scratch,
  state: SketchState & { sketch: 'hll' },
): void {
  const k = context.kernels.exports;
  const packed = reader.forwardIndexLocator as PackedIdsLocator;
  hashDictionary(context, reader, scratch.hashesPtr, scratch.widenPtr);
  const views = memoryViews(context.kernels.memory);
  const registers = new Uint8Array(views.u32.buffer, scratch.registersPtr, state.registers.length);
  registers.fill(0);
  forEachDocBlock(selection, KERNEL_BLOCK_DOCS, scratch.docsPtr, views, (block) => {
    loadIds(context.kernels, packed, block, scratch.idsPtr);
    checkStatus(
      'hllUpdateIds',
      k.hllUpdateIds(
        scratch.idsPtr,
        block.count,
        scratch.hashesPtr,
        scratch.registersPtr,
        state.log2m,
      ),
    );
  });
  state.registers.set(registers);
}

/** Counts the selected docs' ids (every element for MV) into the histogram; returns how many. */
function countIds(
  context: KernelContext,
  reader: ColumnReader,
  selection: DocSelection,
  scratch: Scratch,
  views: MemoryViews,
): number {
  const k = context.kernels.exports;
  const cardinality = reader.dictionary!.cardinality;
  views.u32.fill(0, scratch.countsPtr / U32_BYTES, scratch.countsPtr / U32_BYTES + cardinality);
  let values = 0;
  const mv = mvLocator(reader);
  const packed = reader.forwardIndexLocator as PackedIdsLocator;
  forEachDocBlock(selection, KERNEL_BLOCK_DOCS, scratch.docsPtr, views, (block) => {
    if (mv === undefined) {
      loadIds(context.kernels, packed, block, scratch.idsPtr);
      checkStatus(
        'sketchCountIds',
        k.sketchCountIds(scratch.idsPtr, block.count, scratch.countsPtr),
      );
      values += block.count;
      return;
    }
    values += checkStatus(
      'sketchCountMvIds',
      k.sketchCountMvIds(
        mv.offsetsPtr,
        mv.idsPtr,
        mv.bitsPerValue,
        block.docsPtr,
        block.startDoc,
        block.count,
        scratch.countsPtr,
      ),
    );
  });
  return values;
}

/**
 * The present ids' values and counts as doubles, NaN values left out (the digests skip them)
 * and sorted by value (a mutable segment's dictionary is in insertion order). They stay at
 * scratch.valuesPtr / weightsPtr for the t-digest kernel; returns how many.
 */
function weightedValues(
  context: KernelContext,
  reader: ColumnReader,
  scratch: Scratch,
  countsPtr: number,
  present: number,
  views: MemoryViews,
): number {
  const { valueType, valuesPtr } = numericDictionary(reader)!;
  checkStatus(
    'sketchWeightedValues',
    context.kernels.exports.sketchWeightedValues(
      valueType,
      valuesPtr,
      countsPtr,
      scratch.presentPtr,
      present,
      scratch.valuesPtr,
      scratch.weightsPtr,
    ),
  );
  const values = views.f64.subarray(
    scratch.valuesPtr / F64_BYTES,
    scratch.valuesPtr / F64_BYTES + present,
  );
  const weights = views.f64.subarray(
    scratch.weightsPtr / F64_BYTES,
    scratch.weightsPtr / F64_BYTES + present,
  );
  const sorted = reader.dictionary!.isSorted;
  if (sorted && !hasNaN(values)) return present;
  return sortWithoutNaN(values, weights);
}

function hasNaN(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) return true;
  return false;
}

/** Sorts the (value, weight) pairs by value in place, dropping NaN values; returns the count. */
function sortWithoutNaN(values: Float64Array, weights: Float64Array): number {
  const order: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) order.push(i);
  order.sort((a, b) => values[a]! - values[b]!);
  const sortedValues = Float64Array.from(order, (i) => values[i]!);
  const sortedWeights = Float64Array.from(order, (i) => weights[i]!);
  values.set(sortedValues);
  weights.set(sortedWeights);
  return order.length;
}

/** PERCENTILETDIGEST: the sorted histogram compressed into centroids by the kernel. */
function tdigestFromHistogram(
  context: KernelContext,
  scratch: Scratch,
  count: number,
  state: SketchState & { sketch: 'tdigest' },
): void {
  const centroids = checkStatus(
    'tdigestCompressSorted',
    context.kernels.exports.tdigestCompressSorted(
      scratch.valuesPtr,
      scratch.weightsPtr,
      count,
      state.compression,
      scratch.valuesPtr,
      scratch.weightsPtr,
    ),
  );
  if (centroids === 0) return;
  const views = memoryViews(context.kernels.memory);
  const first = scratch.valuesPtr / F64_BYTES;
  state.min = views.f64[first]!;
  state.max = views.f64[first + count - 1]!;
  state.means = Array.from(views.f64.subarray(first, first + centroids));
  const weightsAt = scratch.weightsPtr / F64_BYTES;
  state.weights = Array.from(views.f64.subarray(weightsAt, weightsAt + centroids));
  state.buffer = [];
}

/**
 * DISTINCTCOUNTBITMAP: each present value's Java hashCode once. INT hashes to itself and LONG
 * to its two 32-bit halves XORed (Long.hashCode), read straight from the dictionary without a
 * bigint per value; other types go through the value (javaHashCode, as bitmapAdd does).
 */
function addBitmapValues(
  reader: ColumnReader,
  ids: Uint32Array,
  views: MemoryViews,
  state: SketchState & { sketch: 'bitmap' },
): void {
  const numeric = numericDictionary(reader);
  const valueType = numeric?.valueType;
  if (valueType === AggValueType.I32 || valueType === AggValueType.I64) {
    const words = valueType === AggValueType.I64 ? 2 : 1;
    const base = numeric!.valuesPtr / U32_BYTES;
    for (const id of ids) {
      const at = base + id * words;
      const low = views.u32[at]!;
      state.hashes.add(words === 2 ? (low ^ views.u32[at + 1]!) | 0 : low | 0);
    }
    bitmapCheckBound(state);
    return;
  }
  const dictionary: Dictionary = reader.dictionary!;
  for (const id of ids) bitmapAdd(state, dictionary.get(id));
}

/** Builds the sketch from the histogram of the selected ids. */
function fromHistogram(
  context: KernelContext,
  reader: ColumnReader,
  selection: DocSelection,
  scratch: Scratch,
  state: AccumulatorState,
): void {
  const views = memoryViews(context.kernels.memory);
  state.count = countIds(context, reader, selection, scratch, views);
  fromCounts(context, reader, scratch, scratch.countsPtr, views, state.sketch!);
}

/**
 * Builds `sketch` from a histogram of the column's ids (u32 at countsPtr, one per dictionary
 * id): the present ids, then per kind their hashes, hash codes or weighted values.
 */
function fromCounts(
  context: KernelContext,
  reader: ColumnReader,
  scratch: Scratch,
  countsPtr: number,
  views: MemoryViews,
  sketch: SketchState,
): void {
  const present = checkStatus(
    'sketchPresentIds',
    context.kernels.exports.sketchPresentIds(
      countsPtr,
      reader.dictionary!.cardinality,
      scratch.presentPtr,
    ),
  );
  if (sketch.sketch === 'bitmap') {
    const ids = views.u32.slice(
      scratch.presentPtr / U32_BYTES,
      scratch.presentPtr / U32_BYTES + present,
    );
    addBitmapValues(reader, ids, views, sketch);
    return;
  }
  if (sketch.sketch === 'hll') {
    hashDictionary(context, reader, scratch.hashesPtr, scratch.widenPtr);
    const registers = new Uint8Array(
      views.u32.buffer,
      scratch.registersPtr,
      sketch.registers.length,
    );
    registers.fill(0);
    checkStatus(
      'hllUpdateIds',
      context.kernels.exports.hllUpdateIds(
        scratch.presentPtr,
        present,
        scratch.hashesPtr,
        scratch.registersPtr,
        sketch.log2m,
      ),
    );
    sketch.registers.set(registers);
    return;
  }
  const count = weightedValues(context, reader, scratch, countsPtr, present, views);
  if (sketch.sketch === 'tdigest') {
    tdigestFromHistogram(context, scratch, count, sketch);
    return;
  }
  const valuesAt = scratch.valuesPtr / F64_BYTES;
  const weightsAt = scratch.weightsPtr / F64_BYTES;
  qdigestAddCounts(
    sketch,
    views.f64.subarray(valuesAt, valuesAt + count),
    views.f64.subarray(weightsAt, weightsAt + count),
    count,
  );
}

/**
 * A sketch aggregation of `reader` (a column `sketchColumn` accepted) over `selection`
 * (null docs already left out under null handling), built by the kernels.
 */
export function sketchAggregation(
  context: KernelContext,
  reader: ColumnReader,
  fn: AggregationFunction,
  selection: DocSelection,
): AccumulatorState {
  const state = newState(fn);
  if (selectionSize(selection) === 0) return state;
  const sketch = state.sketch!;
  const temps = new KernelTemporaries(context.allocator);
  try {
    const scratch = allocateScratch(temps, reader, sketch, selection);
    if (sketch.sketch === 'hll' && reader.singleValue) {
      hllSingleValue(context, reader, selection, scratch, sketch);
      state.count = selectionSize(selection);
    } else {
      fromHistogram(context, reader, selection, scratch, state);
    }
  } finally {
    temps.releaseAll();
  }
  sketchKernelCounters.segmentAggregations++;
  return state;
}

/**
 * Shared memory one segment's sketch group-by may hold for its per-group registers and value
 * histograms: past it the row path's Maps of states cost less.
 */
export const SKETCH_GROUP_BUDGET_BYTES = 64 * 1024 * 1024;

/** What the sketch paths read of a segment's query (fastPaths.ts FastPathInput). */
export interface SketchPathInput {
  readonly query: CompiledQuery;
  readonly segment: Segment;
  readonly selection: DocSelection;
  readonly kernels: KernelContext;
}

/** One aggregation of a sketch group-by: COUNT(*), or a sketch over an SV dictionary column. */
interface GroupedAggregation {
  readonly fn: AggregationFunction;
  /** Undefined for COUNT(*). */
  readonly reader: ColumnReader | undefined;
  /** Per-group registers (HLL) or value histograms (the others), all groups side by side. */
  readonly stateBytes: number;
  scratch?: Scratch;
}

function log2mOf(fn: AggregationFunction): number {
  return fn.log2m ?? DEFAULT_HLL_LOG2M;
}

/** Bytes of per-group state a sketch needs: registers, or a value histogram per group. */
function groupedStateBytes(
  fn: AggregationFunction,
  reader: ColumnReader,
  groupCount: number,
): number {
  if (fn.kind === 'DISTINCTCOUNTHLL') return groupCount * 2 ** log2mOf(fn);
  return groupCount * reader.dictionary!.cardinality * U32_BYTES;
}

/** The aggregations of a sketch group-by, or undefined when one does not fit. */
function groupedAggregations(
  input: SketchPathInput,
  groupCount: number,
): GroupedAggregation[] | undefined {
  const plan = input.query.plan;
  const selected = selectionSize(input.selection);
  const out: GroupedAggregation[] = [];
  let totalBytes = 0;
  for (const spec of plan.aggregations) {
    if (spec.fn.kind === 'COUNT' && spec.argument === undefined && spec.filter === undefined) {
      out.push({ fn: spec.fn, reader: undefined, stateBytes: 0 });
      continue;
    }
    const reader = sketchColumn(spec, input.segment, selected);
    if (reader === undefined || !reader.singleValue) return undefined;
    if (plan.options.enableNullHandling && hasNulls(reader)) return undefined;
    const stateBytes = groupedStateBytes(spec.fn, reader, groupCount);
    // Each group's state is read once after the scan: keep that within reach of the docs' work.
    if (stateBytes > MAX_CARDINALITY_PER_SELECTED_DOC * U32_BYTES * Math.max(1, selected)) {
      return undefined;
    }
    totalBytes += stateBytes;
    out.push({ fn: spec.fn, reader, stateBytes });
  }
  const sketches = out.some((aggregation) => aggregation.reader !== undefined);
  return sketches && totalBytes <= SKETCH_GROUP_BUDGET_BYTES ? out : undefined;
}

/** The key column of a sketch group-by: one SV dictionary identifier, or undefined. */
function groupKeyColumn(input: SketchPathInput): ColumnReader | undefined {
  const plan = input.query.plan;
  if (plan.groupBy.length !== 1) return undefined;
  const expr = plan.groupBy[0]!;
  if (expr.kind !== 'identifier') return undefined;
  const reader = input.segment.column(expr.name);
  if (reader?.dictionary === undefined || !isPackedIds(reader.forwardIndexLocator)) {
    return undefined;
  }
  // A null key is its own group under null handling; ids know only the default.
  if (plan.options.enableNullHandling && hasNulls(reader)) return undefined;
  return reader.dictionary.cardinality <= plan.options.numGroupsLimit ? reader : undefined;
}

/** Scratch of one grouped sketch: value ids per block, and its per-group state. */
function allocateGroupedScratch(
  temps: KernelTemporaries,
  aggregation: GroupedAggregation,
): Scratch {
  const { fn, reader, stateBytes } = aggregation;
  const cardinality = Math.max(1, reader!.dictionary!.cardinality);
  const hll = fn.kind === 'DISTINCTCOUNTHLL';
  const digest = fn.kind === 'PERCENTILEEST' || fn.kind === 'PERCENTILETDIGEST';
  const ptr = (needed: boolean, sizeBytes: number): number =>
    needed ? temps.allocate(Math.max(1, sizeBytes)) : 0;
  return {
    docsPtr: 0,
    idsPtr: temps.allocate(KERNEL_BLOCK_DOCS * U32_BYTES),
    countsPtr: ptr(!hll, stateBytes),
    presentPtr: ptr(!hll, cardinality * U32_BYTES),
    hashesPtr: ptr(hll, cardinality * U32_BYTES),
    widenPtr: ptr(hll && reader!.storedType === 'FLOAT', cardinality * F64_BYTES),
    registersPtr: ptr(hll, stateBytes),
    valuesPtr: ptr(digest, cardinality * F64_BYTES),
    weightsPtr: ptr(digest, cardinality * F64_BYTES),
  };
}

/** Where the selected docs' key ids go per block, and the docs per group. */
interface KeyScratch {
  readonly docsPtr: number;
  readonly keyIdsPtr: number;
  readonly keyCountsPtr: number;
}

/** Streams the selected docs once: key ids, then per sketch its value ids into its state. */
function scanGroups(
  context: KernelContext,
  selection: DocSelection,
  key: ColumnReader,
  aggregations: readonly GroupedAggregation[],
  keys: KeyScratch,
): void {
  const k = context.kernels.exports;
  const views = memoryViews(context.kernels.memory);
  const keyPacked = key.forwardIndexLocator as PackedIdsLocator;
  forEachDocBlock(selection, KERNEL_BLOCK_DOCS, keys.docsPtr, views, (block) => {
    loadIds(context.kernels, keyPacked, block, keys.keyIdsPtr);
    checkStatus('sketchCountIds', k.sketchCountIds(keys.keyIdsPtr, block.count, keys.keyCountsPtr));
    for (const { fn, reader, scratch } of aggregations) {
      if (scratch === undefined) continue;
      const packed = reader!.forwardIndexLocator as PackedIdsLocator;
      loadIds(context.kernels, packed, block, scratch.idsPtr);
      if (fn.kind === 'DISTINCTCOUNTHLL') {
        checkStatus(
          'hllUpdateGroupedIds',
          k.hllUpdateGroupedIds(
            keys.keyIdsPtr,
            scratch.idsPtr,
            block.count,
            scratch.hashesPtr,
            scratch.registersPtr,
            log2mOf(fn),
          ),
        );
        continue;
      }
      checkStatus(
        'sketchCountPairs',
        k.sketchCountPairs(
          keys.keyIdsPtr,
          scratch.idsPtr,
          block.count,
          reader!.dictionary!.cardinality,
          scratch.countsPtr,
        ),
      );
    }
  });
}

/** Group `keyId`'s state of one aggregation, from the scanned per-group state. */
function groupState(
  context: KernelContext,
  aggregation: GroupedAggregation,
  keyId: number,
  docCount: number,
  views: MemoryViews,
): AccumulatorState {
  const { fn, reader, scratch } = aggregation;
  const state = newState(fn);
  state.count = docCount;
  if (reader === undefined || scratch === undefined) return state;
  const sketch = state.sketch!;
  if (sketch.sketch === 'hll') {
    const registerCount = sketch.registers.length;
    const at = scratch.registersPtr + keyId * registerCount;
    sketch.registers.set(new Uint8Array(views.u32.buffer, at, registerCount));
    return state;
  }
  const countsPtr = scratch.countsPtr + keyId * reader.dictionary!.cardinality * U32_BYTES;
  fromCounts(context, reader, scratch, countsPtr, views, sketch);
  return state;
}

/**
 * GROUP BY one SV dictionary column with COUNT(*) and sketch aggregations over SV dictionary
 * columns, through the kernels: one scan unpacks the key and value ids per block into
 * per-group HLL registers (hllUpdateGroupedIds) and per-group value histograms
 * (sketchCountPairs); each group's sketch is then built as the ungrouped path builds it.
 * Groups in the row path's form; undefined when the query does not fit (the row path runs).
 */
export function sketchGroupBy(input: SketchPathInput): Map<string, Group> | undefined {
  const key = groupKeyColumn(input);
  if (key === undefined) return undefined;
  const groupCount = key.dictionary!.cardinality;
  const aggregations = groupedAggregations(input, groupCount);
  if (aggregations === undefined) return undefined;
  const context = input.kernels;
  const temps = new KernelTemporaries(context.allocator);
  try {
    const keys: KeyScratch = {
      docsPtr: input.selection.kind === 'ids' ? temps.allocate(KERNEL_BLOCK_DOCS * U32_BYTES) : 0,
      keyIdsPtr: temps.allocate(KERNEL_BLOCK_DOCS * U32_BYTES),
      keyCountsPtr: temps.allocate(Math.max(1, groupCount) * U32_BYTES),
    };
    for (const aggregation of aggregations) {
      if (aggregation.reader !== undefined) {
        aggregation.scratch = allocateGroupedScratch(temps, aggregation);
      }
    }
    prepareGroupedState(context, aggregations, keys, groupCount);
    scanGroups(context, input.selection, key, aggregations, keys);
    return collectGroups(context, key, aggregations, keys);
  } finally {
    temps.releaseAll();
  }
}

/** Zeroes the counts and registers, and hashes each HLL column's dictionary once. */
function prepareGroupedState(
  context: KernelContext,
  aggregations: readonly GroupedAggregation[],
  keys: KeyScratch,
  groupCount: number,
): void {
  const bytes = new Uint8Array(context.kernels.memory.buffer);
  bytes.fill(0, keys.keyCountsPtr, keys.keyCountsPtr + groupCount * U32_BYTES);
  for (const { fn, reader, scratch, stateBytes } of aggregations) {
    if (scratch === undefined) continue;
    const statePtr = fn.kind === 'DISTINCTCOUNTHLL' ? scratch.registersPtr : scratch.countsPtr;
    bytes.fill(0, statePtr, statePtr + stateBytes);
    if (fn.kind === 'DISTINCTCOUNTHLL') {
      hashDictionary(context, reader!, scratch.hashesPtr, scratch.widenPtr);
    }
  }
}

/** One group per key id that selected docs hold, with each aggregation's state. */
function collectGroups(
  context: KernelContext,
  key: ColumnReader,
  aggregations: readonly GroupedAggregation[],
  keys: KeyScratch,
): Map<string, Group> {
  const dictionary = key.dictionary!;
  const views = memoryViews(context.kernels.memory);
  const keyCounts = views.u32.slice(
    keys.keyCountsPtr / U32_BYTES,
    keys.keyCountsPtr / U32_BYTES + dictionary.cardinality,
  );
  const groups = new Map<string, Group>();
  for (let keyId = 0; keyId < keyCounts.length; keyId++) {
    const docCount = keyCounts[keyId]!;
    if (docCount === 0) continue;
    const keyValues = [dictionary.get(keyId)];
    const states = aggregations.map((aggregation) =>
      groupState(context, aggregation, keyId, docCount, views),
    );
    groups.set(groupKey(keyValues), { keys: keyValues, states });
  }
  sketchKernelCounters.segmentGroupBys++;
  return groups;
}
