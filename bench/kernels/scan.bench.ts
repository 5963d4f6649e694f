// Scan kernels beside their TypeScript references on the same input: range predicates over
// bit-packed ids of byte-aligned and odd widths into each output, eq and in-set over ids,
// ranges over raw INT/LONG/FLOAT/DOUBLE columns, and the fused scan + COUNT/SUM/MIN/MAX
// (scanIdsAggregateF64) over dictionary and raw INT values. Targets (issue 2): >= 4e9 rows/s
// for 8-bit ids, >= 1.5e9 rows/s for odd widths, into a bitset on one core.
import { AGG_STATE_F64_BYTES, AggValueType } from '../../host/runtime/exports/aggregate.js';
import {
  SCAN_AGG_SCRATCH_BYTES,
  ScanOutputMode,
  type ScanOutputModeValue,
} from '../../host/runtime/exports/scan.js';
import { checkStatus } from '../../host/runtime/status.js';
import { maxValueOf, pack, packedSizeBytes } from '../../kernels/reference/bitpack.js';
import {
  scanIds,
  scanIdsAggregate,
  scanRaw,
  type IdPredicate,
  type NumericColumn,
} from '../../kernels/reference/scan.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0x5ca7;
/** Byte-aligned widths (SIMD compares straight on the ids) and odd ones (shuffled lanes). */
const RANGE_WIDTHS = [8, 16, 32, 1, 4, 7, 11, 13, 20, 27];
/** Ranges keep about half the ids: the bitset work does not depend on selectivity. */
const BITSET_RANGE_FRACTION = 0.5;
/** Selection vectors cost per match; a tenth is a typical filter. */
const SELECTION_RANGE_FRACTION = 0.1;
/** Dictionary size of the in-set case's width-11 column. */
const IN_SET_WIDTH = 11;
/** The fused cases' filter column: a timestamp's ids in a 1M-doc segment take 20 bits. */
const FUSED_FILTER_WIDTH = 20;
/** Their value column: a high-cardinality INT metric (~375k distinct values, 19-bit ids). */
const FUSED_VALUE_WIDTH = 19;
/** Share of the docs the fused cases keep: the scan benchmark's 50% and 10% queries. */
const FUSED_FRACTIONS = [0.5, 0.1];

const OUTPUT_NAMES: Record<ScanOutputModeValue, string> = {
  [ScanOutputMode.BITSET]: 'bitset',
  [ScanOutputMode.SELECTION]: 'selection',
  [ScanOutputMode.COUNT]: 'count',
};

interface PackedColumn {
  bitWidth: number;
  packedPtr: number;
  sizeBytes: number;
}

/** Uniform ids at `bitWidth`, packed once into the shared memory. */
function packedColumn(h: KernelHarness, random: SeededRandom, rowCount: number, bitWidth: number) {
  const maxId = maxValueOf(bitWidth);
  const ids = new Uint32Array(rowCount);
  for (let i = 0; i < rowCount; i++) ids[i] = random.int(0, maxId);
  const sizeBytes = packedSizeBytes(rowCount, bitWidth);
  const packedPtr = h.allocator.allocate(sizeBytes);
  pack(ids, bitWidth, h.u8(packedPtr, sizeBytes));
  return { bitWidth, packedPtr, sizeBytes } satisfies PackedColumn;
}

/** Output buffers big enough for any output of `rowCount` docs. */
function outputBuffer(h: KernelHarness, rowCount: number): number {
  return h.allocator.allocate(rowCount * 4);
}

function idCase(
  h: KernelHarness,
  name: string,
  column: PackedColumn,
  rowCount: number,
  predicate: IdPredicate,
  output: ScanOutputModeValue,
): KernelBenchCase {
  const outPtr = outputBuffer(h, rowCount);
  const referenceOut = new Uint32Array(rowCount);
  const { bitWidth, packedPtr, sizeBytes } = column;
  const k = h.exports;
  let setPtr = 0;
  if (predicate.kind === 'inSet') setPtr = h.copyIn(predicate.idSet);
  const runKernel = (): number => {
    switch (predicate.kind) {
      case 'eq':
        return k.scanIdsEq(packedPtr, bitWidth, 0, rowCount, predicate.id, output, outPtr);
      case 'neq':
        return k.scanIdsNeq(packedPtr, bitWidth, 0, rowCount, predicate.id, output, outPtr);
      case 'range':
        return k.scanIdsRange(
          packedPtr, bitWidth, 0, rowCount, predicate.loId, predicate.hiId, output, outPtr,
        );
      case 'inSet':
        return k.scanIdsInSet(
          packedPtr, bitWidth, 0, rowCount, setPtr, predicate.idCount, output, outPtr,
        );
    }
  };
  return {
    kernel: `scan.${name}.bitpacked.w${bitWidth}.${OUTPUT_NAMES[output]}`,
    rows: rowCount,
    run: () => void checkStatus('scan', runKernel()),
    // A fresh view per call: the memory may have grown since the case was prepared.
    reference: () => {
      const packed = h.u8(packedPtr, sizeBytes);
      scanIds(packed, bitWidth, 0, rowCount, predicate, output, referenceOut);
    },
  };
}

function rangeOf(bitWidth: number, fraction: number): IdPredicate {
  const maxId = maxValueOf(bitWidth);
  const loId = Math.floor(maxId * 0.25);
  return { kind: 'range', loId, hiId: Math.min(maxId, loId + Math.floor(maxId * fraction)) };
}

function idCases(h: KernelHarness, random: SeededRandom, rowCount: number): KernelBenchCase[] {
  const cases: KernelBenchCase[] = [];
  for (const bitWidth of RANGE_WIDTHS) {
    const column = packedColumn(h, random, rowCount, bitWidth);
    const bitsetRange = rangeOf(bitWidth, BITSET_RANGE_FRACTION);
    cases.push(idCase(h, 'range', column, rowCount, bitsetRange, ScanOutputMode.BITSET));
    if (bitWidth === 8 || bitWidth === 7) {
      const selective = rangeOf(bitWidth, SELECTION_RANGE_FRACTION);
      cases.push(idCase(h, 'range', column, rowCount, selective, ScanOutputMode.SELECTION));
      cases.push(idCase(h, 'range', column, rowCount, bitsetRange, ScanOutputMode.COUNT));
    }
    if (bitWidth === IN_SET_WIDTH) {
      const eq: IdPredicate = { kind: 'eq', id: 42 };
      cases.push(idCase(h, 'eq', column, rowCount, eq, ScanOutputMode.BITSET));
      const idCount = maxValueOf(bitWidth) + 1;
      const idSet = new Uint32Array(Math.ceil(idCount / 32));
      // Every third id: a large IN list.
      for (let id = 0; id < idCount; id += 3) idSet[id >>> 5] = idSet[id >>> 5]! | (1 << (id & 31));
      const inSet: IdPredicate = { kind: 'inSet', idSet, idCount };
      cases.push(idCase(h, 'inset', column, rowCount, inSet, ScanOutputMode.BITSET));
    }
  }
  return cases;
}

interface RawSpec {
  name: string;
  column: NumericColumn;
  lo: number | bigint;
  hi: number | bigint;
  /** The kernel on the column at `valuesPtr`, inclusive bounds. */
  scan(valuesPtr: number, output: ScanOutputModeValue, outPtr: number): number;
}

/** Raw columns of one shape: uniform INTs, and LONG/FLOAT/DOUBLE columns derived from them. */
function rawSpecs(h: KernelHarness, random: SeededRandom, rowCount: number): RawSpec[] {
  const k = h.exports;
  const ints = Int32Array.from({ length: rowCount }, () => random.int(-1_000_000, 1_000_000));
  const longScale = 1_000_003n;
  const longs = BigInt64Array.from(ints, (v) => BigInt(v) * longScale);
  const floats = Float32Array.from(ints, (v) => v / 7);
  const doubles = Float64Array.from(ints, (v) => v / 7);
  // Bounds keep about a quarter of the rows.
  const [lo, hi] = [-500_000, 0];
  const [loLong, hiLong] = [BigInt(lo) * longScale, BigInt(hi) * longScale];
  return [
    {
      name: 'i32', column: ints, lo, hi,
      scan: (ptr, output, out) => k.scanI32Range(ptr, 0, rowCount, lo, hi, 0, output, out),
    },
    {
      name: 'i64', column: longs, lo: loLong, hi: hiLong,
      scan: (ptr, output, out) =>
        k.scanI64Range(ptr, 0, rowCount, loLong, hiLong, 0, output, out),
    },
    {
      name: 'f32', column: floats, lo: lo / 7, hi: hi / 7,
      scan: (ptr, output, out) => k.scanF32Range(ptr, 0, rowCount, lo / 7, hi / 7, 0, output, out),
    },
    {
      name: 'f64', column: doubles, lo: lo / 7, hi: hi / 7,
      scan: (ptr, output, out) => k.scanF64Range(ptr, 0, rowCount, lo / 7, hi / 7, 0, output, out),
    },
  ];
}

function rawCases(h: KernelHarness, random: SeededRandom, rowCount: number): KernelBenchCase[] {
  const cases: KernelBenchCase[] = [];
  for (const spec of rawSpecs(h, random, rowCount)) {
    const valuesPtr = h.copyIn(spec.column);
    const outPtr = outputBuffer(h, rowCount);
    const referenceOut = new Uint32Array(rowCount);
    const predicate = {
      kind: 'range', lo: spec.lo, hi: spec.hi, loInclusive: true, hiInclusive: true,
    } as const;
    for (const output of [ScanOutputMode.BITSET, ScanOutputMode.SELECTION]) {
      cases.push({
        kernel: `scan.range.raw.${spec.name}.${OUTPUT_NAMES[output]}`,
        rows: rowCount,
        run: () => void checkStatus('scan', spec.scan(valuesPtr, output, outPtr)),
        reference: () => void scanRaw(spec.column, 0, rowCount, predicate, output, referenceOut),
      });
    }
  }
  return cases;
}

/** Filter + COUNT/SUM in one pass (the scan queries' shape), over dictionary and raw INTs. */
function fusedCases(h: KernelHarness, random: SeededRandom, rowCount: number): KernelBenchCase[] {
  const filter = packedColumn(h, random, rowCount, FUSED_FILTER_WIDTH);
  const valueIds = packedColumn(h, random, rowCount, FUSED_VALUE_WIDTH);
  const cardinality = maxValueOf(FUSED_VALUE_WIDTH) + 1;
  const dictionary = Int32Array.from({ length: cardinality }, (_, i) => i * 3);
  const raw = Int32Array.from({ length: rowCount }, () => random.int(0, 600_000));
  const dictionaryPtr = h.copyIn(dictionary);
  const rawPtr = h.copyIn(raw);
  const statePtr = h.allocator.allocate(AGG_STATE_F64_BYTES);
  const scratchPtr = h.allocator.allocate(SCAN_AGG_SCRATCH_BYTES);
  const cases: KernelBenchCase[] = [];
  for (const fraction of FUSED_FRACTIONS) {
    const maxId = maxValueOf(FUSED_FILTER_WIDTH);
    const loId = Math.floor(maxId * (1 - fraction));
    for (const layout of ['dict', 'raw'] as const) {
      const isDict = layout === 'dict';
      const run = (): void => {
        h.exports.aggStateInitF64(statePtr);
        const count = h.exports.scanIdsAggregateF64(
          filter.packedPtr, FUSED_FILTER_WIDTH, 0, rowCount, loId, maxId, 0, 0, AggValueType.I32,
          isDict ? dictionaryPtr : rawPtr, isDict ? valueIds.packedPtr : 0,
          isDict ? FUSED_VALUE_WIDTH : 0, 0, statePtr, scratchPtr,
        );
        checkStatus('scanIdsAggregateF64', count);
      };
      const reference = (): void => {
        const packedIds = h.u8(valueIds.packedPtr, valueIds.sizeBytes);
        const ids = { packed: packedIds, bitWidth: FUSED_VALUE_WIDTH };
        const source = isDict ? { values: dictionary, ids } : { values: raw };
        const state = { count: 0, sum: 0, min: Infinity, max: -Infinity };
        const packed = h.u8(filter.packedPtr, filter.sizeBytes);
        const predicate = { kind: 'range', loId, hiId: maxId } as const;
        scanIdsAggregate(packed, FUSED_FILTER_WIDTH, 0, rowCount, predicate, source, false, state);
      };
      const name = `scan.aggregate.w${FUSED_FILTER_WIDTH}.${layout}_i32.sum.${fraction * 100}pct`;
      cases.push({ kernel: name, rows: rowCount, run, reference });
    }
  }
  return cases;
}

export function suite(h: KernelHarness, rowCount: number): KernelBenchCase[] {
  const random = new SeededRandom(BENCH_SEED);
  return [
    ...idCases(h, random, rowCount),
    ...rawCases(h, random, rowCount),
    ...fusedCases(h, random, rowCount),
  ];
}
