// Dictionary kernels against their TypeScript reference, byte for byte, on seeded random inputs
// and the edges: empty, one value, all equal, -0.0 / NaN, extremes, empty strings, unicode,
// shared prefixes and BYTES with zero bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDictionary,
  buildStringDictionary,
  dictionaryBuildMaxBytes,
  dictionaryBuildScratchBytes,
  dictionaryIdRange,
  dictionaryIdSet,
  dictionaryLookup,
  dictionaryValue,
  encodeVariableWidth,
  FIXED_WIDTH_BYTES,
  idSetWordCount,
  isVariableWidth,
  RangeOp,
  type BuiltDictionary,
  type DictionaryType,
  type DictionaryValue,
  type EncodedDictionary,
  type FixedValues,
  type RangeOpCode,
} from '../../kernels/reference/dictionary.js';
import { KernelStatus } from '../../host/runtime/status.js';
import { forEachSeed, SeededRandom } from '../support/random.js';
import { kernelHarness, type KernelHarness } from '../support/kernels.js';

const harness = kernelHarness();
const FIXED_TYPES: DictionaryType[] = ['INT', 'LONG', 'FLOAT', 'DOUBLE'];
const ALL_TYPES: DictionaryType[] = [...FIXED_TYPES, 'STRING', 'BYTES'];
const OPS: RangeOpCode[] = Object.values(RangeOp);
const utf8 = new TextEncoder();

type Input = FixedValues | Uint8Array[];

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The raw bytes a kernel reads for these values (typed array bytes or variable layout). */
function kernelInput(type: DictionaryType, values: Input): Uint8Array {
  return isVariableWidth(type)
    ? encodeVariableWidth(values as Uint8Array[])
    : bytesOf(values as FixedValues);
}

function buildExport(h: KernelHarness, type: DictionaryType) {
  const e = h.exports;
  switch (type) {
    case 'INT': return e.dictBuildI32.bind(e);
    case 'LONG': return e.dictBuildI64.bind(e);
    case 'FLOAT': return e.dictBuildF32.bind(e);
    case 'DOUBLE': return e.dictBuildF64.bind(e);
    default: return e.dictBuildBytes.bind(e);
  }
}

/** Runs the wasm build and copies its results out of the shared memory. */
function kernelBuild(type: DictionaryType, values: Input): BuiltDictionary {
  const n = values.length;
  const input = kernelInput(type, values);
  const valuesPtr = harness.copyIn(input);
  const capacity = dictionaryBuildMaxBytes(type, n, input.length);
  const dictPtr = harness.allocator.allocate(capacity);
  const idsPtr = harness.allocator.allocate(4 * n);
  const scratchBytes = dictionaryBuildScratchBytes(type, n);
  const scratchPtr = harness.allocator.allocate(scratchBytes);
  try {
    const cardinality = buildExport(harness, type)(
      valuesPtr, n, dictPtr, capacity, idsPtr, scratchPtr, scratchBytes,
    );
    assert.ok(cardinality >= 0, `build status ${cardinality}`);
    const size = isVariableWidth(type)
      ? 4 * (cardinality + 1) + harness.u32(dictPtr + 4 * cardinality, 1)[0]!
      : FIXED_WIDTH_BYTES[type] * cardinality;
    return {
      type,
      cardinality,
      bytes: harness.u8(dictPtr, size).slice(),
      ids: harness.u32(idsPtr, n).slice(),
    };
  } finally {
    for (const ptr of [valuesPtr, dictPtr, idsPtr, scratchPtr]) harness.allocator.release(ptr);
  }
}

// ---- random values -----------------------------------------------------------------------------

function randomInts(random: SeededRandom, n: number): Int32Array {
  const spread = random.pick([1, 3, 100, 2 ** 31]);
  const edges = [-(2 ** 31), 2 ** 31 - 1, 0, -1, 1];
  return Int32Array.from({ length: n }, () =>
    random.bool(0.05) ? random.pick(edges) : random.int(-spread, spread) | 0);
}

function randomLongs(random: SeededRandom, n: number): BigInt64Array {
  const edges = [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 1n];
  const wide = random.bool();
  return BigInt64Array.from({ length: n }, () => {
    if (random.bool(0.05)) return random.pick(edges);
    const low = BigInt(random.int(-1000, 1000));
    return wide ? (BigInt(random.int(-(2 ** 20), 2 ** 20)) << 40n) + low : low;
  });
}

function randomFloats(
  random: SeededRandom,
  n: number,
  double: boolean,
): Float32Array | Float64Array {
  const edges = [0, -0, NaN, Infinity, -Infinity, 1.5, -1.5, Number.MIN_VALUE, 3.4e38, -3.4e38];
  const values = Array.from({ length: n }, () => {
    if (random.bool(0.1)) return random.pick(edges);
    return random.bool() ? random.int(-50, 50) / 4 : (random.next() - 0.5) * 1e6;
  });
  return double ? Float64Array.from(values) : Float32Array.from(values);
}

/** Strings from a small alphabet so prefixes repeat, with empty strings and multi-byte text. */
function randomStrings(random: SeededRandom, n: number): string[] {
  const pieces = ['', 'a', 'ab', 'abc', 'b', 'é', 'Ω', '日本', '😀', '\u{10ffff}', 'z',
    'a\u0000'];
  return Array.from({ length: n }, () => {
    let text = '';
    const parts = random.int(0, 4);
    for (let i = 0; i < parts; i++) text += random.pick(pieces);
    return text;
  });
}

function randomBytes(random: SeededRandom, n: number): Uint8Array[] {
  return Array.from({ length: n }, () =>
    Uint8Array.from({ length: random.int(0, 10) }, () => random.pick([0, 0, 1, 127, 128, 255])));
}

function randomValues(random: SeededRandom, type: DictionaryType, n: number): Input {
  switch (type) {
    case 'INT': return randomInts(random, n);
    case 'LONG': return randomLongs(random, n);
    case 'FLOAT': return randomFloats(random, n, false);
    case 'DOUBLE': return randomFloats(random, n, true);
    case 'STRING': return randomStrings(random, n).map((text) => utf8.encode(text));
    default: return randomBytes(random, n);
  }
}

/** n copies of one random value. */
function allEqual(random: SeededRandom, type: DictionaryType, n: number): Input {
  const one = randomValues(random, type, 1);
  if (Array.isArray(one)) return Array.from({ length: n }, () => one[0]!);
  const values = randomValues(random, type, n) as FixedValues;
  for (let i = 0; i < n; i++) values[i] = one[0]!;
  return values;
}

function referenceBuild(type: DictionaryType, values: Input): BuiltDictionary {
  return buildDictionary(type, values);
}

test('reference builds the documented dictionary for small known inputs', () => {
  const ints = buildDictionary('INT', Int32Array.from([3, 1, 3, -2]));
  assert.deepEqual([...new Int32Array(ints.bytes.buffer)], [-2, 1, 3]);
  assert.deepEqual([...ints.ids], [2, 1, 2, 0]);
  const floats = buildDictionary('DOUBLE', Float64Array.from([NaN, -0, 0, -Infinity, NaN]));
  assert.equal(floats.cardinality, 3);
  assert.ok(Object.is(dictionaryValue(floats, 1), 0), '-0.0 is stored as +0.0');
  assert.ok(Number.isNaN(dictionaryValue(floats, 2)), 'NaN sorts last');
  assert.deepEqual([...floats.ids], [2, 1, 1, 0, 2]);
  const strings = buildStringDictionary(['b', '', 'ab', 'a', 'b']);
  const decoded = Array.from({ length: strings.cardinality }, (_, id) =>
    new TextDecoder().decode(dictionaryValue(strings, id) as Uint8Array));
  assert.deepEqual(decoded, ['', 'a', 'ab', 'b']);
  assert.deepEqual([...strings.ids], [3, 0, 2, 1, 3]);
  assert.equal(dictionaryLookup(strings, 'aa'), -3);
  assert.deepEqual(dictionaryIdRange(strings, RangeOp.BETWEEN, 'a', 'az'), { loId: 1, hiId: 3 });
  assert.deepEqual(dictionaryIdRange(strings, RangeOp.BETWEEN, 'b', 'a'), { loId: 3, hiId: 3 });
});

test('kernel build matches the reference byte for byte on random values', () => {
  forEachSeed(40, (random) => {
    for (const type of ALL_TYPES) {
      const n = random.bool(0.1) ? random.int(0, 3) : random.length(3000);
      const values = random.bool(0.1) ? allEqual(random, type, n) : randomValues(random, type, n);
      const expected = referenceBuild(type, values);
      const actual = kernelBuild(type, values);
      assert.equal(actual.cardinality, expected.cardinality, `${type} cardinality (n=${n})`);
      assert.deepEqual(actual.bytes, expected.bytes, `${type} dictionary bytes (n=${n})`);
      assert.deepEqual(actual.ids, expected.ids, `${type} ids (n=${n})`);
    }
  });
});

test('kernel build reports short scratch and short output', () => {
  const values = Int32Array.from([5, 4, 3, 2, 1]);
  const valuesPtr = harness.copyIn(values);
  const dictPtr = harness.allocator.allocate(20);
  const idsPtr = harness.allocator.allocate(20);
  const scratchBytes = dictionaryBuildScratchBytes('INT', values.length);
  const scratchPtr = harness.allocator.allocate(scratchBytes);
  const build = harness.exports.dictBuildI32.bind(harness.exports);
  assert.equal(build(valuesPtr, 5, dictPtr, 20, idsPtr, scratchPtr, scratchBytes - 1),
    KernelStatus.SCRATCH_TOO_SMALL);
  assert.equal(build(valuesPtr, 5, dictPtr, 16, idsPtr, scratchPtr, scratchBytes),
    KernelStatus.OUTPUT_TOO_SMALL);
  assert.equal(build(valuesPtr, 5, dictPtr, 20, idsPtr, scratchPtr, scratchBytes), 5);
  assert.equal(build(valuesPtr, -1, dictPtr, 20, idsPtr, scratchPtr, scratchBytes),
    KernelStatus.BAD_ARGUMENT);
  for (const ptr of [valuesPtr, dictPtr, idsPtr, scratchPtr]) harness.allocator.release(ptr);
});

// ---- lookup and predicates ---------------------------------------------------------------------

/** A dictionary in shared memory and operands given in the form each export takes. */
interface Loaded {
  readonly dictionary: EncodedDictionary;
  readonly ptr: number;
}

/** Copies bytes in; empty inputs still get a valid address. */
function copyInNonEmpty(bytes: Uint8Array): number {
  return harness.copyIn(bytes.length > 0 ? bytes : new Uint8Array(1));
}

function load(dictionary: EncodedDictionary): Loaded {
  return { dictionary, ptr: copyInNonEmpty(dictionary.bytes) };
}

/** Probe values: present ones, absent ones, below the minimum and above the maximum. */
function probes(random: SeededRandom, type: DictionaryType, dictionary: EncodedDictionary): Input {
  const fresh = randomValues(random, type, random.int(0, 40));
  const present = Array.from({ length: Math.min(dictionary.cardinality, 20) }, () =>
    dictionaryValue(dictionary, random.int(0, dictionary.cardinality - 1)));
  if (isVariableWidth(type)) return [...(fresh as Uint8Array[]), ...(present as Uint8Array[])];
  const merged = [...Array.from(fresh as ArrayLike<number | bigint>), ...present];
  switch (type) {
    case 'INT': return Int32Array.from(merged as number[]);
    case 'LONG': return BigInt64Array.from(merged as bigint[]);
    case 'FLOAT': return Float32Array.from(merged as number[]);
    default: return Float64Array.from(merged as number[]);
  }
}

function suffix(type: DictionaryType): 'I32' | 'I64' | 'F32' | 'F64' | 'Bytes' {
  const map = { INT: 'I32', LONG: 'I64', FLOAT: 'F32', DOUBLE: 'F64' } as const;
  return isVariableWidth(type) ? 'Bytes' : map[type as 'INT'];
}

function kernelLookupBatch(loaded: Loaded, values: Input): Int32Array {
  const { dictionary, ptr } = loaded;
  const valuesPtr = copyInNonEmpty(kernelInput(dictionary.type, values));
  const idsPtr = harness.allocator.allocate(4 * values.length);
  const exported = harness.exports[`dictLookupBatch${suffix(dictionary.type)}`].bind(
    harness.exports,
  );
  const found = exported(ptr, dictionary.cardinality, valuesPtr, values.length, idsPtr);
  const ids = harness.i32(idsPtr, values.length).slice();
  assert.equal(found, ids.filter((id) => id >= 0).length, 'batch lookup returns the found count');
  harness.allocator.release(valuesPtr);
  harness.allocator.release(idsPtr);
  return ids;
}

function kernelLookupOne(loaded: Loaded, value: DictionaryValue): number {
  const { dictionary, ptr } = loaded;
  const e = harness.exports;
  const count = dictionary.cardinality;
  switch (dictionary.type) {
    case 'INT': return e.dictLookupI32(ptr, count, value as number);
    case 'LONG': return e.dictLookupI64(ptr, count, value as bigint);
    case 'FLOAT': return e.dictLookupF32(ptr, count, value as number);
    case 'DOUBLE': return e.dictLookupF64(ptr, count, value as number);
    default: {
      const bytes = value as Uint8Array;
      const valuePtr = copyInNonEmpty(bytes);
      const id = e.dictLookupBytes(ptr, count, valuePtr, bytes.length);
      harness.allocator.release(valuePtr);
      return id;
    }
  }
}

function kernelRange(
  loaded: Loaded, op: RangeOpCode, value: DictionaryValue, upper: DictionaryValue,
): { loId: number; hiId: number } {
  const { dictionary, ptr } = loaded;
  const e = harness.exports;
  const count = dictionary.cardinality;
  const out = harness.allocator.allocate(8);
  let result: number;
  switch (dictionary.type) {
    case 'INT':
      result = e.dictRangeI32(ptr, count, op, value as number, upper as number, out);
      break;
    case 'LONG':
      result = e.dictRangeI64(ptr, count, op, value as bigint, upper as bigint, out);
      break;
    case 'FLOAT':
      result = e.dictRangeF32(ptr, count, op, value as number, upper as number, out);
      break;
    case 'DOUBLE':
      result = e.dictRangeF64(ptr, count, op, value as number, upper as number, out);
      break;
    default: {
      const a = value as Uint8Array;
      const b = upper as Uint8Array;
      const aPtr = copyInNonEmpty(a);
      const bPtr = copyInNonEmpty(b);
      result = e.dictRangeBytes(ptr, count, op, aPtr, a.length, bPtr, b.length, out);
      harness.allocator.release(aPtr);
      harness.allocator.release(bPtr);
    }
  }
  const [loId, hiId] = harness.u32(out, 2);
  harness.allocator.release(out);
  assert.equal(result, hiId! - loId!, 'range kernel returns the id count');
  return { loId: loId!, hiId: hiId! };
}

function kernelIdSet(loaded: Loaded, values: Input, negate: boolean): Uint32Array {
  const { dictionary, ptr } = loaded;
  const input = kernelInput(dictionary.type, values);
  const valuesPtr = copyInNonEmpty(input);
  const words = idSetWordCount(dictionary.cardinality);
  const bitsetPtr = harness.allocator.allocate(4 * words);
  const exported = harness.exports[`dictInSet${suffix(dictionary.type)}`].bind(harness.exports);
  const set = exported(ptr, dictionary.cardinality, valuesPtr, values.length, negate ? 1 : 0,
    bitsetPtr);
  const bitset = harness.u32(bitsetPtr, words).slice();
  let bits = 0;
  for (const word of bitset) for (let b = 0; b < 32; b++) bits += (word >>> b) & 1;
  assert.equal(set, bits, 'in-set kernel returns the number of ids set');
  harness.allocator.release(valuesPtr);
  harness.allocator.release(bitsetPtr);
  return bitset;
}

test('kernel lookup, ranges and id sets match the reference', () => {
  forEachSeed(30, (random) => {
    for (const type of ALL_TYPES) {
      const n = random.bool(0.15) ? random.int(0, 2) : random.length(500);
      const dictionary = referenceBuild(type, randomValues(random, type, n));
      const loaded = load(dictionary);
      const values = probes(random, type, dictionary);
      const expectedIds = Int32Array.from({ length: values.length }, (_, i) =>
        dictionaryLookup(dictionary, values[i]!));
      assert.deepEqual(kernelLookupBatch(loaded, values), expectedIds, `${type} batch lookup`);
      for (let i = 0; i < values.length; i++) {
        const value = values[i]!;
        assert.equal(kernelLookupOne(loaded, value), expectedIds[i], `${type} lookup #${i}`);
        const upper = values[random.int(0, values.length - 1)]!;
        for (const op of OPS) {
          assert.deepEqual(kernelRange(loaded, op, value, upper),
            dictionaryIdRange(dictionary, op, value, upper), `${type} op ${op}`);
        }
      }
      for (const negate of [false, true]) {
        assert.deepEqual(kernelIdSet(loaded, values, negate),
          dictionaryIdSet(dictionary, values, negate), `${type} id set negate=${negate}`);
      }
      harness.allocator.release(loaded.ptr);
    }
  });
});

test('variable-width value access returns each value', () => {
  const dictionary = buildStringDictionary(['', 'x', 'héllo', 'x\u0000y']);
  const loaded = load(dictionary);
  for (let id = 0; id < dictionary.cardinality; id++) {
    const start = harness.exports.dictBytesStart(loaded.ptr, dictionary.cardinality, id);
    const length = harness.exports.dictBytesLength(loaded.ptr, dictionary.cardinality, id);
    assert.deepEqual(harness.u8(start, length).slice(), dictionaryValue(dictionary, id));
  }
  harness.allocator.release(loaded.ptr);
});

test('predicates on an empty dictionary select nothing', () => {
  for (const type of ALL_TYPES) {
    const dictionary = referenceBuild(type, randomValues(new SeededRandom(1), type, 0));
    const operand = isVariableWidth(type) ? new Uint8Array(0)
      : type === 'LONG' ? 7n : 7;
    const loaded = load(dictionary);
    for (const op of OPS) {
      assert.deepEqual(dictionaryIdRange(dictionary, op, operand, operand), { loId: 0, hiId: 0 });
      assert.deepEqual(kernelRange(loaded, op, operand, operand), { loId: 0, hiId: 0 });
    }
    assert.equal(kernelLookupOne(loaded, operand), -1);
    harness.allocator.release(loaded.ptr);
  }
});
