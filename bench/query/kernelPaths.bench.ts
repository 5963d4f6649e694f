// Rows/s of the kernel fast paths (host/query/kernelPaths.ts) beside the row-at-a-time
// reader path (ColumnReader.getDictId / getValue per doc, as filterExec and segmentExec read
// today) on one immutable segment, written and loaded into a kernel harness memory.
// Usage: npm run build && node dist/bench/query/kernelPaths.bench.js [rowCount]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
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
  groupByDictIds,
  scanDictIds,
  type KernelContext,
  type NumericColumn,
} from '../../host/query/kernelPaths.js';
import { IdSet } from '../../host/query/idSet.js';
import { loadImmutableSegment, writeImmutableSegment } from '../../segments/immutable/index.js';
import type { ColumnarInput, DictionaryEncodedColumn } from '../../segments/spi/builder.js';
import type { ColumnReader } from '../../segments/spi/columnReader.js';
import { kernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';

/** The scale: ten million rows in one segment. */
const DEFAULT_ROW_COUNT = 10_000_000;
/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0xbe7c;
/** A low-cardinality dimension (carrier-like). */
const SMALL_CARDINALITY = 100;
/** A mid-cardinality dimension (route-like); with the small one 100k dense groups. */
const MID_CARDINALITY = 1000;
/** Distinct values of the dictionary-encoded metric. */
const METRIC_CARDINALITY = 10_000;
/** Runs per measurement; the best counts (the first warms up the JIT). */
const RUNS = 3;
/** Docs kept by the sparse selection (gather path) and the half selection. */
const SPARSE_KEEP = 0.01;
const HALF_KEEP = 0.5;

const schema = parseSchema({
  schemaName: 'bench',
  dimensionFieldSpecs: [
    { name: 'small', dataType: 'INT' },
    { name: 'mid', dataType: 'INT' },
  ],
  metricFieldSpecs: [
    { name: 'd_DOUBLE', dataType: 'DOUBLE' },
    { name: 'r_DOUBLE', dataType: 'DOUBLE' },
    { name: 'r_INT', dataType: 'INT' },
  ],
});
const tableConfig = parseTableConfig({
  tableName: 'bench',
  tableType: 'OFFLINE',
  segmentsConfig: { replication: '1' },
  tableIndexConfig: { noDictionaryColumns: ['r_DOUBLE', 'r_INT'] },
});

function encoded(random: SeededRandom, rowCount: number, cardinality: number, values: number[]) {
  const dictIds = new Uint32Array(rowCount);
  for (let doc = 0; doc < rowCount; doc++) dictIds[doc] = random.int(0, cardinality - 1);
  const column: DictionaryEncodedColumn = {
    kind: 'dictionaryEncoded',
    values,
    dictIds,
    nullDocIds: new Uint32Array(0),
  };
  return column;
}

function benchInput(rowCount: number): ColumnarInput {
  const random = new SeededRandom(BENCH_SEED);
  const ints = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
  const metricValues = Array.from({ length: METRIC_CARDINALITY }, () => random.next() * 1e4);
  const rawDoubles = Array.from({ length: rowCount }, () => (random.next() - 0.5) * 1e6);
  const rawInts = Array.from({ length: rowCount }, () => random.int(-1_000_000, 1_000_000));
  return {
    docCount: rowCount,
    columns: {
      small: encoded(random, rowCount, SMALL_CARDINALITY, ints(SMALL_CARDINALITY)),
      mid: encoded(random, rowCount, MID_CARDINALITY, ints(MID_CARDINALITY)),
      d_DOUBLE: encoded(random, rowCount, METRIC_CARDINALITY, metricValues),
      r_DOUBLE: { kind: 'values', values: rawDoubles },
      r_INT: { kind: 'values', values: rawInts },
    },
  };
}

/** Best rows/s of `run` over RUNS runs. */
function rowsPerSecond(rowCount: number, run: () => unknown): number {
  let bestMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const startMs = performance.now();
    run();
    bestMs = Math.min(bestMs, performance.now() - startMs);
  }
  return rowCount / (bestMs / 1000);
}

function report(name: string, rowCount: number, fast: () => unknown, rowPath: () => unknown) {
  const fastRate = rowsPerSecond(rowCount, fast);
  const rowRate = rowsPerSecond(rowCount, rowPath);
  const millions = (rate: number): string => (rate / 1e6).toFixed(1).padStart(8);
  console.log(
    `${name.padEnd(44)} kernel ${millions(fastRate)} M rows/s   row path ${millions(rowRate)} ` +
      `M rows/s   x${(fastRate / rowRate).toFixed(1)}`,
  );
}

function selectionOf(random: SeededRandom, rowCount: number, keep: number): DocSelection {
  const ids: number[] = [];
  for (let doc = 0; doc < rowCount; doc++) if (random.bool(keep)) ids.push(doc);
  return docIds(Uint32Array.from(ids));
}

function forEachSelected(selection: DocSelection, visit: (doc: number) => void): void {
  if (selection.kind === 'all') for (let doc = 0; doc < selection.docCount; doc++) visit(doc);
  else for (const doc of selection.ids) visit(doc);
}

function rowFilter(column: ColumnReader, ids: Uint32Array, selection: DocSelection): number[] {
  const wanted = new Uint8Array(column.dictionary!.cardinality);
  for (const id of ids) wanted[id] = 1;
  const out: number[] = [];
  forEachSelected(selection, (doc) => {
    if (wanted[column.getDictId(doc)] === 1) out.push(doc);
  });
  return out;
}

function rowAggregate(column: ColumnReader, selection: DocSelection): AccumulatorState {
  const fn = resolveAggregation('SUM');
  const state = newState(fn);
  forEachSelected(selection, (doc) => accumulate(fn, state, column.getValue(doc)));
  return state;
}

/** Row path group-by with a dense state array (kinder to it than the engine's string keys). */
function rowGroupBy(keys: ColumnReader[], value: ColumnReader, selection: DocSelection) {
  const fn = resolveAggregation('SUM');
  const cardinalities = keys.map((key) => key.dictionary!.cardinality);
  const states: (AccumulatorState | undefined)[] = [];
  forEachSelected(selection, (doc) => {
    let group = 0;
    for (let i = 0; i < keys.length; i++)
      group = group * cardinalities[i]! + keys[i]!.getDictId(doc);
    const state = (states[group] ??= newState(fn));
    accumulate(fn, state, value.getValue(doc));
  });
  return states;
}

function numeric(column: ColumnReader): NumericColumn {
  return {
    forward: column.forwardIndexLocator!,
    dictionary: column.dictionary?.locator,
    storedType: column.storedType,
  };
}

async function main(): Promise<void> {
  const rowCount = Number(process.argv[2] ?? DEFAULT_ROW_COUNT);
  const harness = kernelHarness();
  const context: KernelContext = { kernels: harness, allocator: harness.allocator };
  const directory = mkdtempSync(join(tmpdir(), 'cuvee-bench-'));
  try {
    const file = join(directory, 'bench.segment');
    const input = { schema, tableConfig, segmentName: 'bench', columns: benchInput(rowCount) };
    await writeImmutableSegment(input, file);
    const segment = await loadImmutableSegment(file, harness.allocator, harness.memory);
    const column = (name: string): ColumnReader => segment.column(name)!;
    const [small, mid] = [column('small'), column('mid')];
    const random = new SeededRandom(BENCH_SEED + 1);
    const all = allDocs(rowCount);
    const half = selectionOf(random, rowCount, HALF_KEEP);
    const sparse = selectionOf(random, rowCount, SPARSE_KEEP);
    const inSet = Uint32Array.of(3, 17, 29, 42, 64, 77, 90);
    const range = Uint32Array.from({ length: 10 }, (_, i) => 20 + i);
    const scan = (ids: Uint32Array, candidates: DocSelection) => () =>
      scanDictIds(
        context,
        small.forwardIndexLocator,
        IdSet.of(ids),
        SMALL_CARDINALITY,
        rowCount,
        candidates,
      );
    console.log(`${rowCount} rows; best of ${RUNS} runs`);
    report('filter small = 42 (all docs)', rowCount, scan(Uint32Array.of(42), all), () =>
      rowFilter(small, Uint32Array.of(42), all),
    );
    report('filter small IN (7 ids) (all docs)', rowCount, scan(inSet, all), () =>
      rowFilter(small, inSet, all),
    );
    report(
      'filter small IN (7 ids) within 50%',
      half.kind === 'ids' ? half.ids.length : 0,
      scan(inSet, half),
      () => rowFilter(small, inSet, half),
    );
    report(
      'filter small IN (7 ids) within 1%',
      sparse.kind === 'ids' ? sparse.ids.length : 0,
      scan(inSet, sparse),
      () => rowFilter(small, inSet, sparse),
    );
    report(
      'COUNT(*) WHERE small BETWEEN ids 20..29',
      rowCount,
      () =>
        countDictIds(
          context,
          small.forwardIndexLocator,
          IdSet.of(range),
          SMALL_CARDINALITY,
          rowCount,
          all,
        ),
      () => rowFilter(small, range, all).length,
    );
    for (const name of ['d_DOUBLE', 'r_DOUBLE', 'r_INT']) {
      const state = () => newState(resolveAggregation('SUM'));
      report(
        `SUM/MIN/MAX(${name}) (all docs)`,
        rowCount,
        () => aggregateNumeric(context, numeric(column(name)), all, rowCount, state()),
        () => rowAggregate(column(name), all),
      );
      report(
        `SUM/MIN/MAX(${name}) within 50%`,
        half.kind === 'ids' ? half.ids.length : 0,
        () => aggregateNumeric(context, numeric(column(name)), half, rowCount, state()),
        () => rowAggregate(column(name), half),
      );
    }
    const keyOf = (key: ColumnReader) => ({
      forward: key.forwardIndexLocator,
      cardinality: key.dictionary!.cardinality,
    });
    const value = column('r_DOUBLE');
    report(
      'GROUP BY small: COUNT, SUM(r_DOUBLE)',
      rowCount,
      () => groupByDictIds(context, [keyOf(small)], [numeric(value)], all, rowCount, 1e6),
      () => rowGroupBy([small], value, all),
    );
    report(
      'GROUP BY small, mid: COUNT, SUM(r_DOUBLE)',
      rowCount,
      () =>
        groupByDictIds(context, [keyOf(small), keyOf(mid)], [numeric(value)], all, rowCount, 1e6),
      () => rowGroupBy([small, mid], value, all),
    );
    segment.release();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
