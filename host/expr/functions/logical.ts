// Comparison, logical and conditional functions with SQL's three-valued logic: a comparison
// with NULL is NULL; AND is false if any operand is false, else NULL if any is NULL; OR dually.
// These back both the operators of the AST and Pinot's function names for them (`equals`,
// `greater_than`, `and`, `coalesce`, `regexp_like`, ...).
import { ExpressionError } from '../errors.js';
import type { ScalarFunctionSpec } from '../registry.js';
import type { ExprValue, ValueType } from '../types.js';
import { timestampMillis } from '../time/dateTimeFormat.js';
import {
  compareValues,
  hexToBytes,
  javaDoubleToString,
  toBoolean,
  toDouble,
  toInt,
  toLong,
  toStr,
  valuesEqual,
} from '../values.js';
import { compileRegex } from './string.js';
import type { ComparisonOp } from '../../sql/ast.js';

/** `left op right` on non-null values. */
export function compareWith(op: ComparisonOp, left: ExprValue, right: ExprValue): boolean {
  if (op === '=') return valuesEqual(left, right);
  if (op === '!=') return !valuesEqual(left, right);
  if (Array.isArray(left)) {
    return (left as ExprValue[]).some((item) => compareWith(op, item, right));
  }
  const order = compareValues(left, right);
  switch (op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** Three-valued comparison: null when either side is null. */
export function compare3(op: ComparisonOp, left: ExprValue, right: ExprValue): boolean | null {
  if (left === null || right === null) return null;
  return compareWith(op, left, right);
}

export function not3(value: ExprValue): boolean | null {
  const truth = toBoolean(value);
  return truth === null ? null : !truth;
}

const LIKE_CACHE_ENTRIES_MAX = 1024; // distinct LIKE patterns kept compiled
const likePatterns = new Map<string, RegExp>();
/** Characters a LIKE pattern must escape to be literal inside a RegExp. */
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/]/;

/** SQL LIKE pattern (`%` any run, `_` one char, optional escape char) as an anchored RegExp. */
export function likeToRegex(pattern: string, escape?: string): RegExp {
  const key = `${escape ?? ''}\u0000${pattern}`;
  const cached = likePatterns.get(key);
  if (cached !== undefined) return cached;
  if (escape !== undefined && escape.length !== 1) {
    throw new ExpressionError(`LIKE escape '${escape}' must be a single character`);
  }
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === escape) {
      const next = pattern.charAt(++i);
      if (next === '') throw new ExpressionError(`LIKE pattern '${pattern}' ends with its escape`);
      source += REGEX_SPECIAL.test(next) ? `\\${next}` : next;
    } else if (char === '%') {
      source += '.*';
    } else if (char === '_') {
      source += '.';
    } else {
      source += REGEX_SPECIAL.test(char) ? `\\${char}` : char;
    }
  }
  if (likePatterns.size >= LIKE_CACHE_ENTRIES_MAX) likePatterns.clear();
  const regex = new RegExp(`${source}$`, 's');
  likePatterns.set(key, regex);
  return regex;
}

/** Pinot's REGEXP_LIKE: true when the pattern is found anywhere (Java's Matcher.find). */
export function regexpLike(value: string, pattern: string, flags = ''): boolean {
  const regexFlags = flags.toLowerCase().includes('i') ? 'i' : '';
  return compileRegex(pattern, regexFlags).test(value);
}

/** Result type of CAST(x AS type) for the type names Pinot and Calcite accept. */
export function castType(targetType: string): ValueType {
  switch (targetType.toUpperCase()) {
    case 'INT':
    case 'INTEGER':
    case 'SMALLINT':
    case 'TINYINT':
      return 'INT';
    case 'LONG':
    case 'BIGINT':
      return 'LONG';
    case 'FLOAT':
    case 'REAL':
      return 'FLOAT';
    case 'DOUBLE':
    case 'DECIMAL':
    case 'NUMERIC':
    case 'BIG_DECIMAL':
      return 'DOUBLE';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'TIMESTAMP':
      return 'TIMESTAMP';
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
    case 'JSON':
      return 'STRING';
    case 'BYTES':
    case 'VARBINARY':
      return 'BYTES';
    default:
      throw new ExpressionError(
        `Cannot CAST to unknown type '${targetType}'; use INT, LONG, FLOAT, DOUBLE, BOOLEAN, ` +
          'TIMESTAMP, STRING or BYTES',
      );
  }
}

/** CAST of a non-null value; `sourceType` decides how a number prints as text. */
export function castValue(value: ExprValue, target: ValueType, sourceType: ValueType): ExprValue {
  switch (target) {
    case 'INT':
      return toInt(value);
    case 'LONG':
      return toLong(value);
    case 'FLOAT':
      return Math.fround(toDouble(value));
    case 'DOUBLE':
      return toDouble(value);
    case 'BOOLEAN':
      return toBoolean(value);
    case 'TIMESTAMP':
      return timestampMillis(value);
    case 'STRING': {
      const floating = sourceType === 'DOUBLE' || sourceType === 'FLOAT';
      return typeof value === 'number' && floating ? javaDoubleToString(value) : toStr(value);
    }
    case 'BYTES':
      return value instanceof Uint8Array ? value : hexToBytes(toStr(value));
    default:
      return value;
  }
}

function comparison(name: string, aliases: string[], op: ComparisonOp): ScalarFunctionSpec {
  return {
    name,
    aliases,
    minArgs: 2,
    returnType: 'BOOLEAN',
    evaluate: (a) => compareWith(op, a[0]!, a[1]!),
  };
}

/** `x IS [NOT] TRUE|FALSE`: never null, a null operand is neither true nor false. */
function truthTest(name: string, test: (truth: boolean | null) => boolean): ScalarFunctionSpec {
  return {
    name,
    minArgs: 1,
    returnType: 'BOOLEAN',
    nullPropagating: false,
    evaluate: (a) => test(toBoolean(a[0]!)),
  };
}

function andAll(args: readonly ExprValue[]): boolean | null {
  let sawNull = false;
  for (const arg of args) {
    const truth = toBoolean(arg);
    if (truth === false) return false;
    if (truth === null) sawNull = true;
  }
  return sawNull ? null : true;
}

function orAll(args: readonly ExprValue[]): boolean | null {
  let sawNull = false;
  for (const arg of args) {
    const truth = toBoolean(arg);
    if (truth === true) return true;
    if (truth === null) sawNull = true;
  }
  return sawNull ? null : false;
}

/** `value IN (list...)` with SQL nulls: no match and a null in the list gives null. */
export function inList(value: ExprValue, list: readonly ExprValue[]): boolean | null {
  if (value === null) return null;
  let sawNull = false;
  for (const item of list) {
    if (item === null) sawNull = true;
    else if (valuesEqual(value, item)) return true;
  }
  return sawNull ? null : false;
}

export const LOGICAL_FUNCTIONS: readonly ScalarFunctionSpec[] = [
  comparison('equals', ['eq'], '='),
  comparison('notEquals', ['neq'], '!='),
  comparison('greaterThan', ['gt'], '>'),
  comparison('greaterThanOrEqual', ['gte'], '>='),
  comparison('lessThan', ['lt'], '<'),
  comparison('lessThanOrEqual', ['lte'], '<='),
  {
    name: 'between',
    minArgs: 3,
    returnType: 'BOOLEAN',
    evaluate: (a) => compareValues(a[0]!, a[1]!) >= 0 && compareValues(a[0]!, a[2]!) <= 0,
  },
  { name: 'and', minArgs: 2, maxArgs: Infinity, returnType: 'BOOLEAN', nullPropagating: false, evaluate: andAll },
  { name: 'or', minArgs: 2, maxArgs: Infinity, returnType: 'BOOLEAN', nullPropagating: false, evaluate: orAll },
  { name: 'not', minArgs: 1, returnType: 'BOOLEAN', nullPropagating: false, evaluate: (a) => not3(a[0]!) },
  truthTest('isTrue', (truth) => truth === true),
  truthTest('isNotTrue', (truth) => truth !== true),
  truthTest('isFalse', (truth) => truth === false),
  truthTest('isNotFalse', (truth) => truth !== false),
  { name: 'isNull', minArgs: 1, returnType: 'BOOLEAN', nullPropagating: false, evaluate: (a) => a[0] === null },
  { name: 'isNotNull', minArgs: 1, returnType: 'BOOLEAN', nullPropagating: false, evaluate: (a) => a[0] !== null },
  {
    name: 'in',
    minArgs: 2,
    maxArgs: Infinity,
    returnType: 'BOOLEAN',
    nullPropagating: false,
    evaluate: (a) => inList(a[0]!, a.slice(1)),
  },
  {
    name: 'notIn',
    minArgs: 2,
    maxArgs: Infinity,
    returnType: 'BOOLEAN',
    nullPropagating: false,
    evaluate: (a) => not3(inList(a[0]!, a.slice(1))),
  },
  {
    name: 'coalesce',
    minArgs: 1,
    maxArgs: Infinity,
    returnType: 'UNKNOWN',
    nullPropagating: false,
    evaluate: (a) => a.find((value) => value !== null) ?? null,
  },
  {
    name: 'isDistinctFrom',
    minArgs: 2,
    returnType: 'BOOLEAN',
    nullPropagating: false,
    evaluate: (a) => (a[0] === null || a[1] === null ? a[0] !== a[1] : !valuesEqual(a[0]!, a[1]!)),
  },
  {
    name: 'isNotDistinctFrom',
    minArgs: 2,
    returnType: 'BOOLEAN',
    nullPropagating: false,
    evaluate: (a) => (a[0] === null || a[1] === null ? a[0] === a[1] : valuesEqual(a[0]!, a[1]!)),
  },
  {
    name: 'like',
    minArgs: 2,
    returnType: 'BOOLEAN',
    evaluate: (a) => likeToRegex(toStr(a[1]!)).test(toStr(a[0]!)),
  },
  {
    name: 'regexpLike',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'BOOLEAN',
    evaluate: (a) => regexpLike(toStr(a[0]!), toStr(a[1]!), a.length > 2 ? toStr(a[2]!) : ''),
  },
  {
    name: 'cast',
    minArgs: 2,
    returnType: (args) => {
      const target = args[1]?.constant;
      return typeof target === 'string' ? castType(target) : 'UNKNOWN';
    },
    evaluate: (a) => castValue(a[0]!, castType(toStr(a[1]!)), 'UNKNOWN'),
  },
];
