import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSegmentNameGenerator,
  FixedSegmentNameGenerator,
  NormalizedDateSegmentNameGenerator,
  parseRealtimeSegmentName,
  realtimeSegmentName,
  SegmentNameError,
  SimpleSegmentNameGenerator,
  validateSegmentName,
} from '../../../segments/writer/names.js';
import { parseSimpleDate } from '../../../segments/writer/simpleDateFormat.js';
import type { Schema, TableConfig } from '../../../host/config/types.js';

test('simple names match Pinot (SimpleSegmentNameGeneratorTest)', () => {
  const plain = new SimpleSegmentNameGenerator('testTable');
  assert.equal(plain.generate(-1), 'testTable');
  assert.equal(plain.generate(-1, 1234n, 5678n), 'testTable_1234_5678');
  assert.equal(plain.generate(0), 'testTable_0');
  assert.equal(plain.generate(0, 1234n, 5678n), 'testTable_1234_5678_0');
  const withPostfix = new SimpleSegmentNameGenerator('testTable', 'postfix');
  assert.equal(withPostfix.generate(-1), 'testTable_postfix');
  assert.equal(withPostfix.generate(0, 1234, 5678), 'testTable_1234_5678_postfix_0');
  assert.throws(() => new SimpleSegmentNameGenerator('bad/table'), SegmentNameError);
  assert.throws(() => plain.generate(0, '2024/01/01', '2024/01/02'), SegmentNameError);
});

test('normalizedDate names honour the time format, push type and frequency', () => {
  const days = new NormalizedDateSegmentNameGenerator('myTable', { timeFormat: '1:DAYS:EPOCH' });
  assert.equal(days.generate(1, 17897, 17898), 'myTable_2019-01-01_2019-01-02_1');
  const millis = new NormalizedDateSegmentNameGenerator('myTable', {
    prefix: 'pre',
    postfix: 'post',
    timeFormat: '1:MILLISECONDS:EPOCH',
    pushFrequency: 'HOURLY',
  });
  assert.equal(
    millis.generate(0, 1546300800000n, 1546304400000n),
    'pre_2019-01-01-00_2019-01-01-01_post_0',
  );
  const sdf = new NormalizedDateSegmentNameGenerator('t', {
    timeFormat: '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd',
    excludeSequenceId: true,
  });
  assert.equal(sdf.generate(3, '20190101', '20190131'), 't_2019-01-01_2019-01-31');
  const fiveMinutes = new NormalizedDateSegmentNameGenerator('t', { timeFormat: 'EPOCH|MINUTES|5' });
  assert.equal(fiveMinutes.generate(0, 0, 288), 't_1970-01-01_1970-01-02_0');
  const refresh = new NormalizedDateSegmentNameGenerator('t', { pushType: 'REFRESH' });
  assert.equal(refresh.generate(2), 't_2');
  assert.throws(() => new NormalizedDateSegmentNameGenerator('t', {}), SegmentNameError);
  assert.throws(() => sdf.generate(0, '2019-01-01', '20190102'), /does not match/);
});

test('SIMPLE_DATE_FORMAT parsing with literals and zones', () => {
  assert.equal(parseSimpleDate('2024-03-05 10:20:30', 'yyyy-MM-dd HH:mm:ss', 'UTC'), Date.UTC(2024, 2, 5, 10, 20, 30));
  assert.equal(parseSimpleDate("2024-03-05T10", "yyyy-MM-dd'T'HH", 'UTC'), Date.UTC(2024, 2, 5, 10));
  assert.equal(parseSimpleDate('2024/1/5', 'yyyy/M/d', 'UTC'), Date.UTC(2024, 0, 5));
  // New York is UTC-5 in January and UTC-4 in July.
  assert.equal(parseSimpleDate('20240105', 'yyyyMMdd', 'America/New_York'), Date.UTC(2024, 0, 5, 5));
  assert.equal(parseSimpleDate('20240705', 'yyyyMMdd', 'America/New_York'), Date.UTC(2024, 6, 5, 4));
});

test('fixed names and validation', () => {
  assert.equal(new FixedSegmentNameGenerator('exact_name').generate(), 'exact_name');
  for (const bad of ['', ' x', 'a/b', 'a\\b', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b', 'a|b', 'a\nb', '..']) {
    assert.throws(() => validateSegmentName(bad), SegmentNameError, JSON.stringify(bad));
  }
  assert.throws(() => validateSegmentName('x'.repeat(151)), /limit is 150/);
  validateSegmentName('airlineStats_OFFLINE_16071_16101_0');
});

test('real-time names round trip in UTC', () => {
  const creationTimeMs = Date.UTC(2024, 10, 21, 14, 5, 59);
  const name = realtimeSegmentName({
    tableName: 'airlineStats',
    partitionId: 3,
    sequenceNumber: 12,
    creationTimeMs,
  });
  assert.equal(name, 'airlineStats__3__12__20241121T1405Z');
  assert.deepEqual(parseRealtimeSegmentName(name), {
    tableName: 'airlineStats',
    partitionId: 3,
    sequenceNumber: 12,
    creationTimeMs: Date.UTC(2024, 10, 21, 14, 5),
  });
  assert.equal(parseRealtimeSegmentName('airlineStats_1_2'), undefined);
  assert.equal(parseRealtimeSegmentName('t__x__1__20241121T1405Z'), undefined);
  assert.throws(
    () => realtimeSegmentName({ tableName: 'a__b', partitionId: 0, sequenceNumber: 0, creationTimeMs: 0 }),
    SegmentNameError,
  );
});

test('the factory reads the table config', () => {
  const schema = {
    schemaName: 's',
    fields: [{ name: 'day', dataType: 'INT', storedType: 'INT', fieldType: 'DATE_TIME',
      singleValueField: true, defaultNullValue: 0, format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
  } as unknown as Schema;
  const tableConfig = {
    tableName: 'tbl',
    segmentsConfig: { timeColumnName: 'day', replication: 1 },
  } as unknown as TableConfig;
  assert.equal(createSegmentNameGenerator({}, schema, tableConfig).generate(0, 1, 2), 'tbl_1_2_0');
  assert.equal(
    createSegmentNameGenerator({ type: 'normalizedDate' }, schema, tableConfig).generate(0, 0, 1),
    'tbl_1970-01-01_1970-01-02_0',
  );
  assert.throws(() => createSegmentNameGenerator({ type: 'fixed' }, schema, tableConfig), SegmentNameError);
});
