// CSV output (RFC 4180) and the progress line, without spawning the CLI.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, formatCsv } from '../../host/cli/csv.js';
import { formatBar, formatCount, ProgressLine } from '../../host/cli/progress.js';
import type { ResultTable } from '../../host/query/response.js';
import { parseCsv } from './csvParse.js';

describe('CSV output', () => {
  test('quotes fields with commas, quotes and line breaks, and nothing else', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('cr\r'), '"cr\r"');
    assert.equal(csvField(''), '');
  });

  test('a table reads back cell for cell, CRLF line ends, nulls empty, arrays as JSON', () => {
    const table: ResultTable = {
      dataSchema: {
        columnNames: ['name', 'count', 'big', 'tags', 'missing'],
        columnDataTypes: ['STRING', 'INT', 'LONG', 'STRING_ARRAY', 'DOUBLE'],
      },
      rows: [
        ['a,"b"\nc', 1, 9007199254740993n, ['x', 'y,z'], null],
        ['plain', -2, 3, [], 1.5],
      ],
    };
    const text = formatCsv(table);
    assert.ok(text.endsWith('\r\n'));
    assert.equal(text.split('\r\n')[0], 'name,count,big,tags,missing');
    assert.deepEqual(parseCsv(text), [
      ['name', 'count', 'big', 'tags', 'missing'],
      ['a,"b"\nc', '1', '9007199254740993', '["x","y,z"]', ''],
      ['plain', '-2', '3', '[]', '1.5'],
    ]);
  });
});

describe('progress line', () => {
  function recorder(isTTY: boolean) {
    const writes: string[] = [];
    return { stream: { isTTY, write: (text: string) => writes.push(text) }, writes };
  }

  test('counts and bars', () => {
    assert.equal(formatCount(1234, 'rows'), '1,234 rows');
    assert.equal(formatCount(2_500_000, 'rows'), '2.5M rows');
    assert.equal(formatCount(512, 'bytes'), '512 B');
    assert.equal(formatCount(3 * 1024 * 1024, 'bytes'), '3.0 MiB');
    assert.equal(formatBar(0.5), `[${'#'.repeat(15)}${'.'.repeat(15)}]  50%`);
    assert.equal(formatBar(2), `[${'#'.repeat(30)}] 100%`);
  });

  test('piped: no redraws, one plain line at the end with the rate', () => {
    const { stream, writes } = recorder(false);
    let now = 0;
    const line = new ProgressLine(stream, 'data.avro', 'rows', undefined, () => now);
    for (let i = 1; i <= 10; i++) {
      now += 100;
      line.update(i * 1000);
    }
    line.finish(10_000, 'done');
    assert.deepEqual(writes, ['data.avro  10,000 rows  10,000 rows/s done\n']);
  });

  test('terminal: redraws in place at most every 100 ms, bar when the total is known', () => {
    const { stream, writes } = recorder(true);
    let now = 0;
    const line = new ProgressLine(stream, 'f', 'bytes', 2048, () => now);
    line.update(512);
    now += 10;
    line.update(1024);
    now += 200;
    line.update(1024);
    line.finish(2048);
    assert.equal(writes.length, 3);
    assert.ok(writes[0]!.startsWith('\r\u001b[2K'));
    assert.ok(writes[1]!.includes(' 50%'), writes[1]);
    assert.ok(writes[2]!.endsWith('\n') && writes[2]!.includes('100%'), writes[2]);
  });
});
