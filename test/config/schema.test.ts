import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parseBigDecimalText,
  parseDateTimeFormat,
  parseGranularity,
  parseSchema,
  parseTimestampText,
  pinotDefaultNullValue,
} from '../../host/config/schema.js';
import { ConfigError } from '../../host/errors/errors.js';

const fixtures = new URL('../../../test/fixtures/airlineStats/', import.meta.url);

function collectWarnings(): { warnings: string[]; warn: (message: string) => void } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

function schemaWith(extra: Record<string, unknown>): Record<string, unknown> {
  return { schemaName: 's', dimensionFieldSpecs: [{ name: 'd', dataType: 'STRING' }], ...extra };
}

test('the airline schema parses without warnings', () => {
  const { warnings, warn } = collectWarnings();
  const json: unknown = JSON.parse(readFileSync(new URL('airlineStats_schema.json', fixtures), 'utf8'));
  const schema = parseSchema(json, warn);
  assert.deepEqual(warnings, []);
  assert.equal(schema.schemaName, 'airlineStats');
  assert.equal(schema.fields.length, 81); // 78 dimensions, 3 date-times
  const byName = new Map(schema.fields.map((field) => [field.name, field]));
  assert.equal(byName.get('DivAirports')?.singleValueField, false);
  assert.equal(byName.get('ArrTimeBlk')?.maxLength, 512);
  const ts = byName.get('ts');
  assert.equal(ts?.fieldType, 'DATE_TIME');
  assert.equal(ts?.storedType, 'LONG');
  assert.equal(ts?.defaultNullValue, 0n);
  assert.equal(ts?.format, '1:MILLISECONDS:TIMESTAMP');
  assert.equal(byName.get('DaysSinceEpoch')?.defaultNullValue, -2147483648);
  assert.deepEqual(schema.json, json);
});

test('default null values follow Pinot FieldSpec', () => {
  assert.equal(pinotDefaultNullValue('DIMENSION', 'INT'), -2147483648);
  assert.equal(pinotDefaultNullValue('DIMENSION', 'LONG'), -(2n ** 63n));
  assert.equal(pinotDefaultNullValue('DIMENSION', 'FLOAT'), Number.NEGATIVE_INFINITY);
  assert.equal(pinotDefaultNullValue('DIMENSION', 'DOUBLE'), Number.NEGATIVE_INFINITY);
  assert.equal(pinotDefaultNullValue('DIMENSION', 'STRING'), 'null');
  assert.equal(pinotDefaultNullValue('DIMENSION', 'JSON'), 'null');
  assert.deepEqual(pinotDefaultNullValue('DIMENSION', 'BYTES'), new Uint8Array(0));
  assert.equal(pinotDefaultNullValue('DIMENSION', 'BOOLEAN'), 0);
  assert.equal(pinotDefaultNullValue('DIMENSION', 'TIMESTAMP'), 0n);
  assert.equal(pinotDefaultNullValue('DIMENSION', 'BIG_DECIMAL'), '0');
  assert.equal(pinotDefaultNullValue('DATE_TIME', 'LONG'), -(2n ** 63n));
  assert.equal(pinotDefaultNullValue('METRIC', 'INT'), 0);
  assert.equal(pinotDefaultNullValue('METRIC', 'LONG'), 0n);
  assert.equal(pinotDefaultNullValue('METRIC', 'FLOAT'), 0);
  assert.equal(pinotDefaultNullValue('METRIC', 'DOUBLE'), 0);
  assert.equal(pinotDefaultNullValue('METRIC', 'BIG_DECIMAL'), '0');
  assert.deepEqual(pinotDefaultNullValue('METRIC', 'BYTES'), new Uint8Array(0));
});

test('configured default null values convert to the stored representation', () => {
  const schema = parseSchema({
    schemaName: 's',
    dimensionFieldSpecs: [
      { name: 'i', dataType: 'INT', defaultNullValue: -1 },
      { name: 'l', dataType: 'LONG', defaultNullValue: '9007199254740993' },
      { name: 'f', dataType: 'FLOAT', defaultNullValue: 0.1 },
      { name: 'b', dataType: 'BOOLEAN', defaultNullValue: 'true' },
      { name: 't', dataType: 'TIMESTAMP', defaultNullValue: '2021-01-01 00:00:00' },
      { name: 'y', dataType: 'BYTES', defaultNullValue: '0aff' },
      { name: 'd', dataType: 'BIG_DECIMAL', defaultNullValue: '1.5E+2' },
    ],
    metricFieldSpecs: [{ name: 'm', dataType: 'DOUBLE', defaultNullValue: '2.5' }],
  }, () => undefined);
  const values = Object.fromEntries(
    schema.fields.map((field) => [field.name, field.defaultNullValue]),
  );
  assert.deepEqual(values, {
    i: -1,
    l: 9007199254740993n,
    f: Math.fround(0.1),
    b: 1,
    t: 1609459200000n,
    y: Uint8Array.from([0x0a, 0xff]),
    d: '150',
    m: 2.5,
  });
});

test('invalid values name the field path', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ dimensionFieldSpecs: [{ name: 'a', dataType: 'STRING' }, { name: 'b', dataType: 'INTEGER' }] },
      /^dimensionFieldSpecs\[1\]\.dataType: unknown data type "INTEGER"/],
    [{ metricFieldSpecs: [{ name: 'm', dataType: 'STRING' }] }, /^metricFieldSpecs\[0\]\.dataType: .*not allowed/],
    [{ metricFieldSpecs: [{ name: 'm', dataType: 'INT', singleValueField: false }] },
      /^metricFieldSpecs\[0\]\.singleValueField/],
    [{ dimensionFieldSpecs: [{ name: 'i', dataType: 'INT', defaultNullValue: 'abc' }] },
      /^dimensionFieldSpecs\[0\]\.defaultNullValue: "abc" is not a valid INT/],
    [{ dimensionFieldSpecs: [{ dataType: 'INT' }] }, /^dimensionFieldSpecs\[0\]\.name: is required/],
    [{ dimensionFieldSpecs: [{ name: 's', dataType: 'STRING', maxLength: 0 }] }, /maxLength: must be positive/],
    [{ primaryKeyColumns: ['nope'] }, /^primaryKeyColumns\[0\]: column "nope" is not in the schema/],
    [{ dimensionFieldSpecs: {} }, /^dimensionFieldSpecs: expected an array/],
    [{ enableColumnBasedNullHandling: 'yes' }, /^enableColumnBasedNullHandling: expected true or false/],
  ];
  for (const [extra, message] of cases) {
    assert.throws(() => parseSchema(schemaWith(extra), () => undefined),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
      JSON.stringify(extra));
  }
  assert.throws(() => parseSchema({ dimensionFieldSpecs: [] }), /schemaName: is required/);
  assert.throws(() => parseSchema([]), /document: expected a JSON object/);
  assert.throws(() => parseSchema({ schemaName: 'x' }), /no columns/);
});

test('duplicate column names are refused', () => {
  assert.throws(() => parseSchema({
    schemaName: 's',
    dimensionFieldSpecs: [{ name: 'x', dataType: 'INT' }],
    dateTimeFieldSpecs: [{ name: 'x', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' }],
  }), /dateTimeFieldSpecs\[0\]\.name: duplicate column "x" \(also dimensionFieldSpecs\[0\]\)/);
});

test('unknown keys become warnings naming the key', () => {
  const { warnings, warn } = collectWarnings();
  parseSchema(schemaWith({
    owner: 'me',
    dimensionFieldSpecs: [{ name: 'd', dataType: 'STRING', colour: 'red' }],
  }), warn);
  assert.deepEqual(warnings.sort(), [
    'dimensionFieldSpecs[0].colour: unknown key, ignored',
    'owner: unknown key, ignored',
  ]);
});

test('date-time formats: colon and pipe forms', () => {
  assert.deepEqual(parseDateTimeFormat('1:DAYS:EPOCH'), { kind: 'EPOCH', size: 1, unit: 'DAYS' });
  assert.deepEqual(parseDateTimeFormat('5:MINUTES:EPOCH'), { kind: 'EPOCH', size: 5, unit: 'MINUTES' });
  assert.deepEqual(parseDateTimeFormat('1:MILLISECONDS:TIMESTAMP'), { kind: 'TIMESTAMP' });
  assert.deepEqual(parseDateTimeFormat('1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd'),
    { kind: 'SIMPLE_DATE_FORMAT', pattern: 'yyyyMMdd', timeZone: 'UTC' });
  assert.deepEqual(parseDateTimeFormat('1:SECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm:ss tz(America/New_York)'),
    { kind: 'SIMPLE_DATE_FORMAT', pattern: 'yyyy-MM-dd HH:mm:ss', timeZone: 'America/New_York' });
  assert.deepEqual(parseDateTimeFormat('EPOCH|MILLISECONDS|1'), { kind: 'EPOCH', size: 1, unit: 'MILLISECONDS' });
  assert.deepEqual(parseDateTimeFormat('EPOCH|HOURS'), { kind: 'EPOCH', size: 1, unit: 'HOURS' });
  assert.deepEqual(parseDateTimeFormat('EPOCH'), { kind: 'EPOCH', size: 1, unit: 'MILLISECONDS' });
  assert.deepEqual(parseDateTimeFormat('TIMESTAMP'), { kind: 'TIMESTAMP' });
  assert.deepEqual(parseDateTimeFormat('SIMPLE_DATE_FORMAT|yyyy-MM-dd'),
    { kind: 'SIMPLE_DATE_FORMAT', pattern: 'yyyy-MM-dd', timeZone: 'UTC' });
  assert.deepEqual(parseDateTimeFormat('SIMPLE_DATE_FORMAT|yyyy-MM-dd|Asia/Tokyo'),
    { kind: 'SIMPLE_DATE_FORMAT', pattern: 'yyyy-MM-dd', timeZone: 'Asia/Tokyo' });
  for (const bad of ['', '1:DAY:EPOCH', '0:DAYS:EPOCH', '1:DAYS', '1:DAYS:EPOC', 'EPOCH|DAYS|x',
    'SIMPLE_DATE_FORMAT', 'SIMPLE_DATE_FORMAT|yyyy|Mars/Base', 'TIMESTAMP|x', 'x:DAYS:EPOCH']) {
    assert.throws(() => parseDateTimeFormat(bad), Error, bad);
  }
  assert.deepEqual(parseGranularity('1:DAYS'), { size: 1, unit: 'DAYS' });
  assert.deepEqual(parseGranularity('15:MINUTES'), { size: 15, unit: 'MINUTES' });
  assert.deepEqual(parseGranularity('HOURS|2'), { size: 2, unit: 'HOURS' });
  assert.deepEqual(parseGranularity('SECONDS'), { size: 1, unit: 'SECONDS' });
  assert.throws(() => parseGranularity('1:FORTNIGHTS'), /invalid time unit "FORTNIGHTS"/);
});

test('a bad DATE_TIME format is a ConfigError on its path', () => {
  assert.throws(() => parseSchema({
    schemaName: 's',
    dateTimeFieldSpecs: [{ name: 't', dataType: 'LONG', format: '1:DAY:EPOCH', granularity: '1:DAYS' }],
  }), (error: unknown) => error instanceof ConfigError &&
    error.message.startsWith('dateTimeFieldSpecs[0].format: invalid time unit "DAY"'));
  assert.throws(() => parseSchema({
    schemaName: 's',
    dateTimeFieldSpecs: [{ name: 't', dataType: 'LONG', format: '1:DAYS:EPOCH' }],
  }), /dateTimeFieldSpecs\[0\]\.granularity: is required/);
});

test('legacy timeFieldSpec becomes a TIME column', () => {
  const schema = parseSchema({
    schemaName: 's',
    timeFieldSpec: {
      incomingGranularitySpec: { name: 'secondsSinceEpoch', dataType: 'LONG', timeType: 'SECONDS' },
    },
  });
  assert.deepEqual(schema.fields[0], {
    name: 'secondsSinceEpoch',
    dataType: 'LONG',
    storedType: 'LONG',
    fieldType: 'TIME',
    singleValueField: true,
    defaultNullValue: -(2n ** 63n),
    format: '1:SECONDS:EPOCH',
    granularity: '1:SECONDS',
  });
});

test('complex columns are kept as JSON text with a warning', () => {
  const { warnings, warn } = collectWarnings();
  const schema = parseSchema(schemaWith({
    complexFieldSpecs: [{ name: 'attrs', dataType: 'MAP', fieldType: 'COMPLEX', childFieldSpecs: {} }],
  }), warn);
  const attrs = schema.fields.find((field) => field.name === 'attrs');
  assert.equal(attrs?.dataType, 'JSON');
  assert.equal(attrs?.fieldType, 'COMPLEX');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /complex column "attrs" is stored as JSON text/);
});

test('primary keys and null handling are read', () => {
  const schema = parseSchema(schemaWith({ primaryKeyColumns: ['d'], enableColumnBasedNullHandling: true }));
  assert.deepEqual(schema.primaryKeyColumns, ['d']);
  assert.equal(schema.enableColumnBasedNullHandling, true);
});

test('timestamp text: SQL, ISO 8601 and epoch millis', () => {
  assert.equal(parseTimestampText('2021-01-01 01:01:01.001'), 1609462861001n);
  assert.equal(parseTimestampText('2021-01-01T01:01:01Z'), 1609462861000n);
  assert.equal(parseTimestampText('2021-01-01T01:01:01.5+01:00'), 1609459261500n);
  assert.equal(parseTimestampText('2021-01-01'), 1609459200000n);
  assert.equal(parseTimestampText('1609459200000'), 1609459200000n);
  assert.equal(parseTimestampText('2021-02-30'), undefined);
  assert.equal(parseTimestampText('yesterday'), undefined);
});

test('big decimal text is plain', () => {
  assert.equal(parseBigDecimalText('1.50'), '1.50');
  assert.equal(parseBigDecimalText('-1.5e3'), '-1500');
  assert.equal(parseBigDecimalText('12E-4'), '0.0012');
  assert.equal(parseBigDecimalText('007.5'), '7.5');
  assert.equal(parseBigDecimalText('.5'), '0.5');
  assert.equal(parseBigDecimalText('abc'), undefined);
  assert.equal(parseBigDecimalText('.'), undefined);
});
