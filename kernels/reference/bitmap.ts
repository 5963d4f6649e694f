// Plain TypeScript reference of the roaring-style bitmap kernels (kernels/assembly/bitmap.ts).
// A bitmap is one serialized, self-describing byte layout (kernels/BITMAP.md); it is also the
// on-disk inverted-index form. Every operation here materializes each container as a 65,536-bit
// bitset, which is slow but obviously right; the output is byte-identical to the kernels'.
import { assert } from '../../host/util/assert.js';
import { KernelStatus } from '../../host/runtime/status.js';

/** "CBM1" read as a little-endian u32: marks a serialized bitmap, version 1. */
export const BITMAP_MAGIC = 0x314d4243;
/** Magic (u32) + container count (u32). */
export const BITMAP_HEADER_BYTES = 8;
/** Per container: key u16, type u16, cardinality-1 u16, run count u16. */
export const BITMAP_DESCRIPTOR_BYTES = 8;
/** Per container: u32 byte offset of its data from the start of the bitmap. */
export const BITMAP_OFFSET_BYTES = 4;
/** A container covers the 2^16 doc ids that share their high 16 bits. */
export const CONTAINER_SPAN = 65_536;
/** u32 words of one container's bitset form. */
export const CONTAINER_WORDS = CONTAINER_SPAN / 32;
/** Bytes of a bitset container (65,536 bits). */
export const BITSET_CONTAINER_BYTES = CONTAINER_SPAN / 8;
/** Array containers hold at most this many values (beyond it a bitset is never larger). */
export const ARRAY_MAX_CARDINALITY = 4096;
/** Doc ids are below 2^31 (a segment holds fewer rows), so cardinalities fit an i32. */
export const MAX_DOC_ID_EXCLUSIVE = 2 ** 31;
/** Scratch the kernels need for and/or/andNot/not/fromBitset: one container's bitset. */
export const BITMAP_SCRATCH_BYTES = BITSET_CONTAINER_BYTES;

/** Container type codes stored in the descriptor. */
export const ContainerType = { ARRAY: 1, BITSET: 2, RUN: 3 } as const;

/** One parsed container, materialized as 2048 u32 words. */
interface Container {
  key: number;
  words: Uint32Array;
}

function popcount32(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function cardinalityOf(words: Uint32Array): number {
  let count = 0;
  for (let i = 0; i < words.length; i++) count += popcount32(words[i]!);
  return count;
}

/** Number of maximal runs of set bits. */
function runCountOf(words: Uint32Array): number {
  let runs = 0;
  let carry = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    // A run starts at every set bit whose lower neighbour is clear.
    runs += popcount32(word & ~((word << 1) | carry));
    carry = word >>> 31;
  }
  return runs;
}

/** The type the kernels write: the smallest form, array before bitset on ties (runOptimize). */
export function chooseContainerType(cardinality: number, runCount: number): number {
  const arrayBytes = cardinality <= ARRAY_MAX_CARDINALITY ? 2 * cardinality : Infinity;
  const runBytes = 4 * runCount;
  if (runBytes < Math.min(arrayBytes, BITSET_CONTAINER_BYTES)) return ContainerType.RUN;
  return cardinality <= ARRAY_MAX_CARDINALITY ? ContainerType.ARRAY : ContainerType.BITSET;
}

function dataBytesOf(type: number, cardinality: number, runCount: number): number {
  if (type === ContainerType.ARRAY) return 2 * cardinality;
  if (type === ContainerType.BITSET) return BITSET_CONTAINER_BYTES;
  return 4 * runCount;
}

function isSet(words: Uint32Array, bit: number): boolean {
  return ((words[bit >>> 5]! >>> (bit & 31)) & 1) === 1;
}

/** The set bits of a container bitset, ascending (zero words skipped). */
function setBits(words: Uint32Array): number[] {
  const bits: number[] = [];
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!;
    if (word === 0) continue;
    for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) bits.push(w * 32 + bit);
  }
  return bits;
}

/** Writes one container's data at `offset`; returns its byte size. */
function writeContainerData(view: DataView, offset: number, words: Uint32Array, type: number) {
  let at = offset;
  if (type === ContainerType.BITSET) {
    for (let i = 0; i < CONTAINER_WORDS; i++, at += 4) view.setUint32(at, words[i]!, true);
    return at - offset;
  }
  const bits = setBits(words);
  if (type === ContainerType.ARRAY) {
    for (const bit of bits) { view.setUint16(at, bit, true); at += 2; }
    return at - offset;
  }
  for (let i = 0; i < bits.length; i++) {
    const start = bits[i]!;
    while (i + 1 < bits.length && bits[i + 1] === bits[i]! + 1) i++;
    view.setUint16(at, start, true);
    view.setUint16(at + 2, bits[i]! - start, true);
    at += 4;
  }
  return at - offset;
}

/** Serializes non-empty containers (ascending keys) in the layout of kernels/BITMAP.md. */
function serialize(containers: readonly Container[]): Uint8Array {
  const kept = containers.filter((c) => cardinalityOf(c.words) > 0);
  const shapes = kept.map((c) => {
    const cardinality = cardinalityOf(c.words);
    const runCount = runCountOf(c.words);
    const type = chooseContainerType(cardinality, runCount);
    return { cardinality, runCount, type, dataBytes: dataBytesOf(type, cardinality, runCount) };
  });
  const headerBytes = bitmapHeaderBytes(kept.length);
  let total = headerBytes;
  for (const shape of shapes) total += shape.dataBytes;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, BITMAP_MAGIC, true);
  view.setUint32(4, kept.length, true);
  let dataAt = headerBytes;
  for (let i = 0; i < kept.length; i++) {
    const shape = shapes[i]!;
    const descriptorAt = BITMAP_HEADER_BYTES + i * BITMAP_DESCRIPTOR_BYTES;
    view.setUint16(descriptorAt, kept[i]!.key, true);
    view.setUint16(descriptorAt + 2, shape.type, true);
    view.setUint16(descriptorAt + 4, shape.cardinality - 1, true);
    view.setUint16(descriptorAt + 6, shape.type === ContainerType.RUN ? shape.runCount : 0, true);
    const offsetAt = BITMAP_HEADER_BYTES + kept.length * BITMAP_DESCRIPTOR_BYTES;
    view.setUint32(offsetAt + i * BITMAP_OFFSET_BYTES, dataAt, true);
    dataAt += writeContainerData(view, dataAt, kept[i]!.words, shape.type);
  }
  assert(dataAt === total, 'serialized size matches the computed size');
  return out;
}

/** Header, descriptors and offsets of a bitmap with `containerCount` containers. */
export function bitmapHeaderBytes(containerCount: number): number {
  return BITMAP_HEADER_BYTES + containerCount * (BITMAP_DESCRIPTOR_BYTES + BITMAP_OFFSET_BYTES);
}

interface Descriptor {
  key: number;
  type: number;
  cardinality: number;
  runCount: number;
  offset: number;
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The descriptors of a bitmap assumed valid (bitmapCheck) . */
function descriptors(bytes: Uint8Array): Descriptor[] {
  const view = viewOf(bytes);
  const count = view.getUint32(4, true);
  const offsetsAt = BITMAP_HEADER_BYTES + count * BITMAP_DESCRIPTOR_BYTES;
  const result: Descriptor[] = [];
  for (let i = 0; i < count; i++) {
    const at = BITMAP_HEADER_BYTES + i * BITMAP_DESCRIPTOR_BYTES;
    result.push({
      key: view.getUint16(at, true),
      type: view.getUint16(at + 2, true),
      cardinality: view.getUint16(at + 4, true) + 1,
      runCount: view.getUint16(at + 6, true),
      offset: view.getUint32(offsetsAt + i * BITMAP_OFFSET_BYTES, true),
    });
  }
  return result;
}

function setRange(words: Uint32Array, start: number, endInclusive: number): void {
  for (let bit = start; bit <= endInclusive; bit++) words[bit >>> 5]! |= 1 << (bit & 31);
}

function materialize(view: DataView, d: Descriptor): Uint32Array {
  const words = new Uint32Array(CONTAINER_WORDS);
  if (d.type === ContainerType.BITSET) {
    for (let i = 0; i < CONTAINER_WORDS; i++) words[i] = view.getUint32(d.offset + i * 4, true);
  } else if (d.type === ContainerType.ARRAY) {
    for (let i = 0; i < d.cardinality; i++) {
      const bit = view.getUint16(d.offset + 2 * i, true);
      words[bit >>> 5]! |= 1 << (bit & 31);
    }
  } else {
    for (let i = 0; i < d.runCount; i++) {
      const start = view.getUint16(d.offset + 4 * i, true);
      setRange(words, start, start + view.getUint16(d.offset + 4 * i + 2, true));
    }
  }
  return words;
}

function parse(bytes: Uint8Array): Container[] {
  const view = viewOf(bytes);
  return descriptors(bytes).map((d) => ({ key: d.key, words: materialize(view, d) }));
}

function combine(a: Uint8Array, b: Uint8Array, keepA: boolean, keepB: boolean,
  op: (x: number, y: number) => number): Uint8Array {
  const left = new Map(parse(a).map((c) => [c.key, c.words]));
  const right = new Map(parse(b).map((c) => [c.key, c.words]));
  const keys = new Set<number>();
  for (const key of left.keys()) if (keepA || right.has(key)) keys.add(key);
  for (const key of right.keys()) if (keepB || left.has(key)) keys.add(key);
  const empty = new Uint32Array(CONTAINER_WORDS);
  const out: Container[] = [];
  for (const key of [...keys].sort((x, y) => x - y)) {
    const x = left.get(key) ?? empty;
    const y = right.get(key) ?? empty;
    const words = new Uint32Array(CONTAINER_WORDS);
    for (let i = 0; i < CONTAINER_WORDS; i++) words[i] = op(x[i]!, y[i]!);
    out.push({ key, words });
  }
  return serialize(out);
}

export function bitmapAnd(a: Uint8Array, b: Uint8Array): Uint8Array {
  return combine(a, b, false, false, (x, y) => x & y);
}

export function bitmapOr(a: Uint8Array, b: Uint8Array): Uint8Array {
  return combine(a, b, true, true, (x, y) => x | y);
}

export function bitmapAndNot(a: Uint8Array, b: Uint8Array): Uint8Array {
  return combine(a, b, true, false, (x, y) => x & ~y);
}

/** Number of containers in a universe of `docCount` doc ids. */
function universeKeyCount(docCount: number): number {
  return Math.ceil(docCount / CONTAINER_SPAN);
}

/** Doc ids of the universe [0, docCount) that are not in `a`. */
export function bitmapNot(a: Uint8Array, docCount: number): Uint8Array {
  assert(Number.isInteger(docCount) && docCount >= 0 && docCount <= MAX_DOC_ID_EXCLUSIVE,
    `docCount ${docCount}`);
  const present = new Map(parse(a).map((c) => [c.key, c.words]));
  const out: Container[] = [];
  for (let key = 0; key < universeKeyCount(docCount); key++) {
    const span = Math.min(CONTAINER_SPAN, docCount - key * CONTAINER_SPAN);
    const words = new Uint32Array(CONTAINER_WORDS);
    setRange(words, 0, span - 1);
    const existing = present.get(key);
    if (existing !== undefined) {
      for (let i = 0; i < CONTAINER_WORDS; i++) words[i]! &= ~existing[i]!;
    }
    out.push({ key, words });
  }
  return serialize(out);
}

/** Exact size of the valid bitmap that starts `bytes` (the buffer may continue past it). */
export function bitmapSerializedBytes(bytes: Uint8Array): number {
  const all = descriptors(bytes);
  const last = all[all.length - 1];
  if (last === undefined) return BITMAP_HEADER_BYTES;
  return last.offset + dataBytesOf(last.type, last.cardinality, last.runCount);
}

export function bitmapCardinality(bytes: Uint8Array): number {
  let total = 0;
  for (const d of descriptors(bytes)) total += d.cardinality;
  return total;
}

export function bitmapContains(bytes: Uint8Array, docId: number): boolean {
  const d = descriptors(bytes).find((c) => c.key === Math.floor(docId / CONTAINER_SPAN));
  return d !== undefined && isSet(materialize(viewOf(bytes), d), docId % CONTAINER_SPAN);
}

/** Doc ids in ascending order, skipping the first `startIndex`, at most `maxCount` of them. */
export function bitmapToDocIds(
  bytes: Uint8Array,
  startIndex = 0,
  maxCount = Infinity,
): Uint32Array {
  const ids: number[] = [];
  let rank = 0;
  for (const c of parse(bytes)) {
    for (let bit = 0; bit < CONTAINER_SPAN && ids.length < maxCount; bit++) {
      if (!isSet(c.words, bit)) continue;
      if (rank++ >= startIndex) ids.push(c.key * CONTAINER_SPAN + bit);
    }
  }
  return Uint32Array.from(ids);
}

/** A bitmap of strictly ascending doc ids below 2^31. */
export function bitmapFromDocIds(ids: ArrayLike<number>): Uint8Array {
  const out: Container[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    assert(Number.isInteger(id) && id >= 0 && id < MAX_DOC_ID_EXCLUSIVE, `doc id ${id}`);
    assert(i === 0 || id > ids[i - 1]!, `doc ids strictly ascending at index ${i}`);
    const key = Math.floor(id / CONTAINER_SPAN);
    if (out.length === 0 || out[out.length - 1]!.key !== key) {
      out.push({ key, words: new Uint32Array(CONTAINER_WORDS) });
    }
    setRange(out[out.length - 1]!.words, id % CONTAINER_SPAN, id % CONTAINER_SPAN);
  }
  return serialize(out);
}

/** A bitmap of the set bits of a plain bitset (bit d%32 of word d>>5). */
export function bitmapFromBitset(words: Uint32Array): Uint8Array {
  assert(words.length * 32 <= MAX_DOC_ID_EXCLUSIVE, `bitset of ${words.length} words`);
  const out: Container[] = [];
  for (let start = 0; start < words.length; start += CONTAINER_WORDS) {
    const chunk = new Uint32Array(CONTAINER_WORDS);
    chunk.set(words.subarray(start, Math.min(words.length, start + CONTAINER_WORDS)));
    out.push({ key: start / CONTAINER_WORDS, words: chunk });
  }
  return serialize(out);
}

/** The plain bitset of `wordCount` u32 words; a doc id past the bitset is an error. */
export function bitmapToBitset(bytes: Uint8Array, wordCount: number): Uint32Array {
  const words = new Uint32Array(wordCount);
  for (const id of bitmapToDocIds(bytes)) {
    if (id >= wordCount * 32) throw new RangeError(`doc id ${id} past a ${wordCount}-word bitset`);
    words[id >>> 5]! |= 1 << (id & 31);
  }
  return words;
}

// ---- size bounds the host allocates output by (the kernels use the same formulas) -----------

/** Optimal containers never exceed min(8 KiB, 2 bytes per value). */
function containerBound(cardinality: number): number {
  return BITMAP_DESCRIPTOR_BYTES + BITMAP_OFFSET_BYTES +
    Math.min(BITSET_CONTAINER_BYTES, 2 * Math.min(cardinality, CONTAINER_SPAN));
}

function cardinalityByKey(bytes: Uint8Array): Map<number, number> {
  return new Map(descriptors(bytes).map((d) => [d.key, d.cardinality]));
}

export function bitmapAndMaxBytes(a: Uint8Array, b: Uint8Array): number {
  const right = cardinalityByKey(b);
  let total = BITMAP_HEADER_BYTES;
  for (const [key, card] of cardinalityByKey(a)) {
    const other = right.get(key);
    if (other !== undefined) total += containerBound(Math.min(card, other));
  }
  return total;
}

export function bitmapOrMaxBytes(a: Uint8Array, b: Uint8Array): number {
  const left = cardinalityByKey(a);
  const right = cardinalityByKey(b);
  let total = BITMAP_HEADER_BYTES;
  for (const [key, card] of left) total += containerBound(card + (right.get(key) ?? 0));
  for (const [key, card] of right) if (!left.has(key)) total += containerBound(card);
  return total;
}

export function bitmapAndNotMaxBytes(a: Uint8Array, _b: Uint8Array): number {
  let total = BITMAP_HEADER_BYTES;
  for (const card of cardinalityByKey(a).values()) total += containerBound(card);
  return total;
}

export function bitmapNotMaxBytes(a: Uint8Array, docCount: number): number {
  const present = cardinalityByKey(a);
  let total = BITMAP_HEADER_BYTES;
  for (let key = 0; key < universeKeyCount(docCount); key++) {
    const span = Math.min(CONTAINER_SPAN, docCount - key * CONTAINER_SPAN);
    const card = present.get(key);
    // Values of `a` past the universe do not shrink the complement.
    total += containerBound(card === undefined ? span : Math.min(span, CONTAINER_SPAN - card));
  }
  return total;
}

export function bitmapFromDocIdsMaxBytes(idCount: number): number {
  return BITMAP_HEADER_BYTES + idCount * (BITMAP_DESCRIPTOR_BYTES + BITMAP_OFFSET_BYTES + 2);
}

export function bitmapFromBitsetMaxBytes(wordCount: number): number {
  const containerCount = Math.ceil(wordCount / CONTAINER_WORDS);
  return BITMAP_HEADER_BYTES + containerCount * containerBound(CONTAINER_SPAN);
}

// ---- validation --------------------------------------------------------------------------------

function checkContainer(view: DataView, d: Descriptor): boolean {
  if (d.type === ContainerType.ARRAY) {
    if (d.runCount !== 0 || d.cardinality > ARRAY_MAX_CARDINALITY) return false;
    for (let i = 1; i < d.cardinality; i++) {
      const value = view.getUint16(d.offset + 2 * i, true);
      if (value <= view.getUint16(d.offset + 2 * i - 2, true)) return false;
    }
    return true;
  }
  if (d.type === ContainerType.BITSET) {
    if (d.runCount !== 0) return false;
    return cardinalityOf(materialize(view, d)) === d.cardinality;
  }
  if (d.type !== ContainerType.RUN || d.runCount === 0) return false;
  let total = 0;
  let nextFree = 0;
  for (let i = 0; i < d.runCount; i++) {
    const start = view.getUint16(d.offset + 4 * i, true);
    const lengthMinusOne = view.getUint16(d.offset + 4 * i + 2, true);
    // Runs ascend and never touch: adjacent runs would have been one run.
    if (start < nextFree || start + lengthMinusOne >= CONTAINER_SPAN) return false;
    total += lengthMinusOne + 1;
    nextFree = start + lengthMinusOne + 2;
  }
  return total === d.cardinality;
}

/** KernelStatus.OK when `bytes` is exactly one well-formed bitmap, else CORRUPT_INPUT. */
export function bitmapCheck(bytes: Uint8Array): number {
  const corrupt = KernelStatus.CORRUPT_INPUT;
  if (bytes.length < BITMAP_HEADER_BYTES) return corrupt;
  const view = viewOf(bytes);
  if (view.getUint32(0, true) !== BITMAP_MAGIC) return corrupt;
  const count = view.getUint32(4, true);
  if (count > CONTAINER_SPAN / 2 || bitmapHeaderBytes(count) > bytes.length) return corrupt;
  let expectedOffset = bitmapHeaderBytes(count);
  let previousKey = -1;
  for (const d of descriptors(bytes)) {
    if (d.key <= previousKey || d.key >= MAX_DOC_ID_EXCLUSIVE / CONTAINER_SPAN) return corrupt;
    if (d.offset !== expectedOffset) return corrupt;
    if (d.type < ContainerType.ARRAY || d.type > ContainerType.RUN) return corrupt;
    expectedOffset += dataBytesOf(d.type, d.cardinality, d.runCount);
    if (expectedOffset > bytes.length || !checkContainer(view, d)) return corrupt;
    previousKey = d.key;
  }
  return expectedOffset === bytes.length ? KernelStatus.OK : corrupt;
}
