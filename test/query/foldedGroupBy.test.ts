// The folded filter of host/query/foldedGroupBy.ts (a filter keeping nearly every doc joins the
// group keys) against the row path, through executeSegment with and without a KernelContext on
// immutable segments of seeded random rows: one matching id (MIN/MAX and DOUBLE sums allowed),
// several ids merged (COUNT and INT sums only), a negated predicate, and the cases that must
// step aside (few docs kept, MIN/MAX over several ids, a high-cardinality filter column).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../host/config/types.js';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import { compileQuery } from '../../host/query/compiledQuery.js';
import type { PackedGroups } from '../../host/query/fastPaths.js';
import type { KernelContext } from '../../host/query/kernelPaths.js';
import { parseQueryOptions } from '../../host/query/options.js';
import { planQuery } from '../../host/query/plan.js';
import { executeSegment, type Group, type SegmentResult } from '../../host/query/segmentExec.js';
import { parseSql } from '../../host/sql/parser.js';
import {
  loadImmutableSegment,
  writeImmutableSegment,
  type ImmutableSegment,
} from '../../segments/immutable/index.js';
import { kernelHarness } from '../support/kernels.js';
import { SeededRandom } from '../support/random.js';

/** Segments of several kernel blocks, the last one cut inside a block. */
const DOCS_PER_SEGMENT = [9000, 4097];

const schema = parseSchema({
  schemaName: 'fg',
  dimensionFieldSpecs: [
    { name: 'k', dataType: 'INT' },
    { name: 's', dataType: 'STRING' },
    { name: 'flag', dataType: 'INT' },
    { name: 'status', dataType: 'STRING' },
  ],
  metricFieldSpecs: [
    { name: 'i', dataType: 'INT' },
    { name: 'd', dataType: 'DOUBLE' },
  ],
});

const tableConfig = parseTableConfig({
  tableName: 'fg',
  tableType: 'OFFLINE',
  segmentsConfig: { replication: '1' },
  tableIndexConfig: {},
});

function randomRow(random: SeededRandom): Row {
  const draw = random.next();
  return {
    k: random.int(0, 49),
    s: `v${random.int(0, 7)}`,
    // 90% 0, 6% 1, the rest 2 or 3: `flag <= 1` keeps 96%, `flag = 2` about 2%.
    flag: draw < 0.9 ? 0 : draw < 0.96 ? 1 : random.int(2, 3),
    status: random.bool(0.97) ? 'ok' : random.pick(['bad', 'late']),
    i: random.int(-100_000, 100_000),
    d: random.next() * 1e4 - 5e3,
  };
}

/** A group as comparable rows: keys, then per aggregation COUNT, SUM, MIN or MAX as asked. */
function rowsOf(result: SegmentResult, reads: readonly string[]): unknown[][] {
  assert.ok(result.kind === 'groupBy');
  const pick = (kind: string, count: number, sum: number, min: number, max: number) =>
    kind === 'COUNT' ? count : kind === 'SUM' ? sum : kind === 'MIN' ? min : max;
  const rows: unknown[][] = [];
  if (result.groups instanceof Map) {
    for (const group of (result.groups as Map<string, Group>).values()) {
      const values = group.states.map((state, a) =>
        pick(reads[a]!, state.count, state.sum, state.min, state.max),
      );
      rows.push([...group.keys, ...values]);
    }
  } else {
    const packed = result.groups as PackedGroups;
    for (let g = 0; g < packed.groupCount; g++) {
      const values = reads.map((kind, a) => {
        const stats = packed.values[a];
        const count = packed.counts[g]!;
        if (stats === undefined) return count;
        return pick(kind, count, stats.sums[g]!, stats.mins[g]!, stats.maxs[g]!);
      });
      rows.push([...packed.keys.map((column) => column[g]), ...values]);
    }
  }
  return rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe('group-by with the filter folded into its keys', () => {
  const harness = kernelHarness();
  const context: KernelContext = { kernels: harness, allocator: harness.allocator };
  const directory = mkdtempSync(join(tmpdir(), 'cuvee-folded-'));
  const segments: ImmutableSegment[] = [];

  before(async () => {
    const random = new SeededRandom(0xf01d);
    for (const [s, docCount] of DOCS_PER_SEGMENT.entries()) {
      const rows = Array.from({ length: docCount }, () => randomRow(random));
      const file = join(directory, `segment-${s}`);
      await writeImmutableSegment({ schema, tableConfig, segmentName: `fg_${s}`, rows }, file);
      segments.push(await loadImmutableSegment(file, harness.allocator, harness.memory));
    }
  });

  after(() => {
    for (const segment of segments) segment.release();
    rmSync(directory, { recursive: true, force: true });
  });

  function run(sql: string, kernels: boolean) {
    const compiled = compileQuery(planQuery(parseSql(sql), schema, parseQueryOptions({})));
    const deadline = { atMs: performance.now() + 60_000, timeoutMs: 60_000 };
    return segments.map((segment) =>
      executeSegment(compiled, segment, deadline, kernels ? context : undefined),
    );
  }

  const folded = (stats: { accessPaths: string[] }): boolean =>
    stats.accessPaths.some((path) => path.includes('folded'));

  const FOLDED = [
    ['SELECT k, COUNT(*), SUM(i) FROM fg WHERE flag = 0 GROUP BY k', ['COUNT', 'SUM']],
    [
      'SELECT s, k, COUNT(*), MIN(d), MAX(d), SUM(d) FROM fg WHERE flag = 0 GROUP BY s, k',
      ['COUNT', 'MIN', 'MAX', 'SUM'],
    ],
    ['SELECT k, COUNT(*), SUM(i) FROM fg WHERE flag <= 1 GROUP BY k', ['COUNT', 'SUM']],
    ["SELECT s, COUNT(*) FROM fg WHERE status <> 'bad' GROUP BY s", ['COUNT']],
    ["SELECT k, AVG(i) FROM fg WHERE status IN ('ok', 'late') GROUP BY k", ['SUM']],
  ] as const;

  for (const [sql, reads] of FOLDED) {
    test(`answers as the row path does: ${sql}`, () => {
      const withKernels = run(sql, true);
      const rowPath = run(sql, false);
      withKernels.forEach(({ result, stats }, s) => {
        assert.ok(folded(stats), `${sql}: folded on segment ${s}`);
        assert.deepEqual(rowsOf(result, reads), rowsOf(rowPath[s]!.result, reads), sql);
        assert.equal(stats.docsScanned, rowPath[s]!.stats.docsScanned, sql);
        assert.equal(
          stats.entriesScannedPostFilter,
          rowPath[s]!.stats.entriesScannedPostFilter,
          sql,
        );
      });
    });
  }

  test('steps aside when few docs are kept, for MIN/MAX over several ids, and for wide filters', () => {
    for (const sql of [
      'SELECT k, COUNT(*) FROM fg WHERE flag = 2 GROUP BY k',
      'SELECT k, MAX(i) FROM fg WHERE flag <= 1 GROUP BY k',
      'SELECT k, SUM(d) FROM fg WHERE flag <= 1 GROUP BY k',
      'SELECT s, COUNT(*) FROM fg WHERE i > -90000 GROUP BY s',
    ]) {
      for (const { stats } of run(sql, true)) assert.ok(!folded(stats), sql);
    }
  });
});
