// Seeded fuzz of the bit-packing kernels (kernels/assembly/bitpack.ts) against the TypeScript
// reference (kernels/reference/bitpack.ts): every width 1..32, edge lengths, values at the
// width's maximum, and the status codes for bad widths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KernelStatus } from '../../host/runtime/status.js';
import {
  bitsNeeded,
  maxValueOf,
  pack,
  packedSizeBytes,
  unpack,
  unpackOne,
} from '../../kernels/reference/bitpack.js';
import { kernelHarness, type KernelHarness } from '../support/kernels.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

/** Widths the layout accepts. */
const WIDTHS = Array.from({ length: 32 }, (_, i) => i + 1);
/** Seeds per fuzz test: each seed covers all 32 widths. */
const FUZZ_SEEDS = 12;

/** Values at `bitWidth`: uniform, all equal, or clustered at 0 and the maximum. */
function randomValues(random: SeededRandom, count: number, bitWidth: number): Uint32Array {
  const maxValue = maxValueOf(bitWidth);
  const values = new Uint32Array(count);
  const shape = random.int(0, 2);
  const constant = random.pick([0, maxValue, random.int(0, maxValue)]);
  for (let i = 0; i < count; i++) {
    if (shape === 0) values[i] = random.int(0, maxValue);
    else if (shape === 1) values[i] = constant;
    else values[i] = random.bool() ? maxValue : random.pick([0, 1, maxValue - 1]) & maxValue;
  }
  return values;
}

function packReference(values: Uint32Array, bitWidth: number): Uint8Array {
  const packed = new Uint8Array(packedSizeBytes(values.length, bitWidth));
  pack(values, bitWidth, packed);
  return packed;
}

function packWithKernel(h: KernelHarness, values: Uint32Array, bitWidth: number): Uint8Array {
  const valuesPtr = h.copyIn(values);
  const sizeBytes = packedSizeBytes(values.length, bitWidth);
  const outPtr = h.allocator.allocate(sizeBytes);
  // Garbage in the output proves the kernel writes every byte, padding included.
  h.u8(outPtr, sizeBytes).fill(0xa5);
  const status = h.exports.pack(valuesPtr, values.length, bitWidth, outPtr);
  assert.equal(status, KernelStatus.OK, `pack status at width ${bitWidth}`);
  const packed = h.u8(outPtr, sizeBytes).slice();
  h.allocator.release(valuesPtr);
  h.allocator.release(outPtr);
  return packed;
}

describe('bitpack reference', () => {
  it('packs LSB-first into a padded little-endian bit stream (golden bytes)', () => {
    const packed = packReference(Uint32Array.of(1, 2, 3, 4, 5), 3);
    assert.equal(packed.length, 12 + 16);
    assert.deepEqual([...packed.subarray(0, 3)], [0xd1, 0x58, 0x00]);
    assert.deepEqual([...packReference(Uint32Array.of(0x1234), 16).subarray(0, 2)], [0x34, 0x12]);
  });

  it('sizes whole 32-value blocks plus 16 bytes of padding', () => {
    assert.equal(packedSizeBytes(0, 5), 16);
    assert.equal(packedSizeBytes(1, 1), 4 + 16);
    assert.equal(packedSizeBytes(32, 7), 28 + 16);
    assert.equal(packedSizeBytes(33, 7), 56 + 16);
    assert.equal(packedSizeBytes(100, 32), 512 + 16);
  });

  it('bitsNeeded is at least 1 and holds the maximum', () => {
    assert.equal(bitsNeeded(0), 1);
    assert.equal(bitsNeeded(1), 1);
    assert.equal(bitsNeeded(2), 2);
    assert.equal(bitsNeeded(255), 8);
    assert.equal(bitsNeeded(256), 9);
    assert.equal(bitsNeeded(2 ** 31), 32);
    assert.equal(bitsNeeded(2 ** 32 - 1), 32);
    assert.throws(() => bitsNeeded(2 ** 32));
  });

  it('round-trips every width', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (const bitWidth of WIDTHS) {
        const values = randomValues(random, random.length(600), bitWidth);
        const packed = packReference(values, bitWidth);
        const decoded = new Uint32Array(values.length);
        unpack(packed, bitWidth, values.length, decoded);
        assert.deepEqual(decoded, values, `width ${bitWidth}`);
      }
    });
  });

  it('refuses values wider than the width', () => {
    assert.throws(() => packReference(Uint32Array.of(8), 3));
  });
});

describe('bitpack kernels', () => {
  const h = kernelHarness();

  it('pack writes the reference bytes for every width', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (const bitWidth of WIDTHS) {
        const values = randomValues(random, random.length(3000), bitWidth);
        assert.deepEqual(
          packWithKernel(h, values, bitWidth),
          packReference(values, bitWidth),
          `width ${bitWidth}, ${values.length} values`,
        );
      }
    });
  });

  it('unpack decodes any [start, start + count) like the reference', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (const bitWidth of WIDTHS) {
        const values = randomValues(random, random.length(3000), bitWidth);
        const packedPtr = h.copyIn(packReference(values, bitWidth));
        const start = random.int(0, values.length);
        const count = random.int(0, values.length - start);
        const outPtr = h.allocator.allocate(count * 4);
        const status = h.exports.unpack(packedPtr, bitWidth, start, count, outPtr);
        assert.equal(status, KernelStatus.OK);
        const what = `width ${bitWidth}, [${start}, ${start + count}) of ${values.length}`;
        assert.deepEqual(h.u32(outPtr, count).slice(), values.slice(start, start + count), what);
        h.allocator.release(packedPtr);
        h.allocator.release(outPtr);
      }
    });
  });

  it('unpackOne and unpackAt read single values like the reference', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (const bitWidth of WIDTHS) {
        const values = randomValues(random, random.int(1, 2000), bitWidth);
        const packed = packReference(values, bitWidth);
        const packedPtr = h.copyIn(packed);
        const docIds = Uint32Array.from({ length: random.length(200) }, () =>
          random.int(0, values.length - 1),
        );
        for (const doc of docIds) {
          const expected = unpackOne(packed, bitWidth, doc);
          assert.equal(h.exports.unpackOne(packedPtr, bitWidth, doc) >>> 0, expected);
        }
        const docIdsPtr = h.copyIn(docIds);
        const outPtr = h.allocator.allocate(docIds.length * 4);
        const status = h.exports.unpackAt(packedPtr, bitWidth, docIdsPtr, docIds.length, outPtr);
        assert.equal(status, KernelStatus.OK);
        const expected = docIds.map((doc) => values[doc]!);
        assert.deepEqual(h.u32(outPtr, docIds.length).slice(), expected, `width ${bitWidth}`);
        for (const ptr of [packedPtr, docIdsPtr, outPtr]) h.allocator.release(ptr);
      }
    });
  });

  it('returns BAD_ARGUMENT for widths 0 and 33 and for values too wide', () => {
    const valuesPtr = h.copyIn(Uint32Array.of(1, 2, 8));
    const outPtr = h.allocator.allocate(256);
    for (const bitWidth of [0, 33]) {
      assert.equal(h.exports.pack(valuesPtr, 3, bitWidth, outPtr), KernelStatus.BAD_ARGUMENT);
      assert.equal(h.exports.unpack(outPtr, bitWidth, 0, 3, valuesPtr), KernelStatus.BAD_ARGUMENT);
      assert.equal(
        h.exports.unpackAt(outPtr, bitWidth, valuesPtr, 1, valuesPtr),
        KernelStatus.BAD_ARGUMENT,
      );
      assert.throws(() => h.exports.unpackOne(outPtr, bitWidth, 0), /bit width/);
    }
    assert.equal(h.exports.pack(valuesPtr, 3, 3, outPtr), KernelStatus.BAD_ARGUMENT);
    assert.equal(h.exports.pack(valuesPtr, 3, 4, outPtr), KernelStatus.OK);
  });
});
