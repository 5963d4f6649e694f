import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import type { Row, ScalarValue } from '../../../host/config/types.js';
import { DataError } from '../../../host/errors/errors.js';
import {
  MutableSegment,
  MutableSegmentClosedError,
  MutableSegmentFullError,
} from '../../../segments/mutable/mutableSegment.js';
import { CHUNK_ENTRIES } from '../../../segments/mutable/chunkedArrays.js';
import type { ColumnReader, DocIdSet, Segment } from '../../../segments/spi/index.js';
import { loadImmutableSegment } from '../../../segments/immutable/segment.js';
import { kernelHarness } from '../../support/kernels.js';
import { forEachSeed, SeededRandom } from '../../support/random.js';
import {
  expectedValue,
  isNullValue,
  randomRow,
  sameValue,
  testSchema,
  testTableConfig,
} from './fixtures.js';

const scratchDirectories: string[] = [];
after(async () => {
  for (const dir of scratchDirectories) await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cuvee-mutable-'));
  scratchDirectories.push(dir);
  return dir;
}

function newSegment(maxDocs?: number): MutableSegment {
  return new MutableSegment({
    schema: testSchema,
    tableConfig: testTableConfig(),
    segmentName: 'events__0__0__20241121T1200Z',
    maxDocs,
    creationTimeMs: 1_700_000_000_000,
  });
}

function readCell(reader: ColumnReader, docId: number): ScalarValue | ScalarValue[] {
  return reader.singleValue ? reader.getValue(docId) : reader.getValues(docId);
}

/** Checks every reader of `segment` against `rows[0..docCount)`. */
function checkAgainstModel(segment: Segment, rows: readonly Row[], docCount: number): void {
  assert.equal(segment.docCount(), docCount);
  for (const field of testSchema.fields) {
    const reader = segment.column(field.name)!;
    const nulls = reader.nullVector();
    const expectedNulls: number[] = [];
    for (let docId = 0; docId < docCount; docId++) {
      const value = rows[docId]![field.name];
      const expected = expectedValue(field, value);
      const actual = readCell(reader, docId);
      assert.ok(sameValue(actual, expected), `${field.name}[${docId}]: ${String(actual)} vs ${String(expected)}`);
      if (isNullValue(value)) expectedNulls.push(docId);
      if (reader.dictionary !== undefined && field.singleValueField) {
        assert.ok(sameValue(reader.dictionary.get(reader.getDictId(docId)), expected));
      }
    }
    assert.deepEqual(Array.from(nulls?.toArray() ?? []), expectedNulls, `${field.name} nulls`);
    assert.equal(reader.metadata.nullCount, expectedNulls.length);
    checkInvertedIndex(reader, docCount);
    if (field.singleValueField && docCount > 0) checkBlockRead(reader, docCount);
  }
}

/** Every doc appears in exactly the posting lists of its ids, within the prefix. */
function checkInvertedIndex(reader: ColumnReader, docCount: number): void {
  const inverted = reader.invertedIndex;
  const dictionary = reader.dictionary;
  if (inverted === undefined || dictionary === undefined) return;
  for (let id = 0; id < dictionary.cardinality; id++) {
    const expected: number[] = [];
    for (let docId = 0; docId < docCount; docId++) {
      const ids = reader.singleValue
        ? [reader.getDictId(docId)]
        : Array.from(reader.getDictIds(docId));
      if (ids.includes(id)) expected.push(docId);
    }
    const set: DocIdSet = inverted.docIds(id);
    assert.deepEqual(Array.from(set.toArray()), expected, `${reader.name} id ${id}`);
    assert.equal(set.cardinality(), expected.length);
    for (const docId of expected) assert.ok(set.contains(docId));
    assert.equal(dictionary.indexOf(dictionary.get(id)), id);
  }
}

function checkBlockRead(reader: ColumnReader, docCount: number): void {
  const start = Math.floor(docCount / 3);
  const count = docCount - start;
  const out = blockFor(reader.storedType, count);
  reader.readValues(start, count, out);
  for (let i = 0; i < count; i++) {
    assert.ok(sameValue(out[i], reader.getValue(start + i)), `${reader.name} block ${start + i}`);
  }
}

function blockFor(storedType: string, count: number) {
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

function randomRows(random: SeededRandom, count: number): Row[] {
  return Array.from({ length: count }, () => randomRow(random));
}

test('appended rows read back equal to a plain array model (seeded fuzz)', () => {
  forEachSeed(8, (random) => {
    const segment = newSegment();
    const rows = randomRows(random, random.length(400));
    for (const row of rows) segment.append(row);
    checkAgainstModel(segment, rows, rows.length);
    checkAgainstModel(segment.snapshot(), rows, rows.length);
  });
});

test('snapshots keep their prefix while appends go on', () => {
  forEachSeed(4, (random) => {
    const segment = newSegment();
    const rows = randomRows(random, 300);
    const snapshots: { segment: Segment; docCount: number }[] = [];
    rows.forEach((row, i) => {
      segment.append(row);
      if (random.bool(0.05) || i === 0) {
        snapshots.push({ segment: segment.snapshot(), docCount: i + 1 });
      }
    });
    for (const snapshot of snapshots) {
      checkAgainstModel(snapshot.segment, rows, snapshot.docCount);
      assert.equal(snapshot.segment.metadata.docCount, snapshot.docCount);
    }
  });
});

/** Docs covered by all posting lists of `reader`: each doc of the prefix exactly once (SV). */
function postingTotal(reader: ColumnReader): number {
  let total = 0;
  for (let id = 0; id < reader.dictionary!.cardinality; id++) {
    total += reader.invertedIndex!.docIds(id).cardinality();
  }
  return total;
}

test('queries interleaved with appends always see a consistent prefix', async () => {
  const segment = newSegment();
  const rows = randomRows(new SeededRandom(7), 3000);
  let appended = 0;
  const producer = (async () => {
    while (appended < rows.length) {
      for (let i = 0; i < 37 && appended < rows.length; i++) segment.append(rows[appended++]!);
      await nextTurn();
    }
  })();
  let checks = 0;
  while (appended < rows.length) {
    const snapshot = segment.snapshot();
    const docCount = snapshot.docCount();
    const country = snapshot.column('country')!;
    const nullsBefore = country.nullVector()?.cardinality() ?? 0;
    assert.equal(postingTotal(country), docCount);
    await nextTurn();
    assert.equal(snapshot.docCount(), docCount, 'a snapshot does not move');
    assert.equal(postingTotal(country), docCount);
    assert.equal(country.nullVector()?.cardinality() ?? 0, nullsBefore);
    assert.equal(postingTotal(segment.column('country')!), segment.docCount());
    checks++;
  }
  await producer;
  assert.ok(checks > 10, `${checks} interleaved checks`);
  checkAgainstModel(segment, rows, rows.length);
});

test('the live reader follows the published count; readers refuse docs past it', () => {
  const segment = newSegment();
  const country = segment.column('country')!;
  assert.equal(country.nullVector(), undefined);
  segment.append({ country: 'us', days: 1 });
  const before = country.invertedIndex!.docIds(0);
  segment.append({ country: 'us', days: 2 });
  assert.equal(before.cardinality(), 1, 'a handed-out set does not grow');
  assert.equal(country.invertedIndex!.docIds(0).cardinality(), 2);
  assert.throws(() => country.getValue(2), /published prefix/);
});

test('a rejected row leaves nothing behind', () => {
  const segment = newSegment();
  segment.append({ country: 'us', tags: ['a'], days: 1 });
  assert.throws(() => segment.append({ country: 'fr', tags: ['b'], clicks: 1.5, days: 2 }), DataError);
  assert.throws(() => segment.append({ country: ['x'], days: 2 }), DataError);
  assert.throws(() => segment.append({ userId: 5, days: 2 }), /not a prepared LONG/);
  assert.throws(() => segment.append({ total: 2n ** 63n, days: 2 }), /not a prepared LONG/);
  assert.equal(segment.docCount(), 1);
  assert.equal(segment.column('country')!.dictionary!.cardinality, 1);
  assert.equal(segment.column('tags')!.dictionary!.cardinality, 1);
  segment.append({ country: 'de', tags: ['c', 'c'], days: 3 });
  checkAgainstModel(segment, [
    { country: 'us', tags: ['a'], days: 1 },
    { country: 'de', tags: ['c', 'c'], days: 3 },
  ], 2);
});

test('MV values: null elements dropped, empty lists are nulls, duplicates kept in order', () => {
  const segment = newSegment();
  segment.append({ tags: ['b', null, 'a', 'b'] as unknown as string[], days: 1 });
  segment.append({ tags: [], days: 1 });
  segment.append({ tags: [null] as unknown as string[], days: 1 });
  segment.append({ tags: 'c', days: 1 });
  const tags = segment.column('tags')!;
  assert.deepEqual(tags.getValues(0), ['b', 'a', 'b']);
  assert.deepEqual(tags.getValues(1), ['null']);
  assert.deepEqual(tags.getValues(2), ['null']);
  assert.deepEqual(tags.getValues(3), ['c']);
  assert.deepEqual(Array.from(tags.nullVector()!.toArray()), [1, 2]);
  const metadata = tags.metadata;
  assert.equal(metadata.totalNumberOfEntries, 6);
  assert.equal(metadata.maxNumberOfMultiValues, 3);
  assert.deepEqual(Array.from(tags.invertedIndex!.docIds(tags.dictionary!.indexOf('b')).toArray()), [0]);
});

test('dictionary predicates on an insertion-order dictionary', () => {
  const segment = newSegment();
  for (const clicks of [5, 1, 9, 3, 5]) segment.append({ clicks, days: 1 });
  const dictionary = segment.column('clicks')!.dictionary!;
  assert.equal(dictionary.isSorted, false);
  assert.equal(dictionary.idRange({ lower: { value: 1, inclusive: true } }), undefined);
  const ids = dictionary.idsInRange({
    lower: { value: 3, inclusive: true },
    upper: { value: 9, inclusive: false },
  });
  assert.deepEqual(Array.from(ids, (id) => dictionary.get(id)).sort(), [3, 5]);
  assert.deepEqual(Array.from(dictionary.idsOf([9, 42, 1, 9])), [1, 2]);
  assert.equal(dictionary.indexOf(42), -1);
});

test('row limit, closed states and metadata', async () => {
  const segment = newSegment(3);
  for (let i = 0; i < 3; i++) segment.append({ days: 18000 + i, clicks: i });
  assert.equal(segment.isFull(), true);
  assert.throws(() => segment.append({ days: 1 }), MutableSegmentFullError);
  const metadata = segment.metadata;
  assert.equal(metadata.docCount, 3);
  assert.equal(metadata.timeRange?.startTime, 18000);
  assert.equal(metadata.timeRange?.endTimeMs, 18002 * 86_400_000);
  assert.equal(metadata.columns.get('clicks')?.maxValue, 2);
  assert.equal(metadata.columns.get('userId')?.hasInvertedIndex, true, 'sorted column indexed');
  assert.equal(metadata.columns.get('score')?.hasDictionary, false);
  const dir = await scratch();
  await segment.seal(join(dir, 'x.seg'));
  assert.throws(() => segment.append({ days: 1 }), MutableSegmentClosedError);
  await assert.rejects(segment.seal(join(dir, 'y.seg')), MutableSegmentClosedError);
});

test('size estimate grows with the data; chunk boundaries are crossed', () => {
  const segment = newSegment();
  const empty = segment.estimatedSizeBytes();
  const rowCount = CHUNK_ENTRIES + 10;
  for (let i = 0; i < rowCount; i++) {
    segment.append({ clicks: i % 7, score: i, note: `n${i % 3}`, days: 18000, tags: ['a', 'b'] });
  }
  const sizeBytes = segment.estimatedSizeBytes();
  assert.ok(sizeBytes > empty + rowCount * 20, `estimate ${sizeBytes} for ${rowCount} rows`);
  assert.ok(sizeBytes < rowCount * 400, `estimate ${sizeBytes} stays plausible`);
  const score = segment.column('score')!;
  const out = new Float64Array(20);
  score.readValues(CHUNK_ENTRIES - 10, 20, out);
  assert.deepEqual(Array.from(out), Array.from({ length: 20 }, (_, i) => CHUNK_ENTRIES - 10 + i));
  assert.equal(segment.column('clicks')!.getValue(CHUNK_ENTRIES + 3), (CHUNK_ENTRIES + 3) % 7);
  assert.deepEqual(segment.column('tags')!.getValues(CHUNK_ENTRIES + 9), ['a', 'b']);
});

test('seal writes an immutable segment that reads back equal', async () => {
  const dir = await scratch();
  const harness = kernelHarness();
  const cases: Row[][] = [];
  forEachSeed(4, (random) => {
    cases.push(randomRows(random, random.int(1, 500)));
  });
  for (const [index, rows] of cases.entries()) {
    const segment = newSegment();
    for (const row of rows) segment.append(row);
    const file = join(dir, `sealed-${index}.seg`);
    const metadata = await segment.seal(file, { custom: { 'segment.realtime.endOffset': '42' } });
    assert.equal(metadata.docCount, rows.length);
    assert.equal(metadata.custom['segment.realtime.endOffset'], '42');
    const sealed = await loadImmutableSegment(file, harness.allocator, harness.memory);
    try {
      checkAgainstModel(sealed, rows, rows.length);
      for (const name of ['country', 'tags']) {
        assert.equal(sealed.column(name)!.metadata.hasInvertedIndex, true, name);
      }
      assert.equal(sealed.column('score')!.metadata.hasDictionary, false);
      const live = segment.column('days')!.metadata;
      const frozen = sealed.column('days')!.metadata;
      assert.deepEqual([frozen.minValue, frozen.maxValue], [live.minValue, live.maxValue]);
    } finally {
      sealed.release();
    }
  }
});
