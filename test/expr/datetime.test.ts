import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIsoDurationMillis } from '../../host/expr/functions/datetime.js';
import type { ExprValue } from '../../host/expr/types.js';
import { forEachSeed } from '../support/random.js';
import { evaluate } from './support.js';

// Reference instants, checked against Date.UTC (an implementation independent of ours).
const T = 1700000000000; // 2023-11-14T22:13:20Z, a Tuesday
const LA = "'America/Los_Angeles'";
const utc = (...parts: [number, number, number?, number?, number?]): number => Date.UTC(...parts);

function check(cases: readonly (readonly [string, ExprValue])[]): void {
  for (const [expression, expected] of cases) {
    assert.deepEqual(evaluate(expression), expected, expression);
  }
}

test('toEpoch*/fromEpoch* families truncate like Java TimeUnit and stay exact as LONG', () => {
  assert.equal(T, utc(2023, 10, 14, 22, 13) + 20_000);
  check([
    [`toEpochSeconds(${T + 123})`, 1700000000n],
    [`toEpochMinutes(${T})`, 28333333n],
    [`toEpochHours(${T})`, 472222n],
    [`toEpochDays(${T})`, 19675n],
    ['toEpochDays(-1)', 0n],
    [`to_epoch_days(${T})`, 19675n],
    [`toEpochSecondsRounded(${T + 12345}, 10)`, 1700000010n],
    [`toEpochMinutesRounded(${T}, 15)`, 28333320n],
    [`toEpochHoursRounded(${T}, 24)`, 472200n],
    [`toEpochDaysRounded(${T}, 7)`, 19670n],
    [`toEpochSecondsBucket(${T}, 60)`, 28333333n],
    [`toEpochMinutesBucket(${T}, 5)`, 5666666n],
    [`toEpochHoursBucket(${T}, 6)`, 78703n],
    [`toEpochDaysBucket(${T}, 7)`, 2810n],
    ['fromEpochSeconds(1700000000)', BigInt(T)],
    ['fromEpochMinutes(2)', 120000n],
    ['fromEpochHours(1)', 3600000n],
    ['fromEpochDays(19675)', BigInt(utc(2023, 10, 14))],
    ['fromEpochSecondsBucket(10, 5)', 50000n],
    ['fromEpochMinutesBucket(2, 15)', 1800000n],
    ['fromEpochHoursBucket(1, 6)', 21600000n],
    ['fromEpochDaysBucket(2, 7)', 1209600000n],
    ['fromEpochDays(106751991167)', 9223372036828800000n],
    [`round(${T + 1234}, 1000)`, BigInt(T + 1000)],
    ['toTimestamp(5)', 5n],
    ["fromTimestamp('2024-02-29 12:00:00.5')", BigInt(utc(2024, 1, 29, 12) + 500)],
    ["fromTimestamp('2024-02-29')", BigInt(utc(2024, 1, 29))],
  ]);
});

test('calendar fields in UTC, in fixed offsets, across DST and leap years', () => {
  check([
    [`year(${T})`, 2023],
    [`month(${T})`, 11],
    [`monthOfYear(${T})`, 11],
    [`dayOfMonth(${T})`, 14],
    [`day(${T})`, 14],
    [`dayOfWeek(${T})`, 2],
    [`dow(${T})`, 2],
    [`dayOfYear(${T})`, 318],
    [`quarter(${T})`, 4],
    [`hour(${T})`, 22],
    [`minute(${T})`, 13],
    [`second(${T})`, 20],
    [`millisecond(${T + 123})`, 123],
    [`hour(${T}, ${LA})`, 14],
    [`hour(${T}, '+05:30')`, 3],
    [`minute(${T}, '+05:30')`, 43],
    [`dayOfMonth(${T}, '+05:30')`, 15],
    [`dayOfYear(${utc(2024, 11, 31)})`, 366],
    [`dayOfYear(${utc(2023, 11, 31)})`, 365],
    [`dayOfYear(${utc(1900, 2, 1)})`, 60],
    [`dayOfYear(${utc(2000, 2, 1)})`, 61],
    [`day(${utc(2024, 1, 29)})`, 29],
    [`weekOfYear(${utc(2021, 0, 3)})`, 53],
    [`yearOfWeek(${utc(2021, 0, 3)})`, 2020],
    [`week(${utc(2024, 11, 30)})`, 1],
    [`yow(${utc(2024, 11, 30)})`, 2025],
    [`hour(${utc(2024, 2, 10, 9, 59)}, ${LA})`, 1],
    [`hour(${utc(2024, 2, 10, 10, 0)}, ${LA})`, 3],
    [`hour(${utc(2024, 10, 3, 8, 30)}, ${LA})`, 1],
    [`hour(${utc(2024, 10, 3, 9, 30)}, ${LA})`, 1],
    ['year(-1)', 1969],
    ['month(-1)', 12],
    ['day(-1)', 31],
    [`timezoneHour(${LA}, ${utc(2024, 6, 1)})`, -7],
    [`timezoneHour(${LA}, ${utc(2024, 0, 1)})`, -8],
    ["timezoneHour('Asia/Kolkata')", 5],
    ["timezoneMinute('Asia/Kolkata')", 30],
    [`EXTRACT(YEAR FROM ${T})`, 2023],
    [`extract('doy', ${T})`, 318],
    [`EXTRACT(DOW FROM ${T})`, 2],
    [`EXTRACT(QUARTER FROM ${T})`, 4],
    [`EXTRACT(SECOND FROM ${T})`, 20],
  ]);
  assert.throws(() => evaluate(`EXTRACT(EPOCH FROM ${T})`), /Cannot EXTRACT 'EPOCH'/);
});

test('toDateTime and fromDateTime with patterns, zones, DST overlaps and gaps', () => {
  check([
    [`toDateTime(${T + 123}, 'yyyy-MM-dd HH:mm:ss.SSS')`, '2023-11-14 22:13:20.123'],
    [`toDateTime(${T}, 'EEE, d MMM yyyy hh:mm a')`, 'Tue, 14 Nov 2023 10:13 PM'],
    [`toDateTime(${T}, 'EEEE MMMM')`, 'Tuesday November'],
    [`toDateTime(${T}, 'yyyyMMdd', 'Asia/Tokyo')`, '20231115'],
    [`toDateTime(${T}, 'yy-M-d H:m:s')`, '23-11-14 22:13:20'],
    [`toDateTime(${T}, '''at'' HH''''mm')`, "at 22'13"],
    [`toDateTime(${utc(2024, 10, 3, 8, 30)}, 'HH:mm ZZ', ${LA})`, '01:30 -07:00'],
    [`toDateTime(${utc(2024, 10, 3, 9, 30)}, 'HH:mm Z', ${LA})`, '01:30 -0800'],
    [`fromDateTime('2024-11-03 01:30', 'yyyy-MM-dd HH:mm', ${LA})`, BigInt(utc(2024, 10, 3, 8, 30))],
    [`fromDateTime('2024-03-10 02:30', 'yyyy-MM-dd HH:mm', ${LA})`, BigInt(utc(2024, 2, 10, 10, 30))],
    [`fromDateTime('2024-07-04', 'yyyy-MM-dd', ${LA})`, BigInt(utc(2024, 6, 4, 7))],
    ["fromDateTime('2024-02-29', 'yyyy-MM-dd')", BigInt(utc(2024, 1, 29))],
    ["fromDateTime('2000-02-29', 'yyyy-MM-dd')", BigInt(utc(2000, 1, 29))],
    ["fromDateTime('20231114', 'yyyyMMdd')", BigInt(utc(2023, 10, 14))],
    ["fromDateTime('14 Nov 2023 10:13 PM', 'd MMM yyyy hh:mm a')", BigInt(T - 20_000)],
    ["fromDateTime('2023-11-14T22:13:20+01:00', 'yyyy-MM-dd''T''HH:mm:ssZZ')", BigInt(T - 3600000)],
    ["fromDateTime('bad', 'yyyy', 'UTC', -1)", -1n],
  ]);
  assert.throws(() => evaluate("fromDateTime('2023-02-29', 'yyyy-MM-dd')"), /does not exist/);
  assert.throws(() => evaluate("fromDateTime('2100-02-29', 'yyyy-MM-dd')"), /does not exist/);
  assert.throws(() => evaluate("fromDateTime('2023-11-14x', 'yyyy-MM-dd')"), /malformed at "x"/);
  assert.throws(() => evaluate(`toDateTime(${T}, 'yyyy', 'Mars/Olympus')`), /Unknown time zone/);
});

test('toDateTime in UTC agrees with Date.toISOString and round-trips through fromDateTime', () => {
  const zones = ["'UTC'", LA, "'Europe/London'", "'Asia/Kolkata'", "'-03:30'", "'Australia/Lord_Howe'"];
  const iso = "'yyyy-MM-dd''T''HH:mm:ss.SSS''Z'''";
  const withOffset = "'yyyy-MM-dd HH:mm:ss.SSS ZZ'";
  forEachSeed(300, (random) => {
    const millis = random.int(utc(1900, 0, 1), utc(2100, 0, 1));
    assert.equal(evaluate(`toDateTime(${millis}, ${iso})`), new Date(millis).toISOString());
    const zone = random.pick(zones);
    const text = evaluate(`toDateTime(${millis}, ${withOffset}, ${zone})`) as string;
    assert.equal(evaluate(`fromDateTime('${text}', ${withOffset}, ${zone})`), BigInt(millis), text);
  });
});

test('DATETRUNC at every arity, in zones, across DST', () => {
  check([
    [`dateTrunc('week', ${T})`, BigInt(utc(2023, 10, 13))],
    [`DATETRUNC('DAY', ${T})`, BigInt(utc(2023, 10, 14))],
    [`dateTrunc('hour', ${T})`, BigInt(utc(2023, 10, 14, 22))],
    [`dateTrunc('minute', ${T})`, BigInt(utc(2023, 10, 14, 22, 13))],
    [`dateTrunc('second', ${T + 123})`, BigInt(T)],
    [`dateTrunc('millisecond', ${T + 123})`, BigInt(T + 123)],
    [`dateTrunc('month', ${T})`, BigInt(utc(2023, 10, 1))],
    [`dateTrunc('quarter', ${T})`, BigInt(utc(2023, 9, 1))],
    [`dateTrunc('year', ${T})`, BigInt(utc(2023, 0, 1))],
    ['dateTrunc(\'day\', -1)', -86400000n],
    [`dateTrunc('day', ${T / 1000}, 'SECONDS')`, BigInt(utc(2023, 10, 14) / 1000)],
    [`dateTrunc('day', ${T}, 'MILLISECONDS', ${LA})`, BigInt(utc(2023, 10, 14, 8))],
    [`dateTrunc('day', ${T / 1000}, 'SECONDS', ${LA}, 'MILLISECONDS')`, BigInt(utc(2023, 10, 14, 8))],
    [`dateTrunc('day', ${T}, 'MILLISECONDS', 'UTC', 'DAYS')`, 19675n],
    [`dateTrunc('day', ${utc(2024, 2, 10, 12)}, 'MILLISECONDS', ${LA})`, BigInt(utc(2024, 2, 10, 8))],
    [`dateTrunc('day', ${utc(2024, 2, 11, 12)}, 'MILLISECONDS', ${LA})`, BigInt(utc(2024, 2, 11, 7))],
    [`dateTrunc('hour', ${utc(2024, 10, 3, 9, 45)}, 'MILLISECONDS', ${LA})`, BigInt(utc(2024, 10, 3, 9))],
    [`dateTrunc('hour', ${utc(2024, 10, 3, 8, 45)}, 'MILLISECONDS', ${LA})`, BigInt(utc(2024, 10, 3, 8))],
    [`dateTrunc('hour', ${T}, 'MILLISECONDS', '+05:30')`, BigInt(utc(2023, 10, 14, 21, 30))],
    [`dateTrunc('week', ${utc(2023, 10, 13, 3)}, 'MILLISECONDS', ${LA})`, BigInt(utc(2023, 10, 6, 8))],
    [`dateTrunc('month', ${utc(2024, 2, 1, 3)}, 'MILLISECONDS', ${LA})`, BigInt(utc(2024, 1, 1, 8))],
  ]);
  assert.throws(() => evaluate('dateTrunc(\'fortnight\', 0)'), /Unknown DATETRUNC unit/);
  assert.throws(() => evaluate("dateTrunc('day', 0, 'WEEKS')"), /Unknown time unit/);
});

test('DATETIMECONVERT between epoch, SIMPLE_DATE_FORMAT and TIMESTAMP, both spec syntaxes', () => {
  const ms = "'1:MILLISECONDS:EPOCH'";
  check([
    [`dateTimeConvert(${T}, ${ms}, '1:HOURS:EPOCH', '1:HOURS')`, 472222n],
    [`dateTimeConvert(${T}, ${ms}, '5:MINUTES:EPOCH', '15:MINUTES')`, 5666664n],
    [`dateTimeConvert(${T}, ${ms}, '1:DAYS:SIMPLE_DATE_FORMAT:yyyy-MM-dd', '1:DAYS')`, '2023-11-14'],
    [
      `dateTimeConvert(${T}, ${ms}, '1:MILLISECONDS:SIMPLE_DATE_FORMAT:yyyy-MM-dd HH:mm tz(Asia/Tokyo)', '1:HOURS')`,
      '2023-11-15 07:00',
    ],
    [`dateTimeConvert(${T / 1000}, 'EPOCH|SECONDS|1', 'EPOCH|MILLISECONDS', 'MINUTES|1')`, 1699999980000n],
    [
      "dateTimeConvert('20231114', '1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd', '1:MILLISECONDS:EPOCH', '1:DAYS')",
      BigInt(utc(2023, 10, 14)),
    ],
    [`dateTimeConvert(${T + 123}, ${ms}, '1:MILLISECONDS:TIMESTAMP', '1:SECONDS')`, BigInt(T)],
    [
      "dateTimeConvert('2023-11-14 22:13', 'SIMPLE_DATE_FORMAT|yyyy-MM-dd HH:mm|America/Denver', 'EPOCH|MINUTES|1', '1:MINUTES')",
      BigInt(utc(2023, 10, 15, 5, 13) / 60000),
    ],
    [`dateTimeConvert(19675, '1:DAYS:EPOCH', 'EPOCH|SECONDS', '1:DAYS')`, 1699920000n],
    [`dateTimeConvert(${T}, ${ms}, ${ms}, '1:DAYS', ${LA})`, BigInt(utc(2023, 10, 14, 8))],
    [`dateTimeConvert(${T}, ${ms}, ${ms}, '1:DAYS', 'UTC')`, BigInt(utc(2023, 10, 14))],
  ]);
  assert.throws(() => evaluate(`dateTimeConvert(1, 'EPOCH:MILLIS', ${ms}, '1:DAYS')`), /Invalid date-time format/);
  assert.throws(() => evaluate(`dateTimeConvert(1, ${ms}, ${ms}, '0:DAYS')`), /Invalid granularity/);
});

test('NOW and AGO read the clock; AGO takes ISO-8601 durations as Java Duration.parse', () => {
  const before = BigInt(Date.now());
  const now = evaluate('now()') as bigint;
  const hourAgo = evaluate("ago('PT1H')") as bigint;
  const after = BigInt(Date.now());
  assert.ok(now >= before && now <= after);
  assert.ok(hourAgo >= before - 3600000n && hourAgo <= after - 3600000n);
  const durations: [string, number][] = [
    ['PT20.345S', 20345],
    ['PT15M', 900000],
    ['PT10H', 36000000],
    ['P2D', 172800000],
    ['P2DT3H4M', 183840000],
    ['PT-6H3M', -21420000],
    ['-PT6H3M', -21780000],
    ['-PT-6H+3M', 21420000],
    ['PT-0.5S', -500],
  ];
  for (const [text, millis] of durations) assert.equal(parseIsoDurationMillis(text), millis, text);
  for (const bad of ['P1Y', 'PT', '1h', 'P', 'PT1.5H']) {
    assert.throws(() => parseIsoDurationMillis(bad), /Invalid ISO-8601 duration/, bad);
  }
});
