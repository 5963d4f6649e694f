import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CsvRowTokenizer,
  CsvSyntaxError,
  RowScan,
} from '../../../host/ingest/readers/csvTokenizer.js';
import { forEachSeed, type SeededRandom } from '../../support/random.js';

type ParsedRow = { fields: (string | null)[]; line: number };
type Parsed = { rows: ParsedRow[] } | { errorLine: number; error: string };

/**
 * The reference: RFC 4180 one character at a time, as the record reader defines it (a CR
 * outside quotes is dropped, an unquoted empty field is null, a row of one null is blank).
 */
function referenceParse(text: string, delimiter: string): Parsed {
  const rows: ParsedRow[] = [];
  let fields: (string | null)[] = [];
  let [field, quoted, inQuotes, afterQuote, line, rowLine] = ['', false, false, false, 1, 1];
  const endField = () => {
    fields.push(field === '' && !quoted ? null : field);
    [field, quoted] = ['', false];
  };
  const endRow = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === null)) rows.push({ fields, line: rowLine });
    fields = [];
  };
  for (const char of text) {
    if (inQuotes) {
      if (char === '"') [inQuotes, afterQuote] = [false, true];
      else field += char;
      if (char === '\n') line++;
      continue;
    }
    if (char === '\r') continue;
    if (afterQuote) {
      afterQuote = false;
      if (char === '"') {
        [field, inQuotes] = [field + '"', true];
        continue;
      }
      if (char !== delimiter && char !== '\n') return { errorLine: line, error: 'after quote' };
    } else if (char === '"' && field === '' && !quoted) {
      [quoted, inQuotes] = [true, true];
      continue;
    }
    if (char === delimiter) endField();
    else if (char === '\n') {
      endRow();
      line++;
      rowLine = line;
    } else field += char;
  }
  if (inQuotes) return { errorLine: rowLine, error: 'not closed' };
  if (field !== '' || quoted || fields.length > 0) endRow();
  return { rows };
}

/** The tokenizer fed the way the file reader feeds it: growing prefixes of the bytes. */
function tokenizeInPieces(bytes: Buffer, delimiter: string, random: SeededRandom): Parsed {
  const tokenizer = new CsvRowTokenizer(delimiter.charCodeAt(0));
  const rows: ParsedRow[] = [];
  let [available, position, line] = [0, 0, 1];
  for (;;) {
    const atEnd = available === bytes.length;
    const view = bytes.subarray(0, available);
    let scan: RowScan;
    try {
      scan = tokenizer.tokenize(view, position, available, atEnd, line);
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      const kind = error.detail.includes('not closed') ? 'not closed' : 'after quote';
      return { errorLine: error.lineNumber, error: kind };
    }
    if (scan === RowScan.End) return { rows };
    if (scan === RowScan.NeedMore) {
      assert.ok(!atEnd, 'more is asked for only before the end');
      available = Math.min(bytes.length, available + random.int(1, 9));
      continue;
    }
    if (!tokenizer.isBlankRow()) {
      const fields = Array.from({ length: tokenizer.fieldCount },
        (_, index) => tokenizer.fieldText(view, index));
      rows.push({ fields, line });
    }
    line += tokenizer.rowLineBreaks;
    position = tokenizer.rowEnd;
  }
}

const PIECES = ['a', 'b', '7', ' ', ',', '\t', '"', '""', '\n', '\r', '\r\n', 'é', '😀', ';'];

function randomText(random: SeededRandom): string {
  const parts: string[] = [];
  const count = random.int(0, 40);
  for (let i = 0; i < count; i++) {
    // Mostly well-formed quoted fields, so that rows survive long enough to be compared.
    if (random.bool(0.2)) parts.push(`"${random.pick(['', 'x', 'a,b', 'l1\nl2', '""', 'c\r\n'])}"`);
    else parts.push(random.pick(PIECES));
  }
  return parts.join('');
}

test('fuzz: the byte tokenizer reads random text as the reference parser does', () => {
  forEachSeed(400, (random) => {
    const delimiter = random.pick([',', '\t']);
    const text = (random.bool(0.1) ? '' : 'h1,h2\n') + randomText(random);
    const expected = referenceParse(text, delimiter);
    const actual = tokenizeInPieces(Buffer.from(text, 'utf8'), delimiter, random);
    assert.deepEqual(actual, expected, JSON.stringify(text));
  });
});

test('CRLF, quotes, blank lines, a last row without a line break', () => {
  const text = 'a,b\r\n"x, ""y""",\r\n\r\n"multi\r\nline",2\n\n3,"4"';
  const random = { int: (min: number) => min } as unknown as SeededRandom;
  assert.deepEqual(tokenizeInPieces(Buffer.from(text), ',', random), {
    rows: [
      { fields: ['a', 'b'], line: 1 },
      { fields: ['x, "y"', null], line: 2 },
      { fields: ['multi\r\nline', '2'], line: 4 },
      { fields: ['3', '4'], line: 7 },
    ],
  });
});

test('a character after a closing quote and an unclosed quote name their lines', () => {
  const tokenizer = new CsvRowTokenizer(0x2c);
  const bytes = Buffer.from('"a\nb"é,1\n');
  assert.throws(() => tokenizer.tokenize(bytes, 0, bytes.length, true, 4),
    (error: unknown) => error instanceof CsvSyntaxError && error.lineNumber === 5 &&
      error.detail.startsWith('unexpected "é" after a closing quote'));
  const open = Buffer.from('1,"abc\n');
  assert.equal(tokenizer.tokenize(open, 0, open.length, false, 2), RowScan.NeedMore);
  assert.throws(() => tokenizer.tokenize(open, 0, open.length, true, 2),
    (error: unknown) => error instanceof CsvSyntaxError && error.lineNumber === 2 &&
      error.detail === 'a quoted field is not closed');
});

test('rows wider than the initial field arrays grow them', () => {
  const tokenizer = new CsvRowTokenizer(0x2c);
  const values = Array.from({ length: 300 }, (_, index) => String(index));
  const bytes = Buffer.from(`${values.join(',')}\n`);
  assert.equal(tokenizer.tokenize(bytes, 0, bytes.length, false, 1), RowScan.Row);
  assert.equal(tokenizer.fieldCount, 300);
  assert.equal(tokenizer.fieldText(bytes, 299), '299');
  assert.equal(tokenizer.rowEnd, bytes.length);
});
