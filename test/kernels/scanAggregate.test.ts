// Seeded fuzz of the fused scan + aggregation kernel (kernels/assembly/scanAggregate.ts) against
// its TypeScript reference (kernels/reference/scan.ts scanIdsAggregate): every filter width,
// range and set predicates, raw and dictionary value columns of every value type (NaN, signed
// zeros, infinities, LONGs past 2^53), doc ranges not aligned to 32 and longer than a chunk,
// and states that already hold values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGG_STATE_F64_BYTES, AggValueType } from '../../host/runtime/exports/aggregate.js';
import { SCAN_AGG_SCRATCH_BYTES } from '../../host/runtime/exports/scan.js';
import { KernelStatus } from '../../host/runtime/status.js';
import { bitsNeeded, maxValueOf, pack, packedSizeBytes } from '../../kernels/reference/bitpack.js';
import {
  scanIdsAggregate,
  type IdPredicate,
  type ScanAggregateState,
  type ScanAggregateValues,
} from '../../kernels/reference/scan.js';
import { kernelHarness } from '../support/kernels.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

/** Cases per seed: each draws a width, a predicate, a value type and a layout. */
const CASES_PER_SEED = 60;
/** Seeds of the fuzz test. */
const FUZZ_SEEDS = 10;
/** Docs of the longest column: past two 4096-doc chunks of the kernel. */
const MAX_DOCS = 9000;

const h = kernelHarness();

type ValueArray = ScanAggregateValues['values'];

function packIds(ids: Uint32Array, bitWidth: number): Uint8Array {
  const packed = new Uint8Array(packedSizeBytes(ids.length, bitWidth));
  pack(ids, bitWidth, packed);
  return packed;
}

function randomIds(random: SeededRandom, count: number, maxId: number): Uint32Array {
  const pool = [0, maxId, random.int(0, maxId), random.int(0, maxId)];
  const uniform = random.bool();
  return Uint32Array.from({ length: count }, () =>
    uniform ? random.int(0, maxId) : random.pick(pool),
  );
}

function randomPredicate(
  random: SeededRandom,
  maxId: number,
): IdPredicate & { kind: 'range' | 'inSet' } {
  const pick = (): number => random.pick([0, maxId, random.int(0, maxId), random.int(0, maxId)]);
  if (random.bool()) return { kind: 'range', loId: pick(), hiId: pick() };
  const idCount = random.int(1, Math.min(maxId + 1, 3000));
  const density = random.next();
  const idSet = new Uint32Array(Math.ceil(idCount / 32));
  for (let id = 0; id < idCount; id++) {
    if (random.bool(density)) idSet[id >>> 5] = idSet[id >>> 5]! | (1 << (id & 31));
  }
  return { kind: 'inSet', idSet, idCount };
}

/** Values on which MIN/MAX hinge on the rules: which zero stays, whether NaN wins. */
const SIGNED_ZEROS_AND_NAN = [0, -0, Number.NaN];
/** Float values whose MIN/MAX/SUM rules differ between engines. */
const FLOAT_SPECIALS = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

function randomValues(random: SeededRandom, type: AggValueType, count: number): ValueArray {
  const special = random.bool(0.3);
  switch (type) {
    case AggValueType.I32:
      return Int32Array.from({ length: count }, () => random.int(-(2 ** 31), 2 ** 31 - 1));
    case AggValueType.U32:
      return Uint32Array.from({ length: count }, () => random.int(0, 2 ** 32 - 1));
    case AggValueType.I64:
      return BigInt64Array.from(
        { length: count },
        () => BigInt(random.int(-(2 ** 40), 2 ** 40)) * BigInt(random.int(1, 2 ** 22)),
      );
    case AggValueType.F32:
    case AggValueType.F64: {
      // Some columns hold only zeros of both signs and NaN: MIN/MAX then hinge on the rules.
      const onlySpecials = random.bool(0.15);
      const draw = (): number =>
        onlySpecials || (special && random.bool(0.2))
          ? random.pick(onlySpecials ? SIGNED_ZEROS_AND_NAN : FLOAT_SPECIALS)
          : (random.next() - 0.5) * 1e6;
      return type === AggValueType.F32
        ? Float32Array.from({ length: count }, draw)
        : Float64Array.from({ length: count }, draw);
    }
    default:
      throw new Error(`value type ${String(type)}`);
  }
}

function valueBytes(values: ValueArray): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A state that is empty or already holds an earlier call's values. */
function randomState(random: SeededRandom): ScanAggregateState {
  if (random.bool()) return { count: 0, sum: 0, min: Infinity, max: -Infinity };
  return { count: random.int(1, 100), sum: random.next() * 1e3, min: -5, max: 7 };
}

interface KernelCase {
  readonly packedPtr: number;
  readonly bitWidth: number;
  readonly startDoc: number;
  readonly endDoc: number;
  readonly predicate: IdPredicate & { kind: 'range' | 'inSet' };
  readonly type: AggValueType;
  readonly valuesPtr: number;
  readonly valueIdsPtr: number;
  readonly valueBitWidth: number;
  readonly withMinMax: boolean;
}

/** Runs the kernel from `initial`; returns the result and the state it left. */
function runKernel(c: KernelCase, initial: ScanAggregateState): [number, ScanAggregateState] {
  const statePtr = h.allocator.allocate(AGG_STATE_F64_BYTES);
  const scratchPtr = h.allocator.allocate(SCAN_AGG_SCRATCH_BYTES);
  const setPtr = c.predicate.kind === 'inSet' ? h.copyIn(c.predicate.idSet) : 0;
  h.i64(statePtr, 1)[0] = BigInt(initial.count);
  h.f64(statePtr + 8, 3).set([initial.sum, initial.min, initial.max]);
  const [loId, hiId] = c.predicate.kind === 'range' ? [c.predicate.loId, c.predicate.hiId] : [0, 0];
  const result = h.exports.scanIdsAggregateF64(
    c.packedPtr,
    c.bitWidth,
    c.startDoc,
    c.endDoc,
    loId,
    hiId,
    setPtr,
    c.predicate.kind === 'inSet' ? c.predicate.idCount : 0,
    c.type,
    c.valuesPtr,
    c.valueIdsPtr,
    c.valueBitWidth,
    c.withMinMax ? 1 : 0,
    statePtr,
    scratchPtr,
  );
  const [sum, min, max] = h.f64(statePtr + 8, 3);
  const state = { count: Number(h.i64(statePtr, 1)[0]), sum: sum!, min: min!, max: max! };
  if (setPtr !== 0) h.allocator.release(setPtr);
  h.allocator.release(scratchPtr);
  h.allocator.release(statePtr);
  return [result, state];
}

/** One random case through the kernel and the reference. */
function checkCase(random: SeededRandom): void {
  const docCount = random.bool(0.2) ? random.int(0, 64) : random.int(0, MAX_DOCS);
  const bitWidth = random.int(1, 32);
  const ids = randomIds(random, docCount, maxValueOf(bitWidth));
  const packed = packIds(ids, bitWidth);
  const type = random.pick([0, 1, 2, 3, 4] as const) as AggValueType;
  const dictionary = random.bool();
  const cardinality = random.int(1, 2000);
  const values = randomValues(random, type, dictionary ? cardinality : docCount);
  const valueBitWidth = random.int(bitsNeeded(cardinality - 1), 32);
  const valueIds = randomIds(random, docCount, cardinality - 1);
  const source: ScanAggregateValues = dictionary
    ? { values, ids: { packed: packIds(valueIds, valueBitWidth), bitWidth: valueBitWidth } }
    : { values };
  const startDoc = random.bool(0.3) ? 0 : random.int(0, docCount);
  const endDoc = random.bool(0.3) ? docCount : random.int(startDoc, docCount);
  const predicate = randomPredicate(random, maxValueOf(bitWidth));
  const initial = randomState(random);
  const expected = { ...initial };
  const withMinMax = random.bool(0.7);
  const expectedCount = scanIdsAggregate(
    packed,
    bitWidth,
    startDoc,
    endDoc,
    predicate,
    source,
    withMinMax,
    expected,
  );
  const packedPtr = h.copyIn(packed);
  const valuesPtr = h.copyIn(valueBytes(values));
  const valueIdsPtr = source.ids === undefined ? 0 : h.copyIn(source.ids.packed);
  const [count, state] = runKernel(
    {
      packedPtr,
      bitWidth,
      startDoc,
      endDoc,
      predicate,
      type,
      valuesPtr,
      valueIdsPtr,
      valueBitWidth,
      withMinMax,
    },
    initial,
  );
  const what = `type ${type}, width ${bitWidth}, ${predicate.kind}, dictionary ${dictionary}, min/max ${withMinMax}, docs [${startDoc}, ${endDoc})`;
  assert.equal(count, expectedCount, what);
  // Object.is tells -0 from +0 and matches NaN with NaN.
  for (const key of ['count', 'sum', 'min', 'max'] as const) {
    assert.ok(
      Object.is(state[key], expected[key]),
      `${what}: ${key} ${state[key]} vs ${expected[key]}`,
    );
  }
  for (const ptr of [valueIdsPtr, valuesPtr, packedPtr]) if (ptr !== 0) h.allocator.release(ptr);
}

describe('fused scan and aggregation over bit-packed ids', () => {
  it('matches the reference for every width, predicate, value type and layout', () => {
    forEachSeed(FUZZ_SEEDS, (random) => {
      for (let i = 0; i < CASES_PER_SEED; i++) checkCase(random);
    });
  });

  it('hands over the scratch size the kernel was built with', () => {
    const exported = h.exports as unknown as Record<string, WebAssembly.Global>;
    assert.equal(exported['SCAN_AGG_SCRATCH_BYTES']!.value, SCAN_AGG_SCRATCH_BYTES);
  });

  it('returns BAD_ARGUMENT for bad widths, value types and reversed doc ranges', () => {
    const packedPtr = h.copyIn(new Uint8Array(packedSizeBytes(64, 32)));
    const statePtr = h.allocator.allocate(AGG_STATE_F64_BYTES);
    const scratchPtr = h.allocator.allocate(SCAN_AGG_SCRATCH_BYTES);
    const call = (width: number, start: number, end: number, type: number, valueWidth: number) =>
      h.exports.scanIdsAggregateF64(
        packedPtr,
        width,
        start,
        end,
        0,
        10,
        0,
        0,
        type,
        packedPtr,
        packedPtr,
        valueWidth,
        1,
        statePtr,
        scratchPtr,
      );
    assert.equal(call(0, 0, 64, AggValueType.I32, 8), KernelStatus.BAD_ARGUMENT);
    assert.equal(call(33, 0, 64, AggValueType.I32, 8), KernelStatus.BAD_ARGUMENT);
    assert.equal(call(8, 0, 64, AggValueType.I32, 33), KernelStatus.BAD_ARGUMENT);
    assert.equal(call(8, 0, 64, 5, 8), KernelStatus.BAD_ARGUMENT);
    assert.equal(call(8, 10, 9, AggValueType.I32, 8), KernelStatus.BAD_ARGUMENT);
    h.exports.aggStateInitF64(statePtr);
    assert.equal(call(8, 0, 64, AggValueType.I32, 8), 64);
    for (const ptr of [scratchPtr, statePtr, packedPtr]) h.allocator.release(ptr);
  });
});
