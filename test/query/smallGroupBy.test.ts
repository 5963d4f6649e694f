// The host group-by of small selections (host/query/smallGroupBy.ts) against the dense kernel
// path of groupByDictIds on the same selections: both add in doc order and read the same
// stored values, so their groups, counts, SUMs, MINs and MAXs must agree bit for bit, on real
// immutable segments with every numeric stored type, dictionary and raw, NaN, ±0, ±Infinity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, ScalarValue } from '../../host/config/types.js';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import { allDocs, docIds, type DocSelection } from '../../host/query/docSelection.js';
import {
  DENSE_GROUP_BUDGET,
  groupByDictIds,
  groupWithKernels,
  type DenseGroups,
  type GroupKeyColumn,
} from '../../host/query/kernelGroupBy.js';
import type { KernelContext } from '../../host/query/kernelMemory.js';
import {
  isPackedIds,
  valueSourceOf,
  type NumericColumn,
  type PackedIdsLocator,
  type ValueSource,
} from '../../host/query/kernelValues.js';
import {
  groupSmallSelection,
  HOST_GROUP_MAX_DOCS,
  hostReadable,
} from '../../host/query/smallGroupBy.js';
import {
  loadImmutableSegment,
  writeImmutableSegment,
  type ImmutableSegment,
} from '../../segments/immutable/index.js';
import type { ColumnReader } from '../../segments/spi/columnReader.js';
import { kernelHarness } from '../support/kernels.js';
import { fuzzRuns, SeededRandom } from '../support/random.js';

/** Seeds: each builds one segment. */
const DEFAULT_RUNS = 10;
/** Past HOST_GROUP_MAX_DOCS, so that selections above it take the kernel path. */
const MAX_DOCS = 3_000;
/** Group-bys per segment. */
const ROUNDS = 12;

const NUMERIC = ['INT', 'LONG', 'FLOAT', 'DOUBLE'] as const;
const VALUE_COLUMNS = NUMERIC.flatMap((type) => [`d_${type}`, `r_${type}`]);
const KEY_COLUMNS = ['k_sorted', 'k_str', 'd_INT', 'd_DOUBLE'];

const schema = parseSchema({
  schemaName: 'small',
  dimensionFieldSpecs: [
    { name: 'k_sorted', dataType: 'INT' },
    { name: 'k_str', dataType: 'STRING' },
  ],
  metricFieldSpecs: NUMERIC.flatMap((type) => [
    { name: `d_${type}`, dataType: type },
    { name: `r_${type}`, dataType: type },
  ]),
});

const tableConfig = parseTableConfig({
  tableName: 'small',
  tableType: 'OFFLINE',
  segmentsConfig: { replication: '1' },
  tableIndexConfig: {
    noDictionaryColumns: NUMERIC.map((type) => `r_${type}`),
    sortedColumn: ['k_sorted'],
  },
});

function randomNumber(random: SeededRandom, type: (typeof NUMERIC)[number]): ScalarValue {
  const special = random.bool(0.1);
  switch (type) {
    case 'INT':
      return random.bool(0.2) ? random.int(-2147483648, 2147483647) : random.int(-6, 6);
    case 'LONG':
      // Beyond 2^53: the conversion to double must round as the kernels' does.
      return random.bool(0.2)
        ? BigInt(random.int(-(2 ** 31), 2 ** 31)) * 4_000_000_007n + 1n
        : BigInt(random.int(-6, 6));
    // Half small non-negative values: MIN is then often a tie of -0 and +0 (the first stays).
    case 'FLOAT':
      if (special) return random.pick([Number.NaN, 0, -0, Infinity]);
      return random.bool(0.5) ? random.int(0, 3) : Math.fround((random.next() - 0.5) * 1e6);
    case 'DOUBLE':
      if (special) return random.pick([Number.NaN, Infinity, -Infinity, 0, -0]);
      return random.bool(0.5) ? random.int(0, 3) : (random.next() - 0.5) * 1e12;
  }
}

function randomRows(random: SeededRandom, docCount: number): Row[] {
  const rows: Row[] = [];
  let sorted = 0;
  for (let doc = 0; doc < docCount; doc++) {
    if (random.bool(0.02)) sorted += random.int(1, 3);
    const row: Row = { k_sorted: sorted, k_str: random.pick(['a', 'b', 'c', 'é', '']) };
    for (const type of NUMERIC) {
      row[`d_${type}`] = random.bool(0.05) ? null : randomNumber(random, type);
      row[`r_${type}`] = randomNumber(random, type);
    }
    rows.push(row);
  }
  return rows;
}

/** All docs of a short segment, a run, or a sparse id list: small and large. */
function randomSelection(random: SeededRandom, docCount: number): DocSelection {
  const shape = random.int(0, 2);
  if (shape === 0) return allDocs(Math.min(docCount, random.int(0, 2 * HOST_GROUP_MAX_DOCS)));
  const start = random.int(0, docCount - 1);
  const size = random.int(0, 2 * HOST_GROUP_MAX_DOCS);
  const ids: number[] = [];
  const density = shape === 1 ? 1 : random.next();
  for (let doc = start; doc < docCount && ids.length < size; doc++) {
    if (random.bool(density)) ids.push(doc);
  }
  return docIds(Uint32Array.from(ids));
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

/** Same groups, and the same doubles bit for bit (Object.is: NaN equals NaN, -0 is not 0). */
function assertSameGroups(actual: DenseGroups, expected: DenseGroups, where: string): void {
  assert.equal(actual.groupCount, expected.groupCount, `${where}: group count`);
  assert.deepEqual(actual.keyIds, expected.keyIds, `${where}: key ids`);
  assert.deepEqual(actual.counts, expected.counts, `${where}: counts`);
  assert.equal(actual.values.length, expected.values.length);
  actual.values.forEach((stats, v) => {
    const wanted = expected.values[v];
    if (stats === undefined || wanted === undefined) {
      assert.equal(stats, wanted, `${where}: value column ${v}`);
      return;
    }
    for (const part of ['sums', 'mins', 'maxs'] as const) {
      stats[part].forEach((value, g) =>
        assert.ok(Object.is(value, wanted[part][g]), `${where}: ${part}[${g}] of column ${v}`),
      );
    }
  });
}

function checkRound(random: SeededRandom, segment: ImmutableSegment, context: KernelContext) {
  const docCount = segment.docCount();
  // Half the rounds group by k_str alone: few, large groups, where ties of -0 and +0 meet.
  const keyNames = random.bool(0.5)
    ? ['k_str']
    : KEY_COLUMNS.filter(() => random.bool(0.4)).slice(0, 3);
  if (keyNames.length === 0) keyNames.push(random.pick(KEY_COLUMNS));
  const keyReaders = keyNames.map((name) => reader(segment, name));
  const keyColumns: GroupKeyColumn[] = keyReaders.map((key) => ({
    forward: key.forwardIndexLocator,
    cardinality: key.dictionary!.cardinality,
  }));
  const valueNames = [...VALUE_COLUMNS, undefined].filter(() => random.bool(0.3));
  const valueColumns = valueNames.map((name) =>
    name === undefined ? undefined : numericColumn(reader(segment, name)),
  );
  const minMax = valueNames.map(() => random.bool(0.7));
  const selection = randomSelection(random, docCount);
  const where = `keys ${keyNames.join(',')} values ${valueNames.join(',')} over ${selection.kind}`;
  const keys = keyColumns.map((column) => column.forward as PackedIdsLocator);
  assert.ok(keys.every((key) => isPackedIds(key)), where);
  const sources = valueColumns.map((column) =>
    column === undefined ? undefined : (valueSourceOf(column) as ValueSource),
  );
  assert.ok(hostReadable(keys, sources), `${where}: segment columns are u32-aligned`);
  const cardinalities = keyColumns.map((column) => column.cardinality);
  const maxGroups = random.bool(0.2) ? random.int(0, 4) : Number.MAX_SAFE_INTEGER;
  if (cardinalities.reduce((product, cardinality) => product * cardinality, 1) >
    DENSE_GROUP_BUDGET) {
    const refused = groupByDictIds(context, keyColumns, valueColumns, selection, docCount, 1);
    assert.equal(refused, undefined, `${where}: key space over the dense budget`);
    return;
  }
  const input = { keys, cardinalities, sources, minMaxColumns: minMax, selection, maxGroups };
  const host = groupSmallSelection(context.kernels.memory, input);
  const kernels = groupWithKernels(context, input);
  const chosen = groupByDictIds(
    context, keyColumns, valueColumns, selection, docCount, maxGroups, minMax,
  );
  if (kernels === undefined) {
    assert.equal(host, undefined, `${where}: both refuse more than ${maxGroups} groups`);
    if (selection.kind === 'all' ? selection.docCount > 0 : selection.ids.length > 0) {
      assert.equal(chosen, undefined, `${where}: groupByDictIds refuses too`);
    }
    return;
  }
  assert.ok(host !== undefined, `${where}: the host path answers`);
  assertSameGroups(host, kernels, where);
  assert.ok(chosen !== undefined, `${where}: groupByDictIds answers`);
  assertSameGroups(chosen, kernels, `${where} (groupByDictIds)`);
}

test('the host group-by of a selection equals the dense kernels bit for bit', async () => {
  const fixed = process.env['CUVEE_FUZZ_SEED'];
  const seeds =
    fixed !== undefined
      ? [Number(fixed)]
      : Array.from({ length: fuzzRuns(DEFAULT_RUNS) }, (_, i) => (0x5a11 + i * 104_729) >>> 0);
  const harness = kernelHarness();
  const context: KernelContext = { kernels: harness, allocator: harness.allocator };
  const directory = mkdtempSync(join(tmpdir(), 'cuvee-small-group-by-'));
  try {
    for (const seed of seeds) {
      const random = new SeededRandom(seed);
      const rows = randomRows(random, random.int(1, MAX_DOCS));
      const file = join(directory, `segment-${seed}`);
      await writeImmutableSegment({ schema, tableConfig, segmentName: 'small', rows }, file);
      const segment = await loadImmutableSegment(file, harness.allocator, harness.memory);
      try {
        for (let round = 0; round < ROUNDS; round++) checkRound(random, segment, context);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`fuzz failure with seed ${seed} (CUVEE_FUZZ_SEED=${seed}): ${message}`, {
          cause: error,
        });
      } finally {
        segment.release();
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
