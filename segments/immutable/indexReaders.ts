// Inverted and range index readers over the bitmap lists of bitmapLists.ts, and the inverted
// index a sorted column answers from its doc ranges.
import type { ScalarValue } from '../../host/config/types.js';
import { assert } from '../../host/util/assert.js';
import type { InvertedIndexReader, RangeIndexReader, RangeLookup } from '../spi/columnReader.js';
import type { RangeBound, ValueRange } from '../spi/dictionary.js';
import type { BitmapLocator, DocIdSet } from '../spi/docIdSet.js';
import { BITMAP_DIRECTORY_ENTRY_BYTES } from './bitmapLists.js';
import {
  BitmapDocIdSet,
  DocRangeSet,
  differenceDocIds,
  SortedArrayDocIdSet,
  unionDocIds,
} from './docIdSets.js';
import type { ImmutableDictionary } from './immutableDictionary.js';
import type { Comparator } from './values.js';

/** u32 words per directory entry (start, length). */
const DIRECTORY_ENTRY_WORDS = BITMAP_DIRECTORY_ENTRY_BYTES / 4;

/** A directory of (start, length) pairs and the bitmaps section, both in the shared memory. */
export class BitmapList {
  constructor(
    private readonly directory: Uint32Array,
    private readonly bitmaps: Uint8Array,
    private readonly bitmapsPtr: number,
  ) {}

  get count(): number {
    return this.directory.length / DIRECTORY_ENTRY_WORDS;
  }

  locator(index: number): BitmapLocator {
    assert(index >= 0 && index < this.count, `bitmap ${index} < ${this.count}`);
    const start = this.directory[index * DIRECTORY_ENTRY_WORDS]!;
    const sizeBytes = this.directory[index * DIRECTORY_ENTRY_WORDS + 1]!;
    return { ptr: this.bitmapsPtr + start, sizeBytes };
  }

  docIds(index: number): DocIdSet {
    const { ptr, sizeBytes } = this.locator(index);
    const start = ptr - this.bitmapsPtr;
    return new BitmapDocIdSet(this.bitmaps.subarray(start, start + sizeBytes), ptr);
  }
}

export class BitmapInvertedIndex implements InvertedIndexReader {
  constructor(private readonly list: BitmapList) {}
  docIds(dictId: number): DocIdSet {
    return this.list.docIds(dictId);
  }
  bitmapLocator(dictId: number): BitmapLocator {
    return this.list.locator(dictId);
  }
}

/** A sorted column's docs per id are one range: the inverted index comes for free. */
export class SortedInvertedIndex implements InvertedIndexReader {
  constructor(private readonly starts: Uint32Array) {}
  docIds(dictId: number): DocIdSet {
    assert(dictId >= 0 && dictId + 1 < this.starts.length, `dict id ${dictId} in range`);
    return new DocRangeSet(this.starts[dictId]!, this.starts[dictId + 1]!);
  }
  bitmapLocator(): undefined {
    return undefined;
  }
}

/**
 * Buckets of dictionary ids [bounds[b], bounds[b + 1]) with one bitmap of docs each. A query's
 * id range covers whole buckets (certain matches) and at most two partial ones (candidates).
 */
export class BucketRangeIndex implements RangeIndexReader {
  constructor(
    private readonly dictionary: ImmutableDictionary,
    private readonly bounds: Uint32Array,
    private readonly list: BitmapList,
  ) {
    assert(list.count === Math.max(0, bounds.length - 1), 'one bitmap per range bucket');
  }

  lookup(range: ValueRange): RangeLookup {
    const { startId, endId } = this.dictionary.idRange(range);
    const matching: DocIdSet[] = [];
    const partial: DocIdSet[] = [];
    for (let bucket = 0; bucket < this.list.count; bucket++) {
      const bucketStart = this.bounds[bucket]!;
      const bucketEnd = this.bounds[bucket + 1]!;
      if (bucketEnd <= startId || bucketStart >= endId) continue;
      const inside = startId <= bucketStart && bucketEnd <= endId;
      (inside ? matching : partial).push(this.list.docIds(bucket));
    }
    return rangeLookup(matching, partial);
  }
}

/** Unions bucket bitmaps: certain matches, and candidates that are not certain matches. */
function rangeLookup(matching: DocIdSet[], partial: DocIdSet[]): RangeLookup {
  const matchingDocIds = unionDocIds(matching);
  const candidates = differenceDocIds(unionDocIds(partial), matchingDocIds);
  return {
    matching: new SortedArrayDocIdSet(matchingDocIds),
    candidates: candidates.length === 0 ? undefined : new SortedArrayDocIdSet(candidates),
  };
}

/**
 * A raw column's range index: buckets of docs with each bucket's smallest and largest value
 * (2 × bucketCount values in `bucketValues`). A bucket whose [min, max] lies inside the query
 * range matches for certain; one that overlaps it holds candidates.
 */
export class ValueBucketRangeIndex implements RangeIndexReader {
  constructor(
    private readonly bucketValues: ImmutableDictionary,
    private readonly compare: Comparator,
    private readonly list: BitmapList,
  ) {
    assert(bucketValues.cardinality === 2 * list.count, 'a min and a max per range bucket');
  }

  private above(bound: RangeBound | undefined, value: ScalarValue): boolean {
    if (bound === undefined) return true;
    const order = this.compare(value, bound.value);
    return order > 0 || (order === 0 && bound.inclusive);
  }

  private below(bound: RangeBound | undefined, value: ScalarValue): boolean {
    if (bound === undefined) return true;
    const order = this.compare(value, bound.value);
    return order < 0 || (order === 0 && bound.inclusive);
  }

  lookup(range: ValueRange): RangeLookup {
    const matching: DocIdSet[] = [];
    const partial: DocIdSet[] = [];
    for (let bucket = 0; bucket < this.list.count; bucket++) {
      const min = this.bucketValues.get(2 * bucket);
      const max = this.bucketValues.get(2 * bucket + 1);
      if (!this.above(range.lower, max) || !this.below(range.upper, min)) continue;
      const inside = this.above(range.lower, min) && this.below(range.upper, max);
      (inside ? matching : partial).push(this.list.docIds(bucket));
    }
    return rangeLookup(matching, partial);
  }
}
