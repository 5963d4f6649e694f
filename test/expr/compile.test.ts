import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../host/errors/errors.js';
import { compileRowExpression, compileRowExpressionText } from '../../host/expr/compile.js';
import {
  ExpressionError,
  UnknownColumnError,
  UnknownFunctionError,
} from '../../host/expr/errors.js';
import { formatExpr } from '../../host/sql/format.js';
import { parseExpression } from '../../host/sql/parser.js';
import { forEachSeed } from '../support/random.js';
import { evaluate } from './support.js';

test('three-valued logic: comparisons with NULL are NULL; AND/OR/NOT per SQL', () => {
  const row = { n: null, t: 1, f: 0 };
  const cases: [string, boolean | null][] = [
    ['n = 1', null],
    ['n <> 1', null],
    ['NOT (n = 1)', null],
    ['n = 1 AND t = 1', null],
    ['n = 1 AND f = 1', false],
    ['n = 1 OR t = 1', true],
    ['n = 1 OR f = 1', null],
    ['n IS NULL', true],
    ['t IS NOT NULL', true],
    ['n IN (1, 2)', null],
    ['1 IN (2, NULL)', null],
    ['1 IN (1, NULL)', true],
    ['1 NOT IN (2, NULL)', null],
    ['n BETWEEN 0 AND 2', null],
    ['5 BETWEEN 0 AND n', null],
    ['5 BETWEEN 6 AND n', false],
    ['5 NOT BETWEEN 6 AND n', true],
    ["n LIKE 'a%'", null],
    ['n + 1 > 0', null],
    ['coalesce(n, 2) = 2', true],
    ['n = 1 IS TRUE', false],
    ['n = 1 IS NOT TRUE', true],
    ['t = 1 IS TRUE', true],
    ['n = 1 IS FALSE', false],
    ['f = 1 IS FALSE', true],
    ['n = 1 IS NOT FALSE', true],
    ['n IS DISTINCT FROM 1', true],
    ['n IS NOT DISTINCT FROM NULL', true],
    ['t IS DISTINCT FROM 1', false],
  ];
  for (const [text, expected] of cases) assert.equal(evaluate(text, row), expected, text);
  assert.equal(evaluate('upper(n)', row), null);
  assert.equal(evaluate('CASE WHEN n = 1 THEN 1 ELSE 2 END', row), 2);
  assert.equal(evaluate('CASE n WHEN NULL THEN 1 ELSE 2 END', row), 2);
});

test('values compare across INT, LONG and DOUBLE exactly; strings compare to numbers', () => {
  const row = { big: 9007199254740993n, int: 5, str: '7', mv: [1, 2, 3] };
  assert.equal(evaluate('big = 9007199254740993', row), true);
  assert.equal(evaluate('big = 9007199254740992', row), false);
  assert.equal(evaluate('big > 9007199254740992.0', row), true);
  assert.equal(evaluate('big IN (9007199254740993, 1)', row), true);
  assert.equal(evaluate('big IN (9007199254740992, 1)', row), false);
  assert.equal(evaluate("int = '5'", row), true);
  assert.equal(evaluate("int < '10'", row), true);
  assert.equal(evaluate('str IN (7, 8)', row), true);
  assert.equal(evaluate('int IN (5.0, 6)', row), true);
  assert.equal(evaluate('mv = 2', row), true, 'a multi-value matches when any element does');
  assert.equal(evaluate('mv > 2', row), true);
  assert.equal(evaluate('mv IN (7, 8)', row), false);
  assert.equal(evaluate('-big', row), -9007199254740993n);
});

test('LIKE: % and _ wildcards, regex characters literal, ESCAPE', () => {
  const row = { s: 'a.b%c_d' };
  const cases: [string, boolean][] = [
    ["s LIKE 'a.b%'", true],
    ["s LIKE 'a_b%'", true],
    ["s LIKE 'a.b\\%c%' ESCAPE '\\'", true],
    ["s LIKE 'a.bx%' ESCAPE 'x'", false],
    ["s LIKE '%c!_d' ESCAPE '!'", true],
    ["s LIKE '%c!_' ESCAPE '!'", false],
    ["s NOT LIKE 'A%'", true],
    ["'a\nb' LIKE 'a_b'", true],
    ["s LIKE s", true],
  ];
  for (const [text, expected] of cases) assert.equal(evaluate(text, row), expected, text);
});

test('unknown functions and columns are typed errors naming them and their position', () => {
  assert.throws(
    () => compileRowExpressionText('1 +\n  noSuchFn(a)', (name) => name),
    (error) => {
      assert.ok(error instanceof UnknownFunctionError);
      assert.equal(error.functionName, 'noSuchFn');
      assert.deepEqual(error.position, { line: 2, column: 3, offset: 6 });
      assert.equal(error.errorCode, ErrorCode.QUERY_VALIDATION);
      assert.match(error.message, /^Unsupported function: noSuchFn at line 2, column 3;/);
      return true;
    },
  );
  assert.throws(
    () => compileRowExpressionText('toEpochDays(a, 1, 2)', (name) => name),
    /toEpochDays at line 1, column 1; it takes 1 arguments, but 3 were given/,
  );
  assert.throws(
    () => compileRowExpressionText('SUM(a)', (name) => name),
    /Unsupported function: SUM .*aggregations such as SUM are not allowed/,
  );
  const columns = new Set(['a']);
  assert.throws(
    () => compileRowExpressionText('a + b', (name) => (columns.has(name) ? name : undefined)),
    (error) => {
      assert.ok(error instanceof UnknownColumnError);
      assert.equal(error.columnName, 'b');
      assert.equal(error.errorCode, ErrorCode.UNKNOWN_COLUMN);
      assert.deepEqual(error.position, { line: 1, column: 5, offset: 4 });
      return true;
    },
  );
});

test('evaluation errors carry the position of the failing sub-expression', () => {
  const compiled = compileRowExpressionText("concat(s, 'x') || toDateTime(s, 'yyyy')", (n) => n);
  assert.throws(
    () => compiled.evaluate({ s: 'abc' }),
    (error) => {
      assert.ok(error instanceof ExpressionError);
      assert.equal(error.errorCode, ErrorCode.QUERY_EXECUTION);
      assert.match(error.message, /^Cannot convert 'abc' to a number; .* \(at line 1, column 19\)$/);
      return true;
    },
  );
});

test('constants fold at compile time; NOW does not; columns read are listed', () => {
  const folded = compileRowExpressionText("upper('a') = 'A' AND 1 + 2 = 3", (n) => n);
  assert.equal(folded.evaluate({}), true);
  const constant = compileRowExpressionText("concat('a', 'b')", (n) => n);
  assert.equal(constant.constant, true);
  assert.equal(constant.type, 'STRING');
  assert.equal(compileRowExpressionText('now()', (n) => n).constant, false);
  const mixed = compileRowExpressionText('a + toEpochDays(b) + a', (name) => `col_${name}`);
  assert.deepEqual(mixed.columns, ['col_a', 'col_b']);
  assert.equal(mixed.evaluate({ col_a: 1, col_b: 86400000n }), 3);
  const bad = compileRowExpressionText("CASE WHEN a > 0 THEN 1 ELSE toDateTime(1, 'q') END", (n) => n);
  assert.equal(bad.evaluate({ a: 1 }), 1, 'an error in an unreached branch stays unreached');
});

test('result types follow Pinot: arithmetic DOUBLE, epoch LONG, fields INT, predicates BOOLEAN', () => {
  const typeOf = (text: string): string =>
    compileRowExpressionText(text, (name) => ({ key: name, type: 'LONG' })).type;
  assert.equal(typeOf('a + b'), 'DOUBLE');
  assert.equal(typeOf('toEpochDays(a)'), 'LONG');
  assert.equal(typeOf('year(a)'), 'INT');
  assert.equal(typeOf('a > 1'), 'BOOLEAN');
  assert.equal(typeOf('a'), 'LONG');
  assert.equal(typeOf('CAST(a AS VARCHAR)'), 'STRING');
  assert.equal(typeOf("dateTimeConvert(a, '1:MILLISECONDS:EPOCH', '1:DAYS:EPOCH', '1:DAYS')"), 'LONG');
  assert.equal(
    typeOf("dateTimeConvert(a, '1:MILLISECONDS:EPOCH', '1:DAYS:SIMPLE_DATE_FORMAT:yyyy', '1:DAYS')"),
    'STRING',
  );
  assert.equal(typeOf("CASE WHEN a > 1 THEN 1 ELSE 2.5 END"), 'DOUBLE');
  assert.equal(typeOf('round(a, 10)'), 'LONG');
});

test('CAST prints DOUBLE columns the Java way and INT columns without a fraction', () => {
  const cast = (type: 'DOUBLE' | 'INT', value: number) =>
    compileRowExpressionText('CAST(x AS STRING)', () => ({ key: 'x', type })).evaluate({ x: value });
  assert.equal(cast('DOUBLE', 3), '3.0');
  assert.equal(cast('INT', 3), '3');
});

test('post-aggregation: resolveCall reads computed aggregates from the row', () => {
  const expr = parseExpression('SUM(ArrDelay) / COUNT(*) + 1');
  const compiled = compileRowExpression(expr, (name) => name, {
    resolveCall: (call) => formatExpr(call),
  });
  assert.deepEqual(compiled.columns, ['SUM(ArrDelay)', 'COUNT(*)']);
  assert.equal(compiled.evaluate({ 'SUM(ArrDelay)': 30, 'COUNT(*)': 4n }), 8.5);
});

test('ingestion transforms: toEpochDays and arithmetic over Pinot-style rows', () => {
  const transform = compileRowExpressionText('toEpochDays(ts)', (name) => name);
  assert.equal(transform.evaluate({ ts: 1700000000000n }), 19675n);
  assert.equal(transform.evaluate({ ts: null }), null);
  const filter = compileRowExpressionText("Carrier = 'AA' OR ArrDelay > 100", (name) => name);
  assert.equal(filter.evaluate({ Carrier: 'AA', ArrDelay: 3 }), true);
  assert.equal(filter.evaluate({ Carrier: 'DL', ArrDelay: 3 }), false);
});

test('fuzz: compiled arithmetic agrees with a plain JavaScript reference', () => {
  const ops = ['+', '-', '*', '/'] as const;
  forEachSeed(200, (random) => {
    const values = Array.from({ length: 4 }, () => random.int(-1000, 1000));
    const chosen = Array.from({ length: 3 }, () => random.pick(ops));
    const text = `((a ${chosen[0]} b) ${chosen[1]} c) ${chosen[2]} d`;
    const [a, b, c, d] = values as [number, number, number, number];
    const apply = (x: number, op: (typeof ops)[number], y: number): number =>
      op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y;
    const expected = apply(apply(apply(a, chosen[0]!, b), chosen[1]!, c), chosen[2]!, d);
    assert.deepEqual(evaluate(text, { a, b, c, d }), expected, text);
  });
});

test('deep expressions compile and evaluate without overflowing the stack', () => {
  const depth = 250;
  const text = `${'abs('.repeat(depth)}-1${')'.repeat(depth)}`;
  assert.equal(evaluate(text), 1);
  const long = Array.from({ length: 10_000 }, (_, i) => `a = ${i}`).join(' OR ');
  assert.equal(evaluate(long, { a: 9_999 }), true);
});
