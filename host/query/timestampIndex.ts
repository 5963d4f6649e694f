// Pinot's timestamp index: for a TIMESTAMP column with `fieldConfigList[].timestampConfig.
// granularities`, each segment carries one derived column per granularity (`$ts$DAY` holds
// DATETRUNC('DAY', ts)), built at segment write; a query's DATETRUNC('DAY', ts) in the select
// list, group-by, filter, having or order-by then reads that column (dictionary-encoded, so
// group-bys run on dictionary ids and filters become column predicates) instead of truncating
// every timestamp. Answers are the same either way: the derived values come from the same
// dateTrunc the expression evaluates.
import type { FieldSpec, ScalarValue, Schema, TableConfig } from '../config/types.js';
import { dateTrunc, parseTruncUnit, type TruncUnit } from '../expr/time/dateTimeFormat.js';
import { UTC } from '../expr/time/zones.js';
import type { CallExpr, Expr } from '../sql/ast.js';
import { transformExpr } from '../sql/visit.js';
import type { Segment } from '../../segments/spi/segment.js';
import { isAggregationName } from './aggregations.js';
import { buildFilter, type FilterNode } from './filterPlan.js';
import { columnResolver, type QueryPlan } from './plan.js';

/** Pinot's name of a granularity's derived column (TimestampIndexUtils). */
export function timestampIndexColumn(column: string, granularity: TruncUnit): string {
  return `$${column}$${granularity}`;
}

/** TIMESTAMP columns of the schema with the granularities the table config asks for. */
export function timestampGranularities(
  tableConfig: TableConfig,
  schema: Schema,
): Map<string, TruncUnit[]> {
  const result = new Map<string, TruncUnit[]>();
  for (const config of tableConfig.fieldConfigList) {
    if (config.timestampGranularities.length === 0) continue;
    const field = schema.fields.find((candidate) => candidate.name === config.name);
    if (field?.dataType !== 'TIMESTAMP' || !field.singleValueField) continue;
    const units = [...new Set(config.timestampGranularities.map((text) => parseTruncUnit(text)))];
    result.set(config.name, units);
  }
  return result;
}

/** The derived column's field: LONG, like DATETRUNC's result, so result types stay the same. */
export function timestampIndexField(source: FieldSpec, granularity: TruncUnit): FieldSpec {
  return {
    name: timestampIndexColumn(source.name, granularity),
    dataType: 'LONG',
    storedType: 'LONG',
    fieldType: 'DIMENSION',
    singleValueField: true,
    defaultNullValue: truncate(granularity, source.defaultNullValue),
  };
}

function truncate(granularity: TruncUnit, value: ScalarValue): bigint {
  const millis = typeof value === 'bigint' ? value : BigInt(value as number);
  return dateTrunc(granularity, millis, 'MILLISECONDS', UTC, 'MILLISECONDS');
}

/** A column as the writer prepares it (segments/immutable/columnInput.ts PreparedColumn). */
export interface TimestampSource {
  readonly field: FieldSpec;
  readonly docCount: number;
  readonly entries: readonly ScalarValue[];
  readonly mvOffsets: Uint32Array | undefined;
  readonly nullDocIds: Uint32Array;
  readonly encoded:
    | undefined
    | { readonly values: readonly ScalarValue[]; readonly ids: Uint32Array };
}

/**
 * The derived columns to add to a segment: per granularity, every doc's truncated timestamp
 * (null docs keep the truncated default and stay null). Distinct values are truncated once
 * when the input came dictionary-encoded.
 */
export function derivedTimestampColumns(
  tableConfig: TableConfig,
  schema: Schema,
  prepared: readonly TimestampSource[],
): TimestampSource[] {
  const derived: TimestampSource[] = [];
  for (const [column, units] of timestampGranularities(tableConfig, schema)) {
    const source = prepared.find((candidate) => candidate.field.name === column);
    if (source === undefined) continue;
    for (const unit of units) {
      const encoded = source.encoded;
      const values = encoded?.values.map((value) => truncate(unit, value));
      derived.push({
        field: timestampIndexField(source.field, unit),
        docCount: source.docCount,
        entries: source.entries.map((value) => truncate(unit, value)),
        mvOffsets: undefined,
        nullDocIds: source.nullDocIds,
        encoded: encoded === undefined ? undefined : { values: values!, ids: encoded.ids },
      });
    }
  }
  return derived;
}

interface Rewriter {
  readonly rewrite: (expr: Expr) => Expr;
  readonly used: Map<string, FieldSpec>;
}

function literalText(expr: Expr | undefined): string | undefined {
  return expr?.kind === 'literal' && typeof expr.value === 'string' ? expr.value : undefined;
}

/** The granularity column a DATETRUNC call can read, when every segment has it. */
function indexedColumn(
  call: CallExpr,
  available: ReadonlyMap<string, FieldSpec>,
): FieldSpec | undefined {
  if (call.name.toLowerCase() !== 'datetrunc' || call.distinct) return undefined;
  const [unitArg, valueArg, inputUnitArg] = call.args;
  if (call.args.length > 3 || valueArg?.kind !== 'identifier') return undefined;
  if (call.args.length === 3 && literalText(inputUnitArg)?.toUpperCase() !== 'MILLISECONDS') {
    return undefined;
  }
  const unitText = literalText(unitArg);
  if (unitText === undefined) return undefined;
  let unit: TruncUnit;
  try {
    unit = parseTruncUnit(unitText);
  } catch {
    return undefined;
  }
  return available.get(timestampIndexColumn(valueArg.name, unit));
}

function rewriterFor(available: ReadonlyMap<string, FieldSpec>): Rewriter {
  const used = new Map<string, FieldSpec>();
  const rewrite = (expr: Expr): Expr =>
    transformExpr(expr, (node) => {
      if (node.kind !== 'call') return undefined;
      // Aggregation calls are matched by their text (plan keys): leave them whole.
      if (node.distinct || isAggregationName(node.name)) return node;
      const field = indexedColumn(node, available);
      if (field === undefined) return undefined;
      used.set(field.name, field);
      return { kind: 'identifier', name: field.name, quoted: true, pos: node.pos };
    });
  return { rewrite, used };
}

function rewriteFilter(
  node: FilterNode,
  rewrite: (expr: Expr) => Expr,
  schema: () => Schema,
): FilterNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { ...node, children: node.children.map((c) => rewriteFilter(c, rewrite, schema)) };
    case 'expression': {
      const rewritten = rewrite(node.expr);
      if (rewritten === node.expr) return node;
      return buildFilter(rewritten, columnResolver(schema()), node.negated);
    }
    default:
      return node;
  }
}

/** Derived columns every one of `segments` holds, by name. */
function availableColumns(
  tableConfig: TableConfig,
  schema: Schema,
  segments: readonly Segment[],
): Map<string, FieldSpec> {
  const available = new Map<string, FieldSpec>();
  for (const [column, units] of timestampGranularities(tableConfig, schema)) {
    const field = schema.fields.find((candidate) => candidate.name === column)!;
    for (const unit of units) {
      const derived = timestampIndexField(field, unit);
      if (segments.every((segment) => segment.metadata.columns.has(derived.name))) {
        available.set(derived.name, derived);
      }
    }
  }
  return available;
}

/**
 * The plan with DATETRUNC('<granularity>', ts) read from the timestamp index wherever every
 * segment of `segments` has the granularity's column; the plan itself when nothing applies
 * (no index, or a segment without it, e.g. a consuming one). Output names stay as written.
 */
export function applyTimestampIndex(
  plan: QueryPlan,
  tableConfig: TableConfig,
  segments: readonly Segment[],
): QueryPlan {
  const available = availableColumns(tableConfig, plan.schema, segments);
  if (available.size === 0) return plan;
  const { rewrite, used } = rewriterFor(available);
  const outputs = plan.outputs.map((output) => ({ ...output, expr: rewrite(output.expr) }));
  const groupBy = plan.groupBy.map(rewrite);
  const having = plan.having === undefined ? undefined : rewrite(plan.having);
  const orderBy = plan.orderBy.map((item) => ({ ...item, expr: rewrite(item.expr) }));
  let extended: Schema | undefined;
  const schema = (): Schema =>
    (extended ??= { ...plan.schema, fields: [...plan.schema.fields, ...available.values()] });
  const filter =
    plan.filter === undefined ? undefined : rewriteFilter(plan.filter, rewrite, schema);
  const aggregations = plan.aggregations.map((spec) =>
    spec.filter === undefined
      ? spec
      : { ...spec, filter: rewriteFilter(spec.filter, rewrite, schema) },
  );
  if (used.size === 0) return plan;
  const fields = [...plan.schema.fields, ...used.values()];
  return {
    ...plan,
    schema: { ...plan.schema, fields },
    outputs,
    groupBy,
    having,
    orderBy,
    filter,
    aggregations,
  };
}
