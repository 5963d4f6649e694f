// Prints syntax trees back to SQL that parses to the same tree (positions aside). Used for
// EXPLAIN output, for column names of computed select items, and to test the parser.
import type { Expr, OrderByItem, SelectItem, SelectQuery, SqlStatement } from './ast.js';
import { assertNever } from '../util/assert.js';

/** Words the parser would not take as bare names; printed in double quotes. */
const KEYWORDS = new Set([
  'ALL', 'AND', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CAST', 'DESC', 'DISTINCT', 'ELSE', 'END',
  'ESCAPE', 'EXCEPT', 'EXPLAIN', 'FALSE', 'FROM', 'GROUP', 'HAVING', 'IN', 'INNER', 'INTERSECT',
  'IS', 'JOIN', 'LIKE', 'LIMIT', 'NOT', 'NULL', 'OFFSET', 'ON', 'OPTION', 'OR', 'ORDER',
  'SELECT', 'SET', 'THEN', 'TRUE', 'UNION', 'WHEN', 'WHERE', 'WITH',
]);

/** Names the lexer reads as one bare word; anything else is printed in double quotes. */
const SIMPLE_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Kinds printed in parentheses when they are an operand of another operator. */
const COMPOUND_KINDS = new Set<Expr['kind']>([
  'binary',
  'logical',
  'not',
  'between',
  'in',
  'like',
  'isNull',
]);

export function formatSql(statement: SqlStatement): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(statement.queryOptions)) {
    parts.push(`SET ${formatOptionKey(key)} = ${quoteString(value)};`);
  }
  if (statement.explain) parts.push('EXPLAIN PLAN FOR');
  parts.push(formatQuery(statement.query));
  return parts.join(' ');
}

export function formatQuery(query: SelectQuery): string {
  const parts = [`SELECT${query.distinct ? ' DISTINCT' : ''}`];
  parts.push(query.selectList.map(formatSelectItem).join(', '));
  parts.push(`FROM ${formatName(query.from.name)}`);
  if (query.where !== undefined) parts.push(`WHERE ${formatExpr(query.where)}`);
  if (query.groupBy.length > 0) parts.push(`GROUP BY ${query.groupBy.map(formatExpr).join(', ')}`);
  if (query.having !== undefined) parts.push(`HAVING ${formatExpr(query.having)}`);
  if (query.orderBy.length > 0) parts.push(`ORDER BY ${query.orderBy.map(formatOrderBy).join(', ')}`);
  if (query.limit !== undefined) parts.push(`LIMIT ${query.limit}`);
  if (query.offset !== undefined) parts.push(`OFFSET ${query.offset}`);
  return parts.join(' ');
}

function formatSelectItem(item: SelectItem): string {
  if (item.kind === 'star') return '*';
  const expr = formatExpr(item.expr);
  return item.alias === undefined ? expr : `${expr} AS ${quoteIdentifier(item.alias)}`;
}

function formatOrderBy(item: OrderByItem): string {
  const nulls =
    item.nullsFirst === undefined ? '' : item.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
  return `${formatExpr(item.expr)}${item.descending ? ' DESC' : ''}${nulls}`;
}

/** SQL for one expression; compound operands are parenthesized so the tree is unambiguous. */
export function formatExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'literal':
      return formatLiteral(expr);
    case 'identifier':
      return expr.quoted ? quoteIdentifier(expr.name) : formatName(expr.name);
    case 'star':
      return '*';
    case 'call':
      return formatCall(expr);
    case 'binary':
      return `${operand(expr.left)} ${expr.op} ${operand(expr.right)}`;
    case 'logical':
      return expr.operands.map(operand).join(` ${expr.op} `);
    case 'not':
      return `NOT ${operand(expr.operand)}`;
    case 'negate':
      return `-(${formatExpr(expr.operand)})`;
    case 'between':
      return (
        `${operand(expr.value)} ${expr.negated ? 'NOT ' : ''}BETWEEN ` +
        `${operand(expr.low)} AND ${operand(expr.high)}`
      );
    case 'in':
      return `${operand(expr.value)} ${expr.negated ? 'NOT ' : ''}IN (${list(expr.list)})`;
    case 'like': {
      const escape = expr.escape === undefined ? '' : ` ESCAPE ${operand(expr.escape)}`;
      return `${operand(expr.value)} ${expr.negated ? 'NOT ' : ''}LIKE ${operand(expr.pattern)}${escape}`;
    }
    case 'isNull':
      return `${operand(expr.value)} IS ${expr.negated ? 'NOT ' : ''}NULL`;
    case 'case':
      return formatCase(expr);
    case 'cast':
      return `CAST(${formatExpr(expr.value)} AS ${expr.targetType})`;
    default:
      return assertNever(expr, 'expression kind');
  }
}

function operand(expr: Expr): string {
  const text = formatExpr(expr);
  return COMPOUND_KINDS.has(expr.kind) ? `(${text})` : text;
}

function list(exprs: readonly Expr[]): string {
  return exprs.map(formatExpr).join(', ');
}

function formatLiteral(expr: Extract<Expr, { kind: 'literal' }>): string {
  switch (expr.type) {
    case 'STRING':
      return quoteString(expr.value as string);
    case 'BOOLEAN':
      return expr.value === true ? 'TRUE' : 'FALSE';
    case 'NULL':
      return 'NULL';
    default:
      return expr.text ?? String(expr.value);
  }
}

function formatCall(expr: Extract<Expr, { kind: 'call' }>): string {
  const args = `${expr.distinct ? 'DISTINCT ' : ''}${list(expr.args)}`;
  const filter = expr.filter === undefined ? '' : ` FILTER (WHERE ${formatExpr(expr.filter)})`;
  return `${expr.name}(${args})${filter}`;
}

function formatCase(expr: Extract<Expr, { kind: 'case' }>): string {
  const parts = ['CASE'];
  if (expr.operand !== undefined) parts.push(formatExpr(expr.operand));
  for (const { when, then } of expr.whens) {
    parts.push(`WHEN ${formatExpr(when)} THEN ${formatExpr(then)}`);
  }
  if (expr.elseValue !== undefined) parts.push(`ELSE ${formatExpr(expr.elseValue)}`);
  parts.push('END');
  return parts.join(' ');
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Names formatted so far: the planner and reducer format the same few column names many times
 * per query. Bounded, since names come from user SQL; cleared whole when full.
 */
const formattedNames = new Map<string, string>();
/** Far more distinct names than a schema has columns. */
const FORMATTED_NAMES_MAX = 4096;

/** A dotted name printed bare where every part is a plain word, else in double quotes. */
function formatName(name: string): string {
  const cached = formattedNames.get(name);
  if (cached !== undefined) return cached;
  const plain = name
    .split('.')
    .every((part) => SIMPLE_NAME.test(part) && !KEYWORDS.has(part.toUpperCase()));
  const formatted = plain ? name : quoteIdentifier(name);
  if (formattedNames.size >= FORMATTED_NAMES_MAX) formattedNames.clear();
  formattedNames.set(name, formatted);
  return formatted;
}

function formatOptionKey(key: string): string {
  return formatName(key);
}
