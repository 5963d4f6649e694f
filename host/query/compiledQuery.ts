// The per-query compiled form of a plan: every expression the segments evaluate is compiled
// once (host/expr) and reused on every segment; the union of the columns they read decides
// what a row reader loads.
import type { DataType, Schema } from '../config/types.js';
import { compileRowExpression, type CompiledExpression } from '../expr/compile.js';
import type { ValueType } from '../expr/types.js';
import type { Expr } from '../sql/ast.js';
import type { FilterNode } from './filterPlan.js';
import type { QueryPlan } from './plan.js';

const VALUE_TYPES: Record<DataType, ValueType> = {
  INT: 'INT',
  LONG: 'LONG',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  // Stored as INT 0/1: expressions see the number, as Pinot's transform functions do.
  BOOLEAN: 'INT',
  TIMESTAMP: 'TIMESTAMP',
  STRING: 'STRING',
  JSON: 'STRING',
  BIG_DECIMAL: 'STRING',
  BYTES: 'BYTES',
};

export function compileForSchema(expr: Expr, schema: Schema): CompiledExpression {
  const types = new Map(schema.fields.map((field) => [field.name, VALUE_TYPES[field.dataType]]));
  return compileRowExpression(expr, (name) => {
    const type = types.get(name);
    return type === undefined ? undefined : { key: name, type };
  });
}

export interface CompiledQuery {
  readonly plan: QueryPlan;
  /** Per aggregation: its argument, undefined for COUNT(*). */
  readonly aggregationArguments: readonly (CompiledExpression | undefined)[];
  readonly groupBy: readonly CompiledExpression[];
  /** Selection and distinct: the select list. */
  readonly outputs: readonly CompiledExpression[];
  /** Selection: the ORDER BY expressions. */
  readonly orderBy: readonly CompiledExpression[];
  /** Columns a row reader must load after the filter. */
  readonly projectedColumns: readonly string[];
  compileFilterExpression(node: FilterNode & { kind: 'expression' }): CompiledExpression;
}

export function compileQuery(plan: QueryPlan): CompiledQuery {
  const compile = (expr: Expr): CompiledExpression => compileForSchema(expr, plan.schema);
  const aggregationArguments = plan.aggregations.map((spec) =>
    spec.argument === undefined ? undefined : compile(spec.argument),
  );
  const groupBy = plan.kind === 'groupBy' ? plan.groupBy.map(compile) : [];
  const rowLevel = plan.kind === 'selection' || plan.kind === 'distinct';
  const outputs = rowLevel ? plan.outputs.map((output) => compile(output.expr)) : [];
  const orderBy = plan.kind === 'selection' ? plan.orderBy.map((item) => compile(item.expr)) : [];
  const projected = new Set<string>();
  for (const compiled of [...aggregationArguments, ...groupBy, ...outputs, ...orderBy]) {
    for (const column of compiled?.columns ?? []) projected.add(column);
  }
  const filterCache = new Map<FilterNode, CompiledExpression>();
  return {
    plan,
    aggregationArguments,
    groupBy,
    outputs,
    orderBy,
    projectedColumns: [...projected],
    compileFilterExpression(node) {
      let compiled = filterCache.get(node);
      if (compiled === undefined) {
        compiled = compile(node.expr);
        filterCache.set(node, compiled);
      }
      return compiled;
    },
  };
}
