// The kernel path of the sketch aggregations (host/query/sketchPaths.ts) against the row path,
// through executeSegment with and without a KernelContext on real immutable segments of seeded
// random rows (every dictionary type, SV and MV, nulls, NaN, a raw column that stays on the
// row path): DISTINCTCOUNTHLL (and RAW) and DISTINCTCOUNTBITMAP answer exactly the row path's;
// PERCENTILEEST and PERCENTILETDIGEST (and RAW) answer within the bounds of
// host/query/sketches/FORMAT.md of the exact percentile, as the row path does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../host/config/types.js';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import { toDouble } from '../../host/expr/values.js';
import { compileQuery } from '../../host/query/compiledQuery.js';
import type { KernelContext } from '../../host/query/kernelPaths.js';
import { parseQueryOptions } from '../../host/query/options.js';
import { planQuery } from '../../host/query/plan.js';
import { reduceResults } from '../../host/query/reduce.js';
import { executeSegment, type SegmentResult } from '../../host/query/segmentExec.js';
import { sketchKernelCounters } from '../../host/query/sketchPaths.js';
import {
  fromHex,
  qdigestCount,
  qdigestDeserialize,
  qdigestQuantile,
  tdigestCount,
  tdigestDeserialize,
  tdigestQuantile,
} from '../../host/query/sketches/index.js';
import { parseSql } from '../../host/sql/parser.js';
import {
  loadImmutableSegment,
  writeImmutableSegment,
  type ImmutableSegment,
} from '../../segments/immutable/index.js';
import { kernelHarness } from '../support/kernels.js';
import { SeededRandom } from '../support/random.js';

/** Several segments, each several kernel blocks (4096 docs) long. */
const SEGMENT_COUNT = 3;
const DOCS_PER_SEGMENT = 9000;
/** FORMAT.md: t-digest rank error at compression 100; q-digest maxError. */
const TDIGEST_RANK_BOUND = 0.01;
const QDIGEST_RANK_BOUND = 0.05;
/**
 * Nulls read as the default (0) without null handling: a point mass. Kept below the t-digest's
 * rank bound, which holds for data without heavy ties (FORMAT.md).
 */
const NULL_RATE = 0.003;
/** Rank slack for values the q-digest truncates to integers (FLOAT/DOUBLE columns). */
const TRUNCATION_SLACK = 0.01;

/** Selects ~7% of the docs: fewer than a near-unique column's dictionary / 16. */
const SELECTIVE_WHERE = 'WHERE k = 4 AND raw > 200000';

const SV_COLUMNS = ['i', 'l', 'f', 'd', 's'];
const MV_COLUMNS = ['mi', 'md', 'ms'];
const NUMERIC_SV = ['i', 'l', 'f', 'd'];
const NUMERIC_MV = ['mi', 'md'];

const schema = parseSchema({
  schemaName: 'sk',
  dimensionFieldSpecs: [
    { name: 'k', dataType: 'INT' },
    { name: 's', dataType: 'STRING' },
    { name: 'mi', dataType: 'INT', singleValueField: false },
    { name: 'md', dataType: 'DOUBLE', singleValueField: false },
    { name: 'ms', dataType: 'STRING', singleValueField: false },
  ],
  metricFieldSpecs: [
    { name: 'i', dataType: 'INT' },
    { name: 'l', dataType: 'LONG' },
    { name: 'f', dataType: 'FLOAT' },
    { name: 'd', dataType: 'DOUBLE' },
    { name: 'raw', dataType: 'LONG' },
  ],
});

const tableConfig = parseTableConfig({
  tableName: 'sk',
  tableType: 'OFFLINE',
  segmentsConfig: { replication: '1' },
  tableIndexConfig: { noDictionaryColumns: ['raw'] },
});

function randomRow(random: SeededRandom): Row {
  const maybeNull = <T>(value: T): T | null => (random.bool(NULL_RATE) ? null : value);
  const spread = (): number => Math.round(-Math.log(1 - random.next()) * 2000);
  return {
    k: random.int(0, 9),
    i: maybeNull(random.int(-5000, 5000)),
    l: maybeNull(BigInt(spread()) * 1_000_003n),
    f: maybeNull(Math.fround(random.next() * 3000 - 1000)),
    d: maybeNull(random.bool(0.01) ? Number.NaN : spread() + random.next()),
    s: maybeNull(`v${random.int(0, 4000)}`),
    mi: Array.from({ length: random.int(0, 3) }, () => random.int(0, 6000)),
    md: Array.from({ length: random.int(1, 3) }, () => random.next() * 1e4),
    ms: Array.from({ length: random.int(1, 2) }, () => `m${random.int(0, 300)}`),
    raw: BigInt(random.int(0, 1e6)),
  };
}

interface Answer {
  readonly rows: readonly (readonly unknown[])[];
  readonly row: readonly unknown[];
  readonly value: unknown;
  readonly kernelRuns: number;
  readonly groupByRuns: number;
}

describe('sketch aggregations through the kernels', () => {
  const harness = kernelHarness();
  const context: KernelContext = { kernels: harness, allocator: harness.allocator };
  const directory = mkdtempSync(join(tmpdir(), 'cuvee-sketch-paths-'));
  const segments: ImmutableSegment[] = [];

  before(async () => {
    const random = new SeededRandom(0x5ce7c4);
    for (let s = 0; s < SEGMENT_COUNT; s++) {
      const rows = Array.from({ length: DOCS_PER_SEGMENT }, () => randomRow(random));
      const file = join(directory, `segment-${s}`);
      await writeImmutableSegment({ schema, tableConfig, segmentName: `sk_${s}`, rows }, file);
      segments.push(await loadImmutableSegment(file, harness.allocator, harness.memory));
    }
  });

  after(() => {
    for (const segment of segments) segment.release();
    rmSync(directory, { recursive: true, force: true });
  });

  function run(sql: string, kernels: boolean, nullHandling = false): Answer {
    const options = parseQueryOptions(nullHandling ? { enableNullHandling: 'true' } : {});
    const compiled = compileQuery(planQuery(parseSql(sql), schema, options));
    const deadline = { atMs: performance.now() + 60_000, timeoutMs: 60_000 };
    const before = sketchKernelCounters.segmentAggregations;
    const groupBysBefore = sketchKernelCounters.segmentGroupBys;
    const allocations = harness.allocator.stats().allocationCount;
    const results: SegmentResult[] = segments.map(
      (segment) =>
        executeSegment(compiled, segment, deadline, kernels ? context : undefined).result,
    );
    // Every kernel temporary went back to the allocator.
    assert.equal(harness.allocator.stats().allocationCount, allocations, sql);
    const { resultTable } = reduceResults(compiled, results);
    return {
      rows: resultTable.rows,
      row: resultTable.rows[0]!,
      value: resultTable.rows[0]![0],
      kernelRuns: sketchKernelCounters.segmentAggregations - before,
      groupByRuns: sketchKernelCounters.segmentGroupBys - groupBysBefore,
    };
  }

  /** The values the aggregation sees, sorted: the row path's own selection of the column. */
  function sortedValues(column: string, where: string, nullHandling: boolean): Float64Array {
    const options = parseQueryOptions(nullHandling ? { enableNullHandling: 'true' } : {});
    const sql = `SELECT ${column} FROM sk ${where} LIMIT 1000000`;
    const compiled = compileQuery(planQuery(parseSql(sql), schema, options));
    const deadline = { atMs: performance.now() + 60_000, timeoutMs: 60_000 };
    const values: number[] = [];
    for (const segment of segments) {
      const result = executeSegment(compiled, segment, deadline).result;
      assert.ok(result.kind === 'selection');
      for (const row of result.rows) {
        const value = row.values[0];
        for (const item of Array.isArray(value) ? value : [value]) {
          if (item === null) continue;
          const number = toDouble(item as number | bigint);
          if (!Number.isNaN(number)) values.push(number);
        }
      }
    }
    return Float64Array.from(values).sort();
  }

  /** How far `value`'s rank range in `sorted` lies from q (0 when q falls within it). */
  function rankDistance(sorted: Float64Array, value: number, q: number): number {
    const firstAtLeast = (strict: boolean): number => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (strict ? sorted[mid]! <= value : sorted[mid]! < value) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const lo = firstAtLeast(false);
    const hi = firstAtLeast(true);
    const [low, high] = [lo / sorted.length, hi / sorted.length];
    return q < low ? low - q : q > high ? q - high : 0;
  }

  const wheres = ['', 'WHERE k < 3', SELECTIVE_WHERE];

  test('DISTINCTCOUNTHLL, its RAW form and DISTINCTCOUNTBITMAP equal the row path', () => {
    for (const where of wheres) {
      for (const nullHandling of [false, true]) {
        const calls = [
          ...SV_COLUMNS.flatMap((c) => [
            `DISTINCTCOUNTHLL(${c})`,
            `DISTINCTCOUNTHLL(${c}, 12)`,
            `DISTINCTCOUNTRAWHLL(${c})`,
            `DISTINCTCOUNTBITMAP(${c})`,
          ]),
          // An MV function on an SV column reads each doc's one value.
          'DISTINCTCOUNTHLLMV(l)',
          'DISTINCTCOUNTBITMAPMV(f)',
          ...MV_COLUMNS.flatMap((c) => [
            `DISTINCTCOUNTHLLMV(${c})`,
            `DISTINCTCOUNTRAWHLLMV(${c}, 10)`,
            `DISTINCTCOUNTBITMAPMV(${c})`,
          ]),
        ];
        for (const call of calls) {
          const sql = `SELECT ${call} FROM sk ${where}`;
          const kernel = run(sql, true, nullHandling);
          const row = run(sql, false, nullHandling);
          assert.deepEqual(kernel.value, row.value, `${sql} (null handling ${nullHandling})`);
          // The selective filter leaves some dictionaries too large for the kernels' histogram.
          if (where !== SELECTIVE_WHERE) {
            assert.equal(kernel.kernelRuns, SEGMENT_COUNT, `${sql}: every segment in the kernels`);
          }
          assert.equal(row.kernelRuns, 0);
        }
      }
    }
  });

  /** Each segment's sketch state of `sql`, through the kernels or the row path. */
  function segmentSketches(sql: string, kernels: boolean): unknown[] {
    const compiled = compileQuery(planQuery(parseSql(sql), schema, parseQueryOptions({})));
    const deadline = { atMs: performance.now() + 60_000, timeoutMs: 60_000 };
    return segments.map((segment) => {
      const result = executeSegment(compiled, segment, deadline, kernels ? context : undefined);
      assert.ok(result.result.kind === 'aggregation');
      const sketch = result.result.states[0]!.sketch!;
      if (sketch.sketch === 'hll') return sketch.registers;
      assert.ok(sketch.sketch === 'bitmap');
      return [...sketch.hashes].sort((a, b) => a - b);
    });
  }

  test("HLL registers and bitmap hash codes of each segment are the row path's", () => {
    for (const where of wheres.slice(0, 2)) {
      for (const column of [...SV_COLUMNS, ...MV_COLUMNS]) {
        const mv = MV_COLUMNS.includes(column) ? 'MV' : '';
        for (const fn of ['DISTINCTCOUNTHLL', 'DISTINCTCOUNTBITMAP']) {
          const sql = `SELECT ${fn}${mv}(${column}) FROM sk ${where}`;
          assert.deepEqual(segmentSketches(sql, true), segmentSketches(sql, false), sql);
        }
      }
    }
  });

  test('PERCENTILETDIGEST and PERCENTILEEST answer within their bounds, as the row path', () => {
    for (const where of wheres.slice(0, 2)) {
      for (const nullHandling of [false, true]) {
        for (const column of [...NUMERIC_SV, ...NUMERIC_MV]) {
          const mv = NUMERIC_MV.includes(column) ? 'MV' : '';
          const sorted = sortedValues(column, where, nullHandling);
          for (const percentile of [1, 50, 99]) {
            for (const [fn, bound] of [
              ['PERCENTILETDIGEST', TDIGEST_RANK_BOUND],
              ['PERCENTILEEST', QDIGEST_RANK_BOUND + TRUNCATION_SLACK],
            ] as const) {
              const sql = `SELECT ${fn}${mv}(${column}, ${percentile}) FROM sk ${where}`;
              const kernel = run(sql, true, nullHandling);
              const row = run(sql, false, nullHandling);
              assert.equal(kernel.kernelRuns, SEGMENT_COUNT, sql);
              const q = percentile / 100;
              for (const [path, answer] of [
                ['kernel', kernel],
                ['row', row],
              ] as const) {
                const distance = rankDistance(sorted, answer.value as number, q);
                assert.ok(
                  distance <= bound,
                  `${sql} ${path}: ${String(answer.value)} off by ${distance}`,
                );
              }
            }
          }
        }
      }
    }
  });

  test('RAW digests hold every value and answer within their bounds', () => {
    for (const column of ['d', 'l', 'md']) {
      const mv = column === 'md' ? 'MV' : '';
      const sorted = sortedValues(column, 'WHERE k < 5', false);
      const tdigestSql = `SELECT PERCENTILERAWTDIGEST${mv}(${column}, 50) FROM sk WHERE k < 5`;
      const qdigestSql = `SELECT PERCENTILERAWEST${mv}(${column}, 50) FROM sk WHERE k < 5`;
      const tdigests = [true, false].map((kernels) =>
        tdigestDeserialize(fromHex(run(tdigestSql, kernels).value as string)),
      );
      const qdigests = [true, false].map((kernels) =>
        qdigestDeserialize(fromHex(run(qdigestSql, kernels).value as string)),
      );
      for (const q of [0.05, 0.5, 0.95]) {
        for (const state of tdigests) {
          assert.equal(tdigestCount(state), sorted.length, tdigestSql);
          const distance = rankDistance(sorted, tdigestQuantile(state, q), q);
          assert.ok(distance <= TDIGEST_RANK_BOUND, `${tdigestSql} q ${q}`);
        }
        for (const state of qdigests) {
          assert.equal(qdigestCount(state), sorted.length, qdigestSql);
          const distance = rankDistance(sorted, qdigestQuantile(state, q), q);
          assert.ok(distance <= QDIGEST_RANK_BOUND + TRUNCATION_SLACK, `${qdigestSql} q ${q}`);
        }
      }
    }
  });

  test('sketches beside COUNT/SUM/MIN/MAX in one query answer as the row path', () => {
    const sql =
      'SELECT COUNT(*), DISTINCTCOUNTHLL(s), SUM(i), DISTINCTCOUNTBITMAPMV(mi), MAX(d), ' +
      'DISTINCTCOUNTRAWHLLMV(ms) FROM sk WHERE k > 6';
    const kernel = run(sql, true);
    assert.equal(kernel.kernelRuns, 3 * SEGMENT_COUNT);
    assert.deepEqual(kernel.row, run(sql, false).row);
  });

  test('GROUP BY a dictionary column: counts and distinct counts equal the row path', () => {
    for (const where of wheres) {
      for (const nullHandling of [false, true]) {
        const sql =
          'SELECT k, COUNT(*), DISTINCTCOUNTHLL(s), DISTINCTCOUNTBITMAP(l), ' +
          `DISTINCTCOUNTRAWHLL(i, 10), DISTINCTCOUNTHLL(f) FROM sk ${where} GROUP BY k ORDER BY k`;
        const kernel = run(sql, true, nullHandling);
        const row = run(sql, false, nullHandling);
        assert.ok(kernel.rows.length > 0, sql);
        assert.deepEqual(kernel.rows, row.rows, `${sql} (null handling ${nullHandling})`);
        // Null handling with nulls in the value columns keeps the row path.
        if (!nullHandling && where !== SELECTIVE_WHERE) {
          assert.equal(kernel.groupByRuns, SEGMENT_COUNT, sql);
        }
        assert.equal(row.groupByRuns, 0);
      }
    }
  });

  test('GROUP BY a dictionary column: digests answer within their bounds per group', () => {
    for (const column of ['d', 'l']) {
      const sql =
        `SELECT k, PERCENTILETDIGEST(${column}, 90), PERCENTILEEST(${column}, 10) ` +
        'FROM sk GROUP BY k ORDER BY k';
      const kernel = run(sql, true);
      assert.equal(kernel.groupByRuns, SEGMENT_COUNT, sql);
      assert.equal(kernel.rows.length, 10, sql);
      for (const [group, tdigest, qdigest] of kernel.rows) {
        const sorted = sortedValues(column, `WHERE k = ${String(group)}`, false);
        const tdigestOff = rankDistance(sorted, tdigest as number, 0.9);
        const qdigestOff = rankDistance(sorted, qdigest as number, 0.1);
        assert.ok(tdigestOff <= TDIGEST_RANK_BOUND, `${sql} group ${String(group)}`);
        assert.ok(qdigestOff <= QDIGEST_RANK_BOUND + TRUNCATION_SLACK, `${sql} ${String(group)}`);
      }
    }
  });

  test('the row path stays for FILTER clauses, raw columns, expressions, huge dictionaries', () => {
    for (const sql of [
      'SELECT DISTINCTCOUNTHLL(raw) FROM sk',
      'SELECT DISTINCTCOUNTHLL(i) FILTER (WHERE k = 1) FROM sk',
      'SELECT PERCENTILETDIGEST(i + 1, 50) FROM sk',
      // 18K distinct values per segment, ~650 selected docs: the row path is cheaper.
      `SELECT DISTINCTCOUNTHLLMV(md) FROM sk ${SELECTIVE_WHERE}`,
    ]) {
      const kernel = run(sql, true);
      assert.equal(kernel.kernelRuns, 0, sql);
      assert.deepEqual(kernel.value, run(sql, false).value, sql);
    }
  });
});
