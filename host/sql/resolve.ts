// GROUP BY and ORDER BY may name a select item by its 1-based position or its alias, and
// HAVING may use aliases; Pinot's parser (CalciteSqlParser) replaces both by the select
// expression before planning, and so do we, so the planner sees plain expressions only.
import type { Expr, OrderByItem, SelectItem, SelectQuery } from './ast.js';
import { SqlParseError, describePosition } from './errors.js';
import { transformExpr } from './visit.js';

export function resolveOrdinalsAndAliases(query: SelectQuery): SelectQuery {
  const aliases = aliasMap(query.selectList);
  const hasStar = query.selectList.some((item) => item.kind === 'star');
  const resolveTop = (expr: Expr): Expr =>
    replaceAliases(hasStar ? expr : replaceOrdinal(expr, query.selectList), aliases);
  const groupBy = query.groupBy.map(resolveTop);
  const orderBy = query.orderBy.map(
    (item): OrderByItem => ({ ...item, expr: resolveTop(item.expr) }),
  );
  const having = query.having === undefined ? undefined : replaceAliases(query.having, aliases);
  return { ...query, groupBy, orderBy, ...(having === undefined ? {} : { having }) };
}

function aliasMap(selectList: readonly SelectItem[]): Map<string, Expr> {
  const aliases = new Map<string, Expr>();
  for (const item of selectList) {
    if (item.kind !== 'expr' || item.alias === undefined) continue;
    // An alias that only renames a column of the same name needs no replacing.
    if (item.expr.kind === 'identifier' && item.expr.name === item.alias) continue;
    aliases.set(item.alias, item.expr);
  }
  return aliases;
}

function replaceAliases(expr: Expr, aliases: ReadonlyMap<string, Expr>): Expr {
  if (aliases.size === 0) return expr;
  return transformExpr(expr, (node) =>
    node.kind === 'identifier' ? aliases.get(node.name) : undefined,
  );
}

/** An INT literal at the top of a GROUP BY or ORDER BY item is an ordinal (1-based). */
function replaceOrdinal(expr: Expr, selectList: readonly SelectItem[]): Expr {
  if (expr.kind !== 'literal' || expr.type !== 'INT') return expr;
  const ordinal = expr.value as number;
  const item = selectList[ordinal - 1];
  if (ordinal < 1 || item === undefined || item.kind !== 'expr') {
    throw new SqlParseError(
      expr.pos,
      `Ordinal ${ordinal} at ${describePosition(expr.pos)} is out of range; use a number ` +
        `between 1 and ${selectList.length} (the position of a select item)`,
    );
  }
  return item.expr;
}
