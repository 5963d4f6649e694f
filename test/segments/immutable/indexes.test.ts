// Index correctness against brute-force scans: inverted index, sorted doc ranges, range index,
// dictionary predicates, and the kernel locators pointing at the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FieldSpec, Row, ScalarValue } from '../../../host/config/types.js';
import { bitmapToDocIds } from '../../../kernels/reference/bitmap.js';
import { unpackOne } from '../../../kernels/reference/bitpack.js';
import {
  loadImmutableSegment,
  writeImmutableSegment,
  type ImmutableSegment,
} from '../../../segments/immutable/index.js';
import { comparatorFor } from '../../../segments/immutable/values.js';
import type { ColumnReader } from '../../../segments/spi/columnReader.js';
import type { ValueRange } from '../../../segments/spi/dictionary.js';
import { seeded } from './expectations.js';
import { forEachSeed, type SeededRandom } from '../../support/random.js';
import { assertSameDocs, bruteForceDocs, docsByValue, equalityKey } from './expectations.js';

/** Inverted-index ids per column whose bitmap is also decoded at its locator. */
const LOCATOR_CHECKS = 4;
import { generateTable, randomValue, type GeneratedTable } from './generate.js';
import { schemaOf, tableConfigOf, temporaryDirectory, testMemory } from './support.js';

function inRange(storedType: FieldSpec['storedType'], range: ValueRange) {
  const compare = comparatorFor(storedType);
  return (value: ScalarValue): boolean => {
    const { lower, upper } = range;
    if (lower !== undefined) {
      const c = compare(value, lower.value);
      if (c < 0 || (c === 0 && !lower.inclusive)) return false;
    }
    if (upper !== undefined) {
      const c = compare(value, upper.value);
      if (c > 0 || (c === 0 && !upper.inclusive)) return false;
    }
    return true;
  };
}

/** A bound on a value the column holds (a dictionary value, or a raw doc's) or any value. */
function randomBound(random: SeededRandom, reader: ColumnReader, rowCount: number) {
  const dictionary = reader.dictionary;
  const held =
    dictionary === undefined
      ? rowCount > 0 && reader.singleValue
        ? reader.getValue(random.int(0, rowCount - 1))
        : undefined
      : dictionary.cardinality > 0
        ? dictionary.get(random.int(0, dictionary.cardinality - 1))
        : undefined;
  const value =
    held !== undefined && random.bool(0.6) ? held : randomValue(random, reader.storedType);
  return { value, inclusive: random.bool() };
}

function randomRange(random: SeededRandom, reader: ColumnReader, rowCount = 0): ValueRange {
  return {
    ...(random.bool(0.8) ? { lower: randomBound(random, reader, rowCount) } : {}),
    ...(random.bool(0.8) ? { upper: randomBound(random, reader, rowCount) } : {}),
  };
}

function checkInverted(
  reader: ColumnReader,
  spec: FieldSpec,
  rows: readonly Row[],
  memory: WebAssembly.Memory,
) {
  const dictionary = reader.dictionary!;
  const inverted = reader.invertedIndex!;
  const byValue = docsByValue(spec, rows);
  assert.equal(byValue.size, dictionary.cardinality);
  for (let id = 0; id < dictionary.cardinality; id++) {
    const expected = byValue.get(equalityKey(dictionary.get(id)))!;
    assertSameDocs(inverted.docIds(id).toArray(), expected, `${spec.name} inverted id ${id}`);
    assert.equal(inverted.docIds(id).cardinality(), expected.length);
    const locator = inverted.bitmapLocator(id);
    // The reference decoder is slow; a few ids show the locator points at the same bitmap.
    if (locator === undefined || id >= LOCATOR_CHECKS) continue;
    const inMemory = new Uint8Array(memory.buffer, locator.ptr, locator.sizeBytes);
    assertSameDocs(bitmapToDocIds(inMemory), expected, `${spec.name} bitmap at locator ${id}`);
  }
}

function checkSorted(
  reader: ColumnReader,
  spec: FieldSpec,
  rows: readonly Row[],
  random: SeededRandom,
) {
  const dictionary = reader.dictionary!;
  const byValue = docsByValue(spec, rows);
  for (let id = 0; id < dictionary.cardinality; id++) {
    const expected = byValue.get(equalityKey(dictionary.get(id)))!;
    const range = reader.sortedRange(id)!;
    assert.deepEqual(
      [range.startDoc, range.endDoc],
      [expected[0], expected[expected.length - 1]! + 1],
    );
  }
  const range = randomRange(random, reader);
  const ids = dictionary.idRange(range)!;
  const docs = reader.sortedIdRange(ids)!;
  const expected = bruteForceDocs(spec, rows, inRange(spec.storedType, range));
  const actual = Array.from({ length: docs.endDoc - docs.startDoc }, (_, i) => docs.startDoc + i);
  assertSameDocs(actual, expected, `${spec.name} sorted id range`);
}

function checkRangeIndex(
  reader: ColumnReader,
  spec: FieldSpec,
  rows: readonly Row[],
  random: SeededRandom,
) {
  for (let trial = 0; trial < 10; trial++) {
    const range = randomRange(random, reader, rows.length);
    const truth = new Set(bruteForceDocs(spec, rows, inRange(spec.storedType, range)));
    const { matching, candidates } = reader.rangeIndex!.lookup(range);
    matching.forEach((docId) => assert.ok(truth.has(docId), `${spec.name}: ${docId} matches`));
    for (const docId of truth) {
      assert.ok(
        matching.contains(docId) || candidates?.contains(docId) === true,
        `${spec.name}: ${docId} found`,
      );
    }
    candidates?.forEach((docId) => assert.ok(!matching.contains(docId), 'disjoint'));
  }
}

function checkDictionaryPredicates(reader: ColumnReader, spec: FieldSpec, random: SeededRandom) {
  const dictionary = reader.dictionary!;
  const range = randomRange(random, reader);
  const matches = inRange(spec.storedType, range);
  const expected: number[] = [];
  for (let id = 0; id < dictionary.cardinality; id++)
    if (matches(dictionary.get(id))) expected.push(id);
  assertSameDocs(dictionary.idsInRange(range), expected, `${spec.name} ids in range`);
  const probes = [
    randomValue(random, spec.storedType),
    ...expected.slice(0, 3).map((id) => dictionary.get(id)),
  ];
  const found = probes.map((value) => dictionary.indexOf(value)).filter((id) => id >= 0);
  assertSameDocs(
    dictionary.idsOf(probes),
    [...new Set(found)].sort((a, b) => a - b),
    'idsOf',
  );
}

function checkLocators(reader: ColumnReader, rowCount: number, memory: WebAssembly.Memory) {
  const locator = reader.forwardIndexLocator!;
  const bytes = new Uint8Array(memory.buffer);
  if (locator.layout === 'packedIds') {
    for (let docId = 0; docId < rowCount; docId++) {
      const packed = bytes.subarray(locator.idsPtr);
      assert.equal(unpackOne(packed, locator.bitsPerValue, docId), reader.getDictId(docId));
    }
  } else if (locator.layout === 'multiValue') {
    const offsets = new Uint32Array(memory.buffer, locator.offsetsPtr, rowCount + 1);
    for (let docId = 0; docId < rowCount; docId++) {
      const ids = reader.getDictIds(docId);
      assert.equal(offsets[docId + 1]! - offsets[docId]!, ids.length);
      assert.equal(
        unpackOne(bytes.subarray(locator.idsPtr), locator.bitsPerValue, offsets[docId]!),
        ids[0],
      );
    }
  } else if (locator.layout === 'rawFixed' && reader.storedType === 'INT') {
    const values = new Int32Array(memory.buffer, locator.valuesPtr, rowCount);
    for (let docId = 0; docId < rowCount; docId++)
      assert.equal(values[docId], reader.getValue(docId));
  }
  const dictionaryLocator = reader.dictionary?.locator;
  if (dictionaryLocator?.layout === 'fixed' && reader.storedType === 'DOUBLE') {
    const values = new Float64Array(
      memory.buffer,
      dictionaryLocator.valuesPtr,
      reader.dictionary!.cardinality,
    );
    values.forEach((value, id) => assert.deepEqual(value, reader.dictionary!.get(id)));
  }
}

async function checkTable(table: GeneratedTable, random: SeededRandom): Promise<void> {
  const file = join(temporaryDirectory(), 'segment.cuvee');
  const tableConfig = tableConfigOf({
    noDictionaryColumns: table.noDictionaryColumns,
    invertedIndexColumns: table.invertedIndexColumns,
    rangeIndexColumns: table.rangeIndexColumns,
  });
  const schema = schemaOf(table.fields);
  await writeImmutableSegment(
    { schema, tableConfig, segmentName: 'indexes', rows: table.rows },
    file,
  );
  const { memory, allocator } = testMemory();
  const segment: ImmutableSegment = await loadImmutableSegment(file, allocator, memory);
  for (const spec of table.fields) {
    const reader = segment.column(spec.name)!;
    checkLocators(reader, table.rows.length, memory);
    assert.equal(reader.rangeIndex !== undefined, table.rangeIndexColumns.includes(spec.name));
    if (reader.rangeIndex !== undefined) checkRangeIndex(reader, spec, table.rows, random);
    if (reader.dictionary === undefined) continue;
    assert.equal(
      reader.invertedIndex !== undefined,
      reader.metadata.hasInvertedIndex || reader.metadata.isSorted,
    );
    if (reader.invertedIndex !== undefined) checkInverted(reader, spec, table.rows, memory);
    if (reader.metadata.isSorted) checkSorted(reader, spec, table.rows, random);
    else assert.equal(reader.sortedRange(0), undefined);
    checkDictionaryPredicates(reader, spec, random);
  }
  segment.release();
}

test('inverted, sorted and range indexes agree with brute-force scans', async () => {
  const cases: [GeneratedTable, SeededRandom][] = [];
  forEachSeed(8, (random) => {
    cases.push([generateTable(random, random.length(2000)), random]);
  });
  for (const [table, random] of cases) {
    await checkTable(table, random).catch((error: unknown) => {
      const seed = random.seed;
      throw seeded(seed, error);
    });
  }
});
