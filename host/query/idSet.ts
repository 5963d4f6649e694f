// The dictionary ids a predicate matches. A range predicate on a sorted dictionary matches a
// contiguous run of ids, often hundreds of thousands of them (`ts > last week`): kept as its
// bounds, never spelled out, so that a query costs the same whatever the range's width.
import { assert } from '../util/assert.js';

export class IdSet implements Iterable<number> {
  static readonly empty: IdSet = new IdSet(0, 0, undefined);

  private constructor(
    /** The smallest id, or 0 when empty. */
    readonly first: number,
    /** One past the largest id, or 0 when empty. */
    private readonly endId: number,
    /** Undefined for a contiguous run [first, endId). */
    private readonly list: Uint32Array | undefined,
  ) {}

  /** Ids [startId, endId). */
  static range(startId: number, endId: number): IdSet {
    assert(startId >= 0 && startId <= endId, `id range [${startId}, ${endId})`);
    return startId === endId ? IdSet.empty : new IdSet(startId, endId, undefined);
  }

  /** Ids listed ascending without duplicates. */
  static of(ids: Uint32Array): IdSet {
    if (ids.length === 0) return IdSet.empty;
    const first = ids[0]!;
    const last = ids[ids.length - 1]!;
    // A list that is a run is kept as the run: the kernels test a range with one compare.
    if (last - first + 1 === ids.length) return new IdSet(first, last + 1, undefined);
    return new IdSet(first, last + 1, ids);
  }

  get size(): number {
    return this.list === undefined ? this.endId - this.first : this.list.length;
  }

  /** The largest id; the set must not be empty. */
  get last(): number {
    assert(this.size > 0, 'an empty id set has no last id');
    return this.endId - 1;
  }

  /** True when the ids are every id from first to last. */
  get contiguous(): boolean {
    return this.list === undefined;
  }

  /** The ids from [0, cardinality) that are not in this set. */
  complement(cardinality: number): IdSet {
    if (this.list === undefined) {
      if (this.first === 0) return IdSet.range(Math.min(this.endId, cardinality), cardinality);
      if (this.endId >= cardinality) return IdSet.range(0, Math.min(this.first, cardinality));
    }
    const out = new Uint32Array(cardinality - this.size);
    let n = 0;
    let previousEnd = 0;
    for (const id of this) {
      for (let gap = previousEnd; gap < id; gap++) out[n++] = gap;
      previousEnd = id + 1;
    }
    for (let gap = previousEnd; gap < cardinality; gap++) out[n++] = gap;
    return IdSet.of(out);
  }

  *[Symbol.iterator](): Iterator<number> {
    if (this.list !== undefined) {
      yield* this.list;
      return;
    }
    for (let id = this.first; id < this.endId; id++) yield id;
  }
}
