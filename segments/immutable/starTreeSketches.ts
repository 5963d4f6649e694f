// The sketch slots of a star-tree build (DISTINCTCOUNTHLL__x, PERCENTILETDIGEST__x and their MV
// forms): one sketch state per record, kept beside the kernels' records. Documents add their
// values to their record's state; every record the kernels merge (star nodes, aggregated
// records) gets the merge of its source records' states, found by replaying the kernel's run
// rule (adjacent perm entries with equal keys outside the starred dims). Stored serialized per
// record (starTreeLayout.ts: offsets + bytes).
import type { ScalarValue } from '../../host/config/types.js';
import {
  sketchAccumulate,
  sketchMerge,
  serializeSketch,
} from '../../host/query/sketches/aggregate.js';
import {
  hllNew,
  tdigestCompress,
  tdigestNew,
  type SketchState,
} from '../../host/query/sketches/index.js';
import type { SketchSlot, StarTreeSketchColumn } from './starTreeLayout.js';

/** What the tracker reads of a sketch slot's column: its values, and MV offsets. */
export interface SketchSource {
  /** SV: one value per doc; MV: all docs' values concatenated. */
  readonly entries: readonly ScalarValue[];
  readonly mvOffsets: Uint32Array | undefined;
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

export class RecordSketches {
  /** states[slot][record]; a one-source record shares its source's state (never mutated). */
  private readonly states: SketchState[][];

  constructor(private readonly slots: readonly SketchSlot[]) {
    this.states = slots.map(() => []);
  }

  get empty(): boolean {
    return this.slots.length === 0;
  }

  /** Each doc's values into its record's state (`recordOfDoc[doc]`, records [0, recordCount)). */
  loadDocs(sources: readonly SketchSource[], recordOfDoc: Uint32Array, recordCount: number): void {
    this.slots.forEach((slot, s) => {
      const states = Array.from({ length: recordCount }, () => newSlotState(slot));
      const { entries, mvOffsets } = sources[s]!;
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
      this.states[s] = states;
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
    let runStart = 0;
    let out = first;
    for (let i = 1; i <= perm.length; i++) {
      const ends =
        i === perm.length || !sameKey(dims, dimCount, perm[i - 1]!, perm[i]!, starFrom, starTo);
      if (!ends) continue;
      this.slots.forEach((slot, s) => {
        const states = this.states[s]!;
        if (i - runStart === 1) {
          states[out] = states[perm[runStart]!]!;
          return;
        }
        const merged = newSlotState(slot);
        for (let j = runStart; j < i; j++) mergeDeferred(merged, states[perm[j]!]!);
        finishMerges(merged);
        states[out] = merged;
      });
      out++;
      runStart = i;
    }
  }

  /** Every record's serialized state, per slot. */
  serialize(recordCount: number): StarTreeSketchColumn[] {
    return this.states.map((states) => {
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
