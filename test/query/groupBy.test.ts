// High-cardinality group-by (host/query/fastPaths.ts packed groups, reduce.ts merge and top-N):
// answers equal a brute-force group-by over the same rows, whether every segment's groups come
// packed from the dense kernels (merged on raw key values) or some come from the hash path (a
// key space over the dense budget) and merge on key strings; ORDER BY with OFFSET, HAVING and
// numGroupsLimit keep their meaning.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Row } from '../../host/config/types.js';
import { Cuvee } from '../../host/cuvee.js';
import { DENSE_GROUP_BUDGET } from '../../host/query/kernelGroupBy.js';
import { SeededRandom } from '../support/random.js';

const TABLE = 'groups';
/** Rows per small segment: a few thousand groups each, many shared between segments. */
const ROWS_PER_SEGMENT = 3_000;
/** Segments of the table: merges across several packed results. */
const SEGMENT_COUNT = 4;
/** Distinct k values: groups repeat across segments and counts tie often. */
const KEY_COUNT = 2_500;
/** Distinct s values in the small segments. */
const LABEL_COUNT = 7;
/** One more segment whose k × s key space (cardinalities multiplied) exceeds the dense budget. */
const WIDE_KEYS = 1_100;
/** Just enough labels that WIDE_KEYS × WIDE_LABELS passes DENSE_GROUP_BUDGET. */
const WIDE_LABELS = Math.ceil(DENSE_GROUP_BUDGET / WIDE_KEYS) + 1;

interface Expected {
  readonly k: bigint;
  readonly s: string | undefined;
  count: number;
  sum: number;
  max: number;
}

function smallSegment(random: SeededRandom): Row[] {
  return Array.from({ length: ROWS_PER_SEGMENT }, () => ({
    k: BigInt(random.int(1, KEY_COUNT)),
    s: `label-${random.int(0, LABEL_COUNT - 1)}`,
    v: random.int(-50, 1000),
  }));
}

/** Every k of WIDE_KEYS once and every label of WIDE_LABELS once: hash path for (s, k). */
function wideSegment(): Row[] {
  const count = Math.max(WIDE_KEYS, WIDE_LABELS);
  return Array.from({ length: count }, (_, i) => ({
    k: BigInt((i % WIDE_KEYS) + 1),
    s: `wide-${i % WIDE_LABELS}`,
    v: i % 97,
  }));
}

/** Brute-force groups of `rows` by k, or by (s, k) when `withLabel`. */
function bruteGroups(rows: readonly Row[], withLabel: boolean): Expected[] {
  const groups = new Map<string, Expected>();
  for (const row of rows) {
    const k = row['k'] as bigint;
    const s = withLabel ? (row['s'] as string) : undefined;
    const key = `${s}\u0000${k}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { k, s, count: 0, sum: 0, max: Number.NEGATIVE_INFINITY };
      groups.set(key, group);
    }
    group.count++;
    group.sum += row['v'] as number;
    group.max = Math.max(group.max, row['v'] as number);
  }
  return [...groups.values()];
}

/** COUNT DESC, SUM DESC, then the keys ascending: a total order. */
function byCountSumKeys(a: Expected, b: Expected): number {
  if (a.count !== b.count) return b.count - a.count;
  if (a.sum !== b.sum) return b.sum - a.sum;
  if (a.s !== b.s) return (a.s ?? '') < (b.s ?? '') ? -1 : 1;
  return a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
}

/** A LONG cell as results carry it: a number within 2^53, else the exact bigint. */
function longCell(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

describe('high-cardinality group-by', () => {
  let cuvee: Cuvee;
  const rows: Row[] = [];

  before(async () => {
    cuvee = await Cuvee.open({ runtime: { workerCount: 2 }, onWarning: () => {} });
    await cuvee.createSchema({
      schemaName: TABLE,
      dimensionFieldSpecs: [
        { name: 'k', dataType: 'LONG' },
        { name: 's', dataType: 'STRING' },
      ],
      metricFieldSpecs: [{ name: 'v', dataType: 'INT' }],
    });
    await cuvee.createTable({
      tableName: TABLE,
      tableType: 'OFFLINE',
      segmentsConfig: { replication: '1' },
      tableIndexConfig: {},
    });
    const random = new SeededRandom(0x9b0);
    for (let s = 0; s < SEGMENT_COUNT; s++) {
      const segment = smallSegment(random);
      rows.push(...segment);
      await cuvee.addRows(cuvee.table(TABLE), segment);
    }
  });

  after(async () => {
    await cuvee.close();
  });

  async function rowsOf(sql: string): Promise<unknown[][]> {
    const response = await cuvee.query(sql);
    assert.deepEqual(response.exceptions, [], sql);
    return response.resultTable!.rows;
  }

  test('top-N by an aggregate equals a full sort, at every offset and limit', async () => {
    const expected = bruteGroups(rows, false).sort(byCountSumKeys);
    for (const [offset, limit] of [
      [0, 1],
      [0, 10],
      [7, 25],
      [0, 500],
      [2_000, 1_000],
      [0, 100_000],
    ] as const) {
      const sql =
        `SELECT k, COUNT(*), SUM(v), MAX(v) FROM ${TABLE} GROUP BY k ` +
        `ORDER BY COUNT(*) DESC, SUM(v) DESC, k LIMIT ${offset}, ${limit}`;
      const page = expected.slice(offset, offset + limit);
      assert.deepEqual(
        await rowsOf(sql),
        page.map((group) => [longCell(group.k), group.count, group.sum, group.max]),
        sql,
      );
    }
  });

  test('HAVING filters before the top-N; LIMIT 0 answers no rows', async () => {
    const expected = bruteGroups(rows, false)
      .filter((group) => group.count >= 3 && group.sum < 1_500)
      .sort((a, b) => (a.sum !== b.sum ? a.sum - b.sum : a.k < b.k ? -1 : 1));
    const sql =
      `SELECT k, SUM(v) FROM ${TABLE} GROUP BY k HAVING COUNT(*) >= 3 AND SUM(v) < 1500 ` +
      'ORDER BY SUM(v), k LIMIT 40';
    assert.deepEqual(
      await rowsOf(sql),
      expected.slice(0, 40).map((group) => [longCell(group.k), group.sum]),
    );
    assert.deepEqual(await rowsOf(`SELECT k, COUNT(*) FROM ${TABLE} GROUP BY k LIMIT 0`), []);
  });

  test('numGroupsLimit still caps the merged groups and says so', async () => {
    const response = await cuvee.query(
      `SET numGroupsLimit = 100; SELECT k, COUNT(*) FROM ${TABLE} GROUP BY k LIMIT 1000`,
    );
    assert.deepEqual(response.exceptions, []);
    assert.equal(response.numGroupsLimitReached, true);
    assert.equal(response.resultTable!.rows.length, 100);
  });

  test('LONG keys beyond 2^53 stay apart from their rounded neighbours', async () => {
    const base = 2n ** 60n;
    const big: Row[] = [0n, 1n, 2n, 1n, 2n, 2n].map((offset, i) => ({
      k: base + offset,
      s: 'label-0',
      v: i,
    }));
    big.push({ k: 5n, s: 'label-0', v: 10_000 });
    await cuvee.addRows(cuvee.table(TABLE), big);
    rows.push(...big);
    const expected = bruteGroups(rows, false).sort(byCountSumKeys);
    const sql =
      `SELECT k, COUNT(*), SUM(v) FROM ${TABLE} GROUP BY k ` +
      'ORDER BY COUNT(*) DESC, SUM(v) DESC, k LIMIT 100000';
    assert.deepEqual(
      await rowsOf(sql),
      expected.map((group) => [longCell(group.k), group.count, group.sum]),
    );
    const bigRows = await rowsOf(
      `SELECT k, COUNT(*) FROM ${TABLE} WHERE k > 5000 GROUP BY k ORDER BY k`,
    );
    assert.deepEqual(bigRows, [
      [base, 1],
      [base + 1n, 2],
      [base + 2n, 3],
    ]);
  });

  test('packed and hash-path segments merge on the same keys', async () => {
    const wide = wideSegment();
    await cuvee.addRows(cuvee.table(TABLE), wide);
    const all = [...rows, ...wide];
    const expected = bruteGroups(all, true).sort(byCountSumKeys);
    const sql =
      `SELECT s, k, COUNT(*), SUM(v) FROM ${TABLE} GROUP BY s, k ` +
      'ORDER BY COUNT(*) DESC, SUM(v) DESC, s, k LIMIT 300';
    assert.deepEqual(
      await rowsOf(sql),
      expected.slice(0, 300).map((group) => [group.s, longCell(group.k), group.count, group.sum]),
    );
    const byKey = bruteGroups(all, false).sort(byCountSumKeys);
    assert.deepEqual(
      await rowsOf(
        `SELECT k, COUNT(*), SUM(v) FROM ${TABLE} GROUP BY k ` +
          'ORDER BY COUNT(*) DESC, SUM(v) DESC, k LIMIT 50',
      ),
      byKey.slice(0, 50).map((group) => [longCell(group.k), group.count, group.sum]),
    );
  });
});
