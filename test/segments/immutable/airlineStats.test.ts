// Acceptance: a segment written from Pinot's airlineStats Avro file (test/fixtures/airlineStats,
// Apache NOTICE there) reads back every value of every row equal, multi-value columns and nulls
// included, after write, close and reload from disk into a fresh shared memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSchema } from '../../../host/config/schema.js';
import { parseTableConfig } from '../../../host/config/tableConfig.js';
import type { Row } from '../../../host/config/types.js';
import { RowPreparer } from '../../../host/ingest/prepare.js';
import { readerFor } from '../../../host/ingest/readers/index.js';
import { loadImmutableSegment, writeImmutableSegment } from '../../../segments/immutable/index.js';
import { expectedCell, isNullCell, readCell } from './expectations.js';
import { temporaryDirectory, testMemory } from './support.js';

/** dist/test/segments/immutable/ → repository root → the airline fixtures. */
const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/airlineStats/', import.meta.url));

function fixtureJson(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));
}

test('airlineStats Avro: every value of every row survives write, close and reload', async () => {
  const ignoreWarnings = (): void => undefined;
  const schema = parseSchema(fixtureJson('airlineStats_schema.json'), ignoreWarnings);
  const tableConfig = parseTableConfig(
    fixtureJson('airlineStats_offline_table_config.json'),
    ignoreWarnings,
  );
  const preparer = new RowPreparer(schema, tableConfig);
  const source = join(FIXTURES, 'airlineStats_data.avro');
  const rows: Row[] = [];
  for await (const row of preparer.prepareAll(readerFor('avro').open(source), source))
    rows.push(row);
  assert.ok(rows.length > 1000, `the fixture holds rows (read ${rows.length})`);

  const file = join(temporaryDirectory(), 'airlineStats_OFFLINE_0.cuvee');
  const written = await writeImmutableSegment(
    { schema, tableConfig, segmentName: 'airlineStats_OFFLINE_0', rows },
    file,
  );
  const { memory, allocator } = testMemory();
  const segment = await loadImmutableSegment(file, allocator, memory);
  assert.deepEqual(segment.metadata, written);
  assert.equal(segment.docCount(), rows.length);
  let multiValueEntries = 0;
  let nulls = 0;
  for (const spec of schema.fields) {
    const reader = segment.column(spec.name);
    assert.ok(reader !== undefined, `column ${spec.name} is in the segment`);
    const hasDictionary = reader.metadata.hasDictionary;
    rows.forEach((row, docId) => {
      const actual = readCell(reader, docId);
      assert.deepEqual(actual, expectedCell(spec, row, hasDictionary), `${spec.name} doc ${docId}`);
      if (!spec.singleValueField) multiValueEntries += actual.length;
    });
    const nullDocs = rows.flatMap((row, docId) => (isNullCell(spec, row) ? [docId] : []));
    nulls += nullDocs.length;
    assert.deepEqual(
      Array.from(reader.nullVector()?.toArray() ?? []),
      nullDocs,
      `${spec.name} nulls`,
    );
  }
  assert.ok(multiValueEntries > rows.length, 'multi-value columns were read');
  assert.ok(nulls > 0, 'null vectors were checked on real nulls');
  const timeRange = segment.metadata.timeRange;
  assert.equal(timeRange?.timeColumn, 'DaysSinceEpoch');
  assert.equal(timeRange.startTimeMs, Number(timeRange.startTime) * 86_400_000);
  segment.release();
});
