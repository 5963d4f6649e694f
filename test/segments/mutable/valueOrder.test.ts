import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ScalarValue, StoredType } from '../../../host/config/types.js';
import { comparatorFor } from '../../../segments/immutable/values.js';
import { fastComparatorFor } from '../../../segments/mutable/valueOrder.js';
import { MutableDictionary } from '../../../segments/mutable/mutableDictionary.js';
import { forEachSeed, type SeededRandom } from '../../support/random.js';

/** Code points that straddle the UTF-16/UTF-8 order difference: BMP, U+E000.., astral. */
const CODE_POINTS = [0x41, 0x7a, 0xe9, 0x4e2d, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x1f600, 0x10ffff];

function randomValue(random: SeededRandom, storedType: StoredType): ScalarValue {
  switch (storedType) {
    case 'INT':
      return random.pick([0, -1, 1, 2 ** 31 - 1, -(2 ** 31), random.int(-100, 100)]);
    case 'FLOAT':
      return Math.fround(
        random.pick([0, -0, Number.NaN, -Infinity, Infinity, random.next() - 0.5]),
      );
    case 'DOUBLE':
      return random.pick([0, -0, Number.NaN, -Infinity, 1e308, -1e-308, random.next() - 0.5]);
    case 'LONG':
      return random.pick([
        0n,
        -1n,
        2n ** 63n - 1n,
        -(2n ** 63n),
        2n ** 53n + 1n,
        BigInt(random.int(-9, 9)),
      ]);
    case 'STRING':
      return String.fromCodePoint(
        ...Array.from({ length: random.int(0, 4) }, () => random.pick(CODE_POINTS)),
      );
    case 'BYTES':
      return Uint8Array.from({ length: random.int(0, 3) }, () =>
        random.pick([0, 1, 127, 128, 255]),
      );
  }
}

const TYPES: StoredType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE', 'STRING', 'BYTES'];

test('fast comparators order values exactly as the dictionary does (seeded fuzz)', () => {
  forEachSeed(20, (random) => {
    for (const storedType of TYPES) {
      const reference = comparatorFor(storedType);
      const fast = fastComparatorFor(storedType);
      for (let i = 0; i < 200; i++) {
        const a = randomValue(random, storedType);
        const b = randomValue(random, storedType);
        assert.equal(
          Math.sign(fast(a, b)),
          Math.sign(reference(a, b)),
          `${storedType}: ${String(a)} vs ${String(b)}`,
        );
      }
    }
  });
});

test('dictionary keys keep distinct values apart and merge equal ones', () => {
  const longs = new MutableDictionary('LONG');
  const values = [1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 1n];
  const ids = values.map((value) => longs.idOf(value));
  assert.deepEqual(ids, [0, 1, 2, 3, 4, 0]);
  assert.equal(longs.values[2], 2n ** 53n + 1n);
  assert.equal(longs.lookup(2n ** 53n + 1n), 2);

  const doubles = new MutableDictionary('DOUBLE');
  assert.equal(doubles.idOf(0), doubles.idOf(-0));
  assert.equal(doubles.idOf(Number.NaN), doubles.idOf(Number.NaN));
  assert.equal(doubles.maxValue, Number.NaN);

  const floats = new MutableDictionary('FLOAT');
  assert.equal(floats.idOf(0.1), floats.idOf(Math.fround(0.1)));

  const bytes = new MutableDictionary('BYTES');
  const long = new Uint8Array(100).fill(9);
  assert.deepEqual(
    [bytes.idOf(Uint8Array.of(1, 2)), bytes.idOf(Uint8Array.of(1, 2)), bytes.idOf(long)],
    [0, 0, 1],
  );
  assert.equal(bytes.lookup(new Uint8Array(100).fill(9)), 1);

  const strings = new MutableDictionary('STRING');
  for (const text of ['b', '\u{1f600}', '\uffff', 'a']) strings.idOf(text);
  assert.equal(strings.minValue, 'a');
  assert.equal(strings.maxValue, '\u{1f600}', 'astral sorts after U+FFFF in UTF-8 order');
});
