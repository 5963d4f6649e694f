// The kernel fast paths against brute force over ColumnReader.getValue / getDictId, on real
// immutable segments (written, then loaded into a kernel harness memory) built from seeded
// random rows: every numeric stored type, dictionary and raw, sorted, nulls, NaN, ±0, ±Infinity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, ScalarValue } from '../../host/config/types.js';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import { toDouble } from '../../host/expr/values.js';
import {
  accumulate,
  newState,
  resolveAggregation,
  type AccumulatorState,
} from '../../host/query/aggregations.js';
import { allDocs, docIds, type DocSelection } from '../../host/query/docSelection.js';
import {
  aggregateNumeric,
  countDictIds,
  DENSE_GROUP_BUDGET,
  denseGroupAt,
  groupByDictIds,
  scanDictIds,
  type KernelContext,
  type NumericColumn,
} from '../../host/query/kernelPaths.js';
import { IdSet } from '../../host/query/idSet.js';
import {
  loadImmutableSegment,
  writeImmutableSegment,
  type ImmutableSegment,
} from '../../segments/immutable/index.js';
import type { ColumnReader } from '../../segments/spi/columnReader.js';
import { kernelHarness, type KernelHarness } from '../support/kernels.js';
import { fuzzRuns, SeededRandom } from '../support/random.js';

/** Seeds per test: each builds a segment of up to MAX_DOCS rows. */
const DEFAULT_RUNS = 12;
/** Several 4096-doc blocks, and a partial one. */
const MAX_DOCS = 14_000;
/** Sums may round differently (other addition order): bound relative to the sum of |v|. */
const SUM_RELATIVE_TOLERANCE = 1e-12;

const NUMERIC = ['INT', 'LONG', 'FLOAT', 'DOUBLE'] as const;
const DICT_COLUMNS = ['d_INT', 'd_LONG', 'd_FLOAT', 'd_DOUBLE'];
const RAW_COLUMNS = ['r_INT', 'r_LONG', 'r_FLOAT', 'r_DOUBLE'];
const KEY_COLUMNS = ['k_sorted', 'k_str', ...DICT_COLUMNS];

const schema = parseSchema({
  schemaName: 'fast',
  dimensionFieldSpecs: [
    { name: 'k_sorted', dataType: 'INT' },
    { name: 'k_str', dataType: 'STRING' },
    { name: 'mv_INT', dataType: 'INT', singleValueField: false },
  ],
  metricFieldSpecs: NUMERIC.flatMap((type) => [
    { name: `d_${type}`, dataType: type },
    { name: `r_${type}`, dataType: type },
  ]),
});

const tableConfig = parseTableConfig({
  tableName: 'fast',
  tableType: 'OFFLINE',
  segmentsConfig: { replication: '1' },
  tableIndexConfig: { noDictionaryColumns: RAW_COLUMNS, sortedColumn: ['k_sorted'] },
});

function randomNumber(random: SeededRandom, type: (typeof NUMERIC)[number]): ScalarValue {
  const wide = random.bool(0.2);
  switch (type) {
    case 'INT':
      return wide ? random.int(-2147483648, 2147483647) : random.int(-6, 6);
    case 'LONG':
      return wide
        ? BigInt(random.int(-(2 ** 31), 2 ** 31)) * 4_000_000_007n
        : BigInt(random.int(-6, 6));
    case 'FLOAT':
      if (random.bool(0.03)) return random.pick([Number.NaN, 0, -0, Infinity]);
      return Math.fround(wide ? (random.next() - 0.5) * 1e30 : random.int(-4, 4) / 2);
    case 'DOUBLE':
      if (random.bool(0.03)) return random.pick([Number.NaN, Infinity, -Infinity, 0, -0]);
      return wide ? (random.next() - 0.5) * 1e300 : random.int(-4, 4) / 4;
  }
}

function randomRows(random: SeededRandom, docCount: number): Row[] {
  const rows: Row[] = [];
  let sorted = random.int(-3, 3);
  for (let doc = 0; doc < docCount; doc++) {
    if (random.bool(0.01)) sorted += random.int(1, 3);
    const row: Row = {
      k_sorted: sorted,
      k_str: random.bool(0.05) ? null : random.pick(['a', 'b', 'c', 'é', '']),
      mv_INT: [random.int(0, 3)],
    };
    for (const type of NUMERIC) {
      row[`d_${type}`] = random.bool(0.05) ? null : randomNumber(random, type);
      row[`r_${type}`] = random.bool(0.05) ? null : randomNumber(random, type);
    }
    rows.push(row);
  }
  return rows;
}

function randomDocCount(random: SeededRandom): number {
  return random.bool(0.3)
    ? random.pick([1, 31, 32, 33, 4095, 4096, 4097])
    : random.int(1, MAX_DOCS);
}

/** Runs `body` per seed on a fresh segment; a failure names the seed that reproduces it. */
async function forEachSegment(
  body: (random: SeededRandom, segment: ImmutableSegment, context: KernelContext) => void,
): Promise<void> {
  const fixed = process.env['CUVEE_FUZZ_SEED'];
  const seeds =
    fixed !== undefined
      ? [Number(fixed)]
      : Array.from({ length: fuzzRuns(DEFAULT_RUNS) }, (_, i) => (0x5eed + i * 7919) >>> 0);
  const harness: KernelHarness = kernelHarness();
  const context: KernelContext = { kernels: harness, allocator: harness.allocator };
  const directory = mkdtempSync(join(tmpdir(), 'cuvee-kernel-paths-'));
  try {
    for (const seed of seeds) {
      const random = new SeededRandom(seed);
      const rows = randomRows(random, randomDocCount(random));
      const file = join(directory, `segment-${seed}`);
      await writeImmutableSegment({ schema, tableConfig, segmentName: 'fast', rows }, file);
      const allocationsBefore = harness.allocator.stats().allocationCount;
      const segment = await loadImmutableSegment(file, harness.allocator, harness.memory);
      try {
        body(random, segment, context);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`fuzz failure with seed ${seed} (CUVEE_FUZZ_SEED=${seed}): ${message}`, {
          cause: error,
        });
      } finally {
        segment.release();
      }
      // Every temporary of the fast paths went back to the allocator.
      assert.equal(harness.allocator.stats().allocationCount, allocationsBefore);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function reader(segment: ImmutableSegment, name: string): ColumnReader {
  const column = segment.column(name);
  assert.ok(column !== undefined, `column ${name}`);
  return column;
}

function numericColumn(column: ColumnReader): NumericColumn {
  assert.ok(column.forwardIndexLocator !== undefined);
  return {
    forward: column.forwardIndexLocator,
    dictionary: column.dictionary?.locator,
    storedType: column.storedType,
  };
}

/** Mostly the whole segment; sometimes a prefix, as a query on a growing segment reads. */
function queriedDocCount(random: SeededRandom, segment: ImmutableSegment): number {
  return random.bool(0.2) ? random.int(0, segment.docCount()) : segment.docCount();
}

/** A random selection: all docs, none, few (gather path) or many (bitset path). */
function randomSelection(random: SeededRandom, docCount: number): DocSelection {
  const kind = random.int(0, 3);
  if (kind === 0) return allDocs(docCount);
  const density = [0, 0.01, 0.6, 0.97][kind]!;
  const ids: number[] = [];
  for (let doc = 0; doc < docCount; doc++) if (random.bool(density)) ids.push(doc);
  return docIds(Uint32Array.from(ids));
}

function selectedDocs(selection: DocSelection): number[] {
  if (selection.kind === 'ids') return [...selection.ids];
  return Array.from({ length: selection.docCount }, (_, doc) => doc);
}

/** Ascending ids: one, a contiguous run, a random set, none or all. */
function randomIds(random: SeededRandom, cardinality: number): Uint32Array {
  const shape = random.int(0, 4);
  if (shape === 0) return Uint32Array.of(random.int(0, cardinality - 1));
  if (shape === 1) {
    const lo = random.int(0, cardinality - 1);
    const hi = random.int(lo, cardinality - 1);
    return Uint32Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  if (shape === 2) return new Uint32Array(0);
  const all = Array.from({ length: cardinality }, (_, id) => id);
  return Uint32Array.from(shape === 3 ? all.filter(() => random.bool(0.3)) : all);
}

test('scanDictIds and countDictIds select the docs whose id matches', async () => {
  await forEachSegment((random, segment, context) => {
    const docCount = queriedDocCount(random, segment);
    for (let round = 0; round < 8; round++) {
      const column = reader(segment, random.pick(KEY_COLUMNS));
      const cardinality = column.dictionary!.cardinality;
      const ids = randomIds(random, cardinality);
      const candidates = randomSelection(random, docCount);
      const wanted = new Set(ids);
      const expected = selectedDocs(candidates).filter((doc) => wanted.has(column.getDictId(doc)));
      const where = `${column.name} ids [${ids.length}] over ${candidates.kind}`;
      const args = [
        context,
        column.forwardIndexLocator,
        IdSet.of(ids),
        cardinality,
        docCount,
        candidates,
      ] as const;
      const actual = scanDictIds(...args);
      assert.ok(actual !== undefined && actual.kind === 'ids', where);
      assert.deepEqual([...actual.ids], expected, where);
      assert.equal(countDictIds(...args), expected.length, where);
    }
  });
});

test('the fast paths refuse what they cannot read', async () => {
  await forEachSegment((random, segment, context) => {
    const docCount = segment.docCount();
    const mv = reader(segment, 'mv_INT');
    const ids = IdSet.of(Uint32Array.of(0));
    assert.equal(
      scanDictIds(context, mv.forwardIndexLocator, ids, 1, docCount, allDocs(docCount)),
      undefined,
    );
    const raw = reader(segment, random.pick(RAW_COLUMNS));
    assert.equal(
      countDictIds(context, raw.forwardIndexLocator, ids, 1, docCount, allDocs(docCount)),
      undefined,
    );
    const mvState = newState(resolveAggregation('SUM'));
    assert.equal(
      aggregateNumeric(context, numericColumn(mv), allDocs(docCount), docCount, mvState),
      undefined,
    );
    const text = reader(segment, 'k_str');
    const state = newState(resolveAggregation('SUM'));
    assert.equal(
      aggregateNumeric(context, numericColumn(text), allDocs(docCount), docCount, state),
      undefined,
    );
    const key = {
      forward: reader(segment, 'd_INT').forwardIndexLocator,
      cardinality: DENSE_GROUP_BUDGET + 1,
    };
    assert.equal(groupByDictIds(context, [key], [], allDocs(docCount), docCount, 10), undefined);
  });
});

function bruteAggregate(column: ColumnReader, docs: readonly number[]): AccumulatorState {
  const fn = resolveAggregation('SUM');
  const state = newState(fn);
  for (const doc of docs) accumulate(fn, state, column.getValue(doc));
  return state;
}

function absoluteSum(column: ColumnReader, docs: readonly number[]): number {
  let total = 0;
  for (const doc of docs) total += Math.abs(toDouble(column.getValue(doc)));
  return total;
}

function assertStateEqual(
  actual: AccumulatorState,
  expected: AccumulatorState,
  absolute: number,
  where: string,
): void {
  assert.equal(actual.count, expected.count, `${where}: count`);
  assert.equal(actual.min, expected.min, `${where}: min`);
  assert.equal(actual.max, expected.max, `${where}: max`);
  if (!Number.isFinite(expected.sum)) {
    assert.equal(actual.sum, expected.sum, `${where}: sum`);
  } else {
    const error = Math.abs(actual.sum - expected.sum);
    assert.ok(
      error <= SUM_RELATIVE_TOLERANCE * absolute,
      `${where}: sum ${actual.sum} vs ` + `${expected.sum}`,
    );
  }
}

test('aggregateNumeric equals the row-at-a-time accumulation', async () => {
  await forEachSegment((random, segment, context) => {
    const docCount = queriedDocCount(random, segment);
    for (const name of [...DICT_COLUMNS, ...RAW_COLUMNS]) {
      const column = reader(segment, name);
      const selection = randomSelection(random, docCount);
      const docs = selectedDocs(selection);
      const state = newState(resolveAggregation('SUM'));
      const actual = aggregateNumeric(context, numericColumn(column), selection, docCount, state);
      assert.equal(actual, state, `${name}: fast path applies`);
      const where = `${name} over ${docs.length} docs`;
      assertStateEqual(state, bruteAggregate(column, docs), absoluteSum(column, docs), where);
    }
  });
});

interface BruteGroup {
  keyIds: number[];
  docs: number[];
}

function bruteGroups(keys: readonly ColumnReader[], docs: readonly number[]): BruteGroup[] {
  const groups = new Map<string, BruteGroup>();
  for (const doc of docs) {
    const keyIds = keys.map((key) => key.getDictId(doc));
    const text = keyIds.join(',');
    let group = groups.get(text);
    if (group === undefined) groups.set(text, (group = { keyIds, docs: [] }));
    group.docs.push(doc);
  }
  const compare = (a: BruteGroup, b: BruteGroup): number => {
    for (let i = 0; i < a.keyIds.length; i++) {
      if (a.keyIds[i] !== b.keyIds[i]) return a.keyIds[i]! - b.keyIds[i]!;
    }
    return 0;
  };
  return [...groups.values()].sort(compare);
}

test('groupByDictIds equals a row-at-a-time group-by', async () => {
  await forEachSegment((random, segment, context) => {
    const docCount = queriedDocCount(random, segment);
    for (let round = 0; round < 3; round++) {
      const keyNames = KEY_COLUMNS.filter(() => random.bool(0.4)).slice(0, 3);
      if (keyNames.length === 0) keyNames.push(random.pick(KEY_COLUMNS));
      const keys = keyNames.map((name) => reader(segment, name));
      const valueNames = [...DICT_COLUMNS, ...RAW_COLUMNS, undefined].filter(() =>
        random.bool(0.4),
      );
      const values = valueNames.map((name) =>
        name === undefined ? undefined : reader(segment, name),
      );
      const selection = randomSelection(random, docCount);
      const expected = bruteGroups(keys, selectedDocs(selection));
      const keyColumns = keys.map((key) => ({
        forward: key.forwardIndexLocator,
        cardinality: key.dictionary!.cardinality,
      }));
      const valueColumns = values.map((value) =>
        value === undefined ? undefined : numericColumn(value),
      );
      const args = [context, keyColumns, valueColumns, selection, docCount] as const;
      const actual = groupByDictIds(...args, expected.length);
      const keySpace = keyColumns.reduce((product, key) => product * key.cardinality, 1);
      if (keySpace > DENSE_GROUP_BUDGET) {
        assert.equal(actual, undefined, `${keyNames.join(',')}: ${keySpace} groups are refused`);
        continue;
      }
      assert.ok(actual !== undefined, `${keyNames.join(',')}: fast path applies`);
      assert.equal(actual.groupCount, expected.length);
      const groups = Array.from({ length: actual.groupCount }, (_, g) => denseGroupAt(actual, g));
      assert.deepEqual(
        groups.map((group) => group.keyIds),
        expected.map((group) => group.keyIds),
      );
      groups.forEach((group, g) => {
        const { docs } = expected[g]!;
        const where = `group ${group.keyIds.join(',')} of ${keyNames.join(',')}`;
        assert.equal(group.count, docs.length, where);
        values.forEach((value, v) => {
          const state = group.states[v]!;
          if (value === undefined) {
            assert.equal(state.count, docs.length, `${where}: COUNT(*)`);
            return;
          }
          const brute = bruteAggregate(value, docs);
          assertStateEqual(state, brute, absoluteSum(value, docs), `${where} ${value.name}`);
        });
      });
      if (expected.length > 0) {
        assert.equal(groupByDictIds(...args, expected.length - 1), undefined, 'over maxGroups');
      }
    }
  });
});
