// Seeded fuzz of the sketch kernels against kernels/reference/sketch.ts, and of the reference
// against the aggregation's own HyperLogLog (host/query/sketches/hll.ts): the registers a
// kernel builds from a dictionary and ids are those DISTINCTCOUNTHLL builds value by value.
// A failure prints its seed (CUVEE_FUZZ_SEED=n).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hllAdd, hllNew } from '../../host/query/sketches/hll.js';
import { SKETCH_HASH_BYTES } from '../../host/runtime/exports/sketch.js';
import { KernelStatus } from '../../host/runtime/status.js';
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
    const ptr =
      typeof view === 'number'
        ? harness.allocator.allocate(Math.max(view, 8))
        : harness.copyIn(view.byteLength === 0 ? new Uint8Array(8) : view);
    if (typeof view === 'number') harness.u8(ptr, view).fill(0);
    pointers.push(ptr);
    return ptr;
  };
  try {
    body(allocate);
  } finally {
    for (const ptr of pointers) harness.allocator.release(ptr);
  }
}

function randomF64(random: SeededRandom): number {
  const pick = random.int(0, 6);
  if (pick === 0) return random.pick([0, -0, NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 60)]);
  if (pick <= 2) return random.int(-1e6, 1e6);
  return (random.next() - 0.5) * 10 ** random.int(-3, 12);
}

function randomStrings(random: SeededRandom, count: number): string[] {
  return Array.from(
    { length: count },
    () => 'x'.repeat(random.int(0, 9)) + String.fromCodePoint(random.int(32, 0x1f600)),
  );
}

test('hash kernels equal the reference for every value kind', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const count = random.length(2000);
    const i64 = BigInt64Array.from({ length: count }, () =>
      BigInt.asIntN(
        64,
        (BigInt(random.int(0, 0xffffffff)) << 32n) | BigInt(random.int(0, 0xffffffff)),
      ),
    );
    const i32 = Int32Array.from({ length: count }, () => random.int(-(2 ** 31), 2 ** 31 - 1));
    const f64 = Float64Array.from({ length: count }, () => randomF64(random));
    withMemory((allocate) => {
      const out = allocate(count * SKETCH_HASH_BYTES);
      const check = (status: number, expected: Uint32Array, what: string): void => {
        assert.equal(status, KernelStatus.OK);
        assert.deepEqual(harness.u32(out, count), expected, `seed ${random.seed} ${what}`);
      };
      check(kernels.hllHashI64(allocate(i64), count, out), reference.hllHashI64(i64), 'i64');
      check(kernels.hllHashI32(allocate(i32), count, out), reference.hllHashI32(i32), 'i32');
      check(kernels.hllHashF64(allocate(f64), count, out), reference.hllHashF64(f64), 'f64');
      const encoded = randomStrings(random, count).map((text) => new TextEncoder().encode(text));
      const offsets = new Uint32Array(count + 1);
      encoded.forEach((bytes, i) => (offsets[i + 1] = offsets[i]! + bytes.length));
      const bytes = new Uint8Array(offsets[count]!);
      encoded.forEach((entry, i) => bytes.set(entry, offsets[i]!));
      const status = kernels.hllHashVarWidth(allocate(offsets), allocate(bytes), count, out);
      check(status, reference.hllHashVarWidth(offsets, bytes), 'var-width');
    });
  });
});

test('register updates from ids and merges equal the reference and the aggregation', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const log2m = random.int(1, 14);
    const registerCount = 2 ** log2m;
    const dictionary = BigInt64Array.from({ length: random.int(1, 3000) }, () =>
      BigInt(random.int(-1e9, 1e9)),
    );
    const ids = Uint32Array.from({ length: random.length(5000) }, () =>
      random.int(0, dictionary.length - 1),
    );
    const hashes = reference.hllHashI64(dictionary);
    const expected = new Uint8Array(registerCount);
    reference.hllUpdateIds(ids, hashes, expected, log2m);
    const viaAggregation = hllNew(log2m);
    for (const id of ids) hllAdd(viaAggregation, dictionary[id]!);
    assert.deepEqual(viaAggregation.registers, expected, `seed ${random.seed}`);
    withMemory((allocate) => {
      const registers = allocate(registerCount);
      const idsPtr = allocate(ids);
      const status = kernels.hllUpdateIds(idsPtr, ids.length, allocate(hashes), registers, log2m);
      assert.equal(status, KernelStatus.OK);
      assert.deepEqual(harness.u8(registers, registerCount), expected, `seed ${random.seed}`);
      const other = Uint8Array.from({ length: registerCount }, () => random.int(0, 32));
      const direct = new Uint8Array(registerCount);
      reference.hllUpdateHashes(hashes, direct, log2m);
      const directPtr = allocate(registerCount);
      kernels.hllUpdateHashes(allocate(hashes), hashes.length, directPtr, log2m);
      assert.deepEqual(harness.u8(directPtr, registerCount), direct, `seed ${random.seed}`);
      reference.hllMergeRegisters(expected, other);
      assert.equal(kernels.hllMergeRegisters(registers, allocate(other), registerCount), 0);
      assert.deepEqual(harness.u8(registers, registerCount), expected, `seed ${random.seed}`);
    });
  });
});

test('bad arguments are refused with a status', () => {
  withMemory((allocate) => {
    const registers = allocate(16);
    assert.equal(kernels.hllUpdateHashes(registers, 0, registers, 0), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.hllUpdateHashes(registers, 0, registers, 21), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.hllHashI64(registers, -1, registers), KernelStatus.BAD_ARGUMENT);
  });
});
