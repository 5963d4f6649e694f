// Evaluates expression text over one row, every identifier naming the row key of that name.
import type { Row } from '../../host/config/types.js';
import { compileRowExpressionText } from '../../host/expr/compile.js';
import type { ExprValue } from '../../host/expr/types.js';

export function evaluate(text: string, row: Row = {}): ExprValue {
  return compileRowExpressionText(text, (name) => name).evaluate(row);
}
