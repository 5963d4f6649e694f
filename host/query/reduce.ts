// Combines per-segment partial results and reduces them into Pinot's result table: merge
// aggregation states and groups, apply HAVING, ORDER BY (Pinot's null ordering), OFFSET and
// LIMIT, and evaluate the select list over aggregated values.
import type { FieldSpec, Row } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import { compileRowExpression, type CompiledExpression } from '../expr/compile.js';
import type { ExprValue, ValueType } from '../expr/types.js';
import { compareValues } from '../expr/values.js';
import type { Expr, OrderByItem } from '../sql/ast.js';
import { formatExpr } from '../sql/format.js';
import { transformExpr } from '../sql/visit.js';
import { finalResult, mergeStates, newState, type AccumulatorState } from './aggregations.js';
import { columnTypeOf, formatCell } from './cells.js';
import type { CompiledQuery } from './compiledQuery.js';
import type { QueryPlan } from './plan.js';
import type { ColumnDataType, ResultTable } from './response.js';
import type { Group, SegmentResult, SelectedRow } from './segmentExec.js';

/** Row keys of aggregated values in post-aggregation rows; not a valid SQL identifier. */
const AGGREGATE_KEY_PREFIX = '\u0001a';
const GROUP_KEY_PREFIX = '\u0001g';

export interface ReduceOutcome {
  readonly resultTable: ResultTable;
  readonly numGroupsLimitReached: boolean;
}

/** Orders two values under ORDER BY: Pinot puts nulls last ascending and first descending. */
export function compareForOrder(left: ExprValue, right: ExprValue, item: OrderByItem): number {
  const nullsFirst = item.nullsFirst ?? item.descending;
  if (left === null || right === null) {
    if (left === right) return 0;
    return (left === null) === nullsFirst ? -1 : 1;
  }
  const order = compareValues(left, right);
  return item.descending ? -order : order;
}

function rowComparator(
  orderBy: readonly OrderByItem[],
): (a: readonly ExprValue[], b: readonly ExprValue[]) => number {
  return (a, b) => {
    for (let i = 0; i < orderBy.length; i++) {
      const order = compareForOrder(a[i]!, b[i]!, orderBy[i]!);
      if (order !== 0) return order;
    }
    return 0;
  };
}

function fieldType(field: FieldSpec): ColumnDataType {
  return (field.singleValueField ? field.dataType : `${field.dataType}_ARRAY`) as ColumnDataType;
}

/** The result type of a row-level expression: a column keeps its schema type. */
function rowLevelType(plan: QueryPlan, expr: Expr, compiled: CompiledExpression): ColumnDataType {
  if (expr.kind === 'identifier') {
    const field = plan.schema.fields.find((candidate) => candidate.name === expr.name);
    if (field !== undefined) return fieldType(field);
  }
  return columnTypeOf(compiled.type);
}

function reduceSelection(query: CompiledQuery, results: readonly SegmentResult[]): ResultTable {
  const plan = query.plan;
  const rows: SelectedRow[] = [];
  for (const result of results) if (result.kind === 'selection') rows.push(...result.rows);
  if (plan.orderBy.length > 0) {
    const compare = rowComparator(plan.orderBy);
    rows.sort((a, b) => compare(a.orderKeys, b.orderKeys));
  }
  const types = plan.outputs.map((output, i) => rowLevelType(plan, output.expr, query.outputs[i]!));
  const page = rows.slice(plan.offset, plan.offset + plan.limit);
  return {
    dataSchema: { columnNames: plan.outputs.map((output) => output.name), columnDataTypes: types },
    rows: page.map((row) => row.values.map((value, i) => formatCell(value, types[i]!))),
  };
}

/** Compiles an expression over aggregated rows: aggregations and group expressions are keys. */
function compilePostAggregation(
  plan: QueryPlan,
  query: CompiledQuery,
  expr: Expr,
): CompiledExpression {
  const aggregateIndex = new Map(plan.aggregations.map((spec, i) => [spec.key, i]));
  const groupIndex = new Map(plan.groupBy.map((group, i) => [formatExpr(group), i]));
  const rewritten = transformExpr(expr, (node) => {
    const text = formatExpr(node);
    const group = groupIndex.get(text);
    if (group !== undefined)
      return {
        kind: 'identifier',
        name: `${GROUP_KEY_PREFIX}${group}`,
        quoted: true,
        pos: node.pos,
      };
    const aggregate = node.kind === 'call' ? aggregateIndex.get(text) : undefined;
    if (aggregate !== undefined)
      return {
        kind: 'identifier',
        name: `${AGGREGATE_KEY_PREFIX}${aggregate}`,
        quoted: true,
        pos: node.pos,
      };
    return undefined;
  });
  return compileRowExpression(rewritten, (name) => {
    if (name.startsWith(GROUP_KEY_PREFIX)) {
      const index = Number(name.slice(GROUP_KEY_PREFIX.length));
      return { key: name, type: query.groupBy[index]?.type ?? 'UNKNOWN' };
    }
    if (name.startsWith(AGGREGATE_KEY_PREFIX)) {
      const spec = plan.aggregations[Number(name.slice(AGGREGATE_KEY_PREFIX.length))]!;
      return {
        key: name,
        type: (spec.fn.resultType === 'INT' ? 'INT' : spec.fn.resultType) as ValueType,
      };
    }
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `'${name}' must appear in the GROUP BY clause or be used in an aggregate function`,
    );
  });
}

function postAggregationType(
  plan: QueryPlan,
  query: CompiledQuery,
  expr: Expr,
  compiled: CompiledExpression,
): ColumnDataType {
  const text = formatExpr(expr);
  const spec = plan.aggregations.find((candidate) => candidate.key === text);
  if (spec !== undefined) return spec.fn.resultType;
  const groupIndex = plan.groupBy.findIndex((group) => formatExpr(group) === text);
  if (groupIndex >= 0)
    return rowLevelType(plan, plan.groupBy[groupIndex]!, query.groupBy[groupIndex]!);
  return columnTypeOf(compiled.type);
}

/** One post-aggregation row: group values and final aggregation results under their keys. */
function aggregatedRow(
  plan: QueryPlan,
  keys: readonly ExprValue[],
  states: readonly AccumulatorState[],
): Row {
  const row: Record<string, ExprValue> = {};
  keys.forEach((value, i) => (row[`${GROUP_KEY_PREFIX}${i}`] = value));
  plan.aggregations.forEach((spec, i) => {
    const value = finalResult(spec.fn, states[i]!, plan.options.enableNullHandling);
    row[`${AGGREGATE_KEY_PREFIX}${i}`] =
      spec.fn.resultType === 'LONG' && typeof value === 'number' ? BigInt(value) : value;
  });
  // Group keys may be booleans (a predicate grouped on); the evaluators read any ExprValue.
  return row as Row;
}

function reduceAggregated(query: CompiledQuery, groups: Iterable<Group>): ResultTable {
  const plan = query.plan;
  const outputs = plan.outputs.map((output) => compilePostAggregation(plan, query, output.expr));
  const having =
    plan.having === undefined ? undefined : compilePostAggregation(plan, query, plan.having);
  const orderKeys = plan.orderBy.map((item) => compilePostAggregation(plan, query, item.expr));
  const rows: { values: ExprValue[]; order: ExprValue[] }[] = [];
  for (const group of groups) {
    const row = aggregatedRow(plan, group.keys, group.states);
    if (having !== undefined && having.evaluate(row) !== true) continue;
    rows.push({
      values: outputs.map((output) => output.evaluate(row)),
      order: orderKeys.map((key) => key.evaluate(row)),
    });
  }
  if (plan.orderBy.length > 0) {
    const compare = rowComparator(plan.orderBy);
    rows.sort((a, b) => compare(a.order, b.order));
  }
  const types = plan.outputs.map((output, i) =>
    postAggregationType(plan, query, output.expr, outputs[i]!),
  );
  const page = rows.slice(plan.offset, plan.offset + plan.limit);
  return {
    dataSchema: { columnNames: plan.outputs.map((output) => output.name), columnDataTypes: types },
    rows: page.map((row) => row.values.map((value, i) => formatCell(value, types[i]!))),
  };
}

function mergeGroups(
  query: CompiledQuery,
  results: readonly SegmentResult[],
): { groups: Map<string, Group>; limitReached: boolean } {
  const plan = query.plan;
  const merged = new Map<string, Group>();
  let limitReached = false;
  for (const result of results) {
    if (result.kind !== 'groupBy') continue;
    limitReached ||= result.limitReached;
    for (const [key, group] of result.groups) {
      const existing = merged.get(key);
      if (existing === undefined) {
        if (merged.size >= plan.options.numGroupsLimit) {
          limitReached = true;
          continue;
        }
        merged.set(key, group);
      } else {
        plan.aggregations.forEach((spec, i) =>
          mergeStates(spec.fn, existing.states[i]!, group.states[i]!),
        );
      }
    }
  }
  return { groups: merged, limitReached };
}

function reduceDistinct(query: CompiledQuery, results: readonly SegmentResult[]): ReduceOutcome {
  const plan = query.plan;
  const merged = new Map<string, ExprValue[]>();
  let limitReached = false;
  for (const result of results) {
    if (result.kind !== 'distinct') continue;
    limitReached ||= result.limitReached;
    for (const [key, values] of result.rows) merged.set(key, values);
  }
  const rows = [...merged.values()];
  if (plan.orderBy.length > 0) {
    const positions = plan.orderBy.map((item) => {
      const text = formatExpr(item.expr);
      const index = plan.outputs.findIndex((output) => formatExpr(output.expr) === text);
      if (index < 0)
        throw new CuveeError(
          ErrorCode.QUERY_VALIDATION,
          `ORDER BY ${text} must be in the SELECT DISTINCT list`,
        );
      return index;
    });
    const compare = rowComparator(plan.orderBy);
    rows.sort((a, b) =>
      compare(
        positions.map((p) => a[p]!),
        positions.map((p) => b[p]!),
      ),
    );
  }
  const types = plan.outputs.map((output, i) => rowLevelType(plan, output.expr, query.outputs[i]!));
  const page = rows.slice(plan.offset, plan.offset + plan.limit);
  return {
    resultTable: {
      dataSchema: {
        columnNames: plan.outputs.map((output) => output.name),
        columnDataTypes: types,
      },
      rows: page.map((row) => row.map((value, i) => formatCell(value, types[i]!))),
    },
    numGroupsLimitReached: limitReached,
  };
}

export function reduceResults(
  query: CompiledQuery,
  results: readonly SegmentResult[],
): ReduceOutcome {
  const plan = query.plan;
  switch (plan.kind) {
    case 'selection':
      return { resultTable: reduceSelection(query, results), numGroupsLimitReached: false };
    case 'distinct':
      return reduceDistinct(query, results);
    case 'aggregation': {
      const states = plan.aggregations.map((spec) => newState(spec.fn));
      for (const result of results) {
        if (result.kind !== 'aggregation') continue;
        plan.aggregations.forEach((spec, i) => mergeStates(spec.fn, states[i]!, result.states[i]!));
      }
      return {
        resultTable: reduceAggregated(query, [{ keys: [], states }]),
        numGroupsLimitReached: false,
      };
    }
    case 'groupBy': {
      const { groups, limitReached } = mergeGroups(query, results);
      return {
        resultTable: reduceAggregated(query, groups.values()),
        numGroupsLimitReached: limitReached,
      };
    }
  }
}
