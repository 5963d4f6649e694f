// Seeded fuzz of the histogram and t-digest kernels (kernels/assembly/sketch.ts, second half)
// against kernels/reference/sketch.ts, and of the t-digest reference against the aggregation's
// own compress (host/query/sketches/tdigest.ts): the centroids the kernel builds from a sorted
// histogram are those PERCENTILETDIGEST builds from the same weighted points.
// A failure prints its seed (CUVEE_FUZZ_SEED=n).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tdigestCompress, tdigestNew } from '../../host/query/sketches/tdigest.js';
import { AggValueType } from '../../host/runtime/exports/aggregate.js';
import { KernelStatus } from '../../host/runtime/status.js';
import { packedSizeBytes, pack } from '../../kernels/reference/bitpack.js';
import * as reference from '../../kernels/reference/sketch.js';
import { kernelHarness } from '../support/kernels.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

const harness = kernelHarness();
const kernels = harness.exports;
/** Seeds per test: every value kind and edge length several times. */
const FUZZ_RUNS = 40;

function withMemory(body: (allocate: (view: ArrayBufferView | number) => number) => void): void {
  const pointers: number[] = [];
  const allocate = (view: ArrayBufferView | number): number => {
    const size = typeof view === 'number' ? view : view.byteLength;
    const ptr = harness.allocator.allocate(Math.max(size, 8));
    const target = harness.u8(ptr, Math.max(size, 8));
    target.fill(0);
    if (typeof view !== 'number') {
      target.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }
    pointers.push(ptr);
    return ptr;
  };
  try {
    body(allocate);
  } finally {
    for (const ptr of pointers) harness.allocator.release(ptr);
  }
}

function randomIds(random: SeededRandom, cardinality: number, count: number): Uint32Array {
  // Skewed: a few ids repeat often, most appear rarely or never.
  return Uint32Array.from({ length: count }, () =>
    random.bool(0.5) ? random.int(0, Math.min(cardinality - 1, 3)) : random.int(0, cardinality - 1),
  );
}

test('id histograms and present ids equal the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const cardinality = random.int(1, 3000);
    const ids = randomIds(random, cardinality, random.length(8000));
    const expected = new Uint32Array(cardinality);
    reference.sketchCountIds(ids, expected);
    const present = reference.sketchPresentIds(expected);
    withMemory((allocate) => {
      const counts = allocate(cardinality * 4);
      assert.equal(kernels.sketchCountIds(allocate(ids), ids.length, counts), KernelStatus.OK);
      assert.deepEqual(harness.u32(counts, cardinality), expected, `seed ${random.seed}`);
      const out = allocate(cardinality * 4);
      const n = kernels.sketchPresentIds(counts, cardinality, out);
      assert.deepEqual(harness.u32(out, n), present, `seed ${random.seed}`);
    });
  });
});

test('MV id histograms over dense and listed docs equal the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const cardinality = random.int(1, 70_000);
    const bitWidth = Math.max(1, Math.ceil(Math.log2(cardinality)));
    const docCount = random.length(3000);
    const lists = Array.from({ length: docCount }, () =>
      randomIds(random, cardinality, random.int(0, 5)),
    );
    const offsets = new Uint32Array(docCount + 1);
    lists.forEach((list, doc) => (offsets[doc + 1] = offsets[doc]! + list.length));
    const flat = new Uint32Array(offsets[docCount]!);
    lists.forEach((list, doc) => flat.set(list, offsets[doc]!));
    const packed = new Uint8Array(packedSizeBytes(flat.length, bitWidth));
    pack(flat, bitWidth, packed);
    const startDoc = random.int(0, docCount);
    const denseCount = random.int(0, docCount - startDoc);
    const listed = Uint32Array.from(
      Array.from({ length: docCount }, (_, doc) => doc).filter(() => random.bool(0.3)),
    );
    withMemory((allocate) => {
      const offsetsPtr = allocate(offsets);
      const packedPtr = allocate(packed);
      for (const [docs, docsPtr, first] of [
        [Array.from({ length: denseCount }, (_, i) => startDoc + i), 0, startDoc],
        [[...listed], allocate(listed), 0],
      ] as const) {
        const expected = new Uint32Array(cardinality);
        const total = reference.sketchCountMvIds(lists, docs, expected);
        const counts = allocate(cardinality * 4);
        const counted = kernels.sketchCountMvIds(
          offsetsPtr,
          packedPtr,
          bitWidth,
          docsPtr,
          first,
          docs.length,
          counts,
        );
        assert.equal(counted, total, `seed ${random.seed}`);
        assert.deepEqual(harness.u32(counts, cardinality), expected, `seed ${random.seed}`);
      }
    });
  });
});

function randomDictionary(
  random: SeededRandom,
  valueType: AggValueType,
  cardinality: number,
): Int32Array | BigInt64Array | Float32Array | Float64Array {
  const wide = (): number => (random.next() - 0.5) * 10 ** random.int(0, 15);
  switch (valueType) {
    case AggValueType.I32:
      return Int32Array.from({ length: cardinality }, () => random.int(-(2 ** 31), 2 ** 31 - 1));
    case AggValueType.I64:
      return BigInt64Array.from({ length: cardinality }, () => BigInt(Math.trunc(wide() * 1e4)));
    case AggValueType.F32:
      return Float32Array.from({ length: cardinality }, wide);
    default:
      return Float64Array.from({ length: cardinality }, wide);
  }
}

test('weighted dictionary values equal the reference for every value type', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const valueType = random.pick([
      AggValueType.I32,
      AggValueType.I64,
      AggValueType.F32,
      AggValueType.F64,
    ]);
    const cardinality = random.int(1, 2000);
    const dictionary = randomDictionary(random, valueType, cardinality);
    const counts = Uint32Array.from({ length: cardinality }, () => random.int(0, 3));
    const ids = reference.sketchPresentIds(counts);
    const expected = reference.sketchWeightedValues(dictionary, counts, ids);
    withMemory((allocate) => {
      const values = allocate(ids.length * 8);
      const weights = allocate(ids.length * 8);
      const dictionaryPtr = allocate(dictionary);
      const status = kernels.sketchWeightedValues(
        valueType,
        dictionaryPtr,
        allocate(counts),
        allocate(ids),
        ids.length,
        values,
        weights,
      );
      assert.equal(status, KernelStatus.OK);
      assert.deepEqual(harness.f64(values, ids.length), expected.values, `seed ${random.seed}`);
      assert.deepEqual(harness.f64(weights, ids.length), expected.weights, `seed ${random.seed}`);
      // idsPtr 0: the whole dictionary widened, weights untouched.
      const widened = allocate(cardinality * 8);
      kernels.sketchWeightedValues(valueType, dictionaryPtr, 0, 0, cardinality, widened, 0);
      const all = Float64Array.from(dictionary as ArrayLike<number | bigint>, (v) => Number(v));
      assert.deepEqual(harness.f64(widened, cardinality), all, `seed ${random.seed}`);
    });
  });
});

/** Sorted distinct values with weights: uniform, skewed or a few heavy values. */
function randomHistogram(random: SeededRandom): { means: Float64Array; weights: Float64Array } {
  const count = random.length(6000);
  const shape = random.int(0, 2);
  const values = new Set<number>();
  while (values.size < count) {
    const u = random.next();
    values.add(shape === 0 ? u * 1000 : shape === 1 ? -Math.log(1 - u) * 50 : Math.round(u * 1e9));
  }
  const means = Float64Array.from(values).sort();
  const weights = Float64Array.from(means, () =>
    random.bool(0.05) ? random.int(1, 100_000) : random.int(1, 4),
  );
  return { means, weights };
}

test('t-digest compression equals the reference and the aggregation', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const { means, weights } = randomHistogram(random);
    const compression = random.pick([10, 50, 100, 200, 1000]);
    const expected = reference.tdigestCompressSorted(means, weights, compression);
    const state = tdigestNew(compression);
    state.means = [...means];
    state.weights = [...weights];
    tdigestCompress(state);
    if (means.length > 1) {
      assert.deepEqual(expected.means, state.means, `seed ${random.seed}`);
      assert.deepEqual(expected.weights, state.weights, `seed ${random.seed}`);
    }
    withMemory((allocate) => {
      const meansPtr = allocate(means);
      const weightsPtr = allocate(weights);
      const n = kernels.tdigestCompressSorted(
        meansPtr,
        weightsPtr,
        means.length,
        compression,
        meansPtr,
        weightsPtr,
      );
      assert.equal(n, expected.means.length, `seed ${random.seed}`);
      assert.deepEqual([...harness.f64(meansPtr, n)], expected.means, `seed ${random.seed}`);
      assert.deepEqual([...harness.f64(weightsPtr, n)], expected.weights, `seed ${random.seed}`);
    });
  });
});

test('grouped histograms and grouped HLL registers equal the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const groups = random.int(1, 40);
    const valueCardinality = random.int(1, 500);
    const log2m = random.int(1, 10);
    const count = random.length(6000);
    const keys = randomIds(random, groups, count);
    const values = randomIds(random, valueCardinality, count);
    const hashes = Uint32Array.from({ length: valueCardinality }, () => random.int(0, 2 ** 32 - 1));
    const expectedCounts = new Uint32Array(groups * valueCardinality);
    reference.sketchCountPairs(keys, values, valueCardinality, expectedCounts);
    const expectedRegisters = new Uint8Array(groups << log2m);
    reference.hllUpdateGroupedIds(keys, values, hashes, expectedRegisters, log2m);
    withMemory((allocate) => {
      const keysPtr = allocate(keys);
      const valuesPtr = allocate(values);
      const counts = allocate(expectedCounts.byteLength);
      const registers = allocate(expectedRegisters.length);
      const ok = KernelStatus.OK;
      assert.equal(
        kernels.sketchCountPairs(keysPtr, valuesPtr, count, valueCardinality, counts),
        ok,
      );
      assert.equal(
        kernels.hllUpdateGroupedIds(keysPtr, valuesPtr, count, allocate(hashes), registers, log2m),
        ok,
      );
      const seed = `seed ${random.seed}`;
      assert.deepEqual(harness.u32(counts, expectedCounts.length), expectedCounts, seed);
      assert.deepEqual(harness.u8(registers, expectedRegisters.length), expectedRegisters, seed);
    });
  });
});

test('histogram and t-digest kernels refuse bad arguments', () => {
  withMemory((allocate) => {
    const scratch = allocate(64);
    const bad = KernelStatus.BAD_ARGUMENT;
    assert.equal(kernels.sketchCountIds(scratch, -1, scratch), bad);
    assert.equal(kernels.sketchCountMvIds(scratch, scratch, 33, 0, 0, 1, scratch), bad);
    assert.equal(kernels.sketchCountMvIds(scratch, scratch, 0, 0, 0, 1, scratch), bad);
    assert.equal(kernels.sketchPresentIds(scratch, -1, scratch), bad);
    assert.equal(kernels.sketchCountPairs(scratch, scratch, -1, 1, scratch), bad);
    assert.equal(kernels.hllUpdateGroupedIds(scratch, scratch, 0, scratch, scratch, 0), bad);
    assert.equal(kernels.sketchWeightedValues(7, scratch, 0, 0, 1, scratch, 0), bad);
    assert.equal(kernels.tdigestCompressSorted(scratch, scratch, 1, 0, scratch, scratch), bad);
    assert.equal(kernels.tdigestCompressSorted(scratch, scratch, 0, 100, scratch, scratch), 0);
  });
});
