import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { canonicalFunctionName } from '../../host/expr/registry.js';
import { builtinFunctions } from '../../host/expr/builtins.js';
import { ExpressionError } from '../../host/expr/errors.js';
import { javaDoubleToString } from '../../host/expr/values.js';
import type { ExprValue } from '../../host/expr/types.js';
import { evaluate } from './support.js';

type Case = readonly [expression: string, expected: ExprValue];

function check(cases: readonly Case[]): void {
  for (const [expression, expected] of cases) {
    assert.deepEqual(evaluate(expression), expected, expression);
  }
}

test('arithmetic is DOUBLE, with Java semantics for %, division by zero and rounding', () => {
  check([
    ['1 + 2', 3],
    ['plus(1, 2)', 3],
    ['ADD(1, 2, 3)', 6],
    ['minus(10, 4)', 6],
    ['sub(10, 4)', 6],
    ['times(3, 4)', 12],
    ['mult(2, 3, 4)', 24],
    ['divide(7, 2)', 3.5],
    ['DIV(1, 4)', 0.25],
    ['7 / 0', Infinity],
    ['-7 % 3', -1],
    ['mod(7.5, 2)', 1.5],
    ['MOD(-7, 3)', -1],
    ['abs(-2.5)', 2.5],
    ['ceil(1.2)', 2],
    ['CEILING(-1.2)', -1],
    ['floor(-1.2)', -2],
    ['sqrt(16)', 4],
    ['power(2, 10)', 1024],
    ['POW(9, 0.5)', 3],
    ['ln(1)', 0],
    ['exp(0)', 1],
    ['log10(1000)', 3],
    ['sign(-3)', -1],
    ['roundDecimal(2.675, 2)', 2.68],
    ['roundDecimal(-2.5)', -3],
    ['roundDecimal(1234.5678, -2)', 1200],
    ['truncate(2.679, 2)', 2.67],
    ['round(2.5)', 3],
    ['round(1234, 100)', 1200n],
    ['least(3, 1, 2)', 1],
    ['greatest(3, 1, 2)', 3],
    ['intDiv(7, 2)', 3n],
    ['9007199254740993 + 0', 9007199254740992],
    ['sin(0)', 0],
    ['cos(0)', 1],
    ['tan(0)', 0],
    ['asin(1)', Math.PI / 2],
    ['acos(1)', 0],
    ['atan(0)', 0],
    ['atan2(1, 1)', Math.PI / 4],
    ['degrees(3.141592653589793)', 180],
    ['radians(180)', Math.PI],
    ['cbrt(27)', 3],
    ['negate(5)', -5],
    ['log2(8)', 3],
  ]);
});

test('string functions follow Pinot: 0-based substr, 1-based substring, Java compareTo', () => {
  check([
    ["upper('aBc')", 'ABC'],
    ["LOWER('aBc')", 'abc'],
    ["trim('  x  ')", 'x'],
    ["trim('BOTH', 'xy', 'xyaxy')", 'a'],
    ["trim('LEADING', 'x', 'xxax')", 'ax'],
    ["TRIM(TRAILING 'x' FROM 'xxaxx')", 'xxa'],
    ["TRIM(BOTH FROM '  a  ')", 'a'],
    ["TRIM('x' FROM 'xax')", 'a'],
    ["SUBSTRING('hello' FROM 2 FOR 3)", 'ell'],
    ["SUBSTRING('hello' FROM 3)", 'llo'],
    ["ltrim('  x  ')", 'x  '],
    ["rtrim('  x  ')", '  x'],
    ["substr('hello', 1)", 'ello'],
    ["substr('hello', 1, 3)", 'el'],
    ["substr('hello', 2, -1)", 'llo'],
    ["substr('hello', -3)", 'llo'],
    ["substr('hello', 4, 2)", ''],
    ["substring('hello', 2)", 'ello'],
    ["substring('hello', 2, 3)", 'ell'],
    ["SUBSTRING('hello', 0, 2)", 'h'],
    ["concat('a', 'b')", 'ab'],
    ["concat('a', 'b', '-')", 'a-b'],
    ["'x' || 'y'", 'xy'],
    ["replace('banana', 'an', 'AN')", 'bANANa'],
    ["replace('a$b', '$', '$$')", 'a$$b'],
    ["startsWith('hello', 'he')", true],
    ["ENDSWITH('hello', 'he')", false],
    ["starts_with('hello', 'he')", true],
    ["length('héllo')", 5],
    ["strpos('hello', 'l')", 2],
    ["strpos('hello', 'z')", -1],
    ["strpos('abcabc', 'c', 2)", 5],
    ["strrpos('abcabc', 'b')", 4],
    ["reverse('abc')", 'cba'],
    ["strcmp('a', 'c')", -2],
    ["strcmp('abc', 'ab')", 1],
    ["strcmp('x', 'x')", 0],
    ["lpad('7', 3, '0')", '007'],
    ["rpad('ab', 5, 'xy')", 'abxyx'],
    ["contains('hello', 'ell')", true],
    ["splitPart('a,b,,c', ',', 2)", 'c'],
    ["regexpExtract('foo123bar', '[0-9]+')", '123'],
    ["regexpExtract('foo123bar', '([a-z]+)([0-9]+)', 2)", '123'],
    ["regexpReplace('a1b22', '[0-9]+', '#')", 'a#b#'],
    ["codepoint('A')", 65],
    ['chr(66)', 'B'],
    ["leftSubStr('hello', 2)", 'he'],
    ["rightSubStr('hello', 2)", 'lo'],
    ["repeat('ab', 3)", 'ababab'],
  ]);
});

test('comparison, logical and conditional functions', () => {
  check([
    ['equals(1, 1.0)', true],
    ['notEquals(1, 2)', true],
    ['greater_than(3, 2)', true],
    ['greaterThanOrEqual(2, 2)', true],
    ['lessThan(2, 2)', false],
    ['lessThanOrEqual(2, 2)', true],
    ['between(5, 1, 10)', true],
    ['and(true, false)', false],
    ['or(false, true)', true],
    ['not(false)', true],
    ['coalesce(NULL, NULL, 3)', 3],
    ['coalesce(NULL)', null],
    ['isNull(NULL)', true],
    ['isNotNull(1)', true],
    ['isTrue(1)', true],
    ['isNotTrue(NULL)', true],
    ['isFalse(0)', true],
    ['isNotFalse(NULL)', true],
    ['isDistinctFrom(1, NULL)', true],
    ['isDistinctFrom(1, 1)', false],
    ['isNotDistinctFrom(NULL, NULL)', true],
    ["in('b', 'a', 'b')", true],
    ['notIn(3, 1, 2)', true],
    ["like('abc', 'a%')", true],
    ["regexp_like('abc', 'B', 'i')", true],
    ["regexpLike('abc', '^b')", false],
    ["CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END", 'b'],
    ["CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", 'two'],
    ["CASE 3 WHEN 1 THEN 'one' END", null],
    ["cast(5, 'VARCHAR')", '5'],
    ['CAST(2.9 AS INT)', 2],
    ['CAST(-2.9 AS INT)', -2],
    ["CAST('9223372036854775807' AS LONG)", 9223372036854775807n],
    ['CAST(1.0 AS VARCHAR)', '1.0'],
    ['CAST(1e7 AS STRING)', '1.0E7'],
    ['CAST(0.0001 AS STRING)', '1.0E-4'],
    ["CAST('1.5' AS DOUBLE)", 1.5],
    ['CAST(0 AS BOOLEAN)', false],
    ["CAST('2024-02-29 12:00:00' AS TIMESTAMP)", 1709208000000n],
    ["CAST('0a0b' AS BYTES)", new Uint8Array([10, 11])],
  ]);
});

test('every registered function name resolves case- and underscore-insensitively', () => {
  const registry = builtinFunctions();
  const names = registry.names();
  assert.ok(names.length >= 100, `${names.length} functions`);
  for (const name of names) {
    assert.equal(registry.lookup(name.toUpperCase())?.name, name);
    const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    assert.equal(registry.lookup(snake)?.name, name, snake);
  }
});

test('doubles print like Java Double.toString', () => {
  const cases: [number, string][] = [
    [1, '1.0'],
    [-0.5, '-0.5'],
    [123.456, '123.456'],
    [0.001, '0.001'],
    [0.0001, '1.0E-4'],
    [9999999, '9999999.0'],
    [1e7, '1.0E7'],
    [1.2345e-7, '1.2345E-7'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [-0, '-0.0'],
  ];
  for (const [value, text] of cases) assert.equal(javaDoubleToString(value), text);
});

test('bad arguments fail with an ExpressionError saying what to fix', () => {
  assert.throws(() => evaluate("1 + 'abc'"), (error) => {
    assert.ok(error instanceof ExpressionError);
    assert.match(error.message, /Cannot convert 'abc' to a number/);
    assert.match(error.message, /\(at line 1, column 1\)$/);
    return true;
  });
  assert.throws(() => evaluate('toEpochDaysRounded(1, 0)'), /Division by zero/);
  assert.throws(() => evaluate("CAST(1 AS WIDGET)"), /Cannot CAST to unknown type 'WIDGET'/);
  assert.throws(() => evaluate("regexpLike('a', '(')"), /Invalid regular expression/);
});

test('every registered function is called in a hand-checked case of these tests', () => {
  const directory = new URL('../../../test/expr/', import.meta.url);
  const sources = readdirSync(directory)
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => readFileSync(new URL(name, directory), 'utf8'))
    .join('\n');
  const called = new Set<string>();
  for (const match of sources.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\(/g)) {
    called.add(canonicalFunctionName(match[1]!));
  }
  const untested = builtinFunctions()
    .names()
    .filter((name) => !called.has(canonicalFunctionName(name)));
  assert.deepEqual(untested, []);
});
