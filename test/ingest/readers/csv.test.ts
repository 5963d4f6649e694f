import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvRecordReader, CsvParser } from '../../../host/ingest/readers/csv.js';
import { TEXT_CHUNK_BYTES } from '../../../host/ingest/readers/text.js';
import { RecordReadError } from '../../../host/ingest/readers/types.js';
import { forEachSeed } from '../../support/random.js';
import { readAll, temporaryDirectory } from './support.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

test('header row, quotes, escaped quotes, embedded delimiters and line breaks, CRLF', async () => {
  const text = 'id,name,note\r\n1,"Smith, J","said ""hi"""\r\n2,plain,"two\r\nlines"\r\n';
  assert.deepEqual(await readAll(csvRecordReader, bytes(text)), [
    { id: '1', name: 'Smith, J', note: 'said "hi"' },
    { id: '2', name: 'plain', note: 'two\r\nlines' },
  ]);
});

test('empty unquoted fields are null, quoted empty fields are empty strings', async () => {
  const records = await readAll(csvRecordReader, bytes('a,b,c\n,"",x\n'));
  assert.deepEqual(records, [{ a: null, b: '', c: 'x' }]);
});

test('no trailing line break, blank lines skipped, byte-order mark dropped', async () => {
  const records = await readAll(csvRecordReader, bytes('\uFEFFa,b\n\n1,2\n\n3,4'));
  assert.deepEqual(records, [{ a: '1', b: '2' }, { a: '3', b: '4' }]);
});

test('configurable delimiter and multi-value delimiter', async () => {
  const text = 'city|airports|name\nNYC|JFK;LGA;EWR|New York; NY\nSEA|SEA|Seattle\n';
  const all = await readAll(csvRecordReader, bytes(text), { delimiter: '|' });
  assert.deepEqual(all[0], { city: 'NYC', airports: ['JFK', 'LGA', 'EWR'], name: ['New York', ' NY'] });
  const columns = new Set(['airports']);
  const chosen = await readAll(csvRecordReader, bytes(text), { delimiter: '|', multiValueColumns: columns });
  assert.deepEqual(chosen, [
    { city: 'NYC', airports: ['JFK', 'LGA', 'EWR'], name: 'New York; NY' },
    { city: 'SEA', airports: ['SEA'], name: 'Seattle' },
  ]);
  const custom = await readAll(csvRecordReader, bytes('a\n1:2\n'), { multiValueDelimiter: ':' });
  assert.deepEqual(custom, [{ a: ['1', '2'] }]);
  const off = await readAll(csvRecordReader, bytes('a\n1;2\n'), { multiValueDelimiter: null });
  assert.deepEqual(off, [{ a: '1;2' }]);
});

test('an explicit header reads the first line as data', async () => {
  const records = await readAll(csvRecordReader, bytes('1,2\n'), { header: ['x', 'y'] });
  assert.deepEqual(records, [{ x: '1', y: '2' }]);
});

test('errors name the file and the line', async () => {
  const directory = temporaryDirectory('csv');
  const path = join(directory, 'bad.csv');
  const cases: [string, RegExp][] = [
    ['a,b\n1,2\n3\n', /bad\.csv: line 3: 1 fields where the header has 2/],
    ['a,b\n1,"x"y\n', /bad\.csv: line 2: unexpected "y" after a closing quote/],
    ['a,b\n1,"open\n\n', /bad\.csv: line 2: a quoted field is not closed/],
    ['a,a\n', /bad\.csv: line 1: header names column "a" twice/],
    [',b\n', /bad\.csv: line 1: header column 1 has no name/],
  ];
  for (const [text, message] of cases) {
    writeFileSync(path, text);
    await assert.rejects(readAll(csvRecordReader, path), (error: unknown) =>
      error instanceof RecordReadError && message.test(error.message));
  }
  await assert.rejects(readAll(csvRecordReader, bytes('a\n'), { delimiter: ';;' }), /delimiter/);
});

/** A field written the way an RFC 4180 writer would. */
function quoteField(value: string): string {
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value;
}

test('fuzz: any chunking of written rows parses back to the same fields', () => {
  const alphabet = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '😀'];
  forEachSeed(50, (random) => {
    const rows = Array.from({ length: random.int(1, 20) }, () =>
      Array.from({ length: 3 }, () =>
        Array.from({ length: random.int(1, 6) }, () => random.pick(alphabet)).join('')));
    const text = rows.map((row) => row.map(quoteField).join(',')).join('\r\n');
    const parsed: (string | null)[][] = [];
    const parser = new CsvParser(','.charCodeAt(0), (line, detail) => {
      throw new Error(`line ${line}: ${detail}`);
    });
    let offset = 0;
    while (offset < text.length) {
      const size = random.int(1, 7);
      for (const row of parser.push(text.slice(offset, offset + size))) parsed.push(row.fields);
      offset += size;
    }
    for (const row of parser.end()) parsed.push(row.fields);
    assert.deepEqual(parsed, rows);
  });
});

test('a file larger than one read chunk streams, quoted fields crossing chunk ends', async () => {
  const directory = temporaryDirectory('csv-large');
  const path = join(directory, 'large.tsv');
  const note = '"line one\nline two, with ""quotes"" and\ttab"';
  const row = (id: number): string => `${id}\t${note}\t${'é'.repeat(50)}`;
  const count = Math.ceil((3 * TEXT_CHUNK_BYTES) / row(0).length);
  const text = ['id\tnote\tpad', ...Array.from({ length: count }, (_, id) => row(id))].join('\n');
  writeFileSync(path, text);
  let expected = 0;
  for await (const record of csvRecordReader.open(path, { delimiter: '\t' })) {
    assert.equal(record['id'], String(expected));
    assert.equal(record['note'], 'line one\nline two, with "quotes" and\ttab');
    expected++;
  }
  assert.equal(expected, count);
});
