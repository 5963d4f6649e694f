import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import type { Row, ScalarValue, Schema, TableConfig, Value } from '../../host/config/types.js';
import { DataError } from '../../host/errors/errors.js';
import { compareValues } from '../../host/expr/values.js';
import {
  canReadCsvColumns,
  readCsvColumns,
  type CsvColumnBatch,
} from '../../host/ingest/csvColumns.js';
import { RowPreparer } from '../../host/ingest/prepare.js';
import { csvRecordReader } from '../../host/ingest/readers/csv.js';
import { RecordReadError, type ReaderOptions } from '../../host/ingest/readers/types.js';
import type { ColumnInput } from '../../segments/spi/builder.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';
import { temporaryDirectory } from './readers/support.js';

const directory = temporaryDirectory('csv-columns');
let fileCount = 0;

function writeCsv(text: string | Buffer): string {
  const path = join(directory, `input-${fileCount++}.csv`);
  writeFileSync(path, text);
  return path;
}

function schemaOf(columns: readonly (readonly [string, string, Record<string, unknown>?])[]) {
  return parseSchema({
    schemaName: 's',
    dimensionFieldSpecs: columns.map(([name, dataType, extra]) => ({ name, dataType, ...extra })),
  }, () => undefined);
}

function tableOf(extra: Record<string, unknown> = {}): TableConfig {
  return parseTableConfig({ tableName: 's', tableType: 'OFFLINE', segmentsConfig: {}, ...extra },
    () => undefined);
}

/** The record path ingestFiles takes for other formats: reader, then RowPreparer. */
async function recordRows(file: string, schema: Schema, table: TableConfig,
  options: ReaderOptions): Promise<Row[]> {
  const preparer = new RowPreparer(schema, table);
  const rows: Row[] = [];
  let recordNumber = 0;
  for await (const raw of csvRecordReader.open(file, options)) {
    recordNumber++;
    try {
      rows.push(preparer.prepare(raw)!);
    } catch (error) {
      throw new DataError(`${file}: record ${recordNumber}: ${(error as Error).message}; ` +
        'nothing of this file was ingested');
    }
  }
  return rows;
}

function cell(input: ColumnInput, docId: number, nullDocs: ReadonlySet<number>): Value {
  if (input.kind === 'values') return input.values[docId]!;
  return nullDocs.has(docId) ? null : input.values[input.dictIds[docId]!]!;
}

/** Rows back from the batches: a null doc reads as null, as in a prepared row. */
function batchRows(schema: Schema, batches: readonly CsvColumnBatch[]): Row[] {
  const rows: Row[] = [];
  for (const batch of batches) {
    const { docCount, columns } = batch.columns;
    const nulls = new Map(schema.fields.map((field) => {
      const input = columns[field.name]!;
      return [field.name, new Set(input.kind === 'values' ? [] : input.nullDocIds)];
    }));
    for (let docId = 0; docId < docCount; docId++) {
      const row: Row = {};
      for (const field of schema.fields) {
        row[field.name] = cell(columns[field.name]!, docId, nulls.get(field.name)!);
      }
      rows.push(row);
    }
  }
  return rows;
}

/** -0 and 0 are one stored INT or LONG (a dictionary holds one of them). */
function sameStoredInteger(schema: Schema, rows: Row[]): Row[] {
  return rows.map((row) => {
    const copy = { ...row };
    for (const field of schema.fields) {
      if (field.storedType === 'INT' && Object.is(copy[field.name], -0)) copy[field.name] = 0;
    }
    return copy;
  });
}

function timeBounds(rows: readonly Row[], column: string) {
  let [min, max]: (ScalarValue | undefined)[] = [undefined, undefined];
  for (const row of rows) {
    const value = row[column] as ScalarValue | null;
    if (value === null) continue;
    if (min === undefined || compareValues(value, min) < 0) min = value;
    if (max === undefined || compareValues(value, max) > 0) max = value;
  }
  return [min, max];
}

// ---------------------------------------------------------------------------------------------
// Random CSV in the shapes the fast parsers take and the ones they hand to the converters.

const TYPES = ['INT', 'LONG', 'DOUBLE', 'FLOAT', 'STRING', 'BOOLEAN', 'TIMESTAMP', 'JSON', 'BYTES',
  'BIG_DECIMAL'] as const;
type ColumnType = (typeof TYPES)[number];

const VALID: Readonly<Record<ColumnType, readonly string[]>> = {
  INT: ['0', '-0', '+5', '007', '42', '-17', '123456789', '1234567890', '2147483647',
    '-2147483648', ' 12', '12 ', '', '"42"'],
  LONG: ['0', '-0', '+9', '123456789012345', '1234567890123456', '9223372036854775807',
    '-9223372036854775808', '-9007199254740993', '9007199254740992', ' 77 ', '', '"5"'],
  DOUBLE: ['1.5', '-0.0', '0', '1.', '.5', '1e10', '-2.5E-3', 'NaN', 'Infinity', '-Infinity',
    '0.1', '123456789012345.6', '3.14159265358979323846', ' 2.25', '', '7'],
  FLOAT: ['1.5', '0.1', '-3', '16777217', '1e39', '', '2.5'],
  STRING: ['x', 'hello', 'é😀', '', '""', 'a;b', ';', 'nul\u0000cut', 'null', 'comma,inside',
    'quote"inside', 'line\nbreak', 'cr\r\nlf', '  padded  ', 'abcdefghijklmnopqrstuvwxyz'],
  BOOLEAN: ['true', 'false', '1', '0', 'TRUE', 'yes', ''],
  TIMESTAMP: ['1700000000000', '0', '2024-01-02 03:04:05', '2024-01-02T03:04:05Z', ''],
  JSON: ['{"a":1}', '[1,2]', 'text', '7', ''],
  BYTES: ['ab01', 'FF', '', '00'],
  BIG_DECIMAL: ['1.50', '-3', '1e3', '0.000', ''],
};

const INVALID: Readonly<Record<ColumnType, readonly string[]>> = {
  INT: ['abc', '1.5', '2147483648', '""', '1;2'],
  LONG: ['x1', '9223372036854775808', '2.5'],
  DOUBLE: ['1.2.3', 'abc', '1e'],
  FLOAT: ['--1'],
  STRING: ['a;b'],
  BOOLEAN: ['a;b'],
  TIMESTAMP: ['yesterday'],
  JSON: [],
  BYTES: ['xyz'],
  BIG_DECIMAL: ['1.2.3'],
};

/** A value as a CSV writer would put it: quoted when it must be, sometimes when not. */
function written(value: string, delimiter: string, random: SeededRandom): string {
  if (value === '""') return value; // the quoted empty string
  if (value.startsWith('"') && value.endsWith('"') && value.length > 1) return value;
  const mustQuote = value.includes(delimiter) || /["\r\n]/.test(value);
  if (!mustQuote && !random.bool(0.1)) return value;
  return value === '' ? value : `"${value.replaceAll('"', '""')}"`;
}

interface FuzzCase {
  readonly seed: number;
  readonly file: string;
  readonly schema: Schema;
  readonly options: ReaderOptions;
  readonly maxDocsPerBatch: number;
}

function randomOptions(random: SeededRandom, stringColumns: readonly string[]): ReaderOptions {
  const delimiter = random.pick([',', '\t', '|']);
  const multiValueDelimiter = random.pick([undefined, null, ':', ';']);
  const listed = stringColumns.filter(() => random.bool(0.5));
  return {
    ...(delimiter === ',' ? {} : { delimiter }),
    ...(multiValueDelimiter === undefined ? {} : { multiValueDelimiter }),
    ...(random.bool(0.3) ? { multiValueColumns: new Set(listed) } : {}),
  };
}

function randomCase(random: SeededRandom): FuzzCase {
  const types = Array.from({ length: random.int(1, 6) }, () => random.pick(TYPES));
  const names = types.map((_, index) => `c${index}`);
  const schema = schemaOf(types.map((type, index) => [names[index]!, type,
    type === 'STRING' && random.bool(0.3) ? { maxLength: random.int(1, 8) } : {}]));
  const options = randomOptions(random, names.filter((_, index) => types[index] === 'STRING'));
  const delimiter = options.delimiter ?? ',';
  const header = names.filter(() => random.bool(0.9));
  if (random.bool(0.3)) header.splice(random.int(0, header.length), 0, 'extra');
  const errorRate = random.bool(0.3) ? 0.02 : 0;
  const lineEnd = random.bool(0.3) ? '\r\n' : '\n';
  const lines = [header.join(delimiter)];
  for (let row = random.int(0, 60); row > 0; row--) {
    if (random.bool(0.05)) lines.push('');
    const fields = header.map((name) => {
      const type = types[names.indexOf(name)] ?? 'STRING';
      const invalid = INVALID[type];
      const pool = random.bool(errorRate) && invalid.length > 0 ? invalid : VALID[type];
      return written(random.pick(pool), delimiter, random);
    });
    if (random.bool(errorRate)) fields.pop();
    lines.push(fields.join(delimiter));
  }
  const text = (random.bool(0.1) ? '\uFEFF' : '') + lines.join(lineEnd) +
    (random.bool(0.7) ? lineEnd : '');
  return { seed: random.seed, file: writeCsv(text), schema, options,
    maxDocsPerBatch: random.pick([1, 7, 1000]) };
}

function seeded(seed: number, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`fuzz failure with seed ${seed} (CUVEE_FUZZ_SEED=${seed}): ${message}`,
    { cause: error });
}

async function compareCase(fuzz: FuzzCase): Promise<void> {
  const { file, schema, options, maxDocsPerBatch } = fuzz;
  const table = tableOf();
  let expected: Row[] | Error;
  try {
    expected = await recordRows(file, schema, table, options);
  } catch (error) {
    expected = error as Error;
  }
  const job = { file, schema, readerOptions: options, maxDocsPerBatch, timeColumn: 'c0',
    recordErrorNote: 'nothing of this file was ingested' };
  if (expected instanceof Error) {
    const message = expected.message;
    await assert.rejects(readCsvColumns(job), (error: unknown) =>
      error instanceof Error && error.message === message &&
      error.constructor === expected.constructor);
    return;
  }
  const batches = await readCsvColumns(job);
  assert.deepEqual(sameStoredInteger(schema, batchRows(schema, batches)),
    sameStoredInteger(schema, expected));
  batches.forEach((batch, index) => {
    const rows = expected.slice(index * maxDocsPerBatch, (index + 1) * maxDocsPerBatch);
    assert.equal(batch.columns.docCount, rows.length);
    const zeroed = (value: unknown) => (Object.is(value, -0) ? 0 : value);
    assert.deepEqual([batch.minTime, batch.maxTime].map(zeroed), timeBounds(rows, 'c0').map(zeroed));
  });
  assert.equal(batches.length, Math.ceil(expected.length / maxDocsPerBatch));
}

test('fuzz: columns read from random CSV equal the record reader and RowPreparer', async () => {
  const cases: FuzzCase[] = [];
  forEachSeed(300, (random) => {
    cases.push(randomCase(random));
  });
  assert.ok(cases.every((fuzz) => canReadCsvColumns(fuzz.schema, tableOf(), fuzz.options)));
  for (const fuzz of cases) {
    try {
      await compareCase(fuzz);
    } catch (error) {
      throw seeded(fuzz.seed, error);
    }
  }
});

test('the columnar path declines what needs whole records', () => {
  const schema = schemaOf([['a', 'INT'], ['b', 'STRING']]);
  assert.ok(canReadCsvColumns(schema, tableOf()));
  const filtered = tableOf({ ingestionConfig: { filterConfig: { filterFunction: 'a > 3' } } });
  assert.ok(!canReadCsvColumns(schema, filtered));
  const transformed = tableOf({ ingestionConfig: {
    transformConfigs: [{ columnName: 'a', transformFunction: 'plus(b, 1)' }],
  } });
  assert.ok(!canReadCsvColumns(schema, transformed));
  const multi = parseSchema({ schemaName: 's', dimensionFieldSpecs: [
    { name: 'a', dataType: 'INT', singleValueField: false }] }, () => undefined);
  assert.ok(!canReadCsvColumns(multi, tableOf()));
  assert.ok(!canReadCsvColumns(schema, tableOf(), { delimiter: '§' }));
  assert.ok(!canReadCsvColumns(schema, tableOf(), { multiValueDelimiter: '||' }));
  assert.ok(!canReadCsvColumns(schema, tableOf(), { multiValueDelimiter: '-' }));
});

test('type errors name the file, the record and the column', async () => {
  const schema = schemaOf([['id', 'INT'], ['name', 'STRING'], ['ts', 'LONG']]);
  const file = writeCsv('id,name,ts\n1,a,5\n2,b,x7\n');
  const note = 'nothing of this file was ingested';
  await assert.rejects(readCsvColumns({ file, schema, maxDocsPerBatch: 10, recordErrorNote: note }),
    (error: unknown) => error instanceof DataError && !(error instanceof RecordReadError) &&
      error.message.startsWith(`${file}: record 2: column "ts": cannot convert "x7"`) &&
      error.message.endsWith(`dataType in the schema; ${note}`));
  await assert.rejects(readCsvColumns({ file, schema, maxDocsPerBatch: 10 }),
    (error: unknown) => error instanceof DataError && error.message.endsWith('in the schema'));
  const short = writeCsv('id,name,ts\n1,a,5\r\n"2\n",b\n');
  await assert.rejects(readCsvColumns({ file: short, schema, maxDocsPerBatch: 10 }),
    (error: unknown) => error instanceof RecordReadError &&
      error.message === `${short}: line 3: 2 fields where the header has 3`);
});

test('rows across read chunks and a row longer than one read', async () => {
  const schema = schemaOf([['id', 'LONG'], ['note', 'STRING', { maxLength: 4 }]]);
  const long = 'y'.repeat(9 << 20);
  const rows = Array.from({ length: 200_000 }, (_, id) => `${id},"note ${id % 7}\nx"`);
  rows.splice(100_000, 0, `-1,"${long}"`);
  const file = writeCsv(`id,note\n${rows.join('\n')}\n`);
  const batches = await readCsvColumns({ file, schema, maxDocsPerBatch: 150_000, timeColumn: 'id' });
  assert.deepEqual(batches.map((batch) => batch.columns.docCount), [150_000, 50_001]);
  assert.deepEqual([batches[0]!.minTime, batches[0]!.maxTime], [-1n, 149_998n]);
  const read = batchRows(schema, batches);
  assert.deepEqual(read[100_000], { id: -1n, note: 'yyyy' });
  assert.deepEqual(read[200_000], { id: 199_999n, note: 'note' });
  assert.equal(read.filter((row) => row['note'] === 'note').length, 200_000);
});
