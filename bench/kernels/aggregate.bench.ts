// Aggregation and group-by kernels beside their TypeScript references on the same input:
// SUM over a doc range and over a selection vector, dense group-by into 256 groups, and hash
// group-by into about a million groups.
import {
  AGG_STATE_I64_BYTES,
  AggValueType,
  hashCapacityFor,
  hashTableSizeBytes,
  stripedScratchBytes,
} from '../../host/runtime/exports/aggregate.js';
import { checkStatus } from '../../host/runtime/status.js';
import * as reference from '../../kernels/reference/aggregate.js';
import * as bitpackReference from '../../kernels/reference/bitpack.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0xa66;
/** 8-bit group ids: the "group-by into <= 256 groups" target. */
const DENSE_GROUPS = 256;
/** 8 bits hold the 256 dense group ids in the bit-packed forward index. */
const DENSE_KEY_BITS = 8;
/** The engine streams unpack -> aggregate in blocks of this many docs (cache-resident ids). */
const PIPELINE_BLOCK_DOCS = 4096;
/** The hash group-by size. */
const HASH_GROUPS = 1 << 20;
/** A selection keeping about half the docs, as a moderately selective filter. */
const SELECTION_KEEP_PROBABILITY = 0.5;

interface BenchData {
  rowCount: number;
  intsPtr: number;
  ints: Int32Array;
  doublesPtr: number;
  doubles: Float64Array;
  selectionPtr: number;
  selection: Uint32Array;
  denseKeysPtr: number;
  denseKeys: Uint32Array;
  hashKeysPtr: number;
  hashKeys: BigUint64Array;
}

function prepare(harness: KernelHarness, rowCount: number): BenchData {
  const random = new SeededRandom(BENCH_SEED);
  const ints = Int32Array.from({ length: rowCount }, () => random.int(-1_000_000, 1_000_000));
  const doubles = Float64Array.from({ length: rowCount }, () => (random.next() - 0.5) * 1e6);
  const selected: number[] = [];
  for (let doc = 0; doc < rowCount; doc++) {
    if (random.bool(SELECTION_KEEP_PROBABILITY)) selected.push(doc);
  }
  const selection = Uint32Array.from(selected);
  const denseKeys = Uint32Array.from({ length: rowCount }, () => random.int(0, DENSE_GROUPS - 1));
  const hashKeys = BigUint64Array.from({ length: rowCount }, () =>
    BigInt(random.int(0, HASH_GROUPS - 1)) * 0x9e3779b1n);
  const intsPtr = harness.copyIn(ints);
  const doublesPtr = harness.copyIn(doubles);
  const selectionPtr = harness.copyIn(selection);
  const denseKeysPtr = harness.copyIn(denseKeys);
  const hashKeysPtr = harness.copyIn(hashKeys);
  return {
    rowCount, intsPtr, ints, doublesPtr, doubles, selectionPtr, selection,
    denseKeysPtr, denseKeys, hashKeysPtr, hashKeys,
  };
}

function sumCases(harness: KernelHarness, data: BenchData): KernelBenchCase[] {
  const kernels = harness.exports;
  // The exact layout is the larger one, so one record serves both kinds of state.
  const statePtr = harness.allocator.allocate(AGG_STATE_I64_BYTES);
  const { rowCount, selection } = data;
  return [
    {
      kernel: 'aggregate.sum.range.i32.exact',
      rows: rowCount,
      run() {
        kernels.aggStateInitI64(statePtr);
        checkStatus('aggregateI64', kernels.aggregateI64(
          AggValueType.I32, data.intsPtr, 0, rowCount, 0, statePtr));
      },
      reference() {
        reference.aggregateI64({ values: data.ints, count: rowCount }, reference.newStateI64());
      },
    },
    {
      kernel: 'aggregate.sum.range.f64',
      rows: rowCount,
      run() {
        kernels.aggStateInitF64(statePtr);
        checkStatus('aggregateF64', kernels.aggregateF64(
          AggValueType.F64, data.doublesPtr, 0, rowCount, 0, statePtr));
      },
      reference() {
        reference.aggregateF64({ values: data.doubles, count: rowCount }, reference.newStateF64());
      },
    },
    {
      kernel: 'aggregate.sum.selection.f64',
      rows: selection.length,
      run() {
        kernels.aggStateInitF64(statePtr);
        checkStatus('aggregateF64', kernels.aggregateF64(
          AggValueType.F64, data.doublesPtr, data.selectionPtr, selection.length, 0, statePtr));
      },
      reference() {
        reference.aggregateF64(
          { values: data.doubles, count: selection.length, selection },
          reference.newStateF64(),
        );
      },
    },
  ];
}

/** Per-group arrays and striped scratch of a dense COUNT + SUM(INT) case. */
function denseGroupArrays(harness: KernelHarness): {
  countsPtr: number; sumsPtr: number; scratchPtr: number; reset(): void;
} {
  const countsPtr = harness.allocator.allocate(DENSE_GROUPS * 4);
  const sumsPtr = harness.allocator.allocate(DENSE_GROUPS * 8);
  const scratchPtr = harness.allocator.allocate(stripedScratchBytes(DENSE_GROUPS));
  return {
    countsPtr, sumsPtr, scratchPtr,
    reset() {
      harness.u8(countsPtr, DENSE_GROUPS * 4).fill(0);
      harness.u8(sumsPtr, DENSE_GROUPS * 8).fill(0);
    },
  };
}

/** u32 keys (unpacked ids) into the striped COUNT + SUM(INT) kernel. */
function denseGroupCase(harness: KernelHarness, data: BenchData): KernelBenchCase {
  const kernels = harness.exports;
  const arrays = denseGroupArrays(harness);
  const { rowCount } = data;
  return {
    kernel: 'aggregate.groupby.dense.256.count_sum_i32',
    rows: rowCount,
    run() {
      arrays.reset();
      checkStatus('groupCountSumI32Striped', kernels.groupCountSumI32Striped(data.denseKeysPtr,
        data.intsPtr, 0, rowCount, 0, DENSE_GROUPS, arrays.countsPtr, arrays.sumsPtr,
        arrays.scratchPtr));
    },
    reference() {
      reference.groupSumI64(data.denseKeys, { values: data.ints, count: rowCount },
        new Uint32Array(DENSE_GROUPS), new BigInt64Array(DENSE_GROUPS));
    },
  };
}

/** The same group-by reading u8 keys straight from the width-8 forward index (no unpack). */
function denseGroupKeysU8Case(harness: KernelHarness, data: BenchData): KernelBenchCase {
  const kernels = harness.exports;
  const arrays = denseGroupArrays(harness);
  const { rowCount } = data;
  const keys = Uint8Array.from(data.denseKeys);
  const keysPtr = harness.copyIn(keys);
  return {
    kernel: 'aggregate.groupby.dense.256.count_sum_i32.keys_u8',
    rows: rowCount,
    run() {
      arrays.reset();
      checkStatus('groupCountSumI32KeysU8', kernels.groupCountSumI32KeysU8(keysPtr,
        data.intsPtr, 0, rowCount, 0, DENSE_GROUPS, arrays.countsPtr, arrays.sumsPtr,
        arrays.scratchPtr));
    },
    reference() {
      reference.groupCountSumI32(keys, { values: data.ints, count: rowCount },
        new Uint32Array(DENSE_GROUPS), new BigInt64Array(DENSE_GROUPS));
    },
  };
}

/** The engine's hot path: unpack a block of 8-bit ids, then COUNT + SUM(INT) per group. */
function pipelineGroupCase(harness: KernelHarness, data: BenchData): KernelBenchCase {
  const kernels = harness.exports;
  const { rowCount } = data;
  const packedBytes = bitpackReference.packedSizeBytes(rowCount, DENSE_KEY_BITS);
  const packedPtr = harness.allocator.allocate(packedBytes);
  checkStatus('pack', kernels.pack(data.denseKeysPtr, rowCount, DENSE_KEY_BITS, packedPtr));
  const packed = harness.u8(packedPtr, packedBytes).slice();
  const blockPtr = harness.allocator.allocate(PIPELINE_BLOCK_DOCS * 4);
  const countsPtr = harness.allocator.allocate(DENSE_GROUPS * 4);
  const sumsPtr = harness.allocator.allocate(DENSE_GROUPS * 8);
  const scratchPtr = harness.allocator.allocate(DENSE_GROUPS * 8);
  return {
    kernel: 'aggregate.groupby.dense.256.unpack_w8_pipeline',
    rows: rowCount,
    run() {
      harness.u8(countsPtr, DENSE_GROUPS * 4).fill(0);
      harness.u8(sumsPtr, DENSE_GROUPS * 8).fill(0);
      for (let start = 0; start < rowCount; start += PIPELINE_BLOCK_DOCS) {
        const count = Math.min(PIPELINE_BLOCK_DOCS, rowCount - start);
        checkStatus('unpack', kernels.unpack(packedPtr, DENSE_KEY_BITS, start, count, blockPtr));
        checkStatus('groupCountSumI32', kernels.groupCountSumI32(blockPtr,
          data.intsPtr + start * 4, 0, count, 0, DENSE_GROUPS, countsPtr, sumsPtr, scratchPtr));
      }
    },
    reference() {
      const keys = new Uint32Array(rowCount);
      bitpackReference.unpack(packed, DENSE_KEY_BITS, rowCount, keys);
      reference.groupSumI64(keys, { values: data.ints, count: rowCount },
        new Uint32Array(DENSE_GROUPS), new BigInt64Array(DENSE_GROUPS));
    },
  };
}

function hashGroupCase(harness: KernelHarness, data: BenchData): KernelBenchCase {
  const kernels = harness.exports;
  const { rowCount } = data;
  const capacity = hashCapacityFor(HASH_GROUPS);
  const tablePtr = harness.allocator.allocate(hashTableSizeBytes(capacity));
  const groupIdsPtr = harness.allocator.allocate(rowCount * 4);
  const countsPtr = harness.allocator.allocate(HASH_GROUPS * 4);
  const sumsPtr = harness.allocator.allocate(HASH_GROUPS * 8);
  return {
    kernel: 'aggregate.groupby.hash.1M.count_sum_i32',
    rows: rowCount,
    run() {
      checkStatus('hashTableInit', kernels.hashTableInit(tablePtr, capacity, HASH_GROUPS));
      checkStatus('hashGroupIds',
        kernels.hashGroupIds(tablePtr, data.hashKeysPtr, rowCount, groupIdsPtr));
      harness.u8(countsPtr, HASH_GROUPS * 4).fill(0);
      harness.u8(sumsPtr, HASH_GROUPS * 8).fill(0);
      checkStatus('groupSumI64', kernels.groupSumI64(AggValueType.I32, groupIdsPtr,
        data.intsPtr, 0, rowCount, 0, HASH_GROUPS, countsPtr, sumsPtr, 0));
    },
    reference() {
      const groups = new reference.ReferenceGroupIds(HASH_GROUPS);
      const groupIds = new Uint32Array(rowCount);
      groups.assign(data.hashKeys, rowCount, groupIds);
      reference.groupSumI64(groupIds, { values: data.ints, count: rowCount },
        new Uint32Array(HASH_GROUPS), new BigInt64Array(HASH_GROUPS));
    },
  };
}

export function suite(harness: KernelHarness, rowCount: number): KernelBenchCase[] {
  const data = prepare(harness, rowCount);
  return [
    ...sumCases(harness, data),
    denseGroupCase(harness, data),
    denseGroupKeysU8Case(harness, data),
    pipelineGroupCase(harness, data),
    hashGroupCase(harness, data),
  ];
}
