// Lists of serialized bitmaps (inverted index: one per dictionary id; range index: one per
// bucket) as two sections: a directory of (start, length) u32 pairs and the concatenated
// bitmaps, each starting 8-byte aligned so that kernels read their u32 words aligned.
import type { KernelEncoder } from './kernelCodec.js';

/** Each bitmap starts on an 8-byte boundary inside its section. */
export const BITMAP_ALIGN_BYTES = 8;
/** Directory entry: u32 start offset, u32 length in bytes. */
export const BITMAP_DIRECTORY_ENTRY_BYTES = 8;

export interface EncodedBitmapList {
  readonly directory: Uint8Array;
  readonly bitmaps: Uint8Array;
}

/** Serializes one bitmap per list of ascending doc ids. */
export function encodeBitmapList(
  docLists: readonly Uint32Array[],
  encoder: KernelEncoder,
): EncodedBitmapList {
  const serialized = docLists.map((docIds) => encoder.bitmap(docIds));
  const directory = new Uint8Array(serialized.length * BITMAP_DIRECTORY_ENTRY_BYTES);
  const view = new DataView(directory.buffer);
  let total = 0;
  serialized.forEach((bitmap, i) => {
    view.setUint32(i * BITMAP_DIRECTORY_ENTRY_BYTES, total, true);
    view.setUint32(i * BITMAP_DIRECTORY_ENTRY_BYTES + 4, bitmap.byteLength, true);
    total = Math.ceil((total + bitmap.byteLength) / BITMAP_ALIGN_BYTES) * BITMAP_ALIGN_BYTES;
  });
  const bitmaps = new Uint8Array(total);
  serialized.forEach((bitmap, i) => {
    bitmaps.set(bitmap, view.getUint32(i * BITMAP_DIRECTORY_ENTRY_BYTES, true));
  });
  return { directory, bitmaps };
}

/**
 * Groups docs by key: `keyOf(entry)` for every entry, entries of doc d being
 * [entryStart(d), entryStart(d + 1)). A doc appears once per key even when an MV list repeats it.
 */
export function groupDocsByKey(
  keyCount: number,
  entryKeys: Uint32Array,
  docCount: number,
  mvOffsets: Uint32Array | undefined,
): Uint32Array[] {
  const counts = new Uint32Array(keyCount);
  const lastDoc = new Int32Array(keyCount).fill(-1);
  const forEachDocKey = (visit: (key: number, docId: number) => void): void => {
    for (let docId = 0; docId < docCount; docId++) {
      const start = mvOffsets === undefined ? docId : mvOffsets[docId]!;
      const end = mvOffsets === undefined ? docId + 1 : mvOffsets[docId + 1]!;
      for (let entry = start; entry < end; entry++) visit(entryKeys[entry]!, docId);
    }
  };
  forEachDocKey((key, docId) => {
    if (lastDoc[key] === docId) return;
    lastDoc[key] = docId;
    counts[key]!++;
  });
  const lists = Array.from(counts, (count) => new Uint32Array(count));
  const filled = new Uint32Array(keyCount);
  lastDoc.fill(-1);
  forEachDocKey((key, docId) => {
    if (lastDoc[key] === docId) return;
    lastDoc[key] = docId;
    lists[key]![filled[key]!++] = docId;
  });
  return lists;
}
