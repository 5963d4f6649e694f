// DocIdSet over the published prefix of an ascending doc-id list: what the live inverted index
// and the null vectors of a mutable segment hand out.
import type { BitmapLocator, DocIdSet } from '../spi/docIdSet.js';

/** Doc ids in `ids[0..]` that are below `docCountLimit` (ids ascend; binary search). */
export function prefixLength(ids: Uint32Array, length: number, docCountLimit: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle]! < docCountLimit) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** An immutable view: `ids[0..length)` ascending; later appends to the source do not show. */
export class SortedDocIdList implements DocIdSet {
  readonly locator: BitmapLocator | undefined = undefined;

  constructor(
    private readonly ids: Uint32Array,
    private readonly length: number,
  ) {}

  /** The part of a growing list below `docCountLimit`. */
  static prefix(ids: Uint32Array, length: number, docCountLimit: number): SortedDocIdList {
    return new SortedDocIdList(ids, prefixLength(ids, length, docCountLimit));
  }

  cardinality(): number {
    return this.length;
  }

  contains(docId: number): boolean {
    const at = prefixLength(this.ids, this.length, docId);
    return at < this.length && this.ids[at] === docId;
  }

  toArray(): Uint32Array {
    return this.ids.slice(0, this.length);
  }

  forEach(visit: (docId: number) => void): void {
    const { ids, length } = this;
    for (let i = 0; i < length; i++) visit(ids[i]!);
  }
}
