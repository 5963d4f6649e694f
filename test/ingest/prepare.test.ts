import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import type { FieldSpec, Schema, TableConfig } from '../../host/config/types.js';
import { ConfigError, DataError } from '../../host/errors/errors.js';
import { columnConverter, RowPreparer } from '../../host/ingest/prepare.js';
import { avroRecordReader } from '../../host/ingest/readers/avro.js';
import { csvRecordReader } from '../../host/ingest/readers/csv.js';

const fixtures = new URL('../../../test/fixtures/airlineStats/', import.meta.url);
const MILLIS_PER_DAY = 86_400_000n;

function field(dataType: string, extra: Record<string, unknown> = {}): FieldSpec {
  const schema = parseSchema({
    schemaName: 's',
    dimensionFieldSpecs: [{ name: 'c', dataType, ...extra }],
  }, () => undefined);
  return schema.fields[0]!;
}

function convert(dataType: string, value: unknown, extra: Record<string, unknown> = {}): unknown {
  return columnConverter(field(dataType, extra))(value);
}

function refuses(
  dataType: string,
  value: unknown,
  message: RegExp,
  extra: Record<string, unknown> = {},
): void {
  assert.throws(() => convert(dataType, value, extra), (error: unknown) =>
    error instanceof DataError && message.test(error.message), `${dataType} ${String(value)}`);
}

test('INT: numbers truncate as Pinot, text must be a whole number', () => {
  assert.equal(convert('INT', 42), 42);
  assert.equal(convert('INT', 3.5), 3);
  assert.equal(convert('INT', -3.9), -3);
  assert.equal(convert('INT', ' 17 '), 17);
  assert.equal(convert('INT', '-2147483648'), -2147483648);
  assert.equal(convert('INT', 5n), 5);
  assert.equal(convert('INT', true), 1);
  refuses('INT', 'abc', /^column "c": cannot convert "abc" \(string\) to INT/);
  refuses('INT', '3.5', /to INT \(text must be a whole number/);
  refuses('INT', 2147483648, /outside the INT range/);
  refuses('INT', '2147483648', /cannot convert "2147483648"/);
  refuses('INT', Number.NaN, /cannot convert NaN/);
  refuses('INT', new Uint8Array(1), /cannot convert 1 bytes/);
});

test('LONG: exact beyond 2^53', () => {
  assert.equal(convert('LONG', 42), 42n);
  assert.equal(convert('LONG', '9007199254740993'), 9007199254740993n);
  assert.equal(convert('LONG', 9007199254740993n), 9007199254740993n);
  assert.equal(convert('LONG', '-9223372036854775808'), -(2n ** 63n));
  assert.equal(convert('LONG', 1.9), 1n);
  refuses('LONG', '9223372036854775808', /to LONG/);
  refuses('LONG', 2n ** 63n, /outside the LONG range/);
  refuses('LONG', 'x', /to LONG/);
});

test('FLOAT and DOUBLE', () => {
  assert.equal(convert('FLOAT', 0.1), Math.fround(0.1));
  assert.equal(convert('FLOAT', '2.5'), 2.5);
  assert.equal(convert('DOUBLE', '1e3'), 1000);
  assert.equal(convert('DOUBLE', ' -0.5 '), -0.5);
  assert.equal(convert('DOUBLE', 7n), 7);
  assert.equal(convert('DOUBLE', 'Infinity'), Infinity);
  refuses('DOUBLE', '1,5', /to DOUBLE/);
  refuses('FLOAT', 'abc', /to FLOAT/);
  assert.equal(convert('FLOAT', {}), null); // a map standardises to its values: none here
});

test('BOOLEAN as 0/1 with Pinot rules', () => {
  assert.equal(convert('BOOLEAN', true), 1);
  assert.equal(convert('BOOLEAN', false), 0);
  assert.equal(convert('BOOLEAN', 'TRUE'), 1);
  assert.equal(convert('BOOLEAN', '1'), 1);
  assert.equal(convert('BOOLEAN', 'false'), 0);
  assert.equal(convert('BOOLEAN', 'yes'), 0);
  assert.equal(convert('BOOLEAN', 2), 1);
  assert.equal(convert('BOOLEAN', 0), 0);
});

test('TIMESTAMP from epoch millis, ISO strings and SQL timestamps', () => {
  assert.equal(convert('TIMESTAMP', 1609459200000), 1609459200000n);
  assert.equal(convert('TIMESTAMP', '1609459200000'), 1609459200000n);
  assert.equal(convert('TIMESTAMP', '2021-01-01T00:00:00Z'), 1609459200000n);
  assert.equal(convert('TIMESTAMP', '2021-01-01T02:00:00+02:00'), 1609459200000n);
  assert.equal(convert('TIMESTAMP', '2021-01-01 00:00:01.5'), 1609459201500n);
  assert.equal(convert('TIMESTAMP', '2021-01-01 00:00:01'), 1609459201000n);
  assert.equal(convert('TIMESTAMP', new Date(5)), 5n);
  refuses('TIMESTAMP', 'tomorrow', /to TIMESTAMP \(use epoch millis/);
  refuses('TIMESTAMP', true, /to TIMESTAMP/);
});

test('STRING: text forms, NUL cut and maxLength truncation', () => {
  assert.equal(convert('STRING', 'abc'), 'abc');
  assert.equal(convert('STRING', 12), '12');
  assert.equal(convert('STRING', 12n), '12');
  assert.equal(convert('STRING', true), 'true');
  assert.equal(convert('STRING', Uint8Array.from([0xab, 1])), 'ab01');
  assert.equal(convert('STRING', 'ab\u0000cd'), 'ab');
  assert.equal(convert('STRING', 'x'.repeat(600)), 'x'.repeat(512));
  assert.equal(convert('STRING', 'abcdef', { maxLength: 3 }), 'abc');
});

test('BYTES from hex, BIG_DECIMAL as plain text, JSON as text', () => {
  assert.deepEqual(convert('BYTES', 'ff00'), Uint8Array.from([0xff, 0]));
  assert.deepEqual(convert('BYTES', Uint8Array.from([1])), Uint8Array.from([1]));
  refuses('BYTES', 'xyz', /to BYTES \(expected hex digits\)/);
  assert.equal(convert('BIG_DECIMAL', '1.50'), '1.50');
  assert.equal(convert('BIG_DECIMAL', 2.5), '2.5');
  assert.equal(convert('BIG_DECIMAL', 12345678901234567890n), '12345678901234567890');
  refuses('BIG_DECIMAL', 'one', /to BIG_DECIMAL/);
  assert.equal(convert('JSON', { a: [1, 2n] }), '{"a":[1,2]}');
  assert.equal(convert('JSON', '{"a":1}'), '{"a":1}');
  assert.equal(convert('JSON', 'plain'), '"plain"');
  assert.equal(convert('JSON', [1, 2]), '[1,2]');
});

test('missing values stay null; single and multi-values standardise as Pinot', () => {
  assert.equal(convert('INT', undefined), null);
  assert.equal(convert('INT', null), null);
  assert.equal(convert('INT', []), null);
  assert.equal(convert('INT', [7]), 7);
  assert.equal(convert('INT', [null, '8']), 8);
  refuses('INT', [1, 2], /the column is single-value/);
  const mv = { singleValueField: false };
  assert.deepEqual(convert('INT', [1, '2', null, 3.7], mv), [1, 2, 3]);
  assert.deepEqual(convert('INT', 5, mv), [5]);
  assert.deepEqual(convert('STRING', ['a', 'b'], mv), ['a', 'b']);
  assert.equal(convert('STRING', [], mv), null);
  assert.equal(convert('STRING', [null], mv), null);
  assert.deepEqual(convert('LONG', ['9007199254740993'], mv), [9007199254740993n]);
  assert.throws(() => convert('INT', ['1', 'x'], mv), /column "c": cannot convert "x"/);
});

function airline(): { schema: Schema; table: TableConfig } {
  const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, fixtures), 'utf8'));
  const schema = parseSchema(read('airlineStats_schema.json'));
  const table = parseTableConfig(read('airlineStats_offline_table_config.json'), () => undefined);
  return { schema, table };
}

test('the airline transforms produce ts and tsRaw from DaysSinceEpoch for every row', async () => {
  const { schema, table } = airline();
  const preparer = new RowPreparer(schema, table);
  const path = new URL('airlineStats_data.avro', fixtures).pathname;
  let count = 0;
  for await (const row of preparer.prepareAll(avroRecordReader.open(path), path)) {
    count++;
    const days = row['DaysSinceEpoch'];
    assert.equal(typeof days, 'number');
    assert.equal(row['ts'], BigInt(days as number) * MILLIS_PER_DAY);
    assert.equal(row['tsRaw'], row['ts']);
    assert.equal(Object.keys(row).length, schema.fields.length);
    if (count === 1) {
      assert.equal(row['ts'], 16071n * MILLIS_PER_DAY);
      assert.equal(row['CancellationCode'], null);
      assert.equal(row['DivAirports'], null);
      assert.equal((row['RandomAirports'] as string[]).length, 32);
    }
  }
  assert.equal(count, 9746);
});

function tableWith(ingestionConfig: Record<string, unknown>): TableConfig {
  return parseTableConfig({ tableName: 't', tableType: 'OFFLINE', ingestionConfig });
}

const SMALL_SCHEMA = parseSchema({
  schemaName: 't',
  dimensionFieldSpecs: [{ name: 'carrier', dataType: 'STRING' }, { name: 'distance', dataType: 'INT' }],
  metricFieldSpecs: [{ name: 'total', dataType: 'LONG' }],
  dateTimeFieldSpecs: [
    { name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' },
    { name: 'hours', dataType: 'LONG', format: '1:HOURS:EPOCH', granularity: '1:HOURS' },
  ],
});

test('transforms: toEpochHours, arithmetic, chains in dependency order, given values kept', () => {
  const preparer = new RowPreparer(SMALL_SCHEMA, tableWith({
    transformConfigs: [
      { columnName: 'hours', transformFunction: 'toEpochHours(ts)' },
      { columnName: 'ts', transformFunction: 'plus(base, shift)' },
      { columnName: 'total', transformFunction: 'distance + extra' },
    ],
  }));
  const row = preparer.prepare({ carrier: 'AA', distance: '100', extra: 5, base: 7_200_000, shift: 3_600_000 });
  assert.deepEqual(row, { carrier: 'AA', distance: 100, ts: 10_800_000n, hours: 3n, total: 105n });
  const given = preparer.prepare({ carrier: 'AA', distance: 1, extra: 1, ts: 3_600_000, hours: 99 });
  assert.equal(given?.['hours'], 99n);
  assert.equal(given?.['ts'], 3_600_000n);
});

test('filterConfig drops rows for which the expression is true', () => {
  const preparer = new RowPreparer(SMALL_SCHEMA, tableWith({
    filterConfig: { filterFunction: "strcmp(carrier, 'AA') = 0 OR distance > 1000" },
  }));
  assert.equal(preparer.prepare({ carrier: 'AA', distance: 10 }), null);
  assert.equal(preparer.prepare({ carrier: 'DL', distance: '2000' }), null);
  assert.deepEqual(preparer.prepare({ carrier: 'DL', distance: 10 }),
    { carrier: 'DL', distance: 10, total: null, ts: null, hours: null });
  const onRaw = new RowPreparer(SMALL_SCHEMA, tableWith({ filterConfig: { filterFunction: 'skip = 1' } }));
  assert.equal(onRaw.prepare({ carrier: 'x', skip: 1 }), null);
  assert.notEqual(onRaw.prepare({ carrier: 'x', skip: 0 }), null);
});

test('expression errors: bad config is a ConfigError, bad data a DataError', () => {
  assert.throws(() => new RowPreparer(SMALL_SCHEMA, tableWith({
    transformConfigs: [{ columnName: 'hours', transformFunction: 'noSuchFunction(ts)' }],
  })), (error: unknown) => error instanceof ConfigError &&
    /^ingestionConfig\.transformConfigs\[0\]\.transformFunction: cannot use "noSuchFunction\(ts\)"/.test(error.message));
  assert.throws(() => new RowPreparer(SMALL_SCHEMA, tableWith({
    transformConfigs: [
      { columnName: 'ts', transformFunction: 'plus(hours, 1)' },
      { columnName: 'hours', transformFunction: 'toEpochHours(ts)' },
    ],
  })), /cycle through column/);
  const preparer = new RowPreparer(SMALL_SCHEMA, tableWith({
    transformConfigs: [{ columnName: 'total', transformFunction: 'plus(distance, 1)' }],
  }));
  assert.throws(() => preparer.prepare({ distance: 'far' }), (error: unknown) =>
    error instanceof DataError && /column "distance": cannot convert "far"/.test(error.message));
});

test('prepareAll names the source and the record number', async () => {
  const preparer = new RowPreparer(SMALL_SCHEMA, tableWith({}));
  const csv = new TextEncoder().encode('carrier,distance\nAA,1\nDL,two\n');
  const rows = preparer.prepareAll(csvRecordReader.open(csv), 'flights.csv');
  await assert.rejects(async () => {
    for await (const _row of rows) {
      // drain
    }
  }, (error: unknown) => error instanceof DataError &&
    /^flights\.csv: record 2: column "distance": cannot convert "two" \(string\) to INT/.test(error.message));
});
