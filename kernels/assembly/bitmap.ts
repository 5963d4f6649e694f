// Roaring-style bitmap kernels over the serialized layout of kernels/BITMAP.md: and, or, andNot,
// not, cardinality, contains, iteration, conversion from/to plain bitsets and doc-id lists, and
// validation. Inputs are read in place; results are written into host-sized output buffers
// with optimal container types (array / bitset / run, as Roaring's runOptimize chooses).
// Reference: kernels/reference/bitmap.ts (byte-identical output).
import {
  STATUS_BAD_ARGUMENT,
  STATUS_CORRUPT_INPUT,
  STATUS_OK,
  STATUS_OUTPUT_TOO_SMALL,
  STATUS_SCRATCH_TOO_SMALL,
} from './status';

/** "CBM1" as a little-endian u32: format and version. */
const MAGIC: u32 = 0x314d4243;
/** Magic + container count. */
const HEADER_BYTES: usize = 8;
/** key, type, cardinality - 1, run count: four u16. */
const DESCRIPTOR_BYTES: usize = 8;
/** One u32 data offset per container. */
const OFFSET_BYTES: usize = 4;
/** Values per container: the low 16 bits of a doc id. */
const CONTAINER_SPAN: u32 = 65536;
/** A bitset container: 65,536 bits. */
const BITSET_BYTES: usize = 8192;
/** Array containers hold at most this many values (past it a bitset is never larger). */
const ARRAY_MAX: u32 = 4096;
/** Doc ids are below 2^31, so keys are below 2^15. */
const KEY_LIMIT: u32 = 32768;
/** Scratch every combining kernel needs: one container as a bitset (or a 4096-value array). */
const SCRATCH_BYTES: usize = BITSET_BYTES;
/** Container type codes. */
const TYPE_ARRAY: u32 = 1;
const TYPE_BITSET: u32 = 2;
const TYPE_RUN: u32 = 3;
/** All 64 bits set. */
const ONES: u64 = 0xffffffffffffffff;

// ---- reading a serialized bitmap -----------------------------------------------------------

@inline function containerCount(b: usize): u32 {
  return load<u32>(b, 4);
}

@inline function descriptorAt(b: usize, i: u32): usize {
  return b + HEADER_BYTES + (<usize>i << 3);
}

@inline function keyOf(b: usize, i: u32): u32 {
  return <u32>load<u16>(descriptorAt(b, i));
}

@inline function typeOf(b: usize, i: u32): u32 {
  return <u32>load<u16>(descriptorAt(b, i), 2);
}

@inline function cardinalityOf(b: usize, i: u32): u32 {
  return <u32>load<u16>(descriptorAt(b, i), 4) + 1;
}

@inline function runCountOf(b: usize, i: u32): u32 {
  return <u32>load<u16>(descriptorAt(b, i), 6);
}

@inline function dataOf(b: usize, i: u32): usize {
  const offsets = b + HEADER_BYTES + (<usize>containerCount(b) << 3);
  return b + <usize>load<u32>(offsets + (<usize>i << 2));
}

@inline function headerBytes(count: u32): usize {
  return HEADER_BYTES + <usize>count * (DESCRIPTOR_BYTES + OFFSET_BYTES);
}

@inline function dataBytes(type: u32, cardinality: u32, runs: u32): usize {
  if (type == TYPE_ARRAY) return <usize>cardinality << 1;
  if (type == TYPE_BITSET) return BITSET_BYTES;
  return <usize>runs << 2;
}

/** Smallest form; array before bitset on ties (kernels/BITMAP.md). */
@inline function chooseType(cardinality: u32, runs: u32): u32 {
  const arrayBytes: u32 = cardinality <= ARRAY_MAX ? cardinality << 1 : U32.MAX_VALUE;
  const smallest = min(arrayBytes, <u32>BITSET_BYTES);
  if ((runs << 2) < smallest) return TYPE_RUN;
  return cardinality <= ARRAY_MAX ? TYPE_ARRAY : TYPE_BITSET;
}

// ---- writing: descriptors are reserved up front, then compacted ------------------------------
// Wasm globals are per instance, so each worker's writer state is its own.

let writerOut: usize = 0;
let writerEnd: usize = 0;
let writerReserved: u32 = 0;
let writerCount: u32 = 0;
let writerCursor: usize = 0;

/** Starts an output with room for `reserved` containers; false when even that does not fit. */
function writerBegin(out: usize, capacity: usize, reserved: u32): bool {
  writerOut = out;
  writerEnd = out + capacity;
  writerReserved = reserved;
  writerCount = 0;
  writerCursor = out + headerBytes(reserved);
  return <u64>headerBytes(reserved) <= <u64>capacity;
}

/** Appends a container's descriptor; returns where its data goes, or 0 when it does not fit. */
function writerEmit(key: u32, type: u32, cardinality: u32, runs: u32): usize {
  const size = dataBytes(type, cardinality, runs);
  if (writerCursor + size > writerEnd) return 0;
  assert(writerCount < writerReserved, 'bitmap writer reserved enough containers');
  const d = writerOut + HEADER_BYTES + (<usize>writerCount << 3);
  store<u16>(d, <u16>key);
  store<u16>(d, <u16>type, 2);
  store<u16>(d, <u16>(cardinality - 1), 4);
  store<u16>(d, <u16>(type == TYPE_RUN ? runs : 0), 6);
  const offsets = writerOut + HEADER_BYTES + (<usize>writerReserved << 3);
  store<u32>(offsets + (<usize>writerCount << 2), <u32>(writerCursor - writerOut));
  writerCount++;
  const at = writerCursor;
  writerCursor += size;
  return at;
}

/** Writes the header, closes the gap left by unused reservations; returns the total size. */
function writerFinish(): i32 {
  store<u32>(writerOut, MAGIC);
  store<u32>(writerOut, writerCount, 4);
  const unused = writerReserved - writerCount;
  if (unused != 0) {
    const shift = <usize>unused * (DESCRIPTOR_BYTES + OFFSET_BYTES);
    const from = writerOut + HEADER_BYTES + (<usize>writerReserved << 3);
    const to = writerOut + HEADER_BYTES + (<usize>writerCount << 3);
    for (let i: usize = 0; i < <usize>writerCount; i++) {
      store<u32>(to + (i << 2), load<u32>(from + (i << 2)) - <u32>shift);
    }
    const dataStart = writerOut + headerBytes(writerReserved);
    memory.copy(dataStart - shift, dataStart, writerCursor - dataStart);
    writerCursor -= shift;
  }
  return <i32>(writerCursor - writerOut);
}

// ---- bitset helpers (u64 words) ----------------------------------------------------------------

function setRange(words: usize, start: u32, end: u32): void {
  const first = <usize>(start >> 6);
  const last = <usize>(end >> 6);
  const firstMask = ONES << <u64>(start & 63);
  const lastMask = ONES >> <u64>(63 - (end & 63));
  if (first == last) {
    store<u64>(words + (first << 3), load<u64>(words + (first << 3)) | (firstMask & lastMask));
    return;
  }
  store<u64>(words + (first << 3), load<u64>(words + (first << 3)) | firstMask);
  memory.fill(words + ((first + 1) << 3), 0xff, (last - first - 1) << 3);
  store<u64>(words + (last << 3), load<u64>(words + (last << 3)) | lastMask);
}

function clearRange(words: usize, start: u32, end: u32): void {
  const first = <usize>(start >> 6);
  const last = <usize>(end >> 6);
  const firstMask = ONES << <u64>(start & 63);
  const lastMask = ONES >> <u64>(63 - (end & 63));
  if (first == last) {
    store<u64>(words + (first << 3), load<u64>(words + (first << 3)) & ~(firstMask & lastMask));
    return;
  }
  store<u64>(words + (first << 3), load<u64>(words + (first << 3)) & ~firstMask);
  memory.fill(words + ((first + 1) << 3), 0, (last - first - 1) << 3);
  store<u64>(words + (last << 3), load<u64>(words + (last << 3)) & ~lastMask);
}

@inline function setBit(words: usize, bit: u32): void {
  const at = words + (<usize>(bit >> 6) << 3);
  store<u64>(at, load<u64>(at) | (<u64>1 << <u64>(bit & 63)));
}

@inline function clearBit(words: usize, bit: u32): void {
  const at = words + (<usize>(bit >> 6) << 3);
  store<u64>(at, load<u64>(at) & ~(<u64>1 << <u64>(bit & 63)));
}

@inline function testBit(words: usize, bit: u32): bool {
  return ((load<u64>(words + (<usize>(bit >> 6) << 3)) >> <u64>(bit & 63)) & 1) != 0;
}

/** Number of maximal runs of set bits in a container bitset. */
function bitsetRuns(words: usize): u32 {
  let runs: u32 = 0;
  let carry: u64 = 0;
  for (let i: usize = 0; i < BITSET_BYTES; i += 8) {
    const w = load<u64>(words + i);
    runs += <u32>popcnt<u64>(w & ~((w << 1) | carry));
    carry = w >> 63;
  }
  return runs;
}

function bitsetCardinality(words: usize): u32 {
  let count: u32 = 0;
  for (let i: usize = 0; i < BITSET_BYTES; i += 8) count += <u32>popcnt<u64>(load<u64>(words + i));
  return count;
}

/** Number of maximal runs in a strictly ascending u16 list. */
function arrayRuns(values: usize, count: u32): u32 {
  if (count == 0) return 0;
  let runs: u32 = 1;
  let previous = <u32>load<u16>(values);
  for (let i: usize = 1; i < <usize>count; i++) {
    const value = <u32>load<u16>(values + (i << 1));
    if (value != previous + 1) runs++;
    previous = value;
  }
  return runs;
}

/** Materializes container i of bitmap b as a bitset at `words`. */
function loadBitset(words: usize, b: usize, i: u32): void {
  const type = typeOf(b, i);
  const data = dataOf(b, i);
  if (type == TYPE_BITSET) {
    memory.copy(words, data, BITSET_BYTES);
    return;
  }
  memory.fill(words, 0, BITSET_BYTES);
  if (type == TYPE_ARRAY) {
    const count = <usize>cardinalityOf(b, i);
    for (let k: usize = 0; k < count; k++) setBit(words, <u32>load<u16>(data + (k << 1)));
  } else {
    const runs = <usize>runCountOf(b, i);
    for (let r: usize = 0; r < runs; r++) {
      const start = <u32>load<u16>(data + (r << 2));
      setRange(words, start, start + <u32>load<u16>(data + (r << 2), 2));
    }
  }
}

/** words &= container i of b (bitset or run; arrays take the filtering path instead). */
function andInto(words: usize, b: usize, i: u32): void {
  const type = typeOf(b, i);
  const data = dataOf(b, i);
  if (type == TYPE_BITSET) {
    for (let k: usize = 0; k < BITSET_BYTES; k += 16) {
      v128.store(words + k, v128.and(v128.load(words + k), v128.load(data + k)));
    }
    return;
  }
  assert(type == TYPE_RUN, 'andInto takes bitset or run containers');
  let next: u32 = 0;
  const runs = <usize>runCountOf(b, i);
  for (let r: usize = 0; r < runs; r++) {
    const start = <u32>load<u16>(data + (r << 2));
    if (start > next) clearRange(words, next, start - 1);
    next = start + <u32>load<u16>(data + (r << 2), 2) + 1;
  }
  if (next < CONTAINER_SPAN) clearRange(words, next, CONTAINER_SPAN - 1);
}

/** words |= container i of b. */
function orInto(words: usize, b: usize, i: u32): void {
  const type = typeOf(b, i);
  const data = dataOf(b, i);
  if (type == TYPE_BITSET) {
    for (let k: usize = 0; k < BITSET_BYTES; k += 16) {
      v128.store(words + k, v128.or(v128.load(words + k), v128.load(data + k)));
    }
  } else if (type == TYPE_ARRAY) {
    const count = <usize>cardinalityOf(b, i);
    for (let k: usize = 0; k < count; k++) setBit(words, <u32>load<u16>(data + (k << 1)));
  } else {
    const runs = <usize>runCountOf(b, i);
    for (let r: usize = 0; r < runs; r++) {
      const start = <u32>load<u16>(data + (r << 2));
      setRange(words, start, start + <u32>load<u16>(data + (r << 2), 2));
    }
  }
}

/** words &= ~container i of b. */
function andNotInto(words: usize, b: usize, i: u32): void {
  const type = typeOf(b, i);
  const data = dataOf(b, i);
  if (type == TYPE_BITSET) {
    for (let k: usize = 0; k < BITSET_BYTES; k += 16) {
      v128.store(words + k, v128.andnot(v128.load(words + k), v128.load(data + k)));
    }
  } else if (type == TYPE_ARRAY) {
    const count = <usize>cardinalityOf(b, i);
    for (let k: usize = 0; k < count; k++) clearBit(words, <u32>load<u16>(data + (k << 1)));
  } else {
    const runs = <usize>runCountOf(b, i);
    for (let r: usize = 0; r < runs; r++) {
      const start = <u32>load<u16>(data + (r << 2));
      clearRange(words, start, start + <u32>load<u16>(data + (r << 2), 2));
    }
  }
}

// ---- emitting containers in their optimal form ------------------------------------------------

function extractArray(words: usize, out: usize): void {
  let at = out;
  for (let i: usize = 0; i < BITSET_BYTES >> 3; i++) {
    let w = load<u64>(words + (i << 3));
    const base = <u32>(i << 6);
    while (w != 0) {
      store<u16>(at, <u16>(base + <u32>ctz<u64>(w)));
      at += 2;
      w &= w - 1;
    }
  }
}

function extractRuns(words: usize, out: usize): void {
  let at = out;
  let open = false;
  let start: u32 = 0;
  for (let i: usize = 0; i < BITSET_BYTES >> 3; i++) {
    const w = load<u64>(words + (i << 3));
    const base = <u32>(i << 6);
    let from: u64 = 0;
    while (true) {
      // Look for the next transition at or after `from`: a set bit when closed, a clear one open.
      const masked = (open ? ~w : w) & (ONES << from);
      if (masked == 0) break;
      const t = ctz<u64>(masked);
      if (open) {
        store<u16>(at, <u16>start);
        store<u16>(at, <u16>(base + <u32>t - 1 - start), 2);
        at += 4;
      } else {
        start = base + <u32>t;
      }
      open = !open;
      from = t;
    }
  }
  if (open) {
    store<u16>(at, <u16>start);
    store<u16>(at, <u16>(CONTAINER_SPAN - 1 - start), 2);
  }
}

/** Emits a container from a bitset whose cardinality and run count are known. */
function emitCountedBitset(key: u32, words: usize, cardinality: u32, runs: u32): bool {
  if (cardinality == 0) return true;
  const type = chooseType(cardinality, runs);
  const out = writerEmit(key, type, cardinality, runs);
  if (out == 0) return false;
  if (type == TYPE_BITSET) memory.copy(out, words, BITSET_BYTES);
  else if (type == TYPE_ARRAY) extractArray(words, out);
  else extractRuns(words, out);
  return true;
}

/** Emits the set bits of a container bitset (nothing when it is empty); false when full. */
function emitBitset(key: u32, words: usize): bool {
  let cardinality: u32 = 0;
  let runs: u32 = 0;
  let carry: u64 = 0;
  for (let i: usize = 0; i < BITSET_BYTES; i += 8) {
    const w = load<u64>(words + i);
    cardinality += <u32>popcnt<u64>(w);
    runs += <u32>popcnt<u64>(w & ~((w << 1) | carry));
    carry = w >> 63;
  }
  return emitCountedBitset(key, words, cardinality, runs);
}

/** Emits a strictly ascending u16 list of at most 4096 values. */
function emitArray(key: u32, values: usize, count: u32): bool {
  if (count == 0) return true;
  const runs = arrayRuns(values, count);
  const type = chooseType(count, runs);
  const out = writerEmit(key, type, count, runs);
  if (out == 0) return false;
  if (type == TYPE_ARRAY) {
    memory.copy(out, values, <usize>count << 1);
    return true;
  }
  assert(type == TYPE_RUN, 'at most 4096 values are never a bitset');
  let at = out;
  let start = <u32>load<u16>(values);
  let previous = start;
  for (let k: usize = 1; k <= <usize>count; k++) {
    const value = k < <usize>count ? <u32>load<u16>(values + (k << 1)) : U32.MAX_VALUE;
    if (value == previous + 1) {
      previous = value;
      continue;
    }
    store<u16>(at, <u16>start);
    store<u16>(at, <u16>(previous - start), 2);
    at += 4;
    start = previous = value;
  }
  return true;
}

/** Emits the values [0, span) of one container. */
function emitFullRange(key: u32, span: u32): bool {
  const type = chooseType(span, 1);
  const out = writerEmit(key, type, span, 1);
  if (out == 0) return false;
  if (type == TYPE_RUN) {
    store<u16>(out, 0);
    store<u16>(out, <u16>(span - 1), 2);
  } else {
    for (let v: u32 = 0; v < span; v++) store<u16>(out + (<usize>v << 1), <u16>v);
  }
  return true;
}

/** Copies container i of b as it is when its form is optimal, else re-encodes it. */
function emitCopy(b: usize, i: u32, scratch: usize): bool {
  const type = typeOf(b, i);
  const cardinality = cardinalityOf(b, i);
  const data = dataOf(b, i);
  let runs = runCountOf(b, i);
  if (type == TYPE_ARRAY) runs = arrayRuns(data, cardinality);
  else if (type == TYPE_BITSET) runs = bitsetRuns(data);
  if (chooseType(cardinality, runs) != type) {
    loadBitset(scratch, b, i);
    return emitCountedBitset(keyOf(b, i), scratch, cardinality, runs);
  }
  const out = writerEmit(keyOf(b, i), type, cardinality, runs);
  if (out == 0) return false;
  memory.copy(out, data, dataBytes(type, cardinality, runs));
  return true;
}

// ---- array filtering: results that are a subset of an array container --------------------------

/**
 * Intersection (keep = true) or difference (keep = false) of two sorted u16 lists, written to
 * `out`; returns the count. Branch-free steps: random data would mispredict every other one.
 */
function mergeArrays(
  x: usize, xCount: usize, y: usize, yCount: usize, keep: bool, out: usize,
): u32 {
  let p: usize = 0, q: usize = 0, written: usize = 0;
  while (p < xCount && q < yCount) {
    const u = <u32>load<u16>(x + (p << 1));
    const v = <u32>load<u16>(y + (q << 1));
    store<u16>(out + (written << 1), <u16>u);
    written += <usize>(keep ? u == v : u < v);
    p += <usize>(u <= v);
    q += <usize>(v <= u);
  }
  if (!keep && p < xCount) {
    memory.copy(out + (written << 1), x + (p << 1), (xCount - p) << 1);
    written += xCount - p;
  }
  return <u32>written;
}

/**
 * Writes to `out` the values of array container i of a that are (keep = true) or are not
 * (keep = false) in container j of b; returns how many.
 */
function filterArray(a: usize, i: u32, b: usize, j: u32, keep: bool, out: usize): u32 {
  const values = dataOf(a, i);
  const count = <usize>cardinalityOf(a, i);
  const otherType = typeOf(b, j);
  const other = dataOf(b, j);
  if (otherType == TYPE_ARRAY) {
    return mergeArrays(values, count, other, <usize>cardinalityOf(b, j), keep, out);
  }
  const runs = <usize>runCountOf(b, j);
  let cursor: usize = 0;
  let written: usize = 0;
  for (let k: usize = 0; k < count; k++) {
    const value = <u32>load<u16>(values + (k << 1));
    let member = false;
    if (otherType == TYPE_BITSET) {
      member = testBit(other, value);
    } else {
      // Skip runs that end before the value.
      while (
        cursor < runs &&
        <u32>load<u16>(other + (cursor << 2)) + <u32>load<u16>(other + (cursor << 2), 2) < value
      ) cursor++;
      member = cursor < runs && <u32>load<u16>(other + (cursor << 2)) <= value;
    }
    // Always store, advance only on a match: no branch on the (random) membership.
    store<u16>(out + (written << 1), <u16>value);
    written += <usize>(member == keep);
  }
  return <u32>written;
}

/** Merges two array containers whose cardinalities sum to at most 4096; returns the count. */
function unionArrays(a: usize, i: u32, b: usize, j: u32, out: usize): u32 {
  const x = dataOf(a, i);
  const y = dataOf(b, j);
  const xCount = <usize>cardinalityOf(a, i);
  const yCount = <usize>cardinalityOf(b, j);
  let p: usize = 0, q: usize = 0, written: usize = 0;
  while (p < xCount || q < yCount) {
    const u = p < xCount ? <u32>load<u16>(x + (p << 1)) : U32.MAX_VALUE;
    const v = q < yCount ? <u32>load<u16>(y + (q << 1)) : U32.MAX_VALUE;
    const value = min(u, v);
    if (u == value) p++;
    if (v == value) q++;
    store<u16>(out + (written << 1), <u16>value);
    written++;
  }
  return <u32>written;
}

// ---- per-key combination ------------------------------------------------------------------------

function andContainers(a: usize, i: u32, b: usize, j: u32, scratch: usize): bool {
  const key = keyOf(a, i);
  if (typeOf(a, i) == TYPE_ARRAY) {
    return emitArray(key, scratch, filterArray(a, i, b, j, true, scratch));
  }
  if (typeOf(b, j) == TYPE_ARRAY) {
    return emitArray(key, scratch, filterArray(b, j, a, i, true, scratch));
  }
  loadBitset(scratch, a, i);
  andInto(scratch, b, j);
  return emitBitset(key, scratch);
}

function orContainers(a: usize, i: u32, b: usize, j: u32, scratch: usize): bool {
  const key = keyOf(a, i);
  const bothArrays = typeOf(a, i) == TYPE_ARRAY && typeOf(b, j) == TYPE_ARRAY;
  if (bothArrays && cardinalityOf(a, i) + cardinalityOf(b, j) <= ARRAY_MAX) {
    return emitArray(key, scratch, unionArrays(a, i, b, j, scratch));
  }
  loadBitset(scratch, a, i);
  orInto(scratch, b, j);
  return emitBitset(key, scratch);
}

function andNotContainers(a: usize, i: u32, b: usize, j: u32, scratch: usize): bool {
  const key = keyOf(a, i);
  if (typeOf(a, i) == TYPE_ARRAY) {
    return emitArray(key, scratch, filterArray(a, i, b, j, false, scratch));
  }
  loadBitset(scratch, a, i);
  andNotInto(scratch, b, j);
  return emitBitset(key, scratch);
}

/** Number of keys present in both bitmaps (and) or in either (or). */
function countKeys(a: usize, b: usize, union: bool): u32 {
  const na = containerCount(a), nb = containerCount(b);
  let i: u32 = 0, j: u32 = 0, common: u32 = 0;
  while (i < na && j < nb) {
    const ka = keyOf(a, i), kb = keyOf(b, j);
    if (ka <= kb) i++;
    if (kb <= ka) j++;
    common += <u32>(ka == kb);
  }
  return union ? na + nb - common : common;
}

// ---- and / or / andNot / not -----------------------------------------------------------------

/** Op codes of combine(). */
const OP_AND: u32 = 0;
const OP_OR: u32 = 1;
const OP_AND_NOT: u32 = 2;

function combine(
  op: u32, a: usize, b: usize, out: usize, capacity: usize, scratch: usize, scratchBytes: usize,
): i32 {
  if (scratchBytes < SCRATCH_BYTES) return STATUS_SCRATCH_TOO_SMALL;
  const reserved = op == OP_AND ? countKeys(a, b, false)
    : op == OP_OR ? countKeys(a, b, true) : containerCount(a);
  if (!writerBegin(out, capacity, reserved)) return STATUS_OUTPUT_TOO_SMALL;
  const na = containerCount(a), nb = containerCount(b);
  let i: u32 = 0, j: u32 = 0;
  let ok = true;
  while (ok && (i < na || j < nb)) {
    const ka = i < na ? keyOf(a, i) : U32.MAX_VALUE;
    const kb = j < nb ? keyOf(b, j) : U32.MAX_VALUE;
    if (ka == kb) {
      if (op == OP_AND) ok = andContainers(a, i, b, j, scratch);
      else if (op == OP_OR) ok = orContainers(a, i, b, j, scratch);
      else ok = andNotContainers(a, i, b, j, scratch);
      i++;
      j++;
    } else if (ka < kb) {
      if (op != OP_AND) ok = emitCopy(a, i, scratch);
      i++;
    } else {
      if (op == OP_OR) ok = emitCopy(b, j, scratch);
      j++;
    }
    // and / andNot have nothing left to do once a is exhausted.
    if (op != OP_OR && i >= na) break;
  }
  return ok ? writerFinish() : STATUS_OUTPUT_TOO_SMALL;
}

/**
 * a AND b into `out` (capacity bytes, see bitmapAndMaxBytes); scratch >= 8192 bytes. Returns
 * the size written or a negative status.
 */
export function bitmapAnd(
  a: usize, b: usize, out: usize, capacity: usize, scratch: usize, scratchBytes: usize,
): i32 {
  return combine(OP_AND, a, b, out, capacity, scratch, scratchBytes);
}

export function bitmapOr(
  a: usize, b: usize, out: usize, capacity: usize, scratch: usize, scratchBytes: usize,
): i32 {
  return combine(OP_OR, a, b, out, capacity, scratch, scratchBytes);
}

export function bitmapAndNot(
  a: usize, b: usize, out: usize, capacity: usize, scratch: usize, scratchBytes: usize,
): i32 {
  return combine(OP_AND_NOT, a, b, out, capacity, scratch, scratchBytes);
}

@inline function universeKeys(docCount: u32): u32 {
  return <u32>((<u64>docCount + <u64>CONTAINER_SPAN - 1) >> 16);
}

@inline function universeSpan(docCount: u32, key: u32): u32 {
  return min(CONTAINER_SPAN, docCount - (key << 16));
}

/** The doc ids of [0, docCount) not in a (docCount <= 2^31). */
export function bitmapNot(
  a: usize, docCount: u32, out: usize, capacity: usize, scratch: usize, scratchBytes: usize,
): i32 {
  if (docCount > KEY_LIMIT * CONTAINER_SPAN) return STATUS_BAD_ARGUMENT;
  if (scratchBytes < SCRATCH_BYTES) return STATUS_SCRATCH_TOO_SMALL;
  const keys = universeKeys(docCount);
  if (!writerBegin(out, capacity, keys)) return STATUS_OUTPUT_TOO_SMALL;
  const na = containerCount(a);
  let i: u32 = 0;
  for (let key: u32 = 0; key < keys; key++) {
    while (i < na && keyOf(a, i) < key) i++;
    const span = universeSpan(docCount, key);
    let ok: bool;
    if (i < na && keyOf(a, i) == key) {
      memory.fill(scratch, 0, BITSET_BYTES);
      setRange(scratch, 0, span - 1);
      andNotInto(scratch, a, i);
      ok = emitBitset(key, scratch);
    } else {
      ok = emitFullRange(key, span);
    }
    if (!ok) return STATUS_OUTPUT_TOO_SMALL;
  }
  return writerFinish();
}

// ---- queries ------------------------------------------------------------------------------------

/** Number of doc ids (an f64: 2^31 ids would not fit an i32). */
export function bitmapCardinality(b: usize): f64 {
  const n = containerCount(b);
  let total: u64 = 0;
  for (let i: u32 = 0; i < n; i++) total += <u64>cardinalityOf(b, i);
  return <f64>total;
}

/** Index of the container with `key`, or -1. */
function findKey(b: usize, key: u32): i32 {
  let lo: i32 = 0, hi: i32 = <i32>containerCount(b) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyOf(b, <u32>mid);
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** 1 when docId is in the bitmap, else 0. */
export function bitmapContains(b: usize, docId: u32): i32 {
  const found = findKey(b, docId >> 16);
  if (found < 0) return 0;
  const i = <u32>found;
  const value = docId & 0xffff;
  const data = dataOf(b, i);
  const type = typeOf(b, i);
  if (type == TYPE_BITSET) return <i32>testBit(data, value);
  const stride: u32 = type == TYPE_ARRAY ? 2 : 4;
  // Array: last value <= v equals v. Run: last run starting <= v reaches v.
  let lo: i32 = 0, hi: i32 = <i32>(type == TYPE_ARRAY ? cardinalityOf(b, i) : runCountOf(b, i)) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (<u32>load<u16>(data + <usize>(<u32>mid * stride)) <= value) lo = mid + 1;
    else hi = mid - 1;
  }
  if (hi < 0) return 0;
  const at = data + <usize>(<u32>hi * stride);
  if (type == TYPE_ARRAY) return <i32>(<u32>load<u16>(at) == value);
  return <i32>(<u32>load<u16>(at) + <u32>load<u16>(at, 2) >= value);
}

/** Global state of toDocIds: where the next id goes and how many may still go. */
let idsOut: usize = 0;
let idsLeft: u32 = 0;

@inline function putId(id: u32): void {
  store<u32>(idsOut, id);
  idsOut += 4;
  idsLeft--;
}

function iterateArray(data: usize, count: u32, skip: u32, base: u32): void {
  for (let k = skip; k < count && idsLeft > 0; k++) {
    putId(base | <u32>load<u16>(data + (<usize>k << 1)));
  }
}

function iterateBitset(data: usize, skip: u32, base: u32): void {
  let toSkip = skip;
  for (let i: usize = 0; i < BITSET_BYTES >> 3 && idsLeft > 0; i++) {
    let w = load<u64>(data + (i << 3));
    const bits = <u32>popcnt<u64>(w);
    if (toSkip >= bits) {
      toSkip -= bits;
      continue;
    }
    for (; toSkip > 0; toSkip--) w &= w - 1;
    while (w != 0 && idsLeft > 0) {
      putId(base | (<u32>(i << 6) + <u32>ctz<u64>(w)));
      w &= w - 1;
    }
  }
}

function iterateRuns(data: usize, runs: u32, skip: u32, base: u32): void {
  let toSkip = skip;
  for (let r: usize = 0; r < <usize>runs && idsLeft > 0; r++) {
    const start = <u32>load<u16>(data + (r << 2));
    const length = <u32>load<u16>(data + (r << 2), 2) + 1;
    if (toSkip >= length) {
      toSkip -= length;
      continue;
    }
    for (let v = start + toSkip; v < start + length && idsLeft > 0; v++) putId(base | v);
    toSkip = 0;
  }
}

/**
 * Writes doc ids in ascending order, skipping the first `startIndex` of them, into `out` (at
 * most `capacity` u32); returns how many were written (paging: call again from startIndex +
 * the count).
 */
export function bitmapToDocIds(b: usize, startIndex: u32, out: usize, capacity: u32): i32 {
  idsOut = out;
  idsLeft = capacity;
  let skip = startIndex;
  const n = containerCount(b);
  for (let i: u32 = 0; i < n && idsLeft > 0; i++) {
    const cardinality = cardinalityOf(b, i);
    if (skip >= cardinality) {
      skip -= cardinality;
      continue;
    }
    const base = keyOf(b, i) << 16;
    const type = typeOf(b, i);
    if (type == TYPE_ARRAY) iterateArray(dataOf(b, i), cardinality, skip, base);
    else if (type == TYPE_BITSET) iterateBitset(dataOf(b, i), skip, base);
    else iterateRuns(dataOf(b, i), runCountOf(b, i), skip, base);
    skip = 0;
  }
  return <i32>(capacity - idsLeft);
}

// ---- conversions --------------------------------------------------------------------------------

/** Writes one group of ids sharing a key, given its cardinality and run count. */
function emitIdGroup(ids: usize, count: u32, runs: u32): bool {
  const key = load<u32>(ids) >> 16;
  const type = chooseType(count, runs);
  const out = writerEmit(key, type, count, runs);
  if (out == 0) return false;
  if (type == TYPE_BITSET) {
    memory.fill(out, 0, BITSET_BYTES);
    for (let k: usize = 0; k < <usize>count; k++) setBit(out, load<u32>(ids + (k << 2)) & 0xffff);
  } else if (type == TYPE_ARRAY) {
    for (let k: usize = 0; k < <usize>count; k++) {
      store<u16>(out + (k << 1), <u16>load<u32>(ids + (k << 2)));
    }
  } else {
    let at = out;
    let start = load<u32>(ids) & 0xffff;
    let previous = start;
    for (let k: usize = 1; k <= <usize>count; k++) {
      const value = k < <usize>count ? load<u32>(ids + (k << 2)) & 0xffff : U32.MAX_VALUE;
      if (value == previous + 1) {
        previous = value;
        continue;
      }
      store<u16>(at, <u16>start);
      store<u16>(at, <u16>(previous - start), 2);
      at += 4;
      start = previous = value;
    }
  }
  return true;
}

/**
 * A bitmap of n strictly ascending u32 doc ids below 2^31 (capacity: 8 + 14 n bytes is always
 * enough). Returns the size written, BAD_ARGUMENT for unsorted or too large ids.
 */
export function bitmapFromDocIds(ids: usize, n: u32, out: usize, capacity: usize): i32 {
  let groups: u32 = 0;
  for (let k: usize = 0; k < <usize>n; k++) {
    const id = load<u32>(ids + (k << 2));
    if (id >= KEY_LIMIT * CONTAINER_SPAN) return STATUS_BAD_ARGUMENT;
    if (k > 0) {
      const previous = load<u32>(ids + ((k - 1) << 2));
      if (id <= previous) return STATUS_BAD_ARGUMENT;
      if (id >> 16 == previous >> 16) continue;
    }
    groups++;
  }
  if (!writerBegin(out, capacity, groups)) return STATUS_OUTPUT_TOO_SMALL;
  let groupStart: usize = 0;
  let runs: u32 = 1;
  for (let k: usize = 1; k <= <usize>n; k++) {
    const id = k < <usize>n ? load<u32>(ids + (k << 2)) : U32.MAX_VALUE;
    const previous = load<u32>(ids + ((k - 1) << 2));
    if (k < <usize>n && id >> 16 == previous >> 16) {
      runs += <u32>(id != previous + 1);
      continue;
    }
    const groupIds = ids + (groupStart << 2);
    if (!emitIdGroup(groupIds, <u32>(k - groupStart), runs)) return STATUS_OUTPUT_TOO_SMALL;
    groupStart = k;
    runs = 1;
  }
  return writerFinish();
}

/** u32 words of a bitset that one container covers. */
const CONTAINER_WORDS32: u32 = CONTAINER_SPAN / 32;

/**
 * A bitmap of the set bits of a plain bitset of `wordCount` u32 words (bit d % 32 of word
 * d >> 5), as the scan kernels produce. Scratch >= 8192 bytes.
 */
export function bitmapFromBitset(
  words: usize, wordCount: u32, out: usize, capacity: usize, scratch: usize, scratchBytes: usize,
): i32 {
  if (wordCount > KEY_LIMIT * CONTAINER_WORDS32) return STATUS_BAD_ARGUMENT;
  if (scratchBytes < SCRATCH_BYTES) return STATUS_SCRATCH_TOO_SMALL;
  const chunks = (wordCount + CONTAINER_WORDS32 - 1) / CONTAINER_WORDS32;
  if (!writerBegin(out, capacity, chunks)) return STATUS_OUTPUT_TOO_SMALL;
  for (let key: u32 = 0; key < chunks; key++) {
    let source = words + (<usize>key << 13);
    const available = min(CONTAINER_WORDS32, wordCount - key * CONTAINER_WORDS32);
    if (available < CONTAINER_WORDS32) {
      // The last chunk is partial: pad it with zeros in scratch.
      memory.copy(scratch, source, <usize>available << 2);
      memory.fill(scratch + (<usize>available << 2), 0, BITSET_BYTES - (<usize>available << 2));
      source = scratch;
    }
    if (!emitBitset(key, source)) return STATUS_OUTPUT_TOO_SMALL;
  }
  return writerFinish();
}

/**
 * Writes the bitmap as a plain bitset of `wordCount` u32 words (cleared first). Returns
 * OUTPUT_TOO_SMALL when a doc id lies past the bitset.
 */
export function bitmapToBitset(b: usize, words: usize, wordCount: u32): i32 {
  memory.fill(words, 0, <usize>wordCount << 2);
  const limit = <u64>wordCount << 5;
  const n = containerCount(b);
  for (let i: u32 = 0; i < n; i++) {
    const base = keyOf(b, i) << 16;
    const target = words + (<usize>base >> 3);
    if (<u64>base + <u64>CONTAINER_SPAN <= limit) {
      orInto(target, b, i);
      continue;
    }
    // A container straddling the end of the bitset: refuse ids past it, set the rest per value.
    const last = <u64>base + <u64>lastValue(b, i);
    if (last >= limit) return STATUS_OUTPUT_TOO_SMALL;
    orIntoBounded(words, b, i, base);
  }
  return STATUS_OK;
}

/** The largest value (low 16 bits) of container i. */
function lastValue(b: usize, i: u32): u32 {
  const data = dataOf(b, i);
  const type = typeOf(b, i);
  if (type == TYPE_ARRAY) return <u32>load<u16>(data + ((<usize>cardinalityOf(b, i) - 1) << 1));
  if (type == TYPE_RUN) {
    const at = data + ((<usize>runCountOf(b, i) - 1) << 2);
    return <u32>load<u16>(at) + <u32>load<u16>(at, 2);
  }
  for (let k: i32 = <i32>(BITSET_BYTES >> 3) - 1; k >= 0; k--) {
    const w = load<u64>(data + (<usize>k << 3));
    if (w != 0) return (<u32>k << 6) + 63 - <u32>clz<u64>(w);
  }
  return 0;
}

/** Sets the bits of container i one value at a time (its last value is known to fit). */
function orIntoBounded(words: usize, b: usize, i: u32, base: u32): void {
  const data = dataOf(b, i);
  const type = typeOf(b, i);
  if (type == TYPE_ARRAY) {
    const count = <usize>cardinalityOf(b, i);
    for (let k: usize = 0; k < count; k++) setBit32(words, base | <u32>load<u16>(data + (k << 1)));
  } else if (type == TYPE_RUN) {
    const runs = <usize>runCountOf(b, i);
    for (let r: usize = 0; r < runs; r++) {
      const start = <u32>load<u16>(data + (r << 2));
      const end = start + <u32>load<u16>(data + (r << 2), 2);
      for (let v = start; v <= end; v++) setBit32(words, base | v);
    }
  } else {
    for (let v: u32 = 0; v < CONTAINER_SPAN; v++) if (testBit(data, v)) setBit32(words, base | v);
  }
}

@inline function setBit32(words: usize, bit: u32): void {
  const at = words + (<usize>(bit >> 5) << 2);
  store<u32>(at, load<u32>(at) | (<u32>1 << (bit & 31)));
}

// ---- sizes --------------------------------------------------------------------------------------

/** Exact serialized size of a valid bitmap at b. */
export function bitmapSerializedBytes(b: usize): f64 {
  const n = containerCount(b);
  if (n == 0) return <f64>HEADER_BYTES;
  const last = n - 1;
  const end = dataOf(b, last) - b;
  return <f64>(end + dataBytes(typeOf(b, last), cardinalityOf(b, last), runCountOf(b, last)));
}

/** A container of at most `cardinality` values never needs more (BITMAP.md). */
@inline function containerBound(cardinality: u32): f64 {
  const data = min(<u64>BITSET_BYTES, <u64>min(cardinality, CONTAINER_SPAN) << 1);
  return <f64>(DESCRIPTOR_BYTES + OFFSET_BYTES) + <f64>data;
}

/** Upper bound of the size of a AND b, OR b or a AND NOT b (op 0, 1, 2). */
function combineBound(op: u32, a: usize, b: usize): f64 {
  const na = containerCount(a), nb = containerCount(b);
  let i: u32 = 0, j: u32 = 0;
  let total = <f64>HEADER_BYTES;
  while (i < na || j < nb) {
    const ka = i < na ? keyOf(a, i) : U32.MAX_VALUE;
    const kb = j < nb ? keyOf(b, j) : U32.MAX_VALUE;
    if (ka == kb) {
      const ca = cardinalityOf(a, i), cb = cardinalityOf(b, j);
      total += containerBound(op == OP_AND ? min(ca, cb) : op == OP_OR ? ca + cb : ca);
      i++;
      j++;
    } else if (ka < kb) {
      if (op != OP_AND) total += containerBound(cardinalityOf(a, i));
      i++;
    } else {
      if (op == OP_OR) total += containerBound(cardinalityOf(b, j));
      j++;
    }
  }
  return total;
}

export function bitmapAndMaxBytes(a: usize, b: usize): f64 {
  return combineBound(OP_AND, a, b);
}

export function bitmapOrMaxBytes(a: usize, b: usize): f64 {
  return combineBound(OP_OR, a, b);
}

export function bitmapAndNotMaxBytes(a: usize, b: usize): f64 {
  return combineBound(OP_AND_NOT, a, b);
}

export function bitmapNotMaxBytes(a: usize, docCount: u32): f64 {
  const keys = universeKeys(docCount);
  const na = containerCount(a);
  let total = <f64>HEADER_BYTES;
  let i: u32 = 0;
  for (let key: u32 = 0; key < keys; key++) {
    while (i < na && keyOf(a, i) < key) i++;
    const span = universeSpan(docCount, key);
    // Values of a past the universe do not shrink the complement.
    const present = i < na && keyOf(a, i) == key;
    total += containerBound(present ? min(span, CONTAINER_SPAN - cardinalityOf(a, i)) : span);
  }
  return total;
}

export function bitmapFromDocIdsMaxBytes(n: u32): f64 {
  return <f64>HEADER_BYTES + <f64>n * <f64>(DESCRIPTOR_BYTES + OFFSET_BYTES + 2);
}

export function bitmapFromBitsetMaxBytes(wordCount: u32): f64 {
  const chunks = (<u64>wordCount + <u64>CONTAINER_WORDS32 - 1) / <u64>CONTAINER_WORDS32;
  return <f64>HEADER_BYTES + <f64>chunks * containerBound(CONTAINER_SPAN);
}

// ---- validation ---------------------------------------------------------------------------------

function checkArray(data: usize, count: u32): bool {
  if (count > ARRAY_MAX) return false;
  for (let k: usize = 1; k < <usize>count; k++) {
    if (load<u16>(data + (k << 1)) <= load<u16>(data + ((k - 1) << 1))) return false;
  }
  return true;
}

function checkRuns(data: usize, runs: u32, cardinality: u32): bool {
  if (runs == 0) return false;
  let total: u32 = 0;
  let nextFree: u32 = 0;
  for (let r: usize = 0; r < <usize>runs; r++) {
    const start = <u32>load<u16>(data + (r << 2));
    const lengthMinusOne = <u32>load<u16>(data + (r << 2), 2);
    // Runs ascend and never touch: touching runs would have been one run.
    if (start < nextFree || start + lengthMinusOne >= CONTAINER_SPAN) return false;
    total += lengthMinusOne + 1;
    nextFree = start + lengthMinusOne + 2;
  }
  return total == cardinality;
}

function checkContainer(b: usize, i: u32, type: u32, data: usize): bool {
  const cardinality = cardinalityOf(b, i);
  const runs = runCountOf(b, i);
  if (type == TYPE_ARRAY) return runs == 0 && checkArray(data, cardinality);
  if (type == TYPE_BITSET) return runs == 0 && bitsetCardinality(data) == cardinality;
  return checkRuns(data, runs, cardinality);
}

/** STATUS_OK when [b, b + sizeBytes) is exactly one well-formed bitmap, else CORRUPT_INPUT. */
export function bitmapCheck(b: usize, sizeBytes: usize): i32 {
  if (sizeBytes < HEADER_BYTES || load<u32>(b) != MAGIC) return STATUS_CORRUPT_INPUT;
  const n = containerCount(b);
  if (n > KEY_LIMIT || <u64>headerBytes(n) > <u64>sizeBytes) return STATUS_CORRUPT_INPUT;
  let expected = <u64>headerBytes(n);
  let previousKey: i32 = -1;
  for (let i: u32 = 0; i < n; i++) {
    const key = keyOf(b, i);
    const type = typeOf(b, i);
    if (<i32>key <= previousKey || key >= KEY_LIMIT) return STATUS_CORRUPT_INPUT;
    if (<u64>(dataOf(b, i) - b) != expected) return STATUS_CORRUPT_INPUT;
    if (type < TYPE_ARRAY || type > TYPE_RUN) return STATUS_CORRUPT_INPUT;
    expected += <u64>dataBytes(type, cardinalityOf(b, i), runCountOf(b, i));
    if (expected > <u64>sizeBytes) return STATUS_CORRUPT_INPUT;
    if (!checkContainer(b, i, type, dataOf(b, i))) return STATUS_CORRUPT_INPUT;
    previousKey = <i32>key;
  }
  return expected == <u64>sizeBytes ? STATUS_OK : STATUS_CORRUPT_INPUT;
}
