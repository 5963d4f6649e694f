import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryExpr, CallExpr, Expr, LogicalExpr, SelectQuery } from '../../host/sql/ast.js';
import { formatExpr, formatSql } from '../../host/sql/format.js';
import { parseExpression, parseSql } from '../../host/sql/parser.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';
import { withoutPositions } from './astSupport.js';

function query(sql: string): SelectQuery {
  return parseSql(sql).query;
}

function selectExpr(sql: string, index = 0): Expr {
  const item = query(sql).selectList[index];
  assert.ok(item !== undefined && item.kind === 'expr');
  return item.expr;
}

test('a plain aggregation query has its parts in place', () => {
  const q = query('SELECT COUNT(*), MAX("Year") FROM mytable WHERE a > 5 LIMIT 4');
  assert.equal(q.from.name, 'mytable');
  assert.equal(q.limit, 4);
  assert.equal(q.offset, undefined);
  const count = selectExpr('SELECT COUNT(*) FROM t') as CallExpr;
  assert.equal(count.kind, 'call');
  assert.equal(count.name, 'COUNT');
  assert.deepEqual(count.args.map((a) => a.kind), ['star']);
  const max = q.selectList[1];
  assert.ok(max?.kind === 'expr' && max.expr.kind === 'call');
  assert.deepEqual(withoutPositions(max.expr.args[0]), {
    kind: 'identifier',
    name: 'Year',
    quoted: true,
  });
  assert.deepEqual(withoutPositions(q.where), {
    kind: 'binary',
    op: '>',
    left: { kind: 'identifier', name: 'a', quoted: false },
    right: { kind: 'literal', type: 'INT', value: 5, text: '5' },
  });
});

test('operator precedence follows SQL: NOT > AND > OR, * over +, comparisons between', () => {
  const e = parseExpression('a = 1 OR NOT b = 2 AND c + 2 * 3 > 4');
  assert.equal(formatExpr(e), '(a = 1) OR ((NOT (b = 2)) AND ((c + (2 * 3)) > 4))');
  const chain = parseExpression('a OR b OR c AND d') as LogicalExpr;
  assert.equal(chain.op, 'OR');
  assert.equal(chain.operands.length, 3);
  assert.equal(formatExpr(parseExpression('a - b - c')), '(a - b) - c');
  assert.equal(formatExpr(parseExpression('-a * b')), '-(a) * b');
});

test('literals: INT, LONG beyond 2^53 exact, DOUBLE, strings with quotes, booleans, null', () => {
  const literal = (text: string) => parseExpression(text);
  assert.deepEqual(withoutPositions(literal('2147483647')), {
    kind: 'literal', type: 'INT', value: 2147483647, text: '2147483647',
  });
  assert.deepEqual(withoutPositions(literal('9007199254740993')), {
    kind: 'literal', type: 'LONG', value: 9007199254740993n, text: '9007199254740993',
  });
  assert.deepEqual(withoutPositions(literal('-9223372036854775808')), {
    kind: 'literal', type: 'LONG', value: -9223372036854775808n, text: '-9223372036854775808',
  });
  assert.deepEqual(withoutPositions(literal('-30.0')), {
    kind: 'literal', type: 'DOUBLE', value: -30, text: '-30.0',
  });
  assert.deepEqual(withoutPositions(literal('1.5e3')), {
    kind: 'literal', type: 'DOUBLE', value: 1500, text: '1.5e3',
  });
  assert.deepEqual(withoutPositions(literal("'it''s'")), {
    kind: 'literal', type: 'STRING', value: "it's",
  });
  assert.equal((literal('TRUE') as { value: unknown }).value, true);
  assert.equal((literal('null') as { type: string }).type, 'NULL');
});

test('predicates: BETWEEN, IN, LIKE, REGEXP_LIKE, IS NULL and their negations', () => {
  const q = query(
    "SELECT a FROM t WHERE a NOT BETWEEN 1 AND 2 AND b IN ('x', 'y') AND c NOT IN (3) " +
      "AND d LIKE 'a%' ESCAPE '\\' AND e NOT LIKE '_' AND REGEXP_LIKE(f, '^x') " +
      'AND g IS NULL AND h IS NOT NULL',
  );
  const where = q.where as LogicalExpr;
  assert.deepEqual(
    where.operands.map((o) => [o.kind, 'negated' in o ? o.negated : undefined]),
    [
      ['between', true],
      ['in', false],
      ['in', true],
      ['like', false],
      ['like', true],
      ['call', undefined],
      ['isNull', false],
      ['isNull', true],
    ],
  );
});

test('GROUP BY and ORDER BY resolve ordinals and aliases; HAVING resolves aliases', () => {
  const q = query(
    'SELECT Carrier AS c, COUNT(*) AS cnt FROM t GROUP BY 1 HAVING cnt > 10 ' +
      'ORDER BY cnt DESC NULLS LAST, 1 ASC NULLS FIRST LIMIT 5, 10',
  );
  assert.equal(formatExpr(q.groupBy[0]!), 'Carrier');
  assert.equal(formatExpr(q.having!), 'COUNT(*) > 10');
  assert.deepEqual(
    q.orderBy.map((o) => [formatExpr(o.expr), o.descending, o.nullsFirst]),
    [
      ['COUNT(*)', true, false],
      ['Carrier', false, true],
    ],
  );
  assert.equal(q.offset, 5);
  assert.equal(q.limit, 10);
  assert.equal(query('SELECT a FROM t LIMIT 10 OFFSET 20').offset, 20);
});

test('SET prefixes and OPTION suffixes become query options; EXPLAIN PLAN FOR is flagged', () => {
  const statement = parseSql(
    "SET enableNullHandling = true; SET \"timeoutMs\"=5000; SET tag = 'a b';\n" +
      'EXPLAIN PLAN FOR SELECT a FROM t OPTION(numGroupsLimit=10, timeoutMs = 100);',
  );
  assert.equal(statement.explain, true);
  assert.deepEqual(statement.queryOptions, {
    enableNullHandling: 'true',
    timeoutMs: '100',
    tag: 'a b',
    numGroupsLimit: '10',
  });
});

test('DISTINCT, COUNT(DISTINCT), FILTER, CASE, CAST, quoted aliases, comments', () => {
  const q = query(
    'SELECT DISTINCT a, b AS "my col" -- trailing comment\n FROM t /* block */ LIMIT 3',
  );
  assert.equal(q.distinct, true);
  assert.deepEqual(
    q.selectList.map((s) => (s.kind === 'expr' ? s.alias : '*')),
    [undefined, 'my col'],
  );
  const distinct = selectExpr('SELECT COUNT(DISTINCT x) FROM t') as CallExpr;
  assert.equal(distinct.distinct, true);
  const filtered = selectExpr('SELECT SUM(x) FILTER (WHERE y > 1) FROM t') as CallExpr;
  assert.equal(formatExpr(filtered.filter!), 'y > 1');
  const caseExpr = selectExpr("SELECT CASE a WHEN 1 THEN 'one' ELSE 'many' END FROM t");
  assert.equal(formatExpr(caseExpr), "CASE a WHEN 1 THEN 'one' ELSE 'many' END");
  const cast = selectExpr('SELECT CAST(a AS bigint) FROM t');
  assert.deepEqual(withoutPositions(cast), {
    kind: 'cast',
    value: { kind: 'identifier', name: 'a', quoted: false },
    targetType: 'BIGINT',
  });
  assert.equal(formatExpr(parseExpression("a || 'x'")), "concat(a, 'x')");
});

test('positions are 1-based line and column with a 0-based offset', () => {
  const q = query('SELECT a,\n  foo(b)\nFROM t');
  const item = q.selectList[1];
  assert.ok(item?.kind === 'expr');
  assert.deepEqual(item.expr.pos, { line: 2, column: 3, offset: 12 });
  const binary = parseExpression('x  +  y') as BinaryExpr;
  assert.deepEqual(binary.right.pos, { line: 1, column: 7, offset: 6 });
});

test('the printer re-parses to the same tree for every construct', () => {
  const statements = [
    "SET a = 'x'; SELECT DISTINCT a, b FROM \"my table\" WHERE NOT (a = 1 OR b <> 2) LIMIT 1",
    'SELECT -(a), - -5, 1 - -2, a % 3, CAST(a AS DOUBLE) FROM t ORDER BY a DESC NULLS FIRST',
    "SELECT \"select\", \"a\"\"b\" FROM t WHERE c NOT LIKE 'x''%' AND d IS NOT NULL",
    "SELECT CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' END FROM t GROUP BY a HAVING a > 1",
    'EXPLAIN PLAN FOR SELECT COUNT(*) FILTER (WHERE a IN (1, 2)) FROM t OPTION(x=1)',
  ];
  for (const sql of statements) {
    const parsed = parseSql(sql);
    const printed = formatSql(parsed);
    assert.deepEqual(withoutPositions(parseSql(printed)), withoutPositions(parsed), printed);
  }
});

/** Random expression text from the grammar, nested up to `depth` levels. */
function randomExpression(random: SeededRandom, depth: number): string {
  const leaves = ['a', '"Year"', '1', '-2', '2.5', "'s''q'", 'TRUE', 'NULL', '9007199254740993'];
  if (depth === 0 || random.bool(0.25)) return random.pick(leaves);
  const sub = (): string => {
    const text = randomExpression(random, depth - 1);
    return leaves.includes(text) ? text : `(${text})`;
  };
  const forms: (() => string)[] = [
    () => `${sub()} ${random.pick(['+', '-', '*', '/', '%', '=', '<>', '<', '>=', 'AND', 'OR'])} ${sub()}`,
    () => `(${sub()})`,
    () => `NOT ${sub()}`,
    () => `-${random.pick(['a', '(a + 1)', 'abs(a)'])}`,
    () => `${sub()} ${random.bool() ? 'NOT ' : ''}BETWEEN ${sub()} AND ${sub()}`,
    () => `${sub()} ${random.bool() ? 'NOT ' : ''}IN (${sub()}, ${sub()})`,
    () => `${sub()} ${random.bool() ? 'NOT ' : ''}LIKE ${sub()}`,
    () => `${sub()} IS ${random.bool() ? 'NOT ' : ''}NULL`,
    () => `fn(${sub()}, ${sub()})`,
    () => `CASE WHEN ${sub()} THEN ${sub()} ELSE ${sub()} END`,
    () => `CAST(${sub()} AS LONG)`,
  ];
  return random.pick(forms)();
}

test('fuzz: printed expressions re-parse to the same tree and print the same', () => {
  forEachSeed(300, (random) => {
    const text = randomExpression(random, 4);
    const parsed = parseExpression(text);
    const printed = formatExpr(parsed);
    const reparsed = parseExpression(printed);
    assert.deepEqual(withoutPositions(reparsed), withoutPositions(parsed), `${text}\n${printed}`);
    assert.equal(formatExpr(reparsed), printed);
  });
});
