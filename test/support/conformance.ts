// The harness of Pinot's 200 conformance queries (test/fixtures/sql/pinot_test_queries_200.sql)
// on the airline data: each answer compared with DuckDB holding the same rows. The rules follow
// Pinot's ClusterIntegrationTestUtils, stricter: numbers equal to 1e-9 relative; every returned
// row is present in DuckDB's full (un-LIMITed) result; with ORDER BY, the ordering columns equal
// DuckDB's at every position (rows with equal keys may swap). Any way in (library, HTTP,
// real-time, hybrid) runs the same checks through a `ConformanceTarget`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSql } from '../../host/sql/parser.js';
import { formatExpr } from '../../host/sql/format.js';
import type { BrokerResponse, QueryException, ResultCell } from '../../host/query/response.js';
import type { DuckDbTable } from './airline.js';

/** What the harness needs of an answer: Pinot's exceptions and result rows. */
export interface ConformanceAnswer {
  readonly exceptions: readonly QueryException[];
  readonly resultTable?: { readonly rows: readonly (readonly ResultCell[])[] };
}

/** Runs one SQL statement against the system under test. */
export type ConformanceTarget = (sql: string) => Promise<ConformanceAnswer>;

/** Relative tolerance for numbers: sums over doubles differ in the last bits by order. */
const RELATIVE_TOLERANCE = 1e-9;

export interface ConformanceQuery {
  readonly sql: string;
  readonly duckSql: string;
}

export function conformanceQueries(): ConformanceQuery[] {
  const url = new URL('../../../test/fixtures/sql/pinot_test_queries_200.sql', import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const entry = JSON.parse(line) as { sql: string; hsqls?: string[] };
      // The H2 rewrites quote with backticks; DuckDB quotes identifiers with double quotes.
      const duckSql = (entry.hsqls?.[0] ?? entry.sql).replaceAll('`', '"');
      return { sql: entry.sql, duckSql };
    });
}

type Cell = ResultCell | undefined;

function isNeutralAggregate(value: Cell): boolean {
  // Pinot's answers for an aggregation over no rows without null handling; SQL says NULL.
  return value === 0 || value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY;
}

function cellsEqual(ours: Cell, theirs: unknown, nullHandling: boolean): boolean {
  if (theirs === null || theirs === undefined) {
    return ours === null || (!nullHandling && isNeutralAggregate(ours));
  }
  if (ours === null || ours === undefined) return false;
  if (Array.isArray(ours) || Array.isArray(theirs)) {
    if (!Array.isArray(ours) || !Array.isArray(theirs) || ours.length !== theirs.length)
      return false;
    return ours.every((item, i) => cellsEqual(item, (theirs as unknown[])[i], nullHandling));
  }
  const isNumber = (value: unknown): value is number | bigint =>
    typeof value === 'number' || typeof value === 'bigint';
  if (isNumber(ours) && isNumber(theirs)) {
    if (typeof ours === 'bigint' && typeof theirs === 'bigint') return ours === theirs;
    const a = Number(ours);
    const b = Number(theirs);
    if (a === b) return true;
    return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }
  // Strings and booleans: DuckDB's JS values are plain strings, numbers and booleans here.
  return String(ours) === String(theirs as string | boolean);
}

function rowsEqual(
  ours: readonly Cell[],
  theirs: readonly unknown[],
  nullHandling: boolean,
): boolean {
  return (
    ours.length === theirs.length &&
    ours.every((cell, i) => cellsEqual(cell, theirs[i], nullHandling))
  );
}

/** Positions of the select items that ORDER BY names (only those must match per position). */
function orderColumnPositions(sql: string): number[] {
  const { query } = parseSql(sql);
  const selected = query.selectList.map((item) =>
    item.kind === 'expr' ? formatExpr(item.expr) : '*',
  );
  return query.orderBy
    .map((item) => selected.indexOf(formatExpr(item.expr)))
    .filter((position) => position >= 0);
}

async function duckRows(duck: DuckDbTable, sql: string): Promise<unknown[][]> {
  const reader = await duck.connection.runAndReadAll(sql);
  return reader.getRowsJS() as unknown[][];
}

async function checkQuery(
  target: ConformanceTarget,
  duck: DuckDbTable,
  query: ConformanceQuery,
  nullHandling: boolean,
): Promise<void> {
  const prefix = nullHandling ? 'SET enableNullHandling=true; ' : '';
  const response = await target(prefix + query.sql);
  assert.deepEqual(response.exceptions, [], `${query.sql}: exceptions`);
  const ours = response.resultTable!.rows;
  const full = await duckRows(duck, query.duckSql.replace(/\s+LIMIT\s+\d+\s*$/i, ''));
  const limited = await duckRows(duck, query.duckSql);
  const limitMatch = /\sLIMIT\s+(\d+)\s*$/i.exec(query.sql);
  const isAggregationOnly =
    parseSql(query.sql).query.groupBy.length === 0 &&
    /\b(COUNT|SUM|AVG|MIN|MAX)\(/i.test(query.sql);
  const expectedCount = isAggregationOnly
    ? full.length
    : Math.min(full.length, Number(limitMatch?.[1] ?? 10));
  assert.equal(
    ours.length,
    expectedCount,
    `${query.sql}: row count (DuckDB full result has ${full.length})`,
  );
  const unmatched = [...full];
  for (const row of ours) {
    const index = unmatched.findIndex((candidate) => rowsEqual(row, candidate, nullHandling));
    assert.ok(
      index >= 0,
      `${query.sql}: row ${JSON.stringify(row, bigintJson)} is not in DuckDB's result`,
    );
    unmatched.splice(index, 1);
  }
  for (const position of orderColumnPositions(query.sql)) {
    ours.forEach((row, i) => {
      assert.ok(
        cellsEqual(row[position], limited[i]?.[position], nullHandling),
        `${query.sql}: ORDER BY column ${position} at row ${i}: ${String(row[position])} vs ${String(limited[i]?.[position])}`,
      );
    });
  }
}

function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Runs all 200 queries; returns one message per query that disagrees (empty: all agree).
 * `duck` must hold the same rows, loaded with `nullHandling` matching.
 */
export async function runConformance(
  target: ConformanceTarget,
  duck: DuckDbTable,
  nullHandling: boolean,
): Promise<string[]> {
  const queries = conformanceQueries();
  assert.equal(queries.length, 200);
  const failures: string[] = [];
  for (const query of queries) {
    try {
      await checkQuery(target, duck, query, nullHandling);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  return failures;
}

/** The airline configs renamed to `mytable`, the name the conformance queries use. */
export function renamed(
  json: Record<string, unknown>,
  key: 'schemaName' | 'tableName',
): Record<string, unknown> {
  return { ...json, [key]: 'mytable' };
}


/**
 * Everything of a response that must not depend on where segments lie or ran: the same query
 * on the calling thread, on workers, or over several memories answers with exactly this.
 */
export function comparableResponse(response: BrokerResponse): unknown {
  const { timeUsedMs, brokerReduceTimeMs, requestId, traceInfo, ...rest } = response;
  void [timeUsedMs, brokerReduceTimeMs, requestId, traceInfo];
  return rest;
}
