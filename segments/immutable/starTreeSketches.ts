// The sketch slots of a star-tree build (DISTINCTCOUNTHLL__x, PERCENTILETDIGEST__x and their MV
// forms): one sketch state per record, kept beside the kernels' records. Documents add their
// values to their record's state; every record the kernels merge (star nodes, aggregated
// records) gets the merge of its source records' states, found by replaying the kernel's run
// rule (adjacent perm entries with equal keys outside the starred dims). Stored serialized per
// record (starTreeLayout.ts: offsets + bytes).
//
// Over a dictionary column (not BYTES, whose values are serialized states to merge) the
// per-document part runs in the build's kernels: HLL hashes each dictionary id once on the host
// and offers every doc's hash to its record's registers (hllUpdateGroupedIds), registers equal
// to the host's hllAdd loop; a t-digest sorts (record, id) pairs (starTreeSort), which gives
// each record's values ascending: a small record keeps them as the host's buffer would, a large
// one is compressed once (tdigestCompressSorted, the host's loop) where the host compresses
// per 500-value batch. Merges and serialization work on per-slot blocks (HllRecords,
// TDigestRecords) with no JS object per record; a t-digest merge sorts and compresses as
// mergeDeferred does, in the kernels. Other columns take the host loop (one sketchAccumulate
// per value) and the host's states (HLL registers still go into a block).
//
// Heavy ties matter: a (value, count) histogram compressed as one entry per value would keep a
// tie unsplittable, and on the airline data (nulls as Integer.MIN_VALUE) later merges then
// blended a null tie with real values into a centroid far from both.
import type { FieldSpec, ScalarValue } from '../../host/config/types.js';
import { toDouble } from '../../host/expr/values.js';
import type { MemoryAllocator } from '../../host/runtime/allocator.js';
import type { KernelInstance } from '../../host/runtime/kernelModule.js';
import { checkStatus } from '../../host/runtime/status.js';
import { hashValue } from '../../host/query/sketches/hash.js';
import { assert } from '../../host/util/assert.js';
import { packedSizeBytes } from '../../kernels/reference/bitpack.js';
import type { ColumnMetadata } from '../spi/metadata.js';
import {
  sketchAccumulate,
  sketchMerge,
  serializeSketch,
} from '../../host/query/sketches/aggregate.js';
import {
  hllNew,
  hllSerialize,
  tdigestCompress,
  tdigestNew,
  type SketchState,
} from '../../host/query/sketches/index.js';
import type { SketchSlot, StarTreeSketchColumn } from './starTreeLayout.js';

/** What the tracker reads of a sketch slot's column: its values, MV offsets, and ids. */
export interface SketchSource {
  readonly field: FieldSpec;
  readonly metadata: ColumnMetadata;
  /** SV: one value per doc; MV: all docs' values concatenated. */
  readonly entries: readonly ScalarValue[];
  readonly mvOffsets: Uint32Array | undefined;
  /** FORWARD_IDS bytes (dictionary columns): one packed id per entry. */
  readonly forwardIds: Uint8Array | undefined;
}

/** The build's kernels instance and its allocator, for the per-document sketch work. */
export interface SketchKernels {
  readonly kernels: KernelInstance;
  readonly allocator: MemoryAllocator;
}

/**
 * Pending centroids per unit of compression a t-digest gathers from merged states before it
 * compresses (as tdigestAdd buffers values): compressing after every merge made a merge of n
 * states cost n sorts.
 */
const TDIGEST_PENDING_PER_COMPRESSION = 5;

/**
 * sketchMerge, except that a t-digest takes `from`'s centroids and compresses only when many
 * are pending; finishMerges compresses what is left. Answers stay within the digest's bound.
 */
export function mergeDeferred(into: SketchState, from: SketchState): void {
  if (into.sketch !== 'tdigest' || from.sketch !== 'tdigest') {
    sketchMerge(into, from);
    return;
  }
  for (let i = 0; i < from.means.length; i++) {
    into.means.push(from.means[i]!);
    into.weights.push(from.weights[i]!);
  }
  for (const value of from.buffer) into.buffer.push(value);
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  const pending = into.means.length + into.buffer.length;
  if (pending >= TDIGEST_PENDING_PER_COMPRESSION * into.compression) tdigestCompress(into);
}

/** Completes mergeDeferred calls into `state`. */
export function finishMerges(state: SketchState): void {
  if (state.sketch === 'tdigest') tdigestCompress(state);
}

function newSlotState(slot: SketchSlot): SketchState {
  return slot.kind === 'hll'
    ? { sketch: 'hll', ...hllNew(slot.parameter) }
    : { sketch: 'tdigest', ...tdigestNew(slot.parameter) };
}

/** Whether records a and b share a key outside dims [starFrom, starTo) (the kernel's rule). */
function sameKey(
  dims: Uint32Array,
  dimCount: number,
  a: number,
  b: number,
  starFrom: number,
  starTo: number,
): boolean {
  for (let d = 0; d < dimCount; d++) {
    if (d >= starFrom && d < starTo) continue;
    if (dims[a * dimCount + d] !== dims[b * dimCount + d]) return false;
  }
  return true;
}

/** Bytes of a u32 and of an f64 in the kernel memory. */
const U32_BYTES = 4;
const F64_BYTES = 8;
/** A t-digest's (record, id) pairs sort as two-dim records. */
const PAIR_DIMS = 2;
/** Stored types whose dictionary order is numeric order (a t-digest's sorted input). */
const NUMERIC_TYPES = new Set(['INT', 'LONG', 'FLOAT', 'DOUBLE']);

/**
 * Whether the kernels build the slot's states: a dictionary column (ids to count and hash),
 * not BYTES (serialized states merge), and numeric for a digest (dictionary order = values').
 */
function kernelsApply(slot: SketchSlot, source: SketchSource): boolean {
  const { storedType } = source.field;
  if (source.forwardIds === undefined || storedType === 'BYTES') return false;
  return slot.kind === 'hll' || NUMERIC_TYPES.has(storedType);
}

/** The allocations of one slot's kernel pass, released together. */
class SlotMemory {
  private readonly ptrs: number[] = [];

  constructor(readonly k: SketchKernels) {}

  get buffer(): ArrayBuffer {
    return this.k.kernels.memory.buffer as ArrayBuffer;
  }

  allocate(sizeBytes: number): number {
    const ptr = this.k.allocator.allocate(Math.max(sizeBytes, F64_BYTES));
    this.ptrs.push(ptr);
    return ptr;
  }

  releaseAll(): void {
    for (const ptr of this.ptrs) this.k.allocator.release(ptr);
  }
}

/** Every entry's dictionary id, unpacked from FORWARD_IDS into the kernel memory. */
function unpackEntryIds(memory: SlotMemory, source: SketchSource, entryCount: number): number {
  const bits = source.metadata.bitsPerValue;
  const packed = source.forwardIds!;
  const idsPtr = memory.allocate(entryCount * U32_BYTES);
  const packedPtr = memory.allocate(Math.max(packed.byteLength, packedSizeBytes(entryCount, bits)));
  new Uint8Array(memory.buffer, packedPtr, packed.byteLength).set(packed);
  const exports = memory.k.kernels.exports;
  checkStatus('unpack', exports.unpack(packedPtr, bits, 0, entryCount, idsPtr));
  return idsPtr;
}

/** The record of every entry (an MV doc's entries all go to the doc's record). */
function entryRecords(recordOfDoc: Uint32Array, mvOffsets: Uint32Array | undefined): Uint32Array {
  if (mvOffsets === undefined) return recordOfDoc;
  const records = new Uint32Array(mvOffsets[recordOfDoc.length]!);
  for (let doc = 0; doc < recordOfDoc.length; doc++) {
    records.fill(recordOfDoc[doc]!, mvOffsets[doc]!, mvOffsets[doc + 1]!);
  }
  return records;
}

/** One entry holding each dictionary id (-1 for an id no entry holds). */
function firstEntryOfIds(ids: Uint32Array, cardinality: number): Int32Array {
  const first = new Int32Array(cardinality).fill(-1);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (first[id] === -1) first[id] = i;
  }
  return first;
}

/** Per-record HLL registers: each id hashed once, every entry offered by the kernel. */
function kernelHllStates(
  memory: SlotMemory,
  slot: SketchSlot,
  source: SketchSource,
  recordOfDoc: Uint32Array,
  recordCount: number,
): HllRecords {
  const entryCount = source.entries.length;
  const cardinality = Math.max(1, source.metadata.cardinality);
  const registerBytes = 1 << slot.parameter;
  const idsPtr = unpackEntryIds(memory, source, entryCount);
  const recordsPtr = memory.allocate(entryCount * U32_BYTES);
  const hashesPtr = memory.allocate(cardinality * U32_BYTES);
  const registersPtr = memory.allocate(recordCount * registerBytes);
  const buffer = memory.buffer;
  const ids = new Uint32Array(buffer, idsPtr, entryCount);
  const records = entryRecords(recordOfDoc, source.mvOffsets);
  new Uint32Array(buffer, recordsPtr, entryCount).set(records);
  const hashes = new Uint32Array(buffer, hashesPtr, cardinality);
  firstEntryOfIds(ids, cardinality).forEach((entry, id) => {
    hashes[id] = entry < 0 ? 0 : hashValue(source.entries[entry]!);
  });
  const registers = new Uint8Array(buffer, registersPtr, recordCount * registerBytes).fill(0);
  const exports = memory.k.kernels.exports;
  checkStatus(
    'hllUpdateGroupedIds',
    exports.hllUpdateGroupedIds(
      recordsPtr,
      idsPtr,
      entryCount,
      hashesPtr,
      registersPtr,
      slot.parameter,
    ),
  );
  return new HllRecords(slot.parameter, registers.slice());
}

/**
 * Per-record t-digests as the host's tdigestAdd loop leaves them: (record, id) pairs sorted by
 * starTreeSort give each record's values ascending (dictionary order; NaN dropped); a record of
 * fewer than TDIGEST_PENDING_PER_COMPRESSION × δ values keeps them as weight-1 entries (the
 * host's buffer, compressed when merged or serialized), a larger one is compressed once.
 */
function kernelTdigestStates(
  memory: SlotMemory,
  slot: SketchSlot,
  source: SketchSource,
  recordOfDoc: Uint32Array,
  recordCount: number,
): TDigestRecords {
  const entryCount = source.entries.length;
  const cardinality = Math.max(1, source.metadata.cardinality);
  const idsPtr = unpackEntryIds(memory, source, entryCount);
  const dimsPtr = memory.allocate(entryCount * PAIR_DIMS * U32_BYTES);
  const permPtr = memory.allocate(entryCount * U32_BYTES);
  const tmpPtr = memory.allocate((entryCount + Math.max(recordCount, cardinality) + 1) * U32_BYTES);
  const cardinalitiesPtr = memory.allocate(PAIR_DIMS * U32_BYTES);
  const meansPtr = memory.allocate(entryCount * F64_BYTES);
  const weightsPtr = memory.allocate(entryCount * F64_BYTES);
  const buffer = memory.buffer;
  const ids = new Uint32Array(buffer, idsPtr, entryCount);
  const values = new Float64Array(cardinality);
  firstEntryOfIds(ids, cardinality).forEach((entry, id) => {
    if (entry >= 0) values[id] = toDouble(source.entries[entry]!);
  });
  const records = entryRecords(recordOfDoc, source.mvOffsets);
  const dims = new Uint32Array(buffer, dimsPtr, entryCount * PAIR_DIMS);
  const perm = new Uint32Array(buffer, permPtr, entryCount);
  for (let i = 0; i < entryCount; i++) {
    dims[PAIR_DIMS * i] = records[i]!;
    dims[PAIR_DIMS * i + 1] = ids[i]!;
    perm[i] = i;
  }
  new Uint32Array(buffer, cardinalitiesPtr, PAIR_DIMS).set([recordCount, cardinality]);
  const countsPtr = tmpPtr + entryCount * U32_BYTES;
  const k = memory.k.kernels.exports;
  const sorted = k.starTreeSort(
    dimsPtr,
    PAIR_DIMS,
    0,
    permPtr,
    entryCount,
    cardinalitiesPtr,
    tmpPtr,
    countsPtr,
  );
  checkStatus('starTreeSort', sorted);
  const runs = {
    means: new Float64Array(buffer, meansPtr, entryCount),
    weights: new Float64Array(buffer, weightsPtr, entryCount).fill(1),
  };
  const digests = new TDigestRecords(memory.k, slot.parameter);
  let at = 0;
  let written = 0;
  for (let record = 0; record < recordCount; record++) {
    const start = written;
    for (; at < entryCount && dims[PAIR_DIMS * perm[at]!] === record; at++) {
      const value = values[dims[PAIR_DIMS * perm[at]! + 1]!]!;
      if (Number.isNaN(value)) continue;
      assert(written === start || value >= runs.means[written - 1]!, 'ids sort by value');
      runs.means[written++] = value;
    }
    addRecordValues(digests, record, runs, start, written);
  }
  assert(at === entryCount, 'every entry belongs to a record');
  return digests;
}

/** Record `record`: the ascending weight-1 values [start, end) of `runs`. */
function addRecordValues(
  digests: TDigestRecords,
  record: number,
  runs: { means: Float64Array; weights: Float64Array },
  start: number,
  end: number,
): void {
  const [min, max] =
    start === end ? [Infinity, -Infinity] : [runs.means[start]!, runs.means[end - 1]!];
  if (end - start < TDIGEST_PENDING_PER_COMPRESSION * digests.compression) {
    const means = runs.means.subarray(start, end);
    digests.setRecord(record, means, runs.weights.subarray(start, end), min, max, false);
    return;
  }
  const meansPtr = runs.means.byteOffset + start * F64_BYTES;
  const weightsPtr = runs.weights.byteOffset + start * F64_BYTES;
  const count = digests.kernels.kernels.exports.tdigestCompressSorted(
    meansPtr,
    weightsPtr,
    end - start,
    digests.compression,
    meansPtr,
    weightsPtr,
  );
  const centroids = checkStatus('tdigestCompressSorted', count);
  const means = runs.means.subarray(start, start + centroids);
  digests.setRecord(record, means, runs.weights.subarray(start, start + centroids), min, max, true);
}

/** A slot's per-record states: HLL registers or t-digest centroids in blocks, or states. */
type SlotStates = HllRecords | TDigestRecords | SketchState[];

/** Sketch slots built by the kernels and by the host loop, per thread (tests). */
export const starTreeSketchCounters = { kernelSlots: 0, hostSlots: 0 };

/** The slot's per-record states built by the kernels. */
function kernelStates(
  kernels: SketchKernels,
  slot: SketchSlot,
  source: SketchSource,
  recordOfDoc: Uint32Array,
  recordCount: number,
): SlotStates {
  starTreeSketchCounters.kernelSlots++;
  const memory = new SlotMemory(kernels);
  try {
    return slot.kind === 'hll'
      ? kernelHllStates(memory, slot, source, recordOfDoc, recordCount)
      : kernelTdigestStates(memory, slot, source, recordOfDoc, recordCount);
  } finally {
    memory.releaseAll();
  }
}

/** The slot's per-record states by the host: one sketchAccumulate per value. */
function hostStates(
  slot: SketchSlot,
  source: SketchSource,
  recordOfDoc: Uint32Array,
  recordCount: number,
): SketchState[] {
  starTreeSketchCounters.hostSlots++;
  const states = Array.from({ length: recordCount }, () => newSlotState(slot));
  const { entries, mvOffsets } = source;
  for (let doc = 0; doc < recordOfDoc.length; doc++) {
    const state = states[recordOfDoc[doc]!]!;
    if (mvOffsets === undefined) {
      sketchAccumulate(state, entries[doc]!);
      continue;
    }
    for (let i = mvOffsets[doc]!; i < mvOffsets[doc + 1]!; i++) {
      sketchAccumulate(state, entries[i]!);
    }
  }
  return states;
}

/** clearspring's RegisterSet (hll.ts' serialized form): six 5-bit registers per BE u32 word. */
const HLL_REGISTERS_PER_WORD = 6;
const HLL_REGISTER_BITS = 5;
/** The serialized header hllSerialize writes first: log2m and the words' byte length. */
const HLL_HEADER_BYTES = 8;
/** Bytes of a serialized register word. */
const HLL_WORD_BYTES = 4;

/**
 * An HLL slot's registers for every record in one growable block (2^log2m bytes per record):
 * merges are byte maxima in place and serialization writes one buffer, so a build keeps no
 * JS object per record (a million records made ~a million states to collect).
 */
export class HllRecords {
  private readonly registerCount: number;
  /** Each record's row of registers: a one-source merge shares its source's row. */
  private rows: Uint32Array;
  private rowCount: number;

  constructor(
    readonly log2m: number,
    private registers: Uint8Array,
  ) {
    this.registerCount = 1 << log2m;
    this.rowCount = registers.length / this.registerCount;
    this.rows = new Uint32Array(this.rowCount);
    for (let row = 0; row < this.rowCount; row++) this.rows[row] = row;
  }

  static fromStates(log2m: number, states: readonly SketchState[]): HllRecords {
    const registerCount = 1 << log2m;
    const block = new Uint8Array(states.length * registerCount);
    states.forEach((state, record) => {
      assert(state.sketch === 'hll' && state.log2m === log2m, 'an HLL slot holds HLL states');
      block.set(state.registers, record * registerCount);
    });
    return new HllRecords(log2m, block);
  }

  /** Record `out` := register maxima of records perm[from], …, perm[to − 1]. */
  mergeRun(perm: Uint32Array, from: number, to: number, out: number): void {
    this.reserve(out + 1, this.rowCount + 1);
    if (to - from === 1) {
      this.rows[out] = this.rows[perm[from]!]!;
      return;
    }
    const n = this.registerCount;
    const registers = this.registers;
    const row = this.rowCount++;
    this.rows[out] = row;
    const target = row * n;
    const first = this.rows[perm[from]!]! * n;
    registers.copyWithin(target, first, first + n);
    for (let j = from + 1; j < to; j++) {
      const source = this.rows[perm[j]!]! * n;
      for (let i = 0; i < n; i++) {
        const rank = registers[source + i]!;
        if (rank > registers[target + i]!) registers[target + i] = rank;
      }
    }
  }

  private reserve(recordCount: number, rowCount: number): void {
    if (recordCount > this.rows.length) {
      const rows = new Uint32Array(Math.max(recordCount, 2 * this.rows.length));
      rows.set(this.rows);
      this.rows = rows;
    }
    const needed = rowCount * this.registerCount;
    if (needed <= this.registers.length) return;
    const grown = new Uint8Array(Math.max(needed, 2 * this.registers.length));
    grown.set(this.registers);
    this.registers = grown;
  }

  /** Every record's hllSerialize bytes, written into one buffer (a shared row once). */
  serialize(recordCount: number): StarTreeSketchColumn {
    const template = hllSerialize(hllNew(this.log2m));
    const size = template.byteLength;
    const offsets = new Uint32Array(recordCount + 1);
    for (let r = 0; r <= recordCount; r++) offsets[r] = r * size;
    const bytes = new Uint8Array(recordCount * size);
    const view = new DataView(bytes.buffer);
    const header = template.subarray(0, HLL_HEADER_BYTES);
    const writtenAt = new Int32Array(this.rowCount).fill(-1);
    for (let r = 0; r < recordCount; r++) {
      const at = r * size;
      const row = this.rows[r]!;
      if (writtenAt[row]! >= 0) {
        bytes.copyWithin(at, writtenAt[row]!, writtenAt[row]! + size);
        continue;
      }
      writtenAt[row] = at;
      bytes.set(header, at);
      this.packRow(view, row, at + HLL_HEADER_BYTES);
    }
    return { offsets, bytes };
  }

  /** Row `row`'s registers as clearspring's big-endian words at byte `at`. */
  private packRow(view: DataView, row: number, at: number): void {
    const n = this.registerCount;
    let word = 0;
    let filled = 0;
    let wordAt = at;
    for (let i = 0; i < n; i++) {
      word |= this.registers[row * n + i]! << (HLL_REGISTER_BITS * filled);
      if (++filled < HLL_REGISTERS_PER_WORD) continue;
      view.setUint32(wordAt, word >>> 0);
      wordAt += HLL_WORD_BYTES;
      word = 0;
      filled = 0;
    }
    if (filled > 0) view.setUint32(wordAt, word >>> 0);
  }
}

/** MergingDigest's verbose encoding (tdigest.ts' serialized form): tag, min, max, δ, count… */
const TDIGEST_VERBOSE_ENCODING = 1;
const TDIGEST_HEADER_BYTES = 32;
/** …then (weight, mean) f64 pairs. */
const TDIGEST_CENTROID_BYTES = 16;
/** Scratch arrays of a merge: two (means, weights) pairs to merge runs back and forth. */
const MERGE_SCRATCH_ARRAYS = 4;

/** Sorted (mean, weight) runs [bounds[i], bounds[i+1]) of `from` merged stably; the result. */
function mergeRuns(
  from: { means: Float64Array; weights: Float64Array },
  to: { means: Float64Array; weights: Float64Array },
  bounds: number[],
): { means: Float64Array; weights: Float64Array } {
  let [source, target] = [from, to];
  while (bounds.length > 2) {
    const next = [0];
    for (let run = 0; run + 1 < bounds.length; run += 2) {
      const start = bounds[run]!;
      const middle = bounds[run + 1]!;
      const end = run + 2 < bounds.length ? bounds[run + 2]! : middle;
      let [left, right] = [start, middle];
      for (let out = start; out < end; out++) {
        const takeLeft =
          right >= end || (left < middle && source.means[left]! <= source.means[right]!);
        const at = takeLeft ? left++ : right++;
        target.means[out] = source.means[at]!;
        target.weights[out] = source.weights[at]!;
      }
      next.push(end);
    }
    bounds = next;
    [source, target] = [target, source];
  }
  return source;
}

/**
 * A t-digest slot's entries (centroids, or a small record's buffered values) for every record in
 * growable arrays (no JS object per record). A merge sorts its sources' entries by a stable run
 * merge (the order tdigest.ts' stable sort gives) and compresses in the kernels
 * (tdigestCompressSorted, the host's loop) where mergeDeferred compresses.
 */
export class TDigestRecords {
  private means = new Float64Array(0);
  private weights = new Float64Array(0);
  private used = 0;
  private starts = new Uint32Array(0);
  private lengths = new Uint32Array(0);
  /** 1 when a record's entries are centroids, 0 while they are buffered weight-1 values. */
  private compressed = new Uint8Array(0);
  private mins = new Float64Array(0);
  private maxes = new Float64Array(0);
  private scratch = { ptr: 0, pairs: 0 };

  constructor(
    readonly kernels: SketchKernels,
    readonly compression: number,
  ) {}

  /** Record `record`'s entries (means ascending), copied. */
  setRecord(
    record: number,
    means: Float64Array,
    weights: Float64Array,
    min: number,
    max: number,
    compressed: boolean,
  ): void {
    this.reserveRecords(record + 1);
    this.reserveCentroids(this.used + means.length);
    this.means.set(means, this.used);
    this.weights.set(weights, this.used);
    this.starts[record] = this.used;
    this.lengths[record] = means.length;
    this.compressed[record] = compressed ? 1 : 0;
    this.mins[record] = min;
    this.maxes[record] = max;
    this.used += means.length;
  }

  /**
   * Record `out` := the merge of records perm[from], …, perm[to − 1], as mergeDeferred does it:
   * sources append in order, a compress whenever TDIGEST_PENDING_PER_COMPRESSION × δ entries
   * are pending, and one at the end.
   */
  mergeRun(perm: Uint32Array, from: number, to: number, out: number): void {
    this.reserveRecords(out + 1);
    let [total, min, max] = [0, Infinity, -Infinity];
    for (let j = from; j < to; j++) {
      const source = perm[j]!;
      total += this.lengths[source]!;
      min = Math.min(min, this.mins[source]!);
      max = Math.max(max, this.maxes[source]!);
    }
    if (to - from === 1) {
      // One source: the record shares its entries.
      const source = perm[from]!;
      this.starts[out] = this.starts[source]!;
      this.lengths[out] = total;
      this.compressed[out] = this.compressed[source]!;
      [this.mins[out], this.maxes[out]] = [min, max];
      return;
    }
    let [pending, other] = this.scratchPairs(total);
    let bounds = [0];
    for (let j = from; j < to; j++) {
      const start = this.starts[perm[j]!]!;
      const end = start + this.lengths[perm[j]!]!;
      const at = bounds[bounds.length - 1]!;
      pending.means.set(this.means.subarray(start, end), at);
      pending.weights.set(this.weights.subarray(start, end), at);
      bounds.push(at + end - start);
      if (j < to - 1 && at + end - start < TDIGEST_PENDING_PER_COMPRESSION * this.compression) {
        continue;
      }
      const sorted = mergeRuns(pending, other, bounds);
      [pending, other] = sorted === pending ? [pending, other] : [other, pending];
      bounds = [0, this.compressInPlace(pending, bounds[bounds.length - 1]!)];
    }
    const count = bounds[1]!;
    const means = pending.means.subarray(0, count);
    this.setRecord(out, means, pending.weights.subarray(0, count), min, max, true);
  }

  /** Compresses `count` sorted entries of `pairs` in place; returns the centroid count. */
  private compressInPlace(pairs: { means: Float64Array; weights: Float64Array }, count: number) {
    if (count === 0) return 0;
    const meansPtr = pairs.means.byteOffset;
    const weightsPtr = pairs.weights.byteOffset;
    const k = this.kernels.kernels.exports;
    const centroids = k.tdigestCompressSorted(
      meansPtr,
      weightsPtr,
      count,
      this.compression,
      meansPtr,
      weightsPtr,
    );
    return checkStatus('tdigestCompressSorted', centroids);
  }

  /** Compresses the records still holding buffered values (tdigestSerialize's compress). */
  private compressBuffered(recordCount: number): void {
    const done = new Map<number, number>();
    for (let r = 0; r < recordCount; r++) {
      if (this.compressed[r] === 1) continue;
      this.compressed[r] = 1;
      // An empty record's start is the next record's: it has nothing to compress.
      if (this.lengths[r] === 0) continue;
      const start = this.starts[r]!;
      let count = done.get(start);
      if (count === undefined) {
        const length = this.lengths[r]!;
        const [scratch] = this.scratchPairs(length);
        scratch.means.set(this.means.subarray(start, start + length));
        scratch.weights.set(this.weights.subarray(start, start + length));
        count = this.compressInPlace(scratch, length);
        this.means.set(scratch.means.subarray(0, count), start);
        this.weights.set(scratch.weights.subarray(0, count), start);
        done.set(start, count);
      }
      this.lengths[r] = count;
    }
  }

  /** Two (means, weights) pairs of `pairs` f64 each in the kernel memory, reused. */
  private scratchPairs(pairs: number) {
    const { allocator } = this.kernels;
    if (this.scratch.pairs < pairs) {
      if (this.scratch.pairs > 0) allocator.release(this.scratch.ptr);
      const grown = Math.max(pairs, 2 * this.scratch.pairs);
      const ptr = allocator.allocate(MERGE_SCRATCH_ARRAYS * grown * F64_BYTES);
      this.scratch = { ptr, pairs: grown };
    }
    const buffer = this.kernels.kernels.memory.buffer as ArrayBuffer;
    const view = (index: number) =>
      new Float64Array(buffer, this.scratch.ptr + index * this.scratch.pairs * F64_BYTES, pairs);
    return [
      { means: view(0), weights: view(1) },
      { means: view(2), weights: view(3) },
    ] as const;
  }

  private reserveRecords(recordCount: number): void {
    if (recordCount <= this.starts.length) return;
    const capacity = Math.max(recordCount, 2 * this.starts.length);
    this.starts = grow(this.starts, new Uint32Array(capacity));
    this.lengths = grow(this.lengths, new Uint32Array(capacity));
    this.compressed = grow(this.compressed, new Uint8Array(capacity));
    this.mins = grow(this.mins, new Float64Array(capacity));
    this.maxes = grow(this.maxes, new Float64Array(capacity));
  }

  private reserveCentroids(count: number): void {
    if (count <= this.means.length) return;
    const capacity = Math.max(count, 2 * this.means.length);
    this.means = grow(this.means, new Float64Array(capacity));
    this.weights = grow(this.weights, new Float64Array(capacity));
  }

  /** Every record's tdigestSerialize bytes. */
  serialize(recordCount: number): StarTreeSketchColumn {
    this.compressBuffered(recordCount);
    if (this.scratch.pairs > 0) this.kernels.allocator.release(this.scratch.ptr);
    this.scratch = { ptr: 0, pairs: 0 };
    const offsets = new Uint32Array(recordCount + 1);
    for (let r = 0; r < recordCount; r++) {
      offsets[r + 1] =
        offsets[r]! + TDIGEST_HEADER_BYTES + this.lengths[r]! * TDIGEST_CENTROID_BYTES;
    }
    const bytes = new Uint8Array(offsets[recordCount]!);
    const view = new DataView(bytes.buffer);
    for (let r = 0; r < recordCount; r++) {
      const at = offsets[r]!;
      view.setInt32(at, TDIGEST_VERBOSE_ENCODING);
      view.setFloat64(at + 4, this.mins[r]!);
      view.setFloat64(at + 12, this.maxes[r]!);
      view.setFloat64(at + 20, this.compression);
      view.setInt32(at + 28, this.lengths[r]!);
      const start = this.starts[r]!;
      for (let i = 0; i < this.lengths[r]!; i++) {
        const centroidAt = at + TDIGEST_HEADER_BYTES + i * TDIGEST_CENTROID_BYTES;
        view.setFloat64(centroidAt, this.weights[start + i]!);
        view.setFloat64(centroidAt + F64_BYTES, this.means[start + i]!);
      }
    }
    return { offsets, bytes };
  }
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/** The host loop's states, an HLL slot's as a register block. */
function hostSlotStates(
  slot: SketchSlot,
  source: SketchSource,
  recordOfDoc: Uint32Array,
  recordCount: number,
): SlotStates {
  const states = hostStates(slot, source, recordOfDoc, recordCount);
  return slot.kind === 'hll' ? HllRecords.fromStates(slot.parameter, states) : states;
}

/** The merge of states perm[from], …, perm[to − 1] (one source: shared). */
function mergedState(
  slot: SketchSlot,
  states: readonly SketchState[],
  perm: Uint32Array,
  from: number,
  to: number,
): SketchState {
  if (to - from === 1) return states[perm[from]!]!;
  const merged = newSlotState(slot);
  for (let j = from; j < to; j++) mergeDeferred(merged, states[perm[j]!]!);
  finishMerges(merged);
  return merged;
}

export class RecordSketches {
  /**
   * states[slot]: an HLL slot's register block, else one state per record (a one-source
   * record shares its source's state, never mutated).
   */
  private readonly states: SlotStates[];

  constructor(private readonly slots: readonly SketchSlot[]) {
    this.states = slots.map(() => []);
  }

  get empty(): boolean {
    return this.slots.length === 0;
  }

  /**
   * Each doc's values into its record's state (`recordOfDoc[doc]`, records [0, recordCount)):
   * in the kernels where they apply and `kernels` is given, else on the host.
   */
  loadDocs(
    sources: readonly SketchSource[],
    recordOfDoc: Uint32Array,
    recordCount: number,
    kernels?: SketchKernels,
  ): void {
    this.slots.forEach((slot, s) => {
      const source = sources[s]!;
      this.states[s] =
        kernels !== undefined && kernelsApply(slot, source)
          ? kernelStates(kernels, slot, source, recordOfDoc, recordCount)
          : hostSlotStates(slot, source, recordOfDoc, recordCount);
    });
  }

  /**
   * The states of the records starTreeMerge just wrote at `first`, from `perm` (the source
   * records in the order the kernel walked them) and the records' dims.
   */
  appendMerged(
    perm: Uint32Array,
    dims: Uint32Array,
    dimCount: number,
    starFrom: number,
    starTo: number,
    first: number,
  ): void {
    if (this.empty) return;
    const runEnds = new Uint32Array(perm.length);
    let runCount = 0;
    for (let i = 1; i <= perm.length; i++) {
      const ends =
        i === perm.length || !sameKey(dims, dimCount, perm[i - 1]!, perm[i]!, starFrom, starTo);
      if (ends) runEnds[runCount++] = i;
    }
    this.slots.forEach((slot, s) => {
      const states = this.states[s]!;
      let runStart = 0;
      for (let run = 0; run < runCount; run++) {
        const runEnd = runEnds[run]!;
        if (states instanceof HllRecords || states instanceof TDigestRecords) {
          states.mergeRun(perm, runStart, runEnd, first + run);
        } else {
          states[first + run] = mergedState(slot, states, perm, runStart, runEnd);
        }
        runStart = runEnd;
      }
    });
  }

  /** Every record's serialized state, per slot. */
  serialize(recordCount: number): StarTreeSketchColumn[] {
    return this.states.map((states) => {
      if (states instanceof HllRecords || states instanceof TDigestRecords) {
        return states.serialize(recordCount);
      }
      const offsets = new Uint32Array(recordCount + 1);
      const parts: Uint8Array[] = [];
      const cache = new Map<SketchState, Uint8Array>();
      for (let r = 0; r < recordCount; r++) {
        const state = states[r]!;
        let bytes = cache.get(state);
        if (bytes === undefined) {
          bytes = serializeSketch(state);
          cache.set(state, bytes);
        }
        parts.push(bytes);
        offsets[r + 1] = offsets[r]! + bytes.byteLength;
      }
      const bytes = new Uint8Array(offsets[recordCount]!);
      parts.forEach((part, r) => bytes.set(part, offsets[r]!));
      return { offsets, bytes };
    });
  }
}
