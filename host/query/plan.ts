// A parsed statement → a query plan against one table's schema: identifiers resolved to schema
// columns (710 for unknown ones), `*` expanded (alphabetical, as Pinot), aggregations collected
// and deduplicated, the query classified (selection, aggregation, group-by, distinct), and the
// WHERE clause turned into a filter tree.
import type { FieldSpec, Schema } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import { UnknownColumnError } from '../expr/errors.js';
import type { CallExpr, Expr, OrderByItem, SelectQuery, SqlStatement } from '../sql/ast.js';
import { formatExpr } from '../sql/format.js';
import { someExpr, transformExpr } from '../sql/visit.js';
import { isAggregationName, resolveAggregation, type AggregationFunction } from './aggregations.js';
import { buildFilter, type FilterNode } from './filterPlan.js';
import { DEFAULT_LIMIT, type QueryOptions } from './options.js';

export type QueryKind = 'selection' | 'aggregation' | 'groupBy' | 'distinct';

export interface AggregationSpec {
  readonly fn: AggregationFunction;
  /** Undefined for COUNT(*). */
  readonly argument: Expr | undefined;
  /** `agg(x) FILTER (WHERE ...)`. */
  readonly filter: FilterNode | undefined;
  /** The call as text: how select, having and order by refer to it. */
  readonly key: string;
}

export interface OutputColumn {
  readonly name: string;
  readonly expr: Expr;
}

export interface QueryPlan {
  readonly kind: QueryKind;
  readonly schema: Schema;
  readonly options: QueryOptions;
  readonly outputs: readonly OutputColumn[];
  readonly aggregations: readonly AggregationSpec[];
  readonly groupBy: readonly Expr[];
  readonly filter: FilterNode | undefined;
  readonly having: Expr | undefined;
  readonly orderBy: readonly OrderByItem[];
  readonly limit: number;
  readonly offset: number;
  readonly explain: boolean;
}

type ColumnResolver = (name: string, expr: Expr) => FieldSpec;

/** One resolver per schema object (a changed schema is a new object): built once, not per query. */
const resolversBySchema = new WeakMap<Schema, ColumnResolver>();

/** Resolves identifiers exactly first, then case-insensitively (Pinot's default). */
export function columnResolver(schema: Schema): ColumnResolver {
  let resolver = resolversBySchema.get(schema);
  if (resolver === undefined) {
    resolver = newColumnResolver(schema);
    resolversBySchema.set(schema, resolver);
  }
  return resolver;
}

function newColumnResolver(schema: Schema): ColumnResolver {
  const exact = new Map(schema.fields.map((field) => [field.name, field]));
  const folded = new Map<string, FieldSpec>();
  for (const field of schema.fields) folded.set(field.name.toLowerCase(), field);
  return (name, expr) => {
    const field = exact.get(name) ?? folded.get(name.toLowerCase());
    if (field === undefined) {
      throw new UnknownColumnError(name, 'pos' in expr ? expr.pos : undefined);
    }
    return field;
  };
}

/**
 * Function names seen so far and whether each is an aggregation: the planner asks for every
 * call node of every query. Bounded, since names come from user SQL; cleared whole when full.
 */
const aggregationNames = new Map<string, boolean>();
/** Far more distinct function names than queries use. */
const AGGREGATION_NAMES_MAX = 1024;

function isAggregationCall(expr: Expr): expr is CallExpr {
  if (expr.kind !== 'call') return false;
  if (expr.distinct) return true;
  let aggregation = aggregationNames.get(expr.name);
  if (aggregation === undefined) {
    aggregation = isAggregationName(expr.name);
    if (aggregationNames.size >= AGGREGATION_NAMES_MAX) aggregationNames.clear();
    aggregationNames.set(expr.name, aggregation);
  }
  return aggregation;
}

function containsAggregation(expr: Expr): boolean {
  return someExpr(expr, isAggregationCall);
}

/** Pinot's function names for the arithmetic operators, as its canonical expressions use. */
const OPERATOR_FUNCTIONS: Record<string, string> = {
  '+': 'plus',
  '-': 'minus',
  '*': 'times',
  '/': 'divide',
  '%': 'mod',
};

/**
 * Pinot's output name for an expression (ExpressionContext.toString): functions in lower case
 * with their arguments joined by ',', literals quoted, `COUNT(DISTINCT x)` as
 * `distinctcount(x)`, arithmetic as `plus(a,b)`.
 */
export function outputName(expr: Expr): string {
  switch (expr.kind) {
    case 'identifier':
      return expr.name;
    case 'star':
      return '*';
    case 'literal':
      return expr.value === null ? 'null' : `'${expr.text ?? String(expr.value)}'`;
    case 'call': {
      const name = expr.distinct ? 'distinctcount' : expr.name.toLowerCase();
      return `${name}(${expr.args.map(outputName).join(',')})`;
    }
    case 'binary': {
      const fn = OPERATOR_FUNCTIONS[expr.op];
      if (fn === undefined) return formatExpr(expr);
      return `${fn}(${outputName(expr.left)},${outputName(expr.right)})`;
    }
    default:
      return formatExpr(expr);
  }
}

function canonicalizeColumns(expr: Expr, resolve: (name: string, expr: Expr) => FieldSpec): Expr {
  return transformExpr(expr, (node) => {
    if (node.kind !== 'identifier') return undefined;
    const field = resolve(node.name, node);
    return field.name === node.name ? node : { ...node, name: field.name };
  });
}

function numericLiteralArg(call: CallExpr, index: number): number | undefined {
  const arg = call.args[index];
  if (arg === undefined) return undefined;
  if (arg.kind !== 'literal' || (typeof arg.value !== 'number' && typeof arg.value !== 'bigint')) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `${call.name} takes a numeric literal as argument ${index + 1}`,
    );
  }
  return Number(arg.value);
}

function aggregationSpec(
  call: CallExpr,
  resolve: (name: string, expr: Expr) => FieldSpec,
): AggregationSpec {
  const name = call.distinct ? 'DISTINCTCOUNT' : call.name;
  const fn = resolveAggregation(name, numericLiteralArg(call, 1), numericLiteralArg(call, 2));
  const first = call.args[0];
  const isStar = first === undefined || first.kind === 'star';
  if (isStar && fn.kind !== 'COUNT') {
    throw new CuveeError(ErrorCode.QUERY_VALIDATION, `${call.name} needs a column argument, not *`);
  }
  if (first !== undefined && containsAggregation(first)) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `Aggregations cannot be nested: ${formatExpr(call)}`,
    );
  }
  return {
    fn,
    argument: isStar ? undefined : first,
    filter: call.filter === undefined ? undefined : buildFilter(call.filter, resolve),
    key: formatExpr(call),
  };
}

function collectAggregations(
  exprs: readonly Expr[],
  resolve: (name: string, expr: Expr) => FieldSpec,
): AggregationSpec[] {
  const byKey = new Map<string, AggregationSpec>();
  for (const expr of exprs) {
    someExpr(expr, (node) => {
      if (isAggregationCall(node)) {
        const key = formatExpr(node);
        if (!byKey.has(key)) byKey.set(key, aggregationSpec(node, resolve));
        return false;
      }
      return false;
    });
  }
  return [...byKey.values()];
}

function expandStar(query: SelectQuery, schema: Schema): OutputColumn[] {
  const outputs: OutputColumn[] = [];
  for (const item of query.selectList) {
    if (item.kind === 'star') {
      const names = schema.fields.map((field) => field.name).sort();
      for (const name of names) {
        outputs.push({ name, expr: { kind: 'identifier', name, quoted: true, pos: item.pos } });
      }
    } else {
      outputs.push({ name: item.alias ?? outputName(item.expr), expr: item.expr });
    }
  }
  return outputs;
}

function classify(
  query: SelectQuery,
  outputs: readonly OutputColumn[],
  hasAggregations: boolean,
): QueryKind {
  if (query.distinct) {
    if (hasAggregations) {
      throw new CuveeError(
        ErrorCode.QUERY_VALIDATION,
        'DISTINCT with aggregations is not supported',
      );
    }
    return 'distinct';
  }
  if (query.groupBy.length > 0) return 'groupBy';
  if (hasAggregations) {
    const bare = outputs.find(
      (output) =>
        !containsAggregation(output.expr) && someExpr(output.expr, (n) => n.kind === 'identifier'),
    );
    if (bare !== undefined) {
      throw new CuveeError(
        ErrorCode.QUERY_VALIDATION,
        `'${bare.name}' must appear in the GROUP BY clause or be used in an aggregate function`,
      );
    }
    return 'aggregation';
  }
  return 'selection';
}

/** A LIMIT above the response bound is refused up front rather than truncated silently. */
function checkedLimit(limit: number, options: QueryOptions): number {
  if (limit > options.maxRowsInResponse) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `LIMIT ${limit} exceeds the ${options.maxRowsInResponse}-row response bound; page with ` +
        'LIMIT and OFFSET or aggregate',
    );
  }
  return limit;
}

export function planQuery(
  statement: SqlStatement,
  schema: Schema,
  options: QueryOptions,
): QueryPlan {
  const resolve = columnResolver(schema);
  const canonical = (expr: Expr): Expr => canonicalizeColumns(expr, resolve);
  const query = statement.query;
  const outputs = expandStar(query, schema).map((output) => ({
    ...output,
    expr: canonical(output.expr),
  }));
  const groupBy = query.groupBy.map(canonical);
  const having = query.having === undefined ? undefined : canonical(query.having);
  const orderBy = query.orderBy.map((item) => ({ ...item, expr: canonical(item.expr) }));
  const aggregationSources = [
    ...outputs.map((o) => o.expr),
    ...(having ? [having] : []),
    ...orderBy.map((o) => o.expr),
  ];
  const aggregations = collectAggregations(aggregationSources, resolve);
  for (const expr of groupBy) {
    if (containsAggregation(expr)) {
      throw new CuveeError(
        ErrorCode.QUERY_VALIDATION,
        `GROUP BY cannot contain aggregations: ${formatExpr(expr)}`,
      );
    }
  }
  const kind = classify(query, outputs, aggregations.length > 0);
  if (having !== undefined && kind !== 'groupBy' && kind !== 'aggregation') {
    throw new CuveeError(ErrorCode.QUERY_VALIDATION, 'HAVING needs GROUP BY or aggregations');
  }
  return {
    kind,
    schema,
    options,
    outputs,
    aggregations,
    groupBy,
    filter: query.where === undefined ? undefined : buildFilter(canonical(query.where), resolve),
    having,
    orderBy,
    limit: kind === 'aggregation' ? 1 : checkedLimit(query.limit ?? DEFAULT_LIMIT, options),
    offset: query.offset ?? 0,
    explain: statement.explain,
  };
}
