// Seeded fuzz of the aggregation and group-by kernels against kernels/reference/aggregate.ts.
// Integer results must be equal; double sums too, because kernel and reference sum in the same
// documented order (kernels/AGGREGATE.md). A failure prints its seed (CUVEE_FUZZ_SEED=n).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AGG_STATE_F64_BYTES,
  AGG_STATE_I64_BYTES,
  AggValueType,
  HASH_HEADER_BYTES,
  HASH_LOAD_DENOMINATOR,
  HASH_LOAD_NUMERATOR,
  HASH_MIN_CAPACITY,
  HASH_SLOT_BYTES,
  HashHeaderOffset,
  PACKED_MAX_GROUPS,
  PACKED_STRIPES,
  U8_KEY_MAX_GROUPS,
  hashCapacityFor,
  hashTableSizeBytes,
  stripedScratchBytes,
} from '../../host/runtime/exports/aggregate.js';
import { KernelStatus } from '../../host/runtime/status.js';
import * as reference from '../../kernels/reference/aggregate.js';
import type { RowSource, ValueArray } from '../../kernels/reference/aggregate.js';
import { kernelHarness } from '../support/kernels.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

const harness = kernelHarness();
const kernels = harness.exports;

/** Fuzz seeds per test: enough to hit every type, form and edge length several times. */
const FUZZ_RUNS = 60;
const ALL_TYPES = [
  AggValueType.I32,
  AggValueType.I64,
  AggValueType.F32,
  AggValueType.F64,
  AggValueType.U32,
];
const EXACT_TYPES = [AggValueType.I32, AggValueType.I64, AggValueType.U32];
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Allocations of one test case, released together. */
class Scope {
  private readonly pointers: number[] = [];
  copy(view: ArrayBufferView): number {
    const ptr = harness.copyIn(view);
    this.pointers.push(ptr);
    return ptr;
  }
  bytes(sizeBytes: number): number {
    const ptr = harness.allocator.allocate(sizeBytes);
    harness.u8(ptr, sizeBytes).fill(0);
    this.pointers.push(ptr);
    return ptr;
  }
  release(): void {
    for (const ptr of this.pointers) harness.allocator.release(ptr);
  }
}

function withScope(body: (scope: Scope) => void): void {
  const scope = new Scope();
  try {
    body(scope);
  } finally {
    scope.release();
  }
}

function randomI64(random: SeededRandom): bigint {
  const pick = random.int(0, 5);
  if (pick === 0) return random.bool() ? I64_MIN : I64_MAX;
  if (pick === 1) return BigInt(random.int(-1000, 1000));
  const high = BigInt(random.int(0, 0xffffffff));
  return BigInt.asIntN(64, (high << 32n) | BigInt(random.int(0, 0xffffffff)));
}

function randomF64(random: SeededRandom): number {
  const pick = random.int(0, 9);
  if (pick === 0) return random.bool(0.3) ? NaN : random.pick([-0, 0, Infinity, -Infinity]);
  if (pick <= 3) return random.int(-1000, 1000);
  return (random.next() - 0.5) * 10 ** random.int(-5, 15);
}

function randomI32(random: SeededRandom): number {
  return random.bool(0.1) ? random.pick([-2147483648, 2147483647]) : random.int(-1e6, 1e6);
}

/** Values with the edge cases mixed in: all equal, extremes, negatives, NaN and -0. */
function randomValues(random: SeededRandom, type: number, length: number): ValueArray {
  const allEqual = random.bool(0.1);
  const next = (): number => (allEqual ? 7 : random.next());
  switch (type) {
    case AggValueType.I32:
      return Int32Array.from({ length }, () => (allEqual ? -7 : randomI32(random)));
    case AggValueType.I64:
      return BigInt64Array.from({ length }, () => (allEqual ? -7n : randomI64(random)));
    case AggValueType.F32:
      return Float32Array.from({ length }, () => (allEqual ? 0.1 : randomF64(random)));
    case AggValueType.F64:
      return Float64Array.from({ length }, () => (allEqual ? 0.1 : randomF64(random)));
    default:
      return Uint32Array.from({ length }, () => Math.floor(next() * 2 ** 32));
  }
}

interface Source {
  reference: RowSource;
  valuesPtr: number;
  selPtr: number;
  baseDoc: number;
}

/** A dense range or a selection vector (baseDoc > 0 sometimes) over a random column. */
function randomSource(random: SeededRandom, scope: Scope, type: number): Source {
  const count = random.length(3000);
  if (random.bool()) {
    const values = randomValues(random, type, count);
    return { reference: { values, count }, valuesPtr: scope.copy(values), selPtr: 0, baseDoc: 0 };
  }
  const columnLength = random.int(1, 4000);
  const values = randomValues(random, type, columnLength);
  const baseDoc = random.bool() ? 0 : random.int(1, 1_000_000);
  const selection = Uint32Array.from({ length: count }, () =>
    random.bool(0.2) ? baseDoc : baseDoc + random.int(0, columnLength - 1),
  );
  return {
    reference: { values, count, selection, baseDoc },
    valuesPtr: scope.copy(values),
    selPtr: scope.copy(selection),
    baseDoc,
  };
}

/** Splits a source into consecutive blocks, as the engine streams 4096-doc blocks. */
function blocksOf(random: SeededRandom, source: Source): { start: number; count: number }[] {
  const blocks: { start: number; count: number }[] = [];
  let start = 0;
  do {
    const count = random.bool(0.5) ? source.reference.count - start
      : random.int(0, source.reference.count - start);
    blocks.push({ start, count });
    start += count;
  } while (start < source.reference.count);
  return blocks;
}

function subSource(source: Source, start: number, count: number): RowSource {
  const { values, selection, baseDoc } = source.reference;
  if (selection !== undefined) {
    return { values, count, selection: selection.subarray(start, start + count), baseDoc };
  }
  return { values: values.subarray(start, start + count), count };
}

function blockPointers(source: Source, type: number, start: number): [number, number] {
  const width = type === AggValueType.I64 || type === AggValueType.F64 ? 8 : 4;
  if (source.selPtr === 0) return [source.valuesPtr + start * width, 0];
  return [source.valuesPtr, source.selPtr + start * 4];
}

test('wasm constants match the host mirror', () => {
  const globals = kernels as unknown as Record<string, WebAssembly.Global>;
  const expected: Record<string, number> = {
    VALUE_I32: AggValueType.I32,
    VALUE_I64: AggValueType.I64,
    VALUE_F32: AggValueType.F32,
    VALUE_F64: AggValueType.F64,
    VALUE_U32: AggValueType.U32,
    AGG_STATE_F64_BYTES,
    AGG_STATE_I64_BYTES,
    HASH_HEADER_BYTES,
    HASH_SLOT_BYTES,
    HASH_LOAD_NUMERATOR,
    HASH_LOAD_DENOMINATOR,
    HASH_MIN_CAPACITY,
    PACKED_MAX_GROUPS,
    PACKED_STRIPES,
    U8_KEY_MAX_GROUPS,
  };
  for (const [name, value] of Object.entries(expected)) {
    assert.equal(globals[name]?.value, value, name);
  }
});

/** Element-wise Object.is: Node 20's deepEqual on Float64Array treats NaN as unequal. */
function assertSameDoubles(actual: Float64Array, expected: Float64Array): void {
  assert.deepEqual(Array.from(actual), Array.from(expected));
}

function readStateF64(ptr: number): reference.AggStateF64 {
  const doubles = harness.f64(ptr, 4);
  return {
    count: harness.i64(ptr, 1)[0]!,
    sum: doubles[1]!,
    min: doubles[2]!,
    max: doubles[3]!,
  };
}

function readStateI64(ptr: number): reference.AggStateI64 {
  const longs = harness.i64(ptr, 4);
  return {
    count: longs[0]!,
    sum: longs[1]!,
    min: longs[2]!,
    max: longs[3]!,
    wraps: harness.i32(ptr + 32, 1)[0]!,
  };
}

test('aggregateF64 matches the reference over ranges and selections, in blocks', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const type = random.pick(ALL_TYPES);
      const source = randomSource(random, scope, type);
      const statePtr = scope.bytes(AGG_STATE_F64_BYTES);
      kernels.aggStateInitF64(statePtr);
      const expected = reference.newStateF64();
      for (const { start, count } of blocksOf(random, source)) {
        const [valuesPtr, selPtr] = blockPointers(source, type, start);
        const result = kernels.aggregateF64(type, valuesPtr, selPtr, count, source.baseDoc,
          statePtr);
        assert.equal(result, count);
        reference.aggregateF64(subSource(source, start, count), expected);
      }
      assert.deepEqual(readStateF64(statePtr), expected, `type ${type}`);
    });
  });
});

test('aggregateI64 matches the reference, exact sums and the overflow flag included', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const type = random.pick(EXACT_TYPES);
      const source = randomSource(random, scope, type);
      const statePtr = scope.bytes(AGG_STATE_I64_BYTES);
      kernels.aggStateInitI64(statePtr);
      const expected = reference.newStateI64();
      for (const { start, count } of blocksOf(random, source)) {
        const [valuesPtr, selPtr] = blockPointers(source, type, start);
        const result = kernels.aggregateI64(type, valuesPtr, selPtr, count, source.baseDoc,
          statePtr);
        assert.equal(result, count);
        reference.aggregateI64(subSource(source, start, count), expected);
      }
      assert.deepEqual(readStateI64(statePtr), expected, `type ${type}`);
    });
  });
});

test('aggregate edge cases: empty, one row, NaN, i64 extremes, bad arguments', () => {
  withScope((scope) => {
    const statePtr = scope.bytes(AGG_STATE_I64_BYTES);
    kernels.aggStateInitF64(statePtr);
    assert.equal(kernels.aggregateF64(AggValueType.F64, 0, 0, 0, 0, statePtr), 0);
    assert.deepEqual(readStateF64(statePtr), reference.newStateF64());
    const doubles = scope.copy(Float64Array.of(3, NaN, -1));
    kernels.aggregateF64(AggValueType.F64, doubles, 0, 1, 0, statePtr);
    assert.deepEqual(readStateF64(statePtr), { count: 1n, sum: 3, min: 3, max: 3 });
    kernels.aggregateF64(AggValueType.F64, doubles, 0, 3, 0, statePtr);
    const withNaN = readStateF64(statePtr);
    assert.ok(Number.isNaN(withNaN.sum) && Number.isNaN(withNaN.min) && Number.isNaN(withNaN.max));

    kernels.aggStateInitI64(statePtr);
    const longs = scope.copy(BigInt64Array.of(I64_MAX, 1n, I64_MIN));
    kernels.aggregateI64(AggValueType.I64, longs, 0, 1, 0, statePtr);
    assert.deepEqual(readStateI64(statePtr),
      { count: 1n, sum: I64_MAX, min: I64_MAX, max: I64_MAX, wraps: 0 });
    kernels.aggregateI64(AggValueType.I64, longs + 8, 0, 1, 0, statePtr);
    assert.equal(readStateI64(statePtr).wraps, 1, 'MAX + 1 wraps once upwards');
    assert.equal(readStateI64(statePtr).sum, I64_MIN);
    kernels.aggregateI64(AggValueType.I64, longs + 16, 0, 1, 0, statePtr);
    assert.equal(readStateI64(statePtr).wraps, 0, 'adding MIN brings the exact sum back');
    assert.equal(readStateI64(statePtr).sum, 0n);

    assert.equal(kernels.aggregateI64(AggValueType.F64, doubles, 0, 1, 0, statePtr),
      KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.aggregateF64(9, doubles, 0, 1, 0, statePtr), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.aggregateF64(AggValueType.F64, doubles, 0, -1, 0, statePtr),
      KernelStatus.BAD_ARGUMENT);
  });
});

test('idMinMax matches the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const count = random.length(3000);
      const maxId = random.pick([3, 2 ** 32 - 1]);
      const ids = Uint32Array.from({ length: count }, () => random.int(0, maxId));
      const outPtr = scope.copy(Uint32Array.of(0xffffffff, 0));
      const expected = Uint32Array.of(0xffffffff, 0);
      assert.equal(kernels.idMinMax(scope.copy(ids), count, outPtr), count);
      reference.idMinMax(ids, count, expected);
      assert.deepEqual(harness.u32(outPtr, 2).slice(), expected);
    });
  });
});

interface GroupCase {
  type: number;
  source: Source;
  numGroups: number;
  keys: Uint32Array;
  keysPtr: number;
}

function randomGroupCase(random: SeededRandom, scope: Scope, types: readonly number[]): GroupCase {
  const type = random.pick(types);
  const source = randomSource(random, scope, type);
  const numGroups = random.pick([1, 2, 7, 256, random.int(1, 5000)]);
  const sorted = random.bool(0.2);
  const keys = Uint32Array.from({ length: source.reference.count }, (_, row) =>
    sorted ? Math.floor((row * numGroups) / Math.max(1, source.reference.count))
      : random.int(0, numGroups - 1),
  );
  return { type, source, numGroups, keys, keysPtr: scope.copy(keys) };
}

test('groupCount and groupSumF64 match the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const { type, source, numGroups, keys, keysPtr } = randomGroupCase(random, scope, ALL_TYPES);
      const { count } = source.reference;
      const countsPtr = scope.bytes(numGroups * 4);
      const sumsPtr = scope.bytes(numGroups * 8);
      const counting = random.bool();
      assert.equal(kernels.groupSumF64(type, keysPtr, source.valuesPtr, source.selPtr, count,
        source.baseDoc, numGroups, counting ? countsPtr : 0, sumsPtr), count);
      const counts = new Uint32Array(numGroups);
      const sums = new Float64Array(numGroups);
      reference.groupSumF64(keys, source.reference, counting ? counts : undefined, sums);
      assertSameDoubles(harness.f64(sumsPtr, numGroups), sums);
      if (!counting) assert.equal(kernels.groupCount(keysPtr, count, numGroups, countsPtr), count);
      if (!counting) reference.groupCount(keys, count, counts);
      assert.deepEqual(harness.u32(countsPtr, numGroups).slice(), counts);
    });
  });
});

test('groupSumI64 matches the reference, overflow flag included', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const { type, source, numGroups, keys, keysPtr } =
        randomGroupCase(random, scope, EXACT_TYPES);
      const { count } = source.reference;
      const countsPtr = scope.bytes(numGroups * 4);
      const sumsPtr = scope.bytes(numGroups * 8);
      const overflowPtr = scope.bytes(4);
      assert.equal(kernels.groupSumI64(type, keysPtr, source.valuesPtr, source.selPtr, count,
        source.baseDoc, numGroups, countsPtr, sumsPtr, overflowPtr), count);
      const counts = new Uint32Array(numGroups);
      const sums = new BigInt64Array(numGroups);
      const overflow = reference.groupSumI64(keys, source.reference, counts, sums);
      assert.deepEqual(harness.i64(sumsPtr, numGroups).slice(), sums);
      assert.deepEqual(harness.u32(countsPtr, numGroups).slice(), counts);
      assert.equal(harness.u32(overflowPtr, 1)[0], overflow ? 1 : 0);
    });
  });
});

test('groupCountSumI32 (packed) matches the reference across chunk boundaries', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const source = randomSource(random, scope, AggValueType.I32);
      const numGroups = random.pick([1, 3, 256, PACKED_MAX_GROUPS, random.int(1, 1024)]);
      const { count } = source.reference;
      const keys = Uint32Array.from({ length: count }, () =>
        random.bool(0.1) ? numGroups - 1 : random.int(0, numGroups - 1));
      const countsPtr = scope.bytes(numGroups * 4);
      const sumsPtr = scope.bytes(numGroups * 8);
      const scratchPtr = scope.bytes(numGroups * 8);
      const counts = new Uint32Array(numGroups);
      const sums = new BigInt64Array(numGroups);
      // Twice: the second call must add to what the first left.
      for (let call = 0; call < 2; call++) {
        assert.equal(kernels.groupCountSumI32(scope.copy(keys), source.valuesPtr, source.selPtr,
          count, source.baseDoc, numGroups, countsPtr, sumsPtr, scratchPtr), count);
        reference.groupSumI64(keys, source.reference, counts, sums);
      }
      assert.deepEqual(harness.i64(sumsPtr, numGroups).slice(), sums);
      assert.deepEqual(harness.u32(countsPtr, numGroups).slice(), counts);
    });
  });
});

test('groupCountSumI32 on 10,000 rows of extremes in one group', () => {
  withScope((scope) => {
    const count = 10_000;
    const values = Int32Array.from({ length: count }, (_, row) =>
      row % 3 === 0 ? -2147483648 : 2147483647);
    const keysPtr = scope.copy(new Uint32Array(count));
    const countsPtr = scope.bytes(4);
    const sumsPtr = scope.bytes(8);
    assert.equal(kernels.groupCountSumI32(keysPtr, scope.copy(values), 0, count, 0, 1, countsPtr,
      sumsPtr, scope.bytes(8)), count);
    assert.equal(harness.u32(countsPtr, 1)[0], count);
    assert.equal(harness.i64(sumsPtr, 1)[0], values.reduce((sum, v) => sum + BigInt(v), 0n));
    assert.equal(kernels.groupCountSumI32(keysPtr, 0, 0, 1, 0, PACKED_MAX_GROUPS + 1, countsPtr,
      sumsPtr, 0), KernelStatus.BAD_ARGUMENT);
  });
});

/** The packed COUNT + SUM(INT) kernels: the plain one, the striped one, the u8-key one. */
const PACKED_KERNELS = [
  { name: 'groupCountSumI32', maxGroups: PACKED_MAX_GROUPS, keyBytes: 4, striped: false },
  { name: 'groupCountSumI32Striped', maxGroups: PACKED_MAX_GROUPS, keyBytes: 4, striped: true },
  { name: 'groupCountSumI32KeysU8', maxGroups: U8_KEY_MAX_GROUPS, keyBytes: 1, striped: true },
] as const;
/** Rows past two of the kernels' 32,768-row chunks, so chunk folding is crossed twice. */
const PAST_TWO_CHUNKS_ROWS = 70_000;

/** Keys in random runs (sorted and skewed columns repeat keys), sometimes one out of range. */
function randomRunKeys(random: SeededRandom, count: number, numGroups: number): number[] {
  const keys: number[] = [];
  while (keys.length < count) {
    const key = random.int(0, numGroups - 1);
    const runLength = random.bool(0.7) ? 1 : random.int(2, 40);
    for (let i = 0; i < runLength && keys.length < count; i++) keys.push(key);
  }
  if (count > 0 && random.bool(0.15)) {
    keys[random.int(0, count - 1)] = random.int(numGroups, numGroups + 300);
  }
  return keys;
}

test('packed COUNT + SUM(INT) kernels match the reference, bad keys and chunks included', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const kernel = random.pick([...PACKED_KERNELS]);
      const source = random.bool(0.3)
        ? denseI32Source(random, scope, random.int(0, PAST_TWO_CHUNKS_ROWS))
        : randomSource(random, scope, AggValueType.I32);
      const numGroups = random.pick([1, 3, kernel.maxGroups, random.int(1, kernel.maxGroups)]);
      const { count } = source.reference;
      const keyValues = randomRunKeys(random, count, numGroups);
      const keys = kernel.keyBytes === 1 ? Uint8Array.from(keyValues, (key) => key & 0xff)
        : Uint32Array.from(keyValues);
      const countsPtr = scope.bytes(numGroups * 4);
      const sumsPtr = scope.bytes(numGroups * 8);
      const scratchPtr = scope.bytes(kernel.striped ? stripedScratchBytes(numGroups)
        : numGroups * 8);
      const counts = new Uint32Array(numGroups);
      const sums = new BigInt64Array(numGroups);
      const keysPtr = scope.copy(keys);
      // Twice: the second call must add to what the first left.
      for (let call = 0; call < 2; call++) {
        const added = reference.groupCountSumI32(keys, source.reference, counts, sums);
        const expected = added === count ? count : KernelStatus.BAD_ARGUMENT;
        assert.equal(kernels[kernel.name](keysPtr, source.valuesPtr, source.selPtr, count,
          source.baseDoc, numGroups, countsPtr, sumsPtr, scratchPtr), expected, kernel.name);
      }
      assert.deepEqual(harness.i64(sumsPtr, numGroups).slice(), sums, kernel.name);
      assert.deepEqual(harness.u32(countsPtr, numGroups).slice(), counts, kernel.name);
    });
  });
});

/** count dense i32 rows with extremes mixed in. */
function denseI32Source(random: SeededRandom, scope: Scope, count: number): Source {
  const values = Int32Array.from({ length: count }, () => randomI32(random));
  return { reference: { values, count }, valuesPtr: scope.copy(values), selPtr: 0, baseDoc: 0 };
}

test('packed kernels sum 100,000 extremes in one group exactly and refuse too many groups', () => {
  withScope((scope) => {
    const count = 100_000;
    const values = Int32Array.from({ length: count }, (_, row) =>
      row % 3 === 0 ? -2147483648 : 2147483647);
    const valuesPtr = scope.copy(values);
    const expectedSum = values.reduce((sum, v) => sum + BigInt(v), 0n);
    for (const kernel of PACKED_KERNELS) {
      const keysPtr = scope.bytes(count * kernel.keyBytes);
      const countsPtr = scope.bytes(4);
      const sumsPtr = scope.bytes(8);
      assert.equal(kernels[kernel.name](keysPtr, valuesPtr, 0, count, 0, 1, countsPtr, sumsPtr,
        scope.bytes(stripedScratchBytes(1))), count, kernel.name);
      assert.equal(harness.u32(countsPtr, 1)[0], count, kernel.name);
      assert.equal(harness.i64(sumsPtr, 1)[0], expectedSum, kernel.name);
      assert.equal(kernels[kernel.name](keysPtr, valuesPtr, 0, 1, 0, kernel.maxGroups + 1,
        countsPtr, sumsPtr, 0), KernelStatus.BAD_ARGUMENT, kernel.name);
    }
  });
});

test('groupMinMaxF64 and groupMinMaxI64 match the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const exact = random.bool();
      const { type, source, numGroups, keys, keysPtr } =
        randomGroupCase(random, scope, exact ? EXACT_TYPES : ALL_TYPES);
      const { count } = source.reference;
      const wanted = random.pick(['min', 'max', 'both']);
      const mins = exact ? new BigInt64Array(numGroups).fill(I64_MAX)
        : new Float64Array(numGroups).fill(Infinity);
      const maxs = exact ? new BigInt64Array(numGroups).fill(I64_MIN)
        : new Float64Array(numGroups).fill(-Infinity);
      const minsPtr = wanted === 'max' ? 0 : scope.copy(mins);
      const maxsPtr = wanted === 'min' ? 0 : scope.copy(maxs);
      const kernel = exact ? kernels.groupMinMaxI64 : kernels.groupMinMaxF64;
      assert.equal(kernel(type, keysPtr, source.valuesPtr, source.selPtr, count,
        source.baseDoc, numGroups, minsPtr, maxsPtr), count);
      if (mins instanceof BigInt64Array && maxs instanceof BigInt64Array) {
        reference.groupMinMaxI64(keys, source.reference, mins, maxs);
        if (minsPtr !== 0) assert.deepEqual(harness.i64(minsPtr, numGroups).slice(), mins);
        if (maxsPtr !== 0) assert.deepEqual(harness.i64(maxsPtr, numGroups).slice(), maxs);
      } else if (mins instanceof Float64Array && maxs instanceof Float64Array) {
        reference.groupMinMaxF64(keys, source.reference, mins, maxs);
        if (minsPtr !== 0) assertSameDoubles(harness.f64(minsPtr, numGroups), mins);
        if (maxsPtr !== 0) assertSameDoubles(harness.f64(maxsPtr, numGroups), maxs);
      }
    });
  });
});

test('group kernels refuse a key past numGroups and bad arguments', () => {
  withScope((scope) => {
    const keysPtr = scope.copy(Uint32Array.of(0, 1, 4, 1));
    const valuesPtr = scope.copy(Int32Array.of(5, 6, 7, 8));
    const countsPtr = scope.bytes(16);
    const sumsPtr = scope.bytes(32);
    assert.equal(kernels.groupCount(keysPtr, 4, 4, countsPtr), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.groupSumI64(AggValueType.I32, keysPtr, valuesPtr, 0, 4, 0, 4, countsPtr,
      sumsPtr, 0), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.groupSumI64(AggValueType.F32, keysPtr, valuesPtr, 0, 2, 0, 4, 0,
      sumsPtr, 0), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.groupMinMaxF64(AggValueType.I32, keysPtr, valuesPtr, 0, 2, 0, 4, 0, 0),
      KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.groupSumF64(AggValueType.I32, keysPtr, valuesPtr, 0, 0, 0, 4, countsPtr,
      sumsPtr), 0, 'an empty selection aggregates nothing');
  });
});

interface IdBlocks {
  blocks: Uint32Array[];
  cardinalities: number[];
  idPtrsPtr: number;
  cardinalitiesPtr: number;
}

function randomIdBlocks(random: SeededRandom, scope: Scope, count: number, bits: number): IdBlocks {
  const columnCount = random.int(1, 4);
  const cardinalities: number[] = [];
  let budgetBits = bits;
  for (let column = 0; column < columnCount; column++) {
    const columnBits = random.int(0, Math.min(16, budgetBits));
    budgetBits -= columnBits;
    cardinalities.push(Math.max(1, random.int(1, 2 ** columnBits)));
  }
  const blocks = cardinalities.map((card) =>
    Uint32Array.from({ length: count }, () => random.int(0, card - 1)));
  const idPtrsPtr = scope.copy(Uint32Array.from(blocks, (block) => scope.copy(block)));
  return { blocks, cardinalities, idPtrsPtr, cardinalitiesPtr: scope.copy(
    Uint32Array.from(cardinalities)) };
}

test('buildKeysU32 and buildKeysU64 pack multi-column keys as the reference', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const count = random.length(3000);
      const wide = random.bool();
      const ids = randomIdBlocks(random, scope, count, wide ? 64 : 32);
      const outPtr = scope.bytes(count * 8);
      const kernel = wide ? kernels.buildKeysU64 : kernels.buildKeysU32;
      assert.equal(kernel(ids.blocks.length, ids.idPtrsPtr, ids.cardinalitiesPtr, count, outPtr),
        count);
      if (wide) {
        const expected = reference.buildKeysU64(ids.blocks, ids.cardinalities, count);
        assert.deepEqual(new BigUint64Array(harness.i64(outPtr, count).slice().buffer), expected);
      } else {
        const expected = reference.buildKeysU32(ids.blocks, ids.cardinalities, count);
        assert.deepEqual(harness.u32(outPtr, count).slice(), expected);
      }
    });
  });
});

test('key builders refuse key spaces past their width', () => {
  withScope((scope) => {
    const ids = scope.copy(Uint32Array.of(1));
    const idPtrsPtr = scope.copy(Uint32Array.of(ids, ids, ids));
    const fits32 = scope.copy(Uint32Array.of(65536, 65535, 1));
    const over32 = scope.copy(Uint32Array.of(65536, 65536, 1));
    const over64 = scope.copy(Uint32Array.of(0xffffffff, 0xffffffff, 2));
    const outPtr = scope.bytes(8);
    assert.equal(kernels.buildKeysU32(3, idPtrsPtr, fits32, 1, outPtr), 1);
    assert.equal(harness.u32(outPtr, 1)[0], (1 * 65535 + 1) * 1 + 1);
    assert.equal(kernels.buildKeysU32(3, idPtrsPtr, over32, 1, outPtr), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.buildKeysU64(3, idPtrsPtr, over32, 1, outPtr), 1);
    assert.equal(kernels.buildKeysU64(3, idPtrsPtr, over64, 1, outPtr), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.buildKeysU32(0, idPtrsPtr, fits32, 1, outPtr), KernelStatus.BAD_ARGUMENT);
  });
});

/** A kernel hash table in test memory, grown by rehash when the kernel asks for room. */
class KernelGroupTable {
  tablePtr: number;
  constructor(
    private readonly scope: Scope,
    capacity: number,
    readonly maxGroups: number,
  ) {
    this.tablePtr = this.create(capacity);
  }

  private create(capacity: number): number {
    const tablePtr = this.scope.bytes(hashTableSizeBytes(capacity));
    assert.equal(kernels.hashTableInit(tablePtr, capacity, this.maxGroups), KernelStatus.OK);
    return tablePtr;
  }

  header(field: keyof typeof HashHeaderOffset): number {
    return harness.u32(this.tablePtr + HashHeaderOffset[field], 1)[0]!;
  }

  /** Maps rows as the engine would: grow on SCRATCH_TOO_SMALL, stop on GROUP_LIMIT. */
  assign(keysPtr: number, count: number, groupIdsPtr: number): { rowsMapped: number;
    limitReached: boolean; } {
    let done = 0;
    for (;;) {
      const status = kernels.hashGroupIds(this.tablePtr, keysPtr + done * 8, count - done,
        groupIdsPtr + done * 4);
      done += this.header('rowsMapped');
      if (status >= 0) return { rowsMapped: done, limitReached: false };
      if (status === KernelStatus.GROUP_LIMIT) return { rowsMapped: done, limitReached: true };
      assert.equal(status, KernelStatus.SCRATCH_TOO_SMALL);
      const grown = this.create(this.header('capacity') * 2);
      assert.equal(kernels.hashTableRehash(this.tablePtr, grown), KernelStatus.OK);
      this.tablePtr = grown;
    }
  }

  keys(): bigint[] {
    const numGroups = this.header('numGroups');
    const outPtr = this.scope.bytes(numGroups * 8);
    assert.equal(kernels.hashTableKeys(this.tablePtr, outPtr), numGroups);
    return Array.from(new BigUint64Array(harness.i64(outPtr, numGroups).slice().buffer));
  }
}

function randomKeyPool(random: SeededRandom): bigint[] {
  const poolSize = random.pick([1, 2, 3, random.int(1, 5000)]);
  return Array.from({ length: poolSize }, (_, index) => {
    if (index === 0) return random.pick([0n, (1n << 64n) - 1n, 1n << 63n]);
    return random.bool() ? BigInt(index) * 1024n
      : BigInt.asUintN(64, BigInt(random.int(0, 2 ** 32 - 1)) << 20n) + BigInt(index);
  });
}

test('hash group ids match first-seen order through growth and the group limit', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    withScope((scope) => {
      const pool = randomKeyPool(random);
      const count = random.length(4000);
      const keys = BigUint64Array.from({ length: count }, () => random.pick(pool));
      const distinct = new Set(keys).size;
      const maxGroups = random.pick([distinct, Math.max(0, distinct - 1), random.int(0, 6000)]);
      const capacity = random.bool() ? HASH_MIN_CAPACITY : hashCapacityFor(maxGroups);
      const table = new KernelGroupTable(scope, capacity, maxGroups);
      const expected = new reference.ReferenceGroupIds(maxGroups);
      const keysPtr = scope.copy(keys);
      const groupIdsPtr = scope.bytes(count * 4);
      const expectedIds = new Uint32Array(count);
      const got = table.assign(keysPtr, count, groupIdsPtr);
      assert.deepEqual(got, expected.assign(keys, count, expectedIds));
      assert.equal(got.limitReached, distinct > maxGroups, 'limit exactly past maxGroups');
      assert.equal(table.header('numGroups'), expected.numGroups);
      // Rows after the limit still count for the groups already there.
      const rest = count - got.rowsMapped;
      assert.equal(kernels.hashLookupGroupIds(table.tablePtr, keysPtr + got.rowsMapped * 8, rest,
        groupIdsPtr + got.rowsMapped * 4, maxGroups), rest);
      expected.lookup(keys.subarray(got.rowsMapped), rest, expectedIds.subarray(got.rowsMapped),
        maxGroups);
      assert.deepEqual(harness.u32(groupIdsPtr, count).slice(), expectedIds);
      assert.deepEqual(table.keys(), expected.keys());
    });
  });
});

test('hash table refuses bad capacities and overfull rehash targets', () => {
  withScope((scope) => {
    const tablePtr = scope.bytes(hashTableSizeBytes(8));
    assert.equal(kernels.hashTableInit(tablePtr, 6, 10), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.hashTableInit(tablePtr, 2, 10), KernelStatus.BAD_ARGUMENT);
    assert.equal(kernels.hashTableInit(tablePtr, 8, 10), KernelStatus.OK);
    const keysPtr = scope.copy(BigUint64Array.of(1n, 2n, 3n, 4n, 5n, 6n, 7n));
    const idsPtr = scope.bytes(7 * 4);
    // 3/4 of 8 slots: the seventh key does not fit.
    assert.equal(kernels.hashGroupIds(tablePtr, keysPtr, 7, idsPtr),
      KernelStatus.SCRATCH_TOO_SMALL);
    assert.equal(harness.u32(tablePtr + HashHeaderOffset.rowsMapped, 1)[0], 6);
    const smallPtr = scope.bytes(hashTableSizeBytes(4));
    assert.equal(kernels.hashTableInit(smallPtr, 4, 10), KernelStatus.OK);
    assert.equal(kernels.hashTableRehash(tablePtr, smallPtr), KernelStatus.BAD_ARGUMENT);
    assert.equal(hashCapacityFor(6), 8);
    assert.equal(hashCapacityFor(7), 16);
  });
});

test('a dictionary source is the dictionary as values and the ids as selection', () => {
  withScope((scope) => {
    const dictionary = Float64Array.of(-2.5, 0.5, 10);
    const ids = Uint32Array.of(2, 0, 0, 1, 2);
    const statePtr = scope.bytes(AGG_STATE_F64_BYTES);
    kernels.aggStateInitF64(statePtr);
    assert.equal(kernels.aggregateF64(AggValueType.F64, scope.copy(dictionary), scope.copy(ids),
      ids.length, 0, statePtr), ids.length);
    assert.deepEqual(readStateF64(statePtr), { count: 5n, sum: 15.5, min: -2.5, max: 10 });
    const outPtr = scope.copy(Uint32Array.of(0xffffffff, 0));
    assert.equal(kernels.idMinMax(scope.copy(ids), ids.length, outPtr), ids.length);
    assert.deepEqual(Array.from(harness.u32(outPtr, 2)), [0, 2], 'ids of MIN and MAX');
  });
});
