import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ErrorCode } from '../../host/errors/errors.js';
import { SqlParseError } from '../../host/sql/errors.js';
import { MAX_EXPRESSION_DEPTH, parseExpression, parseSql } from '../../host/sql/parser.js';
import { forEachSeed } from '../support/random.js';

interface ErrorCase {
  readonly line: number;
  readonly column: number;
  readonly messagePrefix: string;
  readonly sql: string;
}

/** Reads test/fixtures/sql/parse_errors.test (format described in its header). */
function loadErrorCases(): ErrorCase[] {
  const url = new URL('../../../test/fixtures/sql/parse_errors.test', import.meta.url);
  const blocks = readFileSync(url, 'utf8').split(/\n\s*\n/);
  const cases: ErrorCase[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => !line.startsWith('#'));
    const header = /^expect: (\d+):(\d+) (.*)$/.exec(lines[0] ?? '');
    if (header === null) continue;
    cases.push({
      line: Number(header[1]),
      column: Number(header[2]),
      messagePrefix: header[3]!,
      sql: lines.slice(1).join('\n'),
    });
  }
  return cases;
}

function parseError(sql: string): SqlParseError {
  try {
    parseSql(sql);
  } catch (error) {
    assert.ok(error instanceof SqlParseError, `expected SqlParseError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected a parse error for: ${sql}`);
}

function offsetOf(sql: string, line: number, column: number): number {
  const lines = sql.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1; i++) offset += lines[i]!.length + 1;
  return offset + column - 1;
}

test('every bad query in the fixture fails at the exact line, column and offset', () => {
  const cases = loadErrorCases();
  assert.ok(cases.length >= 20, `only ${cases.length} cases loaded`);
  for (const { line, column, messagePrefix, sql } of cases) {
    const error = parseError(sql);
    assert.equal(error.errorCode, ErrorCode.SQL_PARSING);
    assert.deepEqual(
      error.position,
      { line, column, offset: offsetOf(sql, line, column) },
      `${sql}\n${error.message}`,
    );
    assert.ok(error.message.startsWith(messagePrefix), `${sql}\n${error.message}`);
  }
});

test('an empty query asks for SELECT', () => {
  const error = parseError('  ');
  assert.deepEqual(error.position, { line: 1, column: 3, offset: 2 });
  assert.match(error.message, /^Encountered "<EOF>" at line 1, column 3\. Was expecting: "SELECT"/);
});

test('nesting up to the limit parses; one level more fails fast with a clear error', () => {
  const nested = (depth: number): string => `${'('.repeat(depth)}a${')'.repeat(depth)}`;
  assert.equal(parseExpression(nested(MAX_EXPRESSION_DEPTH - 2)).kind, 'identifier');
  assert.throws(() => parseExpression(nested(MAX_EXPRESSION_DEPTH + 1)), (error) => {
    assert.ok(error instanceof SqlParseError);
    assert.match(error.message, /deeper than 256 levels; simplify the query/);
    return true;
  });
  const calls = `${'abs('.repeat(MAX_EXPRESSION_DEPTH + 1)}a${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`;
  assert.throws(() => parseExpression(calls), SqlParseError);
  const additions = `a${' + a'.repeat(MAX_EXPRESSION_DEPTH * 2)}`;
  assert.throws(() => parseExpression(additions), /deeper than/);
});

/**
 * Generous on purpose: the test machine may be shared; what this catches is quadratic work or
 * deep recursion, which take minutes or overflow the stack on a megabyte of input.
 */
const TIME_LIMIT_MS = 15_000;

test('1 MB queries: a long IN list and a long OR chain parse; deep nesting fails fast', () => {
  const megabyte = 1 << 20;
  const values = Array.from({ length: megabyte / 8 }, (_, i) => String(1_000_000 + i));
  const inQuery = `SELECT COUNT(*) FROM t WHERE a IN (${values.join(', ')})`;
  assert.ok(inQuery.length >= megabyte);
  let started = performance.now();
  const parsed = parseSql(inQuery).query.where;
  assert.ok(parsed?.kind === 'in' && parsed.list.length === values.length);
  assert.ok(performance.now() - started < TIME_LIMIT_MS, 'a 1 MB IN list parses in time');

  const terms = Array.from({ length: megabyte / 8 }, (_, i) => `a = ${i}`);
  const orQuery = `SELECT a FROM t WHERE ${terms.join(' OR ')}`;
  assert.ok(orQuery.length >= megabyte);
  const or = parseSql(orQuery).query.where;
  assert.ok(or?.kind === 'logical' && or.operands.length === terms.length);

  started = performance.now();
  assert.throws(() => parseSql(`SELECT ${'('.repeat(megabyte)}a FROM t`), SqlParseError);
  assert.throws(() => parseSql(`SELECT ${'-'.repeat(megabyte)}a FROM t`), SqlParseError);
  assert.throws(() => parseSql(`SELECT 'abc${'x'.repeat(megabyte)}`), /not terminated/);
  assert.ok(performance.now() - started < TIME_LIMIT_MS, 'deep inputs fail in time');
});

test('garbage input only ever fails with SqlParseError at a position inside the text', () => {
  const alphabet = [
    'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'ORDER', 'LIMIT', 'AND', 'OR', 'NOT', 'IN',
    'BETWEEN', 'LIKE', 'IS', 'NULL', 'CASE', 'WHEN', 'THEN', 'END', 'CAST', 'AS', 'OPTION',
    'SET', '(', ')', ',', ';', '=', '<>', '+', '-', '*', '/', "'s'", "'", '"q"', '"', '1',
    '2.5', '1e', 'a', 'b', 'count', '.', '#', '\n', '--', '/*', '*/', 'FILTER', 'DISTINCT',
  ];
  forEachSeed(200, (random) => {
    const length = random.int(0, 40);
    const parts = Array.from({ length }, () => random.pick(alphabet));
    const sql = parts.join(random.bool() ? ' ' : '');
    try {
      parseSql(sql);
    } catch (error) {
      assert.ok(error instanceof SqlParseError, `${sql}: ${String(error)}`);
      assert.ok(error.position.offset >= 0 && error.position.offset <= sql.length, sql);
      assert.equal(error.errorCode, ErrorCode.SQL_PARSING);
    }
  });
});
