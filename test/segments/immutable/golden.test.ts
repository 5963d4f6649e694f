// The checked-in golden segment (test/fixtures/segments/golden-v1.seg): the writer must still
// produce exactly its bytes, and the reader must read it. A deliberate format change bumps
// FORMAT_VERSION and regenerates the file with CUVEE_UPDATE_GOLDEN=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Row } from '../../../host/config/types.js';
import {
  encodeImmutableSegment,
  FORMAT_VERSION,
  loadImmutableSegment,
} from '../../../segments/immutable/index.js';
import type { ImmutableSegmentInput } from '../../../segments/spi/builder.js';
import { CUSTOM_KEYS } from '../../../segments/spi/metadata.js';
import { field, schemaOf, tableConfigOf, testMemory } from './support.js';

/** dist/test/segments/immutable/ → repository root → the fixture. */
const GOLDEN_PATH = fileURLToPath(
  new URL(`../../../../test/fixtures/segments/golden-v${FORMAT_VERSION}.seg`, import.meta.url),
);

/** 2024-01-01T00:00:00Z: a fixed build time, so the bytes are reproducible. */
const GOLDEN_CREATION_TIME_MS = 1_704_067_200_000;

/** Small, but with nulls, an empty list, a repeated MV value, LONG beyond 2^53 and raw values. */
const ROWS: Row[] = [
  {
    days: 19_700,
    carrier: 'AA',
    delay: 5,
    big: 2n ** 60n + 1n,
    ratio: 0.5,
    tags: ['x', 'y'],
    blob: new Uint8Array([1, 2]),
  },
  { days: 19_700, carrier: 'DL', delay: null, big: -1n, ratio: null, tags: null, blob: null },
  {
    days: 19_701,
    carrier: '',
    delay: -3,
    big: 0n,
    ratio: -1.25,
    tags: ['y', 'y', 'z'],
    blob: new Uint8Array([]),
  },
  {
    days: 19_702,
    carrier: 'AA',
    delay: 5,
    big: 9_007_199_254_740_993n,
    ratio: 1e300,
    tags: [],
    blob: new Uint8Array([255]),
  },
];

function goldenInput(): ImmutableSegmentInput {
  const schema = schemaOf([
    field('days', 'INT', 0, { fieldType: 'DATE_TIME', format: '1:DAYS:EPOCH' }),
    field('carrier', 'STRING', 'null'),
    field('delay', 'INT', 0, { fieldType: 'METRIC' }),
    field('big', 'LONG', 0n, { fieldType: 'METRIC' }),
    field('ratio', 'DOUBLE', 0, { fieldType: 'METRIC' }),
    field('tags', 'STRING', 'null', { singleValue: false }),
    field('blob', 'BYTES', new Uint8Array(0)),
  ]);
  const tableConfig = tableConfigOf(
    {
      invertedIndexColumns: ['carrier', 'tags'],
      rangeIndexColumns: ['delay'],
      noDictionaryColumns: ['ratio'],
    },
    'days',
  );
  return {
    schema,
    tableConfig,
    segmentName: 'golden_19700_19702_0',
    rows: ROWS,
    custom: { [CUSTOM_KEYS.startOffset]: '100', [CUSTOM_KEYS.endOffset]: '104' },
    creationTimeMs: GOLDEN_CREATION_TIME_MS,
  };
}

test('the writer reproduces the golden file byte for byte', () => {
  const { bytes } = encodeImmutableSegment(goldenInput());
  if (process.env['CUVEE_UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN_PATH, bytes);
  const golden = readFileSync(GOLDEN_PATH);
  assert.equal(bytes.byteLength, golden.byteLength, 'same length');
  assert.ok(golden.equals(Buffer.from(bytes)), 'same bytes');
});

test('the reader reads the golden file', async () => {
  const { memory, allocator } = testMemory();
  const segment = await loadImmutableSegment(GOLDEN_PATH, allocator, memory);
  const meta = segment.metadata;
  assert.equal(meta.segmentName, 'golden_19700_19702_0');
  assert.equal(meta.tableNameWithType, 'test_OFFLINE');
  assert.equal(meta.docCount, 4);
  assert.equal(meta.creationTimeMs, GOLDEN_CREATION_TIME_MS);
  assert.deepEqual(meta.custom, {
    [CUSTOM_KEYS.startOffset]: '100',
    [CUSTOM_KEYS.endOffset]: '104',
  });
  assert.deepEqual(meta.timeRange, {
    timeColumn: 'days',
    startTime: 19_700,
    endTime: 19_702,
    timeUnit: 'DAYS',
    startTimeMs: 19_700 * 86_400_000,
    endTimeMs: 19_702 * 86_400_000,
  });
  const read = (name: string, docId: number) => segment.column(name)!.getValue(docId);
  assert.deepEqual(
    [0, 1, 2, 3].map((d) => read('carrier', d)),
    ['AA', 'DL', '', 'AA'],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((d) => read('delay', d)),
    [5, 0, -3, 5],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((d) => read('big', d)),
    [2n ** 60n + 1n, -1n, 0n, 9_007_199_254_740_993n],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((d) => read('ratio', d)),
    [0.5, 0, -1.25, 1e300],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((d) => segment.column('tags')!.getValues(d)),
    [['x', 'y'], ['null'], ['y', 'y', 'z'], ['null']],
  );
  assert.deepEqual(read('blob', 0), new Uint8Array([1, 2]));
  assert.deepEqual(Array.from(segment.column('delay')!.nullVector()!.toArray()), [1]);
  assert.deepEqual(Array.from(segment.column('tags')!.nullVector()!.toArray()), [1, 3]);
  const tags = segment.column('tags')!;
  assert.deepEqual(
    Array.from(tags.invertedIndex!.docIds(tags.dictionary!.indexOf('y')).toArray()),
    [0, 2],
  );
  assert.equal(segment.column('days')!.metadata.isSorted, true);
  assert.deepEqual(segment.column('days')!.sortedRange(0), { startDoc: 0, endDoc: 2 });
  segment.release();
});
