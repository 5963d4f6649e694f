// DocIdSet implementations for the immutable segment: a serialized bitmap in the shared memory
// (inverted index, range buckets, null vector), a contiguous doc range (sorted columns), and a
// sorted array (unions computed on the host).
import { assert } from '../../host/util/assert.js';
import { bitmapCardinality } from '../../kernels/reference/bitmap.js';
import { decodeDocIdBitmap } from './kernelCodec.js';
import type { BitmapLocator, DocIdSet } from '../spi/docIdSet.js';

/** Binary search in ascending `docIds`. */
function containsSorted(docIds: Uint32Array, docId: number): boolean {
  let lo = 0;
  let hi = docIds.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = docIds[mid]!;
    if (at < docId) lo = mid + 1;
    else if (at > docId) hi = mid - 1;
    else return true;
  }
  return false;
}

/** Ascending, duplicate-free doc ids held on the host. */
export class SortedArrayDocIdSet implements DocIdSet {
  readonly locator = undefined;
  constructor(private readonly docIds: Uint32Array) {}
  cardinality(): number {
    return this.docIds.length;
  }
  contains(docId: number): boolean {
    return containsSorted(this.docIds, docId);
  }
  toArray(): Uint32Array {
    return this.docIds.slice();
  }
  forEach(visit: (docId: number) => void): void {
    for (let i = 0; i < this.docIds.length; i++) visit(this.docIds[i]!);
  }
}

/** Docs [startDoc, endDoc). */
export class DocRangeSet implements DocIdSet {
  readonly locator = undefined;
  constructor(
    readonly startDoc: number,
    readonly endDoc: number,
  ) {
    assert(startDoc <= endDoc, `doc range [${startDoc}, ${endDoc}) is ordered`);
  }
  cardinality(): number {
    return this.endDoc - this.startDoc;
  }
  contains(docId: number): boolean {
    return docId >= this.startDoc && docId < this.endDoc;
  }
  toArray(): Uint32Array {
    const docIds = new Uint32Array(this.endDoc - this.startDoc);
    for (let i = 0; i < docIds.length; i++) docIds[i] = this.startDoc + i;
    return docIds;
  }
  forEach(visit: (docId: number) => void): void {
    for (let docId = this.startDoc; docId < this.endDoc; docId++) visit(docId);
  }
}

/**
 * A serialized bitmap (kernels/BITMAP.md) lying in the shared memory at `ptr`. Host-side
 * membership and iteration decode it once through the reference; kernels take the locator.
 */
export class BitmapDocIdSet implements DocIdSet {
  readonly locator: BitmapLocator;
  private decoded: Uint32Array | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    ptr: number,
  ) {
    this.locator = { ptr, sizeBytes: bytes.byteLength };
  }

  cardinality(): number {
    return this.decoded?.length ?? bitmapCardinality(this.bytes);
  }
  contains(docId: number): boolean {
    return containsSorted(this.docIds(), docId);
  }
  toArray(): Uint32Array {
    return this.docIds().slice();
  }
  forEach(visit: (docId: number) => void): void {
    const docIds = this.docIds();
    for (let i = 0; i < docIds.length; i++) visit(docIds[i]!);
  }
  private docIds(): Uint32Array {
    this.decoded ??= decodeDocIdBitmap(this.bytes);
    return this.decoded;
  }
}

/** Union of doc sets as ascending unique doc ids. */
export function unionDocIds(sets: readonly DocIdSet[]): Uint32Array {
  let total = 0;
  const arrays = sets.map((set) => {
    const docIds = set.toArray();
    total += docIds.length;
    return docIds;
  });
  const merged = new Uint32Array(total);
  let at = 0;
  for (const docIds of arrays) {
    merged.set(docIds, at);
    at += docIds.length;
  }
  merged.sort();
  let unique = 0;
  for (let i = 0; i < merged.length; i++) {
    if (i === 0 || merged[i] !== merged[unique - 1]) merged[unique++] = merged[i]!;
  }
  return merged.subarray(0, unique);
}

/** Ascending `docIds` without those in ascending `removed`. */
export function differenceDocIds(docIds: Uint32Array, removed: Uint32Array): Uint32Array {
  const kept = new Uint32Array(docIds.length);
  let count = 0;
  let r = 0;
  for (let i = 0; i < docIds.length; i++) {
    const docId = docIds[i]!;
    while (r < removed.length && removed[r]! < docId) r++;
    if (r < removed.length && removed[r] === docId) continue;
    kept[count++] = docId;
  }
  return kept.subarray(0, count);
}
