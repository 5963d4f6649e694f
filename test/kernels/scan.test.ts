// Seeded fuzz of the scan kernels (kernels/assembly/scan.ts) against the TypeScript reference
// (kernels/reference/scan.ts): every width 1..32, doc ranges not aligned to 32, every output
// (bitset with garbage around the range, selection vector, count), raw INT/LONG/FLOAT/DOUBLE
// columns with inclusive, exclusive and negated bounds, NaN and infinities.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawRangeFlag, ScanOutputMode } from '../../host/runtime/exports/scan.js';
import { KernelStatus } from '../../host/runtime/status.js';
import { maxValueOf, pack, packedSizeBytes } from '../../kernels/reference/bitpack.js';
import {
  scanIds,
  scanRaw,
  type IdPredicate,
  type NumericColumn,
  type RawPredicate,
  type ScanOutputMode as ReferenceOutputMode,
} from '../../kernels/reference/scan.js';
import { kernelHarness } from '../support/kernels.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

/** Seeds per fuzz test: each seed covers all 32 widths or all 4 raw types several times. */
const FUZZ_SEEDS = 10;
/** Raw cases per seed. */
const RAW_CASES_PER_SEED = 40;
/** Largest u32 id a caller may pass (beyond a width's maximum on purpose). */
const U32_MAX = 2 ** 32 - 1;
/** Words of garbage padding a selection vector's unused tail, to catch overruns. */
const OUTPUTS = [ScanOutputMode.BITSET, ScanOutputMode.SELECTION, ScanOutputMode.COUNT] as const;

const h = kernelHarness();

/** Runs one scan with every output mode through the kernel and the reference and compares. */
function compareOutputs(
  random: SeededRandom,
  docCount: number,
  startDoc: number,
  endDoc: number,
  kernel: (output: ReferenceOutputMode, outPtr: number) => number,
  reference: (output: ReferenceOutputMode, out: Uint32Array) => number,
  what: string,
): void {
  for (const output of OUTPUTS) {
    const length =
      output === ScanOutputMode.BITSET
        ? Math.max(1, Math.ceil(docCount / 32))
        : endDoc - startDoc + 1;
    // Garbage around the range: bitsets must keep it, selections must not write past the count.
    const initial = Uint32Array.from({ length }, () => random.int(0, U32_MAX));
    const outPtr = h.copyIn(initial);
    const expected = initial.slice();
    const expectedCount = reference(output, expected);
    const count = kernel(output, outPtr);
    const message = `${what}, output ${output}, docs [${startDoc}, ${endDoc}) of ${docCount}`;
    assert.equal(count, expectedCount, message);
    if (output !== ScanOutputMode.COUNT) {
      assert.deepEqual(h.u32(outPtr, length).slice(), expected, message);
    }
    h.allocator.release(outPtr);
  }
}

function randomDocRange(random: SeededRandom, docCount: number): [number, number] {
  if (random.bool(0.3)) return [0, docCount];
  const startDoc = random.int(0, docCount);
  return [startDoc, random.int(startDoc, docCount)];
}

function randomIds(random: SeededRandom, count: number, bitWidth: number): Uint32Array {
  const maxId = maxValueOf(bitWidth);
  // A few distinct ids make eq/neq/range hit; uniform ids cover the whole width.
  const pool = [0, maxId, random.int(0, maxId), random.int(0, maxId), random.int(0, maxId)];
  const uniform = random.bool();
  return Uint32Array.from({ length: count }, () =>
    uniform ? random.int(0, maxId) : random.pick(pool),
  );
}

function randomIdPredicate(random: SeededRandom, ids: Uint32Array, bitWidth: number): IdPredicate {
  const maxId = maxValueOf(bitWidth);
  const pickId = (): number =>
    ids.length > 0 && random.bool(0.7)
      ? ids[random.int(0, ids.length - 1)]!
      : random.pick([0, maxId, random.int(0, maxId), random.int(0, U32_MAX)]);
  const kind = random.pick(['eq', 'neq', 'range', 'inSet'] as const);
  if (kind === 'eq' || kind === 'neq') return { kind, id: pickId() };
  if (kind === 'range') return { kind, loId: pickId(), hiId: pickId() };
  const idCount = random.pick([
    0,
    1,
    random.int(1, Math.min(maxId + 1, 5000)),
    random.int(1, 5000),
  ]);
  const density = random.next();
  const idSet = new Uint32Array(Math.ceil(idCount / 32));
  for (let id = 0; id < idCount; id++) {
    if (random.bool(density)) idSet[id >>> 5] = idSet[id >>> 5]! | (1 << (id & 31));
  }
  return { kind, idSet, idCount };
}

/** Calls the kernel for an id predicate (the set is copied in and released here). */
function scanIdsWithKernel(
  packedPtr: number,
  bitWidth: number,
  startDoc: number,
  endDoc: number,
  predicate: IdPredicate,
  output: ReferenceOutputMode,
  outPtr: number,
): number {
  const k = h.exports;
  switch (predicate.kind) {
    case 'eq':
      return k.scanIdsEq(packedPtr, bitWidth, startDoc, endDoc, predicate.id, output, outPtr);
    case 'neq':
      return k.scanIdsNeq(packedPtr, bitWidth, startDoc, endDoc, predicate.id, output, outPtr);
    case 'range': {
      const { loId, hiId } = predicate;
      return k.scanIdsRange(packedPtr, bitWidth, startDoc, endDoc, loId, hiId, output, outPtr);
    }
    case 'inSet': {
      const setPtr = h.copyIn(predicate.idSet);
      const count = k.scanIdsInSet(
        packedPtr, bitWidth, startDoc, endDoc, setPtr, predicate.idCount, output, outPtr,
      );
      h.allocator.release(setPtr);
      return count;
    }
  }
}

describe('scan over bit-packed ids', () => {
  it('matches the reference for every width, predicate and output', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (let bitWidth = 1; bitWidth <= 32; bitWidth++) {
        const ids = randomIds(random, random.length(3000), bitWidth);
        const packed = new Uint8Array(packedSizeBytes(ids.length, bitWidth));
        pack(ids, bitWidth, packed);
        const packedPtr = h.copyIn(packed);
        const [startDoc, endDoc] = randomDocRange(random, ids.length);
        const predicate = randomIdPredicate(random, ids, bitWidth);
        compareOutputs(
          random,
          ids.length,
          startDoc,
          endDoc,
          (output, outPtr) =>
            scanIdsWithKernel(packedPtr, bitWidth, startDoc, endDoc, predicate, output, outPtr),
          (output, out) => scanIds(packed, bitWidth, startDoc, endDoc, predicate, output, out),
          `width ${bitWidth}, ${JSON.stringify({ ...predicate, idSet: undefined })}`,
        );
        h.allocator.release(packedPtr);
      }
    });
  });

  it('keeps the bits outside the range in straddling bitset words', () => {
    const packed = new Uint8Array(packedSizeBytes(64, 7));
    pack(new Uint32Array(64).fill(3), 7, packed);
    const packedPtr = h.copyIn(packed);
    const bitsetPtr = h.copyIn(new Uint32Array(2).fill(U32_MAX));
    const count = h.exports.scanIdsEq(packedPtr, 7, 5, 40, 4, ScanOutputMode.BITSET, bitsetPtr);
    assert.equal(count, 0);
    assert.deepEqual([...h.u32(bitsetPtr, 2)], [0x1f, 0xffffff00]);
    assert.equal(h.exports.scanIdsEq(packedPtr, 7, 5, 40, 3, ScanOutputMode.BITSET, bitsetPtr), 35);
    assert.deepEqual([...h.u32(bitsetPtr, 2)], [U32_MAX, U32_MAX]);
  });

  it('scans of consecutive ranges compose into the scan of their union', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      const bitWidth = random.int(1, 32);
      const ids = randomIds(random, random.int(1, 3000), bitWidth);
      const packed = new Uint8Array(packedSizeBytes(ids.length, bitWidth));
      pack(ids, bitWidth, packed);
      const packedPtr = h.copyIn(packed);
      const words = Math.ceil(ids.length / 32);
      const wholePtr = h.copyIn(new Uint32Array(words));
      const piecesPtr = h.copyIn(new Uint32Array(words));
      const hiId = random.int(0, maxValueOf(bitWidth));
      h.exports.scanIdsRange(packedPtr, bitWidth, 0, ids.length, 0, hiId, 0, wholePtr);
      const cut = random.int(0, ids.length);
      h.exports.scanIdsRange(packedPtr, bitWidth, cut, ids.length, 0, hiId, 0, piecesPtr);
      h.exports.scanIdsRange(packedPtr, bitWidth, 0, cut, 0, hiId, 0, piecesPtr);
      assert.deepEqual(h.u32(piecesPtr, words).slice(), h.u32(wholePtr, words).slice());
      for (const ptr of [packedPtr, wholePtr, piecesPtr]) h.allocator.release(ptr);
    });
  });

  it('returns BAD_ARGUMENT for widths 0 and 33, reversed ranges and unknown outputs', () => {
    const packedPtr = h.copyIn(new Uint8Array(packedSizeBytes(64, 32)));
    const outPtr = h.allocator.allocate(64 * 4);
    const bad = KernelStatus.BAD_ARGUMENT;
    const k = h.exports;
    for (const bitWidth of [0, 33]) {
      assert.equal(k.scanIdsRange(packedPtr, bitWidth, 0, 10, 0, 1, 0, outPtr), bad);
      assert.equal(k.scanIdsEq(packedPtr, bitWidth, 0, 10, 0, 1, outPtr), bad);
      assert.equal(k.scanIdsNeq(packedPtr, bitWidth, 0, 10, 0, 2, outPtr), bad);
      assert.equal(k.scanIdsInSet(packedPtr, bitWidth, 0, 10, outPtr, 1, 0, outPtr), bad);
    }
    assert.equal(k.scanIdsRange(packedPtr, 5, 10, 9, 0, 1, 0, outPtr), bad);
    assert.equal(k.scanIdsRange(packedPtr, 5, 0, 9, 0, 1, 3 as 0, outPtr), bad);
    assert.equal(k.scanI32Range(packedPtr, 10, 9, 0, 1, 0, 0, outPtr), bad);
    assert.equal(k.scanI32Range(packedPtr, 0, 9, 0, 1, 8, 0, outPtr), bad);
    assert.equal(k.scanF64Range(packedPtr, 0, 9, 0, 1, 0, 7 as 0, outPtr), bad);
    assert.equal(k.scanIdsRange(packedPtr, 5, 9, 9, 0, 1, 0, outPtr), 0);
  });
});

type RawType = 'i32' | 'i64' | 'f32' | 'f64';

/** Values that sit on every edge of a type, plus a small range that makes predicates hit. */
function rawPool(random: SeededRandom, type: RawType): (number | bigint)[] {
  const small = (): number => random.int(-20, 20) / (type === 'f32' || type === 'f64' ? 2 : 1);
  if (type === 'i32') return [-(2 ** 31), 2 ** 31 - 1, 0, small(), small(), small()];
  if (type === 'i64') {
    const big = BigInt(random.int(-(2 ** 31), 2 ** 31)) * 4_294_967_311n;
    return [-(2n ** 63n), 2n ** 63n - 1n, 0n, big, BigInt(small()), BigInt(small())];
  }
  const max = type === 'f32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const tiny = type === 'f32' ? 1.401298464324817e-45 : Number.MIN_VALUE;
  // Neighbours one unit in the last place apart pin the exclusive-bound conversion.
  const aboveOne = type === 'f32' ? 1 + 2 ** -23 : 1 + 2 ** -52;
  const edges = [NaN, Infinity, -Infinity, 0, -0, max, -max, tiny, -tiny, 2 * tiny, -2 * tiny];
  edges.push(1, aboveOne, -1, -aboveOne, random.next() * 1e6);
  return [...edges, small(), small(), small(), small()];
}

function rawColumn(type: RawType, values: (number | bigint)[]): NumericColumn {
  if (type === 'i32') return Int32Array.from(values as number[]);
  if (type === 'i64') return BigInt64Array.from(values as bigint[]);
  const numbers = values as number[];
  return type === 'f32' ? Float32Array.from(numbers) : Float64Array.from(numbers);
}

interface RawBounds {
  lo: number | bigint;
  hi: number | bigint;
  flags: number;
}

function rawFlags(predicate: RawPredicate): RawBounds {
  if (predicate.kind === 'eq') return { lo: predicate.value, hi: predicate.value, flags: 0 };
  if (predicate.kind === 'neq') {
    return { lo: predicate.value, hi: predicate.value, flags: RawRangeFlag.NEGATE };
  }
  const flags =
    (predicate.loInclusive ? 0 : RawRangeFlag.LO_EXCLUSIVE) |
    (predicate.hiInclusive ? 0 : RawRangeFlag.HI_EXCLUSIVE) |
    (predicate.negate === true ? RawRangeFlag.NEGATE : 0);
  return { lo: predicate.lo, hi: predicate.hi, flags };
}

function scanRawWithKernel(
  type: RawType,
  valuesPtr: number,
  startDoc: number,
  endDoc: number,
  predicate: RawPredicate,
  output: ReferenceOutputMode,
  outPtr: number,
): number {
  const { lo, hi, flags } = rawFlags(predicate);
  const k = h.exports;
  const [loNumber, hiNumber] = [Number(lo), Number(hi)];
  switch (type) {
    case 'i64': {
      const [loLong, hiLong] = [lo as bigint, hi as bigint];
      return k.scanI64Range(valuesPtr, startDoc, endDoc, loLong, hiLong, flags, output, outPtr);
    }
    case 'i32':
      return k.scanI32Range(valuesPtr, startDoc, endDoc, loNumber, hiNumber, flags, output, outPtr);
    case 'f32':
      return k.scanF32Range(valuesPtr, startDoc, endDoc, loNumber, hiNumber, flags, output, outPtr);
    case 'f64':
      return k.scanF64Range(valuesPtr, startDoc, endDoc, loNumber, hiNumber, flags, output, outPtr);
  }
}

function randomRawPredicate(random: SeededRandom, pool: (number | bigint)[]): RawPredicate {
  const kind = random.pick(['eq', 'neq', 'range'] as const);
  if (kind !== 'range') return { kind, value: random.pick(pool) };
  return {
    kind,
    lo: random.pick(pool),
    hi: random.pick(pool),
    loInclusive: random.bool(),
    hiInclusive: random.bool(),
    negate: random.bool(0.3),
  };
}

describe('scan over raw numeric columns', () => {
  it('matches the reference for INT, LONG, FLOAT and DOUBLE', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (let i = 0; i < RAW_CASES_PER_SEED; i++) {
        const type = random.pick(['i32', 'i64', 'f32', 'f64'] as const);
        const pool = rawPool(random, type);
        const column = rawColumn(
          type,
          Array.from({ length: random.length(2000) }, () => random.pick(pool)),
        );
        const valuesPtr = h.copyIn(column);
        const [startDoc, endDoc] = randomDocRange(random, column.length);
        const predicate = randomRawPredicate(random, pool);
        compareOutputs(
          random,
          column.length,
          startDoc,
          endDoc,
          (output, outPtr) =>
            scanRawWithKernel(type, valuesPtr, startDoc, endDoc, predicate, output, outPtr),
          (output, out) => scanRaw(column, startDoc, endDoc, predicate, output, out),
          `${type} ${String(Object.values(predicate))}`,
        );
        h.allocator.release(valuesPtr);
      }
    });
  });

  it('agrees on every pair of edge bounds with every flag combination', () => {
    forEachSeed(1, (random) => {
      for (const type of ['i32', 'i64', 'f32', 'f64'] as const) {
        const pool = rawPool(random, type);
        const column = rawColumn(type, pool);
        const valuesPtr = h.copyIn(column);
        for (const lo of pool) {
          for (const hi of pool) {
            for (let flags = 0; flags <= 7; flags++) {
              const predicate: RawPredicate = {
                kind: 'range',
                lo,
                hi,
                loInclusive: (flags & RawRangeFlag.LO_EXCLUSIVE) === 0,
                hiInclusive: (flags & RawRangeFlag.HI_EXCLUSIVE) === 0,
                negate: (flags & RawRangeFlag.NEGATE) !== 0,
              };
              const count = scanRawWithKernel(type, valuesPtr, 0, column.length, predicate, 2, 0);
              const expected = scanRaw(column, 0, column.length, predicate, 2);
              assert.equal(count, expected, `${type} ${String(lo)}..${String(hi)} flags ${flags}`);
            }
          }
        }
        h.allocator.release(valuesPtr);
      }
    });
  });
});
