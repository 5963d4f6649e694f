// Bitmap kernels against their TypeScript reference, byte for byte, on seeded random doc-id
// sets with the edges: empty, one id, containers of 4096 / 4097 values, full containers, long
// runs, keys far apart, bitmaps past a universe; and bitmapCheck on corrupt input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BITMAP_MAGIC,
  BITMAP_SCRATCH_BYTES,
  bitmapAnd,
  bitmapAndMaxBytes,
  bitmapAndNot,
  bitmapAndNotMaxBytes,
  bitmapCardinality,
  bitmapCheck,
  bitmapContains,
  bitmapFromBitset,
  bitmapFromBitsetMaxBytes,
  bitmapFromDocIds,
  bitmapFromDocIdsMaxBytes,
  bitmapNot,
  bitmapNotMaxBytes,
  bitmapOr,
  bitmapOrMaxBytes,
  bitmapSerializedBytes,
  bitmapToBitset,
  bitmapToDocIds,
  ContainerType,
} from '../../kernels/reference/bitmap.js';
import { KernelStatus } from '../../host/runtime/status.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';
import { kernelHarness } from '../support/kernels.js';

const harness = kernelHarness();
const SPAN = 65_536;

// ---- random doc-id sets ------------------------------------------------------------------------

type Pattern = 'one' | 'sparse' | 'exact4096' | 'exact4097' | 'full' | 'runs' | 'dense' | 'pairs';
const PATTERNS: Pattern[] = ['one', 'sparse', 'exact4096', 'exact4097', 'full', 'runs', 'dense',
  'pairs'];

/** Distinct values in [0, 65536) following a pattern, unsorted. */
function containerValues(random: SeededRandom, pattern: Pattern): number[] {
  const distinct = (count: number): number[] => {
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(random.int(0, SPAN - 1));
    return [...chosen];
  };
  switch (pattern) {
    case 'one': return [random.pick([0, SPAN - 1, random.int(0, SPAN - 1)])];
    case 'sparse': return distinct(random.int(1, 5000));
    case 'exact4096': return distinct(4096);
    case 'exact4097': return distinct(4097);
    case 'full': return Array.from({ length: SPAN }, (_, v) => v);
    case 'dense': return Array.from({ length: SPAN }, (_, v) => v).filter(() => random.bool(0.6));
    case 'pairs': {
      // Runs of length 2 with gaps: array and run sizes tie, bitset and run sizes cross.
      const pairs = random.int(1, 2100);
      const stride = random.pick([3, 4, 31]);
      return Array.from({ length: 2 * pairs },
        (_, k) => (Math.floor(k / 2) * stride + (k % 2)) % SPAN);
    }
    default: {
      const values: number[] = [];
      let at = random.int(0, 100);
      while (at < SPAN && values.length < 200_000) {
        const length = random.int(1, random.pick([3, 300, 20_000]));
        for (let v = at; v < Math.min(SPAN, at + length); v++) values.push(v);
        // Gaps of one value are where run arithmetic goes wrong first.
        at += length + random.pick([1, 1, 2, random.int(1, 500)]);
      }
      return values;
    }
  }
}

function randomDocIds(random: SeededRandom): Uint32Array {
  if (random.bool(0.08)) return new Uint32Array(0);
  const keys = new Set<number>();
  const keyCount = random.int(1, 5);
  const far = random.bool(0.3);
  while (keys.size < keyCount) {
    keys.add(far ? random.pick([0, 1, 200, 32_766, 32_767]) : random.int(0, 12));
  }
  const ids: number[] = [];
  for (const key of [...keys].sort((a, b) => a - b)) {
    const values = new Set(containerValues(random, random.pick(PATTERNS)));
    for (const value of [...values].sort((a, b) => a - b)) ids.push(key * SPAN + value);
  }
  return Uint32Array.from(ids);
}

// ---- running kernels ---------------------------------------------------------------------------

/** Copies bytes in (an empty input still gets an address) and returns the pointer. */
function copyIn(bytes: ArrayBufferView): number {
  return harness.copyIn(bytes.byteLength > 0 ? bytes : new Uint8Array(4));
}

/** Allocates `capacity` bytes of output and scratch, runs `body`, returns the bytes written. */
function produce(capacity: number, body: (out: number, scratch: number) => number): Uint8Array {
  const out = harness.allocator.allocate(capacity);
  const scratch = harness.allocator.allocate(BITMAP_SCRATCH_BYTES);
  try {
    const size = body(out, scratch);
    assert.ok(size >= 0, `kernel status ${size}`);
    assert.ok(size <= capacity, `size ${size} within the bound ${capacity}`);
    return harness.u8(out, size).slice();
  } finally {
    harness.allocator.release(out);
    harness.allocator.release(scratch);
  }
}

function kernelFromDocIds(ids: Uint32Array): Uint8Array {
  const idsPtr = copyIn(ids);
  const capacity = harness.exports.bitmapFromDocIdsMaxBytes(ids.length);
  assert.equal(capacity, bitmapFromDocIdsMaxBytes(ids.length));
  const bytes = produce(capacity, (out) =>
    harness.exports.bitmapFromDocIds(idsPtr, ids.length, out, capacity));
  harness.allocator.release(idsPtr);
  return bytes;
}

type BinaryOp = 'and' | 'or' | 'andNot';
const REFERENCE_OPS = {
  and: [bitmapAnd, bitmapAndMaxBytes],
  or: [bitmapOr, bitmapOrMaxBytes],
  andNot: [bitmapAndNot, bitmapAndNotMaxBytes],
} as const;

function kernelBinary(op: BinaryOp, a: Uint8Array, b: Uint8Array): Uint8Array {
  const e = harness.exports;
  const aPtr = copyIn(a);
  const bPtr = copyIn(b);
  const kernels = {
    and: [e.bitmapAnd.bind(e), e.bitmapAndMaxBytes.bind(e)],
    or: [e.bitmapOr.bind(e), e.bitmapOrMaxBytes.bind(e)],
    andNot: [e.bitmapAndNot.bind(e), e.bitmapAndNotMaxBytes.bind(e)],
  } as const;
  const [run, bound] = kernels[op];
  const capacity = bound(aPtr, bPtr);
  assert.equal(capacity, REFERENCE_OPS[op][1](a, b), `${op} size bound`);
  const bytes = produce(capacity, (out, scratch) =>
    run(aPtr, bPtr, out, capacity, scratch, BITMAP_SCRATCH_BYTES));
  harness.allocator.release(aPtr);
  harness.allocator.release(bPtr);
  return bytes;
}

function kernelNot(a: Uint8Array, docCount: number): Uint8Array {
  const aPtr = copyIn(a);
  const capacity = harness.exports.bitmapNotMaxBytes(aPtr, docCount);
  assert.equal(capacity, bitmapNotMaxBytes(a, docCount), 'not size bound');
  const bytes = produce(capacity, (out, scratch) =>
    harness.exports.bitmapNot(aPtr, docCount, out, capacity, scratch, BITMAP_SCRATCH_BYTES));
  harness.allocator.release(aPtr);
  return bytes;
}

function kernelToDocIds(a: Uint8Array, startIndex: number, capacity: number): Uint32Array {
  const aPtr = copyIn(a);
  const out = harness.allocator.allocate(4 * capacity);
  const count = harness.exports.bitmapToDocIds(aPtr, startIndex, out, capacity);
  const ids = harness.u32(out, count).slice();
  harness.allocator.release(aPtr);
  harness.allocator.release(out);
  return ids;
}

function kernelCheck(bytes: Uint8Array): number {
  const ptr = copyIn(bytes);
  const status = harness.exports.bitmapCheck(ptr, bytes.length);
  harness.allocator.release(ptr);
  return status;
}

// ---- tests -------------------------------------------------------------------------------------

test('reference writes the documented layout for a small bitmap', () => {
  const bytes = bitmapFromDocIds([1, 2, 3, 70_000]);
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(0, true), BITMAP_MAGIC);
  assert.equal(view.getUint32(4, true), 2);
  // Container 0: key 0, a run (4 bytes beats an array of 6), 3 values, 1 run.
  const descriptor = (at: number): number[] =>
    [0, 2, 4, 6].map((field) => view.getUint16(at + field, true));
  assert.deepEqual(descriptor(8), [0, ContainerType.RUN, 2, 1]);
  // Container 1: key 1, an array of one value.
  assert.deepEqual(descriptor(16), [1, ContainerType.ARRAY, 0, 0]);
  assert.deepEqual([view.getUint32(24, true), view.getUint32(28, true)], [32, 36]);
  assert.deepEqual([view.getUint16(32, true), view.getUint16(34, true)], [1, 2]);
  assert.equal(view.getUint16(36, true), 70_000 - SPAN);
  assert.equal(bytes.length, 38);
  assert.equal(bitmapSerializedBytes(bytes), 38);
  assert.deepEqual([...bitmapToDocIds(bitmapNot(bytes, 5))], [0, 4]);
  assert.equal(bitmapCheck(bytes), KernelStatus.OK);
});

test('kernel fromDocIds and queries match the reference', () => {
  forEachSeed(25, (random) => {
    const ids = randomDocIds(random);
    const expected = bitmapFromDocIds(ids);
    const actual = kernelFromDocIds(ids);
    assert.deepEqual(actual, expected, `fromDocIds of ${ids.length} ids`);
    assert.equal(kernelCheck(actual), KernelStatus.OK);
    assert.deepEqual(bitmapToDocIds(expected), ids, 'reference round trip');
    const ptr = copyIn(actual);
    assert.equal(harness.exports.bitmapCardinality(ptr), ids.length);
    assert.equal(harness.exports.bitmapSerializedBytes(ptr), actual.length);
    assert.equal(bitmapCardinality(expected), ids.length);
    for (let k = 0; k < 50; k++) {
      const probe = random.bool() && ids.length > 0
        ? ids[random.int(0, ids.length - 1)]! + random.int(-1, 1)
        : random.int(0, 2 ** 31 - 1);
      if (probe < 0) continue;
      const contained = harness.exports.bitmapContains(ptr, probe) === 1;
      assert.equal(contained, bitmapContains(expected, probe), `contains ${probe}`);
    }
    harness.allocator.release(ptr);
    const pageSize = random.int(1, Math.max(1, ids.length));
    const start = random.int(0, ids.length + 2);
    assert.deepEqual(kernelToDocIds(actual, start, pageSize),
      bitmapToDocIds(expected, start, pageSize), `toDocIds page from ${start}`);
    assert.deepEqual(kernelToDocIds(actual, 0, ids.length + 1), ids, 'toDocIds of everything');
  });
});

test('kernel and, or, andNot and not match the reference', () => {
  forEachSeed(25, (random) => {
    const a = bitmapFromDocIds(randomDocIds(random));
    const b = random.bool(0.2) ? a : bitmapFromDocIds(randomDocIds(random));
    for (const op of ['and', 'or', 'andNot'] as const) {
      const expected = REFERENCE_OPS[op][0](a, b);
      assert.deepEqual(kernelBinary(op, a, b), expected, op);
      assert.deepEqual(kernelBinary(op, b, a), REFERENCE_OPS[op][0](b, a), `${op} swapped`);
    }
    const docCount = random.pick([0, 1, SPAN, SPAN + 1, random.int(0, 14 * SPAN)]);
    assert.deepEqual(kernelNot(a, docCount), bitmapNot(a, docCount), `not within ${docCount}`);
  });
});

test('every pair of container patterns on one key combines like the reference', () => {
  forEachSeed(2, (random) => {
    const single = (pattern: Pattern): Uint8Array => bitmapFromDocIds(Uint32Array.from(
      [...new Set(containerValues(random, pattern))].sort((x, y) => x - y), (v) => 7 * SPAN + v));
    for (const left of PATTERNS) {
      for (const right of PATTERNS) {
        const a = single(left);
        const b = single(right);
        for (const op of ['and', 'or', 'andNot'] as const) {
          assert.deepEqual(kernelBinary(op, a, b), REFERENCE_OPS[op][0](a, b),
            `${left} ${op} ${right}`);
        }
      }
    }
  });
});

test('not over the largest universe complements every container', () => {
  const universe = 2 ** 31;
  const ids = Uint32Array.from([0, 5, SPAN * 100 + 7, universe - 1]);
  const complement = kernelNot(bitmapFromDocIds(ids), universe);
  assert.equal(kernelCheck(complement), KernelStatus.OK);
  const ptr = copyIn(complement);
  assert.equal(harness.exports.bitmapCardinality(ptr), universe - ids.length);
  for (const id of ids) assert.equal(harness.exports.bitmapContains(ptr, id), 0, `${id} removed`);
  for (const id of [1, 4, 6, SPAN * 100 + 6, universe - 2]) {
    assert.equal(harness.exports.bitmapContains(ptr, id), 1, `${id} kept`);
  }
  harness.allocator.release(ptr);
});

test('kernel plain-bitset conversions match the reference', () => {
  forEachSeed(20, (random) => {
    const wordCount = random.pick([0, 1, 2047, 2048, 2049, random.int(0, 10 * 2048)]);
    const words = new Uint32Array(wordCount);
    const density = random.pick([0, 0.001, 0.5, 0.999, 1]);
    for (let w = 0; w < wordCount; w++) {
      if (random.bool(0.1)) words[w] = random.bool() ? 0xffffffff : 0;
      else for (let bit = 0; bit < 32; bit++) if (random.bool(density)) words[w]! |= 1 << bit;
    }
    const expected = bitmapFromBitset(words);
    const wordsPtr = copyIn(words);
    const capacity = harness.exports.bitmapFromBitsetMaxBytes(wordCount);
    assert.equal(capacity, bitmapFromBitsetMaxBytes(wordCount));
    const actual = produce(capacity, (out, scratch) =>
      harness.exports.bitmapFromBitset(wordsPtr, wordCount, out, capacity, scratch,
        BITMAP_SCRATCH_BYTES));
    harness.allocator.release(wordsPtr);
    assert.deepEqual(actual, expected, `fromBitset of ${wordCount} words`);
    const bitmapPtr = copyIn(actual);
    const outWords = harness.allocator.allocate(4 * wordCount);
    assert.equal(harness.exports.bitmapToBitset(bitmapPtr, outWords, wordCount), KernelStatus.OK);
    assert.deepEqual(harness.u32(outWords, wordCount).slice(), words, 'toBitset round trip');
    assert.deepEqual(bitmapToBitset(actual, wordCount), words, 'reference toBitset');
    if (wordCount > 0 && words[wordCount - 1] !== 0) {
      assert.equal(harness.exports.bitmapToBitset(bitmapPtr, outWords, wordCount - 1),
        KernelStatus.OUTPUT_TOO_SMALL, 'ids past a shorter bitset are refused');
    }
    harness.allocator.release(bitmapPtr);
    harness.allocator.release(outWords);
  });
});

test('containers in a non-optimal form are re-encoded on output', () => {
  // A bitset container holding three values: valid, but an array is smaller.
  const bytes = new Uint8Array(8 + 12 + 8192);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, BITMAP_MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint16(8, 3, true);
  view.setUint16(10, ContainerType.BITSET, true);
  view.setUint16(12, 2, true);
  view.setUint32(16, 20, true);
  bytes[20] = 0b1011;
  assert.equal(bitmapCheck(bytes), KernelStatus.OK);
  assert.equal(kernelCheck(bytes), KernelStatus.OK);
  const empty = bitmapFromDocIds([]);
  const expected = bitmapFromDocIds([3 * SPAN, 3 * SPAN + 1, 3 * SPAN + 3]);
  assert.deepEqual(bitmapOr(bytes, empty), expected);
  assert.deepEqual(kernelBinary('or', bytes, empty), expected);
  assert.deepEqual(kernelBinary('andNot', bytes, empty), expected);
});

test('kernels report short output, short scratch and bad arguments', () => {
  const a = bitmapFromDocIds(Uint32Array.from({ length: 5000 }, (_, i) => i * 3));
  const aPtr = copyIn(a);
  const out = harness.allocator.allocate(a.length);
  const scratch = harness.allocator.allocate(BITMAP_SCRATCH_BYTES);
  const e = harness.exports;
  assert.equal(e.bitmapOr(aPtr, aPtr, out, a.length - 1, scratch, BITMAP_SCRATCH_BYTES),
    KernelStatus.OUTPUT_TOO_SMALL);
  assert.equal(e.bitmapOr(aPtr, aPtr, out, a.length, scratch, BITMAP_SCRATCH_BYTES), a.length);
  assert.equal(e.bitmapAnd(aPtr, aPtr, out, a.length, scratch, BITMAP_SCRATCH_BYTES - 1),
    KernelStatus.SCRATCH_TOO_SMALL);
  assert.equal(e.bitmapNot(aPtr, 2 ** 31 + 1, out, a.length, scratch, BITMAP_SCRATCH_BYTES),
    KernelStatus.BAD_ARGUMENT);
  const unsorted = copyIn(Uint32Array.from([5, 4]));
  assert.equal(e.bitmapFromDocIds(unsorted, 2, out, a.length), KernelStatus.BAD_ARGUMENT);
  const tooLarge = copyIn(Uint32Array.from([2 ** 31]));
  assert.equal(e.bitmapFromDocIds(tooLarge, 1, out, a.length), KernelStatus.BAD_ARGUMENT);
  for (const ptr of [aPtr, out, scratch, unsorted, tooLarge]) harness.allocator.release(ptr);
});

/** Corruptions of a valid bitmap, each of which bitmapCheck must refuse. */
function corruptions(valid: Uint8Array): Array<[string, Uint8Array]> {
  const edit = (change: (view: DataView, bytes: Uint8Array) => void): Uint8Array => {
    const copy = valid.slice();
    change(new DataView(copy.buffer), copy);
    return copy;
  };
  const count = new DataView(valid.buffer).getUint32(4, true);
  const dataAt = 8 + 12 * count;
  // The valid input below: an array of 3 values, then a bitset, then runs.
  const bitsetAt = dataAt + 6;
  const runsAt = bitsetAt + 8192;
  return [
    ['truncated header', valid.subarray(0, 6)],
    ['truncated data', valid.subarray(0, valid.length - 1)],
    ['trailing byte', Uint8Array.from([...valid, 0])],
    ['bad magic', edit((v) => v.setUint32(0, BITMAP_MAGIC ^ 1, true))],
    ['huge count', edit((v) => v.setUint32(4, 0xffffffff, true))],
    ['keys out of order', edit((v) => v.setUint16(16, v.getUint16(8, true), true))],
    ['key past 2^31', edit((v) => v.setUint16(8 + 8 * (count - 1), 40_000, true))],
    ['unknown type', edit((v) => v.setUint16(10, 7, true))],
    ['wrong offset', edit((v) => v.setUint32(8 + 8 * count, dataAt + 2, true))],
    ['array out of order', edit((v) => v.setUint16(dataAt, 0xffff, true))],
    ['bitset cardinality', edit((_, bytes) => { bytes[bitsetAt + 1000]! ^= 0x40; })],
    ['run past the container', edit((v) => v.setUint16(runsAt + 2, 0xffff, true))],
    ['runs touching', edit((v) => v.setUint16(runsAt + 4, v.getUint16(runsAt, true) + 100, true))],
    ['run count zero', edit((v) => v.setUint16(8 + 16 + 6, 0, true))],
  ];
}

test('bitmapCheck refuses corrupt input', () => {
  // Container 0: array; container 1: bitset; container 2: runs.
  const ids: number[] = [5, 9, 11];
  for (let v = 0; v < SPAN; v += 2) ids.push(SPAN + v);
  for (let v = 100; v < 200; v++) ids.push(2 * SPAN + v);
  for (let v = 300; v < 400; v++) ids.push(2 * SPAN + v);
  const valid = bitmapFromDocIds(ids);
  assert.equal(kernelCheck(valid), KernelStatus.OK);
  assert.equal(kernelCheck(bitmapFromDocIds([])), KernelStatus.OK);
  for (const [what, bytes] of corruptions(valid)) {
    assert.equal(bitmapCheck(bytes), KernelStatus.CORRUPT_INPUT, `reference: ${what}`);
    assert.equal(kernelCheck(bytes), KernelStatus.CORRUPT_INPUT, `kernel: ${what}`);
  }
});
