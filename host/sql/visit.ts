// Generic walks over expression trees. Recursion depth is bounded by the parser's nesting
// limit (MAX_EXPRESSION_DEPTH), so these never overflow the stack on parsed input.
import type { CaseWhen, Expr } from './ast.js';
import { assertNever } from '../util/assert.js';

/** The direct children of `expr`, in source order. */
export function childExprs(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'literal':
    case 'identifier':
    case 'star':
      return [];
    case 'call':
      return expr.filter === undefined ? [...expr.args] : [...expr.args, expr.filter];
    case 'binary':
      return [expr.left, expr.right];
    case 'logical':
      return [...expr.operands];
    case 'not':
    case 'negate':
      return [expr.operand];
    case 'between':
      return [expr.value, expr.low, expr.high];
    case 'in':
      return [expr.value, ...expr.list];
    case 'like':
      return expr.escape === undefined
        ? [expr.value, expr.pattern]
        : [expr.value, expr.pattern, expr.escape];
    case 'isNull':
      return [expr.value];
    case 'case':
      return caseChildren(expr.operand, expr.whens, expr.elseValue);
    case 'cast':
      return [expr.value];
    default:
      return assertNever(expr, 'expression kind');
  }
}

function caseChildren(operand: Expr | undefined, whens: readonly CaseWhen[], elseValue?: Expr) {
  const children: Expr[] = operand === undefined ? [] : [operand];
  for (const { when, then } of whens) children.push(when, then);
  if (elseValue !== undefined) children.push(elseValue);
  return children;
}

/**
 * Rebuilds `expr` bottom-up where `replace` returns a node: `replace` sees each node first;
 * a returned node is used as is (not walked again), undefined means "walk the children".
 */
export function transformExpr(expr: Expr, replace: (node: Expr) => Expr | undefined): Expr {
  const replaced = replace(expr);
  if (replaced !== undefined) return replaced;
  const walk = (child: Expr): Expr => transformExpr(child, replace);
  switch (expr.kind) {
    case 'literal':
    case 'identifier':
    case 'star':
      return expr;
    case 'call':
      return {
        ...expr,
        args: expr.args.map(walk),
        ...(expr.filter === undefined ? {} : { filter: walk(expr.filter) }),
      };
    case 'binary':
      return { ...expr, left: walk(expr.left), right: walk(expr.right) };
    case 'logical':
      return { ...expr, operands: expr.operands.map(walk) };
    case 'not':
    case 'negate':
      return { ...expr, operand: walk(expr.operand) };
    case 'between':
      return { ...expr, value: walk(expr.value), low: walk(expr.low), high: walk(expr.high) };
    case 'in':
      return { ...expr, value: walk(expr.value), list: expr.list.map(walk) };
    case 'like':
      return {
        ...expr,
        value: walk(expr.value),
        pattern: walk(expr.pattern),
        ...(expr.escape === undefined ? {} : { escape: walk(expr.escape) }),
      };
    case 'isNull':
      return { ...expr, value: walk(expr.value) };
    case 'case':
      return {
        ...expr,
        ...(expr.operand === undefined ? {} : { operand: walk(expr.operand) }),
        whens: expr.whens.map(({ when, then }) => ({ when: walk(when), then: walk(then) })),
        ...(expr.elseValue === undefined ? {} : { elseValue: walk(expr.elseValue) }),
      };
    case 'cast':
      return { ...expr, value: walk(expr.value) };
    default:
      return assertNever(expr, 'expression kind');
  }
}

/** True when `predicate` holds for `expr` or any node below it. */
export function someExpr(expr: Expr, predicate: (node: Expr) => boolean): boolean {
  if (predicate(expr)) return true;
  // Leaves have no children: no child list to allocate (most nodes of a query are leaves).
  if (expr.kind === 'literal' || expr.kind === 'identifier' || expr.kind === 'star') return false;
  for (const child of childExprs(expr)) if (someExpr(child, predicate)) return true;
  return false;
}
