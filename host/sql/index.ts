// The SQL front end: parse Pinot's dialect into host/sql/ast.ts trees and print them back.
export type * from './ast.js';
export { SqlParseError, describePosition } from './errors.js';
export { parseSql, parseExpression, MAX_EXPRESSION_DEPTH } from './parser.js';
export { formatSql, formatQuery, formatExpr } from './format.js';
export { childExprs, transformExpr, someExpr } from './visit.js';
