// Builder input handling: values a prepared row cannot hold are refused with DataError naming
// the column, and the time range follows the time column's format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../../host/errors/errors.js';
import type { Row } from '../../../host/config/types.js';
import { encodeImmutableSegment } from '../../../segments/immutable/index.js';
import { parseEpochFormat } from '../../../segments/immutable/timeRange.js';
import { field, schemaOf, tableConfigOf } from './support.js';

const schema = schemaOf([
  field('id', 'LONG', 0n),
  field('tags', 'STRING', 'null', { singleValue: false }),
]);

function encodeRows(rows: Row[]) {
  return encodeImmutableSegment({ schema, tableConfig: tableConfigOf(), segmentName: 's', rows });
}

test('wrong value types are refused with DataError naming the column', () => {
  assert.throws(
    () => encodeRows([{ id: 5, tags: ['a'] }]),
    (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(error.message, /column id \(LONG\), document 0/);
      return true;
    },
  );
  assert.throws(
    () =>
      encodeRows([
        { id: 1n, tags: ['a'] },
        { id: [1n], tags: null },
      ]),
    /single-value column/,
  );
  assert.throws(
    () => encodeRows([{ id: 1n, tags: ['a', 3] }]),
    /column tags \(STRING\), document 0/,
  );
});

test('columnar input must cover every column and every document', () => {
  const base = { schema, tableConfig: tableConfigOf(), segmentName: 's' };
  assert.throws(
    () =>
      encodeImmutableSegment({
        ...base,
        columns: { docCount: 1, columns: { id: { kind: 'values', values: [1n] } } },
      }),
    /lacks column tags/,
  );
  assert.throws(
    () =>
      encodeImmutableSegment({
        ...base,
        columns: {
          docCount: 2,
          columns: {
            id: { kind: 'values', values: [1n] },
            tags: { kind: 'values', values: [null, null] },
          },
        },
      }),
    /column id has 1 values for 2 documents/,
  );
});

test('time formats convert to milliseconds where they can', () => {
  const of = (format: string, dataType: 'INT' | 'LONG' = 'LONG') => ({
    ...field('t', dataType, 0),
    format,
  });
  assert.deepEqual(parseEpochFormat(of('1:DAYS:EPOCH')), { unit: 'DAYS', size: 1 });
  assert.deepEqual(parseEpochFormat(of('5:MINUTES:EPOCH')), { unit: 'MINUTES', size: 5 });
  assert.deepEqual(parseEpochFormat(of('EPOCH|SECONDS|10')), { unit: 'SECONDS', size: 10 });
  assert.deepEqual(parseEpochFormat(of('EPOCH|HOURS')), { unit: 'HOURS', size: 1 });
  assert.deepEqual(parseEpochFormat(of('1:MILLISECONDS:TIMESTAMP')), {
    unit: 'MILLISECONDS',
    size: 1,
  });
  assert.equal(parseEpochFormat(of('1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd')), undefined);
  const timeSchema = schemaOf([{ ...field('t', 'LONG', 0n), format: 'EPOCH|SECONDS|1' }]);
  const { metadata } = encodeImmutableSegment({
    schema: timeSchema,
    tableConfig: tableConfigOf({}, 't'),
    segmentName: 's',
    rows: [{ t: 1_700_000_100n }, { t: 1_700_000_000n }],
  });
  assert.deepEqual(metadata.timeRange, {
    timeColumn: 't',
    startTime: 1_700_000_000n,
    endTime: 1_700_000_100n,
    timeUnit: 'SECONDS',
    startTimeMs: 1_700_000_000_000,
    endTimeMs: 1_700_000_100_000,
  });
});
