import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import avsc from 'avsc';
import { avroRecordReader } from '../../../host/ingest/readers/avro.js';
import { RecordReadError } from '../../../host/ingest/readers/types.js';
import { fixturePath, readAll, temporaryDirectory } from './support.js';

const AIRLINE_ROWS = 9746; // rows in Pinot's airlineStats_data.avro

test('reads the full airline Avro file', async () => {
  const path = fixturePath('airlineStats/airlineStats_data.avro');
  let count = 0;
  let first: Record<string, unknown> | undefined;
  let withTailNumNull = 0;
  for await (const record of avroRecordReader.open(path)) {
    first ??= record;
    if (record['TailNum'] === null) withTailNumNull++;
    count++;
  }
  assert.equal(count, AIRLINE_ROWS);
  assert.equal(first?.['DaysSinceEpoch'], 16071);
  assert.equal(first?.['Origin'], 'JFK');
  assert.equal(first?.['CancellationCode'], null);
  assert.deepEqual(first?.['DivAirports'], []);
  assert.equal((first?.['RandomAirports'] as string[]).length, 32);
  assert.ok(withTailNumNull >= 0);
  const fromBuffer = await readAll(avroRecordReader, readFileSync(path));
  assert.equal(fromBuffer.length, AIRLINE_ROWS);
  assert.deepEqual({ ...fromBuffer[0] }, { ...first });
});

const SCHEMA = {
  type: 'record',
  name: 'Example',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'maybe', type: ['null', 'string'] },
    { name: 'either', type: ['int', 'long'] },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'suit', type: { type: 'enum', name: 'Suit', symbols: ['HEARTS', 'SPADES'] } },
    { name: 'blob', type: 'bytes' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 } },
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
  ],
};

function writeExample(path: string): Promise<void> {
  const encoder = avsc.createFileEncoder(path, SCHEMA as avsc.Schema);
  const rows = [
    { id: 1, maybe: 'x', either: { int: 7 }, tags: ['a', 'b'], suit: 'HEARTS', blob: Buffer.from([1, 2]),
      price: Buffer.from([0x30, 0x39]), at: 1_500_000, day: 18629 },
    { id: 2, maybe: null, either: { long: 8 }, tags: [], suit: 'SPADES', blob: Buffer.alloc(0),
      price: Buffer.from([0xff, 0x85]), at: 0, day: 0 },
  ];
  return new Promise((resolve, reject) => {
    encoder.on('error', reject);
    encoder.on('finish', resolve);
    for (const row of rows) encoder.write(row);
    encoder.end();
  });
}

test('unions, arrays, enums, bytes and logical types read as Pinot reads them', async () => {
  const directory = temporaryDirectory('avro');
  const path = join(directory, 'example.avro');
  await writeExample(path);
  const plain = await readAll(avroRecordReader, path);
  assert.equal(plain.length, 2);
  assert.equal(plain[0]?.['maybe'], 'x');
  assert.equal(plain[1]?.['maybe'], null);
  assert.equal(plain[0]?.['either'], 7);
  assert.equal(plain[1]?.['either'], 8);
  assert.deepEqual(plain[0]?.['tags'], ['a', 'b']);
  assert.equal(plain[1]?.['suit'], 'SPADES');
  assert.deepEqual([...(plain[0]?.['blob'] as Uint8Array)], [1, 2]);
  assert.equal(plain[0]?.['at'], 1_500_000); // underlying long, as Pinot without logical types
  assert.equal(plain[0]?.['day'], 18629);
  const logical = await readAll(avroRecordReader, path, { avroLogicalTypes: true });
  assert.equal(logical[0]?.['price'], '123.45');
  assert.equal(logical[1]?.['price'], '-1.23');
  assert.equal(logical[0]?.['at'], 1500);
});

/** A long type that writes bigints, so that the test can produce longs beyond 2^53. */
const bigintLongType = avsc.types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(0),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON: (value: unknown) => BigInt(value as string),
  toJSON: (value: bigint) => Number(value),
  isValid: (value: unknown) => typeof value === 'bigint',
  compare: (left: bigint, right: bigint) => (left < right ? -1 : left > right ? 1 : 0),
});

test('longs beyond 2^53 stay exact, smaller ones are numbers', async () => {
  const directory = temporaryDirectory('avro-long');
  const path = join(directory, 'long.avro');
  const schema = { type: 'record', name: 'L', fields: [{ name: 'v', type: 'long' }] };
  const type = avsc.Type.forSchema(schema as avsc.Schema, {
    typeHook: (typeSchema: avsc.Schema) => (typeSchema === 'long' ? bigintLongType : undefined),
  });
  const values = [2n ** 62n + 1n, -(2n ** 63n), 5n];
  const encoder = avsc.createFileEncoder(path, type as unknown as avsc.Schema);
  await new Promise<void>((resolve, reject) => {
    encoder.on('error', reject);
    encoder.on('finish', () => resolve());
    for (const v of values) encoder.write({ v });
    encoder.end();
  });
  const records = await readAll(avroRecordReader, path);
  assert.deepEqual(records.map((record) => record['v']), [2n ** 62n + 1n, -(2n ** 63n), 5]);
});

test('a corrupt file is refused with its name', async () => {
  const directory = temporaryDirectory('avro-bad');
  const path = join(directory, 'bad.avro');
  writeFileSync(path, 'not avro at all');
  await assert.rejects(readAll(avroRecordReader, path), (error: unknown) =>
    error instanceof RecordReadError && /bad\.avro: header: not a readable Avro/.test(error.message));
  const truncated = readFileSync(fixturePath('airlineStats/airlineStats_data.avro')).subarray(0, 100_000);
  await assert.rejects(readAll(avroRecordReader, truncated), RecordReadError);
});
