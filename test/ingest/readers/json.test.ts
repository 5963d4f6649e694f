import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonRecordReader, parseJsonExact } from '../../../host/ingest/readers/json.js';
import { RecordReadError } from '../../../host/ingest/readers/types.js';
import { TEXT_CHUNK_BYTES } from '../../../host/ingest/readers/text.js';
import { readAll, temporaryDirectory } from './support.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

test('JSON lines: one object per line, blank lines and CRLF tolerated', async () => {
  const text = '{"a":1,"b":"x"}\r\n\n{"a":2,"b":null,"c":[1,2]}\n{"a":3}';
  assert.deepEqual(await readAll(jsonRecordReader, bytes(text)), [
    { a: 1, b: 'x' },
    { a: 2, b: null, c: [1, 2] },
    { a: 3 },
  ]);
});

test('a top-level array of objects', async () => {
  const text = ' \n[{"a":"x,]}","b":{"n":[1,{"m":2}]}},\n {"a":"\\"q\\""} ]\n';
  assert.deepEqual(await readAll(jsonRecordReader, bytes(text)), [
    { a: 'x,]}', b: { n: [1, { m: 2 }] } },
    { a: '"q"' },
  ]);
  assert.deepEqual(await readAll(jsonRecordReader, bytes('[]')), []);
  assert.deepEqual(await readAll(jsonRecordReader, bytes('')), []);
});

test('integers beyond 2^53 stay exact as bigint', async () => {
  const records = await readAll(jsonRecordReader, bytes(
    '{"big":9007199254740993,"neg":-9223372036854775808,"small":12,"text":"9007199254740993",' +
    '"dbl":1.5e300,"safe":9007199254740991}\n'));
  assert.deepEqual(records, [{
    big: 9007199254740993n,
    neg: -9223372036854775808n,
    small: 12,
    text: '9007199254740993',
    dbl: 1.5e300,
    safe: 9007199254740991,
  }]);
  assert.deepEqual(parseJsonExact('[12345678901234567890, "a\\"1234567890123456789"]'),
    [12345678901234567890n, 'a"1234567890123456789']);
});

test('a large file streams across chunk boundaries', async () => {
  const directory = temporaryDirectory('json');
  const path = join(directory, 'many.json');
  const line = JSON.stringify({ id: 0, text: 'x'.repeat(200), tags: ['a', 'b'] });
  const count = Math.ceil((3 * TEXT_CHUNK_BYTES) / line.length);
  const lines = Array.from({ length: count }, (_, id) => line.replace('"id":0', `"id":${id}`));
  writeFileSync(path, lines.join('\n'));
  let expected = 0;
  for await (const record of jsonRecordReader.open(path)) {
    assert.equal(record['id'], expected++);
  }
  assert.equal(expected, count);
  writeFileSync(path, `[${lines.join(',')}]`);
  assert.equal((await readAll(jsonRecordReader, path)).length, count);
});

test('errors name the file and the line or record', async () => {
  const directory = temporaryDirectory('json-bad');
  const path = join(directory, 'bad.json');
  const cases: [string, RegExp][] = [
    ['{"a":1}\n{"a":\n', /bad\.json: line 2: invalid JSON/],
    ['{"a":1}\n[1]\n', /bad\.json: line 2: expected a JSON object/],
    ['[{"a":1}, 3]', /bad\.json: record 2: expected a JSON object/],
    ['[{"a":1}', /bad\.json: end of file: the top-level array is not closed/],
    ['[{"a":1}] x', /bad\.json: after the top-level array: unexpected text/],
  ];
  for (const [text, message] of cases) {
    writeFileSync(path, text);
    await assert.rejects(readAll(jsonRecordReader, path), (error: unknown) =>
      error instanceof RecordReadError && message.test(error.message), text);
  }
});
