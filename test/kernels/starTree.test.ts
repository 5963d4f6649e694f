// Seeded fuzz of the star-tree kernels against kernels/reference/starTree.ts: sort order (STAR
// first, stable), merged records, and per-group aggregation with filters. Metric values are
// small integers, so sums are exact in any order. A failure prints its seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelStatus } from '../../host/runtime/status.js';
import * as reference from '../../kernels/reference/starTree.js';
import { MetricOp, STAR_ID, type AggregatePlan } from '../../kernels/reference/starTree.js';
import { kernelHarness } from '../support/kernels.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

const harness = kernelHarness();
const kernels = harness.exports;

/** Seeds per test: covers insertion-sorted (<= 32) and radix-sorted ranges many times. */
const FUZZ_RUNS = 60;

interface Records {
  dimCount: number;
  metricCount: number;
  cardinalities: Uint32Array;
  dims: Uint32Array;
  metrics: Float64Array;
  ops: Uint32Array;
  count: number;
}

function randomRecords(random: SeededRandom): Records {
  const dimCount = random.int(1, 5);
  const metricCount = random.int(1, 4);
  const count = random.length(3000);
  const cardinalities = Uint32Array.from({ length: dimCount }, () => random.int(1, 40));
  const dims = new Uint32Array(count * dimCount);
  for (let r = 0; r < count; r++) {
    for (let d = 0; d < dimCount; d++) {
      dims[r * dimCount + d] = random.bool(0.1) ? STAR_ID : random.int(0, cardinalities[d]! - 1);
    }
  }
  const metrics = Float64Array.from({ length: count * metricCount }, () => random.int(-50, 50));
  const ops = Uint32Array.from({ length: metricCount }, () =>
    random.pick([MetricOp.SUM, MetricOp.MIN, MetricOp.MAX]),
  );
  return { dimCount, metricCount, cardinalities, dims, metrics, ops, count };
}

function sortWithKernel(records: Records, perm: Uint32Array, fromDim: number): Uint32Array {
  const dimsPtr = harness.copyIn(records.dims.length > 0 ? records.dims : new Uint32Array(1));
  const permPtr = harness.copyIn(perm.length > 0 ? perm : new Uint32Array(1));
  const cardinalitiesPtr = harness.copyIn(records.cardinalities);
  const tmpPtr = harness.allocator.allocate(Math.max(1, perm.length) * 4);
  const countsPtr = harness.allocator.allocate((Math.max(...records.cardinalities) + 1) * 4);
  const status = kernels.starTreeSort(
    dimsPtr,
    records.dimCount,
    fromDim,
    permPtr,
    perm.length,
    cardinalitiesPtr,
    tmpPtr,
    countsPtr,
  );
  assert.equal(status, KernelStatus.OK);
  const out = harness.u32(permPtr, perm.length).slice();
  for (const ptr of [countsPtr, tmpPtr, cardinalitiesPtr, permPtr, dimsPtr])
    harness.allocator.release(ptr);
  return out;
}

test('starTreeSort orders records like the reference (STAR first, stable)', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const records = randomRecords(random);
    const fromDim = random.int(0, records.dimCount);
    const perm = Uint32Array.from({ length: records.count }, (_, i) => i);
    if (random.bool()) perm.reverse();
    const expected = perm.slice();
    reference.starTreeSort(records.dims, records.dimCount, fromDim, expected);
    assert.deepEqual(sortWithKernel(records, perm, fromDim), expected);
  });
});

test('starTreeMerge writes the reference records', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const records = randomRecords(random);
    const perm = Uint32Array.from({ length: records.count }, (_, i) => i);
    reference.starTreeSort(records.dims, records.dimCount, 0, perm);
    const starFrom = random.int(0, records.dimCount);
    const starTo = random.int(starFrom, records.dimCount);
    const outDims = new Uint32Array(records.dims.length);
    const outMetrics = new Float64Array(records.metrics.length);
    const expectedCount = reference.starTreeMerge(
      records,
      perm,
      starFrom,
      starTo,
      outDims,
      outMetrics,
      0,
    );
    const dimsPtr = harness.copyIn(records.dims.length > 0 ? records.dims : new Uint32Array(1));
    const metricsPtr = harness.copyIn(
      records.metrics.length > 0 ? records.metrics : new Float64Array(1),
    );
    const opsPtr = harness.copyIn(records.ops);
    const permPtr = harness.copyIn(perm.length > 0 ? perm : new Uint32Array(1));
    const outDimsPtr = harness.allocator.allocate(Math.max(1, outDims.length) * 4);
    const outMetricsPtr = harness.allocator.allocate(Math.max(1, outMetrics.length) * 8);
    const count = kernels.starTreeMerge(
      dimsPtr,
      metricsPtr,
      records.dimCount,
      records.metricCount,
      opsPtr,
      permPtr,
      perm.length,
      starFrom,
      starTo,
      outDimsPtr,
      outMetricsPtr,
    );
    assert.equal(count, expectedCount);
    assert.deepEqual(
      harness.u32(outDimsPtr, count * records.dimCount).slice(),
      outDims.slice(0, count * records.dimCount),
    );
    assert.deepEqual(
      harness.f64(outMetricsPtr, count * records.metricCount).slice(),
      outMetrics.slice(0, count * records.metricCount),
    );
    for (const ptr of [outMetricsPtr, outDimsPtr, permPtr, opsPtr, metricsPtr, dimsPtr]) {
      harness.allocator.release(ptr);
    }
  });
});

function randomPlan(
  random: SeededRandom,
  records: Records,
): { plan: AggregatePlan; sets: Uint32Array } {
  const words: number[] = [];
  const filters = [];
  for (let d = 0; d < records.dimCount; d++) {
    if (!random.bool(0.4)) continue;
    const cardinality = records.cardinalities[d]!;
    filters.push({ dim: d, setWordOffset: words.length, cardinality });
    for (let w = 0; w < Math.ceil(cardinality / 32); w++) words.push(random.int(0, 0xffff_ffff));
  }
  const groupDims = Array.from({ length: records.dimCount }, (_, d) => d).filter(() =>
    random.bool(0.4),
  );
  let stride = 1;
  const groups = groupDims
    .reverse()
    .map((dim) => {
      const group = { dim, stride, cardinality: records.cardinalities[dim]! };
      stride *= group.cardinality;
      return group;
    })
    .reverse();
  const slots = Array.from({ length: random.int(1, 4) }, () => ({
    metric: random.int(0, records.metricCount - 1),
    op: random.pick([MetricOp.SUM, MetricOp.MIN, MetricOp.MAX]),
  }));
  const plan = {
    dimCount: records.dimCount,
    metricCount: records.metricCount,
    filters,
    groups,
    slots,
  };
  return { plan, sets: Uint32Array.from(words) };
}

test('starTreeAggregate matches the reference per group', () => {
  forEachSeed(FUZZ_RUNS, (random) => {
    const records = randomRecords(random);
    // Group dims must hold ids: replace STAR so a group id never runs out of range.
    for (let i = 0; i < records.dims.length; i++)
      if (records.dims[i] === STAR_ID) records.dims[i] = 0;
    const { plan, sets } = randomPlan(random, records);
    const groupSpace = plan.groups.reduce((space, group) => space * group.cardinality, 1);
    const ranges: number[] = [];
    for (let start = 0; start < records.count; ) {
      const end = random.int(start, records.count);
      if (random.bool(0.7)) ranges.push(start, end);
      start = end + 1;
    }
    const states = new Float64Array(groupSpace * plan.slots.length).fill(0);
    const counts = new Uint32Array(groupSpace);
    const expected = reference.starTreeAggregate(
      plan,
      records.dims,
      records.metrics,
      Uint32Array.from(ranges),
      sets,
      states,
      counts,
    );
    const planPtr = harness.copyIn(reference.encodeAggregatePlan(plan));
    const dimsPtr = harness.copyIn(records.dims.length > 0 ? records.dims : new Uint32Array(1));
    const metricsPtr = harness.copyIn(
      records.metrics.length > 0 ? records.metrics : new Float64Array(1),
    );
    const rangesPtr = harness.copyIn(Uint32Array.from(ranges.length > 0 ? ranges : [0]));
    const setsPtr = harness.copyIn(sets.length > 0 ? sets : new Uint32Array(1));
    const statesPtr = harness.copyIn(new Float64Array(Math.max(1, states.length)));
    const countsPtr = harness.copyIn(new Uint32Array(groupSpace));
    const read = kernels.starTreeAggregate(
      dimsPtr,
      metricsPtr,
      planPtr,
      rangesPtr,
      ranges.length / 2,
      setsPtr,
      statesPtr,
      countsPtr,
    );
    assert.equal(read, expected);
    assert.deepEqual(harness.u32(countsPtr, groupSpace).slice(), counts);
    assert.deepEqual(harness.f64(statesPtr, states.length).slice(), states);
    for (const ptr of [countsPtr, statesPtr, setsPtr, rangesPtr, metricsPtr, dimsPtr, planPtr]) {
      harness.allocator.release(ptr);
    }
  });
});

test('starTreeAggregate refuses a STAR id in a group dimension', () => {
  const plan: AggregatePlan = {
    dimCount: 1,
    metricCount: 1,
    filters: [],
    groups: [{ dim: 0, stride: 1, cardinality: 4 }],
    slots: [{ metric: 0, op: MetricOp.SUM }],
  };
  const planPtr = harness.copyIn(reference.encodeAggregatePlan(plan));
  const dimsPtr = harness.copyIn(Uint32Array.from([STAR_ID]));
  const metricsPtr = harness.copyIn(Float64Array.from([1]));
  const rangesPtr = harness.copyIn(Uint32Array.from([0, 1]));
  const statesPtr = harness.copyIn(new Float64Array(4));
  const countsPtr = harness.copyIn(new Uint32Array(4));
  const status = kernels.starTreeAggregate(
    dimsPtr,
    metricsPtr,
    planPtr,
    rangesPtr,
    1,
    0,
    statesPtr,
    countsPtr,
  );
  assert.equal(status, KernelStatus.CORRUPT_INPUT);
});
