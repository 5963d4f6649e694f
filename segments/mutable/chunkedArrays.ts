// Append-only storage for a mutable segment. Chunked arrays never move what they hold, so a
// reader holding a published length keeps seeing the same values while appends go on; growable
// lists (doubling) back the inverted index and null vectors, where a reader keeps the array it
// was handed (an old array stays valid for the prefix it held).
import { assert } from '../../host/util/assert.js';

/**
 * Entries per chunk: 2^16 u32 ids are 256 KiB, large enough that the per-chunk lookup costs
 * nothing next to the copy, small enough that a barely-used column wastes little.
 */
export const CHUNK_ENTRIES_LOG2 = 16;
/** Entries per chunk, derived from the shift so that index → chunk is a shift and a mask. */
export const CHUNK_ENTRIES = 1 << CHUNK_ENTRIES_LOG2;
/** Position within a chunk: the low CHUNK_ENTRIES_LOG2 bits of an index. */
const CHUNK_MASK = CHUNK_ENTRIES - 1;
/** First capacity of a growable list: most dictionary ids of a column hold only a few docs. */
const GROWABLE_INITIAL_CAPACITY = 4;
assert((CHUNK_ENTRIES & CHUNK_MASK) === 0, 'CHUNK_ENTRIES is a power of two');

export type NumericArray = Uint32Array | Int32Array | BigInt64Array | Float32Array | Float64Array;
type NumericArrayConstructor<T extends NumericArray> = new (length: number) => T;

/** An append-only array of fixed-size chunks of a typed array. */
export class ChunkedArray<T extends NumericArray> {
  private readonly chunks: T[] = [];
  private lengthEntries = 0;

  constructor(private readonly make: NumericArrayConstructor<T>) {}

  get length(): number {
    return this.lengthEntries;
  }

  /** Bytes held by the allocated chunks. */
  get allocatedBytes(): number {
    return this.chunks.length * CHUNK_ENTRIES * (this.chunks[0]?.BYTES_PER_ELEMENT ?? 0);
  }

  append(value: T[number]): void {
    const index = this.lengthEntries;
    const chunkIndex = index >>> CHUNK_ENTRIES_LOG2;
    if (chunkIndex === this.chunks.length) this.chunks.push(new this.make(CHUNK_ENTRIES));
    (this.chunks[chunkIndex]! as { [i: number]: T[number] })[index & CHUNK_MASK] = value;
    this.lengthEntries = index + 1;
  }

  get(index: number): T[number] {
    return this.chunks[index >>> CHUNK_ENTRIES_LOG2]![index & CHUNK_MASK]!;
  }

  /** Copies entries [start, start + count) into `out` from `outOffset` on. */
  copyTo(start: number, count: number, out: NumericArray, outOffset = 0): void {
    assert(start >= 0 && start + count <= this.lengthEntries, 'copy range lies within the array');
    let done = 0;
    while (done < count) {
      const index = start + done;
      const chunk = this.chunks[index >>> CHUNK_ENTRIES_LOG2]!;
      const within = index & CHUNK_MASK;
      const take = Math.min(count - done, CHUNK_ENTRIES - within);
      const part = chunk.subarray(within, within + take) as Uint32Array;
      (out as Uint32Array).set(part, outOffset + done);
      done += take;
    }
  }

  /** A contiguous copy of entries [0, count). */
  toArray(count: number): T {
    const out = new this.make(count);
    this.copyTo(0, count, out);
    return out;
  }
}

/** A growable u32 list; `ids` may be replaced on growth, older arrays stay valid for reading. */
export class GrowableU32 {
  ids = new Uint32Array(GROWABLE_INITIAL_CAPACITY);
  length = 0;

  append(value: number): void {
    if (this.length === this.ids.length) {
      const grown = new Uint32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length] = value;
    this.length++;
  }

  last(): number | undefined {
    return this.length === 0 ? undefined : this.ids[this.length - 1];
  }
}
