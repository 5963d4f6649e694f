// The scalar expression engine: Pinot's scalar functions and a row-at-a-time evaluator.
export type { ExprValue, ValueType } from './types.js';
export { ExpressionError, UnknownColumnError, UnknownFunctionError } from './errors.js';
export {
  compileRowExpression,
  compileRowExpressionText,
  type ColumnBinding,
  type ColumnResolver,
  type CompileOptions,
  type CompiledExpression,
  type RowEvaluator,
} from './compile.js';
export { builtinFunctions } from './builtins.js';
export {
  canonicalFunctionName,
  FunctionRegistry,
  type ArgumentInfo,
  type ScalarFunction,
  type ScalarFunctionSpec,
} from './registry.js';
export {
  compareValues,
  javaDoubleToString,
  toBoolean,
  toDouble,
  toInt,
  toLong,
  toStr,
  valuesEqual,
} from './values.js';
export { likeToRegex, regexpLike } from './functions/logical.js';
export {
  convertDateTime,
  dateTrunc,
  parseFormatSpec,
  parseGranularityMillis,
  toEpochMillis,
  type DateTimeFormatSpec,
} from './time/dateTimeFormat.js';
export { parseTimeZone, type TimeZone } from './time/zones.js';
