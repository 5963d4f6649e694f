// Star-tree kernels beside their TypeScript references on the same input: sorting records by
// three dimensions, merging sorted records, the dense doc → record merge (its reference is
// sort + merge, which computes the same records), and the query-time filtered group-by over
// pre-aggregated records. Sort and merge inputs are capped at SORT_ROWS_MAX: the reference
// sorts with Array.prototype.sort, which at 10M rows takes longer than the whole bench.
import { checkStatus } from '../../host/runtime/status.js';
import * as reference from '../../kernels/reference/starTree.js';
import { MetricOp, type AggregatePlan } from '../../kernels/reference/starTree.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0x57a7;
/** Records sorted and merged per call at most (see the header). */
const SORT_ROWS_MAX = 1_000_000;
/** Cardinalities of the three split-order dimensions: small, medium, large. */
const CARDINALITIES = [8, 60, 400];
/** Metric slots per record: COUNT, SUM, MIN, MAX. */
const METRIC_COUNT = 4;

interface Records {
  count: number;
  dims: Uint32Array;
  metrics: Float64Array;
  columns: Uint32Array[];
}

function randomRecords(count: number): Records {
  const random = new SeededRandom(BENCH_SEED);
  const dimCount = CARDINALITIES.length;
  const columns = CARDINALITIES.map(() => new Uint32Array(count));
  const dims = new Uint32Array(count * dimCount);
  for (let r = 0; r < count; r++) {
    CARDINALITIES.forEach((cardinality, d) => {
      const id = random.int(0, cardinality - 1);
      columns[d]![r] = id;
      dims[r * dimCount + d] = id;
    });
  }
  const metrics = Float64Array.from({ length: count * METRIC_COUNT }, () => random.int(0, 999));
  return { count, dims, metrics, columns };
}

const OPS = Uint32Array.from([MetricOp.SUM, MetricOp.SUM, MetricOp.MIN, MetricOp.MAX]);

function sortCases(harness: KernelHarness, records: Records): KernelBenchCase[] {
  const k = harness.exports;
  const dimCount = CARDINALITIES.length;
  const { count } = records;
  const dimsPtr = harness.copyIn(records.dims);
  const metricsPtr = harness.copyIn(records.metrics);
  const cardinalitiesPtr = harness.copyIn(Uint32Array.from(CARDINALITIES));
  const opsPtr = harness.copyIn(OPS);
  const permPtr = harness.allocator.allocate(count * 4);
  const tmpPtr = harness.allocator.allocate(count * 4);
  const countsPtr = harness.allocator.allocate((Math.max(...CARDINALITIES) + 1) * 4);
  const outDimsPtr = harness.allocator.allocate(count * dimCount * 4);
  const outMetricsPtr = harness.allocator.allocate(count * METRIC_COUNT * 8);
  const identity = Uint32Array.from({ length: count }, (_, i) => i);
  const sorted = identity.slice();
  reference.starTreeSort(records.dims, dimCount, 0, sorted);
  const input = {
    dims: records.dims,
    metrics: records.metrics,
    dimCount,
    metricCount: METRIC_COUNT,
    ops: OPS,
  };
  const outDims = new Uint32Array(records.dims.length);
  const outMetrics = new Float64Array(records.metrics.length);
  return [
    {
      kernel: 'starTree.sort.3dims',
      rows: count,
      run() {
        harness.u32(permPtr, count).set(identity);
        checkStatus(
          'starTreeSort',
          k.starTreeSort(dimsPtr, dimCount, 0, permPtr, count, cardinalitiesPtr, tmpPtr, countsPtr),
        );
      },
      reference: () => reference.starTreeSort(records.dims, dimCount, 0, identity.slice()),
    },
    {
      kernel: 'starTree.merge.3dims.4metrics',
      rows: count,
      run() {
        harness.u32(permPtr, count).set(sorted);
        checkStatus(
          'starTreeMerge',
          k.starTreeMerge(
            dimsPtr,
            metricsPtr,
            dimCount,
            METRIC_COUNT,
            opsPtr,
            permPtr,
            count,
            dimCount,
            dimCount,
            outDimsPtr,
            outMetricsPtr,
          ),
        );
      },
      reference: () =>
        reference.starTreeMerge(input, sorted, dimCount, dimCount, outDims, outMetrics, 0),
    },
  ];
}

function denseCase(harness: KernelHarness, records: Records): KernelBenchCase {
  const k = harness.exports;
  const dimCount = CARDINALITIES.length;
  const { count } = records;
  const keySpace = CARDINALITIES.reduce((a, b) => a * b, 1);
  const columnPtrs = records.columns.map((column) => harness.copyIn(column));
  const idsPtrsPtr = harness.copyIn(Uint32Array.from(columnPtrs));
  const cardinalitiesPtr = harness.copyIn(Uint32Array.from(CARDINALITIES));
  const metricsPtr = harness.copyIn(records.metrics);
  const opsPtr = harness.copyIn(OPS);
  const slotMetricsPtr = harness.allocator.allocate(keySpace * METRIC_COUNT * 8);
  const slotCountsPtr = harness.allocator.allocate(keySpace * 4);
  const outDimsPtr = harness.allocator.allocate(keySpace * dimCount * 4);
  const outMetricsPtr = harness.allocator.allocate(keySpace * METRIC_COUNT * 8);
  const input = {
    dims: records.dims,
    metrics: records.metrics,
    dimCount,
    metricCount: METRIC_COUNT,
    ops: OPS,
  };
  return {
    kernel: 'starTree.denseMerge.3dims.4metrics',
    rows: count,
    run() {
      checkStatus(
        'starTreeDenseMerge',
        k.starTreeDenseMerge(
          idsPtrsPtr,
          cardinalitiesPtr,
          dimCount,
          metricsPtr,
          METRIC_COUNT,
          opsPtr,
          count,
          keySpace,
          slotMetricsPtr,
          slotCountsPtr,
          outDimsPtr,
          outMetricsPtr,
        ),
      );
    },
    reference() {
      const perm = Uint32Array.from({ length: count }, (_, i) => i);
      reference.starTreeSort(records.dims, dimCount, 0, perm);
      reference.starTreeMerge(
        input,
        perm,
        dimCount,
        dimCount,
        new Uint32Array(keySpace * dimCount),
        new Float64Array(keySpace * METRIC_COUNT),
        0,
      );
    },
  };
}

function aggregateCase(harness: KernelHarness, records: Records): KernelBenchCase {
  const k = harness.exports;
  const dimCount = CARDINALITIES.length;
  // Keep half the ids of the middle dimension, group by the largest one.
  const sets = Uint32Array.from({ length: Math.ceil(CARDINALITIES[1]! / 32) }, () => 0x5555_5555);
  const plan: AggregatePlan = {
    dimCount,
    metricCount: METRIC_COUNT,
    filters: [{ dim: 1, setWordOffset: 0, cardinality: CARDINALITIES[1]! }],
    groups: [{ dim: 2, stride: 1, cardinality: CARDINALITIES[2]! }],
    slots: [
      { metric: 0, op: MetricOp.SUM },
      { metric: 3, op: MetricOp.MAX },
    ],
  };
  const groupSpace = CARDINALITIES[2]!;
  const ranges = Uint32Array.from([0, records.count]);
  const ptrs = {
    dims: harness.copyIn(records.dims),
    metrics: harness.copyIn(records.metrics),
    plan: harness.copyIn(reference.encodeAggregatePlan(plan)),
    ranges: harness.copyIn(ranges),
    sets: harness.copyIn(sets),
    states: harness.allocator.allocate(groupSpace * 2 * 8),
    counts: harness.allocator.allocate(groupSpace * 4),
  };
  return {
    kernel: 'starTree.aggregate.filter1.group400.2slots',
    rows: records.count,
    run() {
      harness.u32(ptrs.counts, groupSpace).fill(0);
      checkStatus(
        'starTreeAggregate',
        k.starTreeAggregate(
          ptrs.dims,
          ptrs.metrics,
          ptrs.plan,
          ptrs.ranges,
          1,
          ptrs.sets,
          ptrs.states,
          ptrs.counts,
        ),
      );
    },
    reference: () =>
      reference.starTreeAggregate(
        plan,
        records.dims,
        records.metrics,
        ranges,
        sets,
        new Float64Array(groupSpace * 2),
        new Uint32Array(groupSpace),
      ),
  };
}

export function suite(harness: KernelHarness, rowCount: number): KernelBenchCase[] {
  const records = randomRecords(Math.min(rowCount, SORT_ROWS_MAX));
  const all = rowCount <= SORT_ROWS_MAX ? records : randomRecords(rowCount);
  return [...sortCases(harness, records), denseCase(harness, records), aggregateCase(harness, all)];
}
