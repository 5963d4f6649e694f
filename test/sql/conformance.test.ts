import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatSql } from '../../host/sql/format.js';
import { parseSql } from '../../host/sql/parser.js';
import { withoutPositions } from './astSupport.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../../test/fixtures/sql/${name}`, import.meta.url), 'utf8');
}

/** Pinot's conformance queries: one JSON object per line with the query under "sql". */
function pinotQueries(): string[] {
  return fixture('pinot_test_queries_200.sql')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { sql: string }).sql);
}

function dialectStatements(): string[] {
  return fixture('dialect.sql')
    .split('\n')
    .filter((line) => line.trim().length > 0 && !line.startsWith('--'));
}

function assertRoundTrip(sql: string): void {
  const parsed = parseSql(sql);
  const printed = formatSql(parsed);
  assert.deepEqual(
    withoutPositions(parseSql(printed)),
    withoutPositions(parsed),
    `round trip changed the tree:\n  ${sql}\n  ${printed}`,
  );
}

test("all 200 of Pinot's conformance queries parse and round-trip", () => {
  const queries = pinotQueries();
  assert.equal(queries.length, 200);
  for (const sql of queries) {
    const { query } = parseSql(sql);
    assert.equal(query.from.name, 'mytable', sql);
    const limit = /LIMIT (\d+)\s*$/.exec(sql);
    assert.equal(query.limit, limit === null ? undefined : Number(limit[1]), sql);
    assertRoundTrip(sql);
  }
});

test('the dialect fixture parses and round-trips statement by statement', () => {
  const statements = dialectStatements();
  assert.ok(statements.length >= 25);
  for (const sql of statements) assertRoundTrip(sql);
});

test('conformance queries keep their WHERE structure: AND binds tighter than OR', () => {
  const sql =
    'SELECT COUNT(*) FROM mytable WHERE CRSArrTime <> 1940 OR DivTailNums > ' +
    "'N854AS' AND DayOfWeek NOT IN (3, 1, 6) LIMIT 15";
  assert.ok(pinotQueries().includes(sql));
  const where = parseSql(sql).query.where;
  assert.ok(where?.kind === 'logical' && where.op === 'OR');
  assert.deepEqual(
    where.operands.map((operand) => operand.kind),
    ['binary', 'logical'],
  );
});
