// Write → load → read back every value, statistic and index of seeded random tables, through
// all three input forms (rows, value columns, dictionary-encoded columns).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FieldSpec, Row, ScalarValue, StoredType } from '../../../host/config/types.js';
import {
  encodeImmutableSegment,
  loadImmutableSegment,
  writeImmutableSegment,
  type ImmutableSegment,
} from '../../../segments/immutable/index.js';
import { comparatorFor } from '../../../segments/immutable/values.js';
import type {
  ColumnarInput,
  DictionaryEncodedColumn,
  ImmutableSegmentInput,
} from '../../../segments/spi/builder.js';
import type { ColumnReader, ValueBlock } from '../../../segments/spi/columnReader.js';
import type { Dictionary } from '../../../segments/spi/dictionary.js';
import { seeded } from './expectations.js';
import { forEachSeed, SeededRandom } from '../../support/random.js';
import { distinctSorted, expectedCell, isNullCell, readCell } from './expectations.js';
import { generateTable, type GeneratedTable } from './generate.js';
import { schemaOf, tableConfigOf, temporaryDirectory, testMemory } from './support.js';

/** Fixed build time, so the three input forms must give identical bytes. */
const CREATION_TIME_MS = 1_700_000_000_000;

function inputOf(table: GeneratedTable): ImmutableSegmentInput {
  return {
    schema: schemaOf(table.fields),
    tableConfig: tableConfigOf({
      noDictionaryColumns: table.noDictionaryColumns,
      invertedIndexColumns: table.invertedIndexColumns,
      rangeIndexColumns: table.rangeIndexColumns,
    }),
    segmentName: 'roundTrip',
    rows: table.rows,
    custom: { 'segment.realtime.startOffset': '42' },
    creationTimeMs: CREATION_TIME_MS,
  };
}

/** Map keys that keep -0 apart from 0, as raw columns must. */
function keyOf(value: ScalarValue): unknown {
  if (Object.is(value, -0)) return '-0';
  return value instanceof Uint8Array ? `b:${Buffer.from(value).toString('hex')}` : value;
}

/** A mutable segment's layout: insertion-order dictionary, ids, MV offsets, null docs. */
function dictionaryEncoded(spec: FieldSpec, rows: readonly Row[]): DictionaryEncodedColumn {
  const values: ScalarValue[] = [];
  const idOf = new Map<unknown, number>();
  const ids: number[] = [];
  const offsets = [0];
  const nullDocIds: number[] = [];
  rows.forEach((row, docId) => {
    if (isNullCell(spec, row)) nullDocIds.push(docId);
    for (const value of expectedCell(spec, row, false)) {
      const key = keyOf(value);
      if (!idOf.has(key)) idOf.set(key, values.push(value) - 1);
      ids.push(idOf.get(key)!);
    }
    offsets.push(ids.length);
  });
  return {
    kind: 'dictionaryEncoded',
    values,
    dictIds: Uint32Array.from(ids),
    ...(spec.singleValueField ? {} : { mvOffsets: Uint32Array.from(offsets) }),
    nullDocIds: Uint32Array.from(nullDocIds),
  };
}

function columnarForms(table: GeneratedTable): ColumnarInput[] {
  const docCount = table.rows.length;
  const valueColumns: ColumnarInput = {
    docCount,
    columns: Object.fromEntries(
      table.fields.map((spec) => [
        spec.name,
        { kind: 'values', values: table.rows.map((row) => row[spec.name] ?? null) },
      ]),
    ),
  };
  const encodedColumns: ColumnarInput = {
    docCount,
    columns: Object.fromEntries(
      table.fields.map((spec) => [spec.name, dictionaryEncoded(spec, table.rows)]),
    ),
  };
  return [valueColumns, encodedColumns];
}

function checkStatistics(reader: ColumnReader, spec: FieldSpec, rows: readonly Row[]): void {
  const meta = reader.metadata;
  const distinct = distinctSorted(spec, rows, true);
  assert.equal(meta.cardinality, distinct.length, `${spec.name} cardinality`);
  assert.deepEqual(meta.minValue, distinct[0], `${spec.name} min`);
  assert.deepEqual(meta.maxValue, distinct[distinct.length - 1], `${spec.name} max`);
  const cells = rows.map((row) => expectedCell(spec, row, true));
  assert.equal(
    meta.totalNumberOfEntries,
    cells.reduce((sum, cell) => sum + cell.length, 0),
  );
  assert.equal(meta.nullCount, rows.filter((row) => isNullCell(spec, row)).length);
  const compare = comparatorFor(spec.storedType);
  const sorted =
    spec.singleValueField &&
    cells.every((cell, i) => i === 0 || compare(cells[i - 1]![0]!, cell[0]!) <= 0);
  assert.equal(meta.isSorted, sorted, `${spec.name} isSorted`);
}

function typedBlock(storedType: StoredType, count: number): ValueBlock {
  switch (storedType) {
    case 'INT':
      return new Int32Array(count);
    case 'LONG':
      return new BigInt64Array(count);
    case 'FLOAT':
      return new Float32Array(count);
    case 'DOUBLE':
      return new Float64Array(count);
    default:
      return new Array<ScalarValue>(count);
  }
}

function checkValues(reader: ColumnReader, spec: FieldSpec, rows: readonly Row[]): void {
  const hasDictionary = reader.metadata.hasDictionary;
  rows.forEach((row, docId) => {
    assert.deepEqual(
      readCell(reader, docId),
      expectedCell(spec, row, hasDictionary),
      `${spec.name} doc ${docId}`,
    );
  });
  const nullDocs = rows.flatMap((row, docId) => (isNullCell(spec, row) ? [docId] : []));
  assert.deepEqual(
    Array.from(reader.nullVector()?.toArray() ?? []),
    nullDocs,
    `${spec.name} nulls`,
  );
  if (!reader.singleValue || rows.length === 0) return;
  const start = Math.floor(rows.length / 3);
  const count = rows.length - start;
  for (const block of [[], typedBlock(reader.storedType, count)]) {
    reader.readValues(start, count, block);
    for (let i = 0; i < count; i++) assert.deepEqual(block[i], reader.getValue(start + i));
  }
  if (reader.dictionary === undefined) return;
  const ids = new Uint32Array(count);
  reader.readDictIds(start, count, ids);
  for (let i = 0; i < count; i++) assert.equal(ids[i], reader.getDictId(start + i));
}

function checkDictionary(reader: ColumnReader): void {
  const dictionary = reader.dictionary;
  if (dictionary === undefined) return;
  const compare = comparatorFor(reader.storedType);
  for (let id = 0; id < dictionary.cardinality; id++) {
    const value = dictionary.get(id);
    assert.equal(dictionary.indexOf(value), id, `${reader.name} indexOf(get(${id}))`);
    if (id > 0) assert.ok(compare(dictionary.get(id - 1), value) < 0, `${reader.name} ascends`);
    checkAbsentNeighbours(dictionary, value, id);
  }
}

/** Values next to a present INT/LONG value: absent ones answer -(insertion point) - 1. */
function checkAbsentNeighbours(dictionary: Dictionary, value: ScalarValue, id: number): void {
  const below = typeof value === 'bigint' ? value - 1n : (value as number) - 1;
  const above = typeof value === 'bigint' ? value + 1n : (value as number) + 1;
  const checks = [
    { neighbour: below, presentId: id - 1, insertion: id },
    { neighbour: above, presentId: id + 1, insertion: id + 1 },
  ];
  for (const { neighbour, presentId, insertion } of checks) {
    const isInt = dictionary.storedType === 'INT' && (Number(neighbour) | 0) === neighbour;
    if (typeof neighbour !== 'bigint' && !isInt) continue;
    const found = dictionary.indexOf(neighbour);
    if (found >= 0) assert.equal(found, presentId, `indexOf(${String(neighbour)}) next to ${id}`);
    else assert.equal(found, -insertion - 1, `insertion of ${String(neighbour)}`);
  }
}

async function roundTrip(table: GeneratedTable): Promise<void> {
  const input = inputOf(table);
  const file = join(temporaryDirectory(), 'segment.cuvee');
  const written = await writeImmutableSegment(input, file);
  const { memory, allocator } = testMemory();
  const segment: ImmutableSegment = await loadImmutableSegment(file, allocator, memory);
  assert.equal(segment.docCount(), table.rows.length);
  assert.equal(segment.metadata.crc, written.crc);
  assert.deepEqual(segment.metadata, written);
  for (const spec of table.fields) {
    const reader = segment.column(spec.name)!;
    checkStatistics(reader, spec, table.rows);
    checkValues(reader, spec, table.rows);
    checkDictionary(reader);
  }
  assert.equal(segment.column('no such column'), undefined);
  segment.release();
  assert.equal(allocator.stats().allocationCount, 0, 'release gives the allocation back');
  const bytes = encodeImmutableSegment(input).bytes;
  columnarForms(table).forEach((columns, form) => {
    const { rows: _rows, ...rest } = input;
    const columnar = encodeImmutableSegment({ ...rest, columns }).bytes;
    assert.ok(Buffer.from(columnar).equals(Buffer.from(bytes)), `columnar form ${form}: same file`);
  });
}

test('every type, SV/MV, dictionary/raw, nulls: values, statistics, dictionaries', async () => {
  const cases: [GeneratedTable, number][] = [];
  forEachSeed(12, (random) => {
    cases.push([generateTable(random, random.length(600)), random.seed]);
  });
  for (const [table, seed] of cases) {
    await roundTrip(table).catch((error: unknown) => {
      throw seeded(seed, error);
    });
  }
});

test('zero rows and one row', async () => {
  for (const docCount of [0, 1])
    await roundTrip(generateTable(new SeededRandom(docCount + 7), docCount));
});
