// The segment's kernel encoders (bitmaps, bit-packing) and host decoders agree byte for byte and
// value for value with the references in kernels/reference/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapFromDocIds, bitmapToDocIds } from '../../../kernels/reference/bitmap.js';
import {
  maxValueOf,
  pack,
  packedSizeBytes,
  unpackOne,
} from '../../../kernels/reference/bitpack.js';
import { buildDictionaryFromScalars } from '../../../kernels/reference/dictionary.js';
import { decodeDocIdBitmap, KernelEncoder } from '../../../segments/immutable/kernelCodec.js';
import { PackedIdReader } from '../../../segments/immutable/packedIds.js';
import type { ScalarValue } from '../../../host/config/types.js';
import { forEachSeed, type SeededRandom } from '../../support/random.js';
import { randomValue, STORED_TYPES } from './generate.js';

const encoder = new KernelEncoder();

/** Doc ids spanning a few containers with sparse, dense and run-shaped stretches. */
function randomDocIds(random: SeededRandom): Uint32Array {
  const ids: number[] = [];
  let next = random.int(0, 70_000);
  const count = random.length(20_000);
  const shape = random.pick(['sparse', 'dense', 'runs']);
  while (ids.length < count) {
    ids.push(next);
    if (shape === 'sparse') next += random.int(1, 200);
    else if (shape === 'dense') next += random.int(1, 3);
    else next += random.bool(0.95) ? 1 : random.int(2, 5000);
  }
  return Uint32Array.from(ids);
}

test('encodeDocIdBitmap and decodeDocIdBitmap match the reference', () => {
  forEachSeed(30, (random) => {
    const docIds = randomDocIds(random);
    const encoded = encoder.bitmap(docIds);
    assert.ok(Buffer.from(encoded).equals(Buffer.from(bitmapFromDocIds(docIds))), 'same bytes');
    assert.deepEqual(decodeDocIdBitmap(encoded), bitmapToDocIds(encoded));
    assert.deepEqual(decodeDocIdBitmap(encoded), docIds);
  });
});

test('empty and single-id bitmaps', () => {
  for (const docIds of [new Uint32Array(0), Uint32Array.of(0), Uint32Array.of(2 ** 31 - 1)]) {
    const encoded = encoder.bitmap(docIds);
    assert.ok(Buffer.from(encoded).equals(Buffer.from(bitmapFromDocIds(docIds))));
    assert.deepEqual(decodeDocIdBitmap(encoded), docIds);
  }
});

test('packIds and PackedIdReader match the reference at every width', () => {
  forEachSeed(64, (random) => {
    const bitWidth = (random.seed % 32) + 1;
    const ids = new Uint32Array(random.length(2000));
    const maxValue = maxValueOf(bitWidth);
    for (let i = 0; i < ids.length; i++) {
      ids[i] = random.bool(0.2) ? maxValue : Math.floor(random.next() * (maxValue + 1));
    }
    const expected = new Uint8Array(packedSizeBytes(ids.length, bitWidth));
    pack(ids, bitWidth, expected);
    const packed = encoder.pack(ids, bitWidth);
    assert.ok(Buffer.from(packed).equals(Buffer.from(expected)), `width ${bitWidth}: same bytes`);
    const reader = new PackedIdReader(packed, bitWidth);
    for (let i = 0; i < ids.length; i++) {
      assert.equal(reader.get(i), unpackOne(expected, bitWidth, i), `width ${bitWidth} index ${i}`);
      assert.equal(reader.get(i), ids[i]);
    }
  });
});

test('the kernel dictionary build matches the reference for every stored type', () => {
  const utf8 = new TextEncoder();
  forEachSeed(24, (random) => {
    const type = STORED_TYPES[random.seed % STORED_TYPES.length]!;
    const values: ScalarValue[] = Array.from({ length: random.length(3000) }, () =>
      randomValue(random, type),
    );
    const expected = buildDictionaryFromScalars(type, values as never[]);
    const input =
      type === 'STRING'
        ? (values as string[]).map((value) => utf8.encode(value))
        : type === 'BYTES'
          ? (values as Uint8Array[])
          : type === 'LONG'
            ? BigInt64Array.from(values as bigint[])
            : type === 'INT'
              ? Int32Array.from(values as number[])
              : type === 'FLOAT'
                ? Float32Array.from(values as number[])
                : Float64Array.from(values as number[]);
    const built = encoder.dictionary(type, input);
    assert.equal(built.cardinality, expected.cardinality, `${type} cardinality`);
    assert.ok(Buffer.from(built.bytes).equals(Buffer.from(expected.bytes)), `${type} bytes`);
    assert.deepEqual(built.ids, expected.ids, `${type} ids`);
  });
});
