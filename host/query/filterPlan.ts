// WHERE → a filter tree the segment executor can answer from indexes. NOT is pushed down to the
// leaves (De Morgan), so every leaf knows whether it is negated and SQL's three-valued logic
// holds: a negated leaf matches docs whose value is known and does not satisfy the predicate.
import type { FieldSpec } from '../config/types.js';
import type { ValueRange } from '../../segments/spi/dictionary.js';
import type { ComparisonOp, Expr, LiteralExpr } from '../sql/ast.js';
import { compileRowExpression } from '../expr/compile.js';
import { someExpr } from '../sql/visit.js';
import type { ExprValue } from '../expr/types.js';
import { likeToRegex } from '../expr/functions/logical.js';
import { toStr } from '../expr/values.js';
import { coerceExact, coerceRange } from './literals.js';

export type ColumnPredicate =
  | { readonly op: 'range'; readonly range: ValueRange }
  | { readonly op: 'in'; readonly values: readonly NonNullable<ExprValue>[] }
  | { readonly op: 'regex'; readonly regex: RegExp };

export type FilterNode =
  | { readonly kind: 'and'; readonly children: readonly FilterNode[] }
  | { readonly kind: 'or'; readonly children: readonly FilterNode[] }
  | { readonly kind: 'constant'; readonly value: boolean }
  | {
      readonly kind: 'column';
      readonly field: FieldSpec;
      readonly predicate: ColumnPredicate;
      readonly negated: boolean;
    }
  | { readonly kind: 'isNull'; readonly field: FieldSpec; readonly negated: boolean }
  | { readonly kind: 'expression'; readonly expr: Expr; readonly negated: boolean };

export type FieldLookup = (name: string, expr: Expr) => FieldSpec;

const FLIPPED: Record<ComparisonOp, ComparisonOp> = {
  '=': '=',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/** The constant value of an expression without columns, or undefined when it reads columns. */
function constantOf(expr: Expr): ExprValue | undefined {
  if (expr.kind === 'literal') return (expr as LiteralExpr).value as ExprValue;
  // Reading a column makes it not constant; deciding that up front spares the compiler's
  // unknown-column exception (a stack trace per predicate per query).
  if (someExpr(expr, (node) => node.kind === 'identifier')) return undefined;
  try {
    const compiled = compileRowExpression(expr, () => undefined);
    return compiled.constant ? compiled.evaluate({}) : undefined;
  } catch {
    return undefined;
  }
}

export function buildFilter(expr: Expr, lookup: FieldLookup, negated = false): FilterNode {
  switch (expr.kind) {
    case 'logical': {
      const children = expr.operands.map((operand) => buildFilter(operand, lookup, negated));
      const isAnd = (expr.op === 'AND') !== negated;
      return { kind: isAnd ? 'and' : 'or', children };
    }
    case 'not':
      return buildFilter(expr.operand, lookup, !negated);
    default:
      return buildLeaf(expr, lookup, negated);
  }
}

function buildLeaf(expr: Expr, lookup: FieldLookup, negated: boolean): FilterNode {
  const generic: FilterNode = { kind: 'expression', expr, negated };
  const constant = constantOf(expr);
  if (constant !== undefined && typeof constant === 'boolean') {
    return { kind: 'constant', value: constant !== negated };
  }
  switch (expr.kind) {
    case 'binary':
      return (
        comparisonLeaf(expr.op as ComparisonOp, expr.left, expr.right, lookup, negated) ?? generic
      );
    case 'between':
      return (
        betweenLeaf(expr.value, expr.low, expr.high, lookup, negated !== expr.negated) ?? generic
      );
    case 'in':
      return inLeaf(expr.value, expr.list, lookup, negated !== expr.negated) ?? generic;
    case 'like':
      return likeLeaf(expr, lookup, negated !== expr.negated) ?? generic;
    case 'isNull':
      if (expr.value.kind !== 'identifier') return generic;
      return {
        kind: 'isNull',
        field: lookup(expr.value.name, expr.value),
        negated: negated !== expr.negated,
      };
    case 'call':
      return regexpLeaf(expr, lookup, negated) ?? generic;
    default:
      // Column references are validated when the generic predicate compiles.
      return generic;
  }
}

function columnLeaf(field: FieldSpec, predicate: ColumnPredicate, negated: boolean): FilterNode {
  return { kind: 'column', field, predicate, negated };
}

function comparisonLeaf(
  op: ComparisonOp,
  left: Expr,
  right: Expr,
  lookup: FieldLookup,
  negated: boolean,
): FilterNode | undefined {
  if (!(op in FLIPPED)) return undefined;
  if (left.kind !== 'identifier') {
    if (right.kind !== 'identifier') return undefined;
    return comparisonLeaf(FLIPPED[op], right, left, lookup, negated);
  }
  const value = constantOf(right);
  if (value === undefined || value === null) return undefined;
  const field = lookup(left.name, left);
  if (op === '=' || op === '!=') {
    const exact = coerceExact(value, field);
    const predicate: ColumnPredicate = { op: 'in', values: exact === undefined ? [] : [exact] };
    return columnLeaf(field, predicate, negated !== (op === '!='));
  }
  const bound = { value, inclusive: op === '<=' || op === '>=' };
  const isLower = op === '>' || op === '>=';
  const range = coerceRange(isLower ? bound : undefined, isLower ? undefined : bound, field);
  return columnLeaf(field, { op: 'range', range }, negated);
}

function betweenLeaf(
  value: Expr,
  low: Expr,
  high: Expr,
  lookup: FieldLookup,
  negated: boolean,
): FilterNode | undefined {
  if (value.kind !== 'identifier') return undefined;
  const lowValue = constantOf(low);
  const highValue = constantOf(high);
  if (
    lowValue === undefined ||
    highValue === undefined ||
    lowValue === null ||
    highValue === null
  ) {
    return undefined;
  }
  const field = lookup(value.name, value);
  const range = coerceRange(
    { value: lowValue, inclusive: true },
    { value: highValue, inclusive: true },
    field,
  );
  return columnLeaf(field, { op: 'range', range }, negated);
}

function inLeaf(
  value: Expr,
  list: readonly Expr[],
  lookup: FieldLookup,
  negated: boolean,
): FilterNode | undefined {
  if (value.kind !== 'identifier') return undefined;
  const constants = list.map(constantOf);
  if (constants.some((item) => item === undefined)) return undefined;
  const field = lookup(value.name, value);
  const values: NonNullable<ExprValue>[] = [];
  for (const item of constants) {
    if (item === null || item === undefined) continue;
    const exact = coerceExact(item, field);
    if (exact !== undefined) values.push(exact);
  }
  return columnLeaf(field, { op: 'in', values }, negated);
}

function likeLeaf(
  expr: Extract<Expr, { kind: 'like' }>,
  lookup: FieldLookup,
  negated: boolean,
): FilterNode | undefined {
  if (expr.value.kind !== 'identifier') return undefined;
  const pattern = constantOf(expr.pattern);
  const escape = expr.escape === undefined ? undefined : constantOf(expr.escape);
  if (typeof pattern !== 'string') return undefined;
  const field = lookup(expr.value.name, expr.value);
  if (field.storedType !== 'STRING') return undefined;
  const regex = likeToRegex(
    pattern,
    escape === undefined || escape === null ? undefined : toStr(escape),
  );
  return columnLeaf(field, { op: 'regex', regex }, negated);
}

function regexpLeaf(
  expr: Extract<Expr, { kind: 'call' }>,
  lookup: FieldLookup,
  negated: boolean,
): FilterNode | undefined {
  const name = expr.name.replaceAll('_', '').toUpperCase();
  if (name !== 'REGEXPLIKE' || expr.args.length < 2) return undefined;
  const [column, patternExpr, flagsExpr] = expr.args;
  if (column?.kind !== 'identifier' || patternExpr === undefined) return undefined;
  const pattern = constantOf(patternExpr);
  const flags = flagsExpr === undefined ? '' : constantOf(flagsExpr);
  if (typeof pattern !== 'string' || typeof flags !== 'string') return undefined;
  const field = lookup(column.name, column);
  if (field.storedType !== 'STRING') return undefined;
  // Pinot's REGEXP_LIKE finds the pattern anywhere in the value (Matcher.find).
  const regex = new RegExp(pattern, flags.includes('i') ? 'i' : '');
  return columnLeaf(field, { op: 'regex', regex }, negated);
}
