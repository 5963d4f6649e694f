// Compiles an expression tree into a tree of closures evaluated one row at a time (ingestion
// transforms, filterConfig, post-aggregation expressions). Names, arities and literal
// arguments are checked once here; constant sub-expressions are folded; evaluation allocates
// nothing per row beyond the values the functions themselves return.
import type { Row } from '../config/types.js';
import type {
  BinaryExpr,
  CallExpr,
  CaseExpr,
  Expr,
  IdentifierExpr,
  InExpr,
  LikeExpr,
  LogicalExpr,
} from '../sql/ast.js';
import { parseExpression } from '../sql/parser.js';
import { assertNever } from '../util/assert.js';
import { builtinFunctions } from './builtins.js';
import { ExpressionError, UnknownColumnError, UnknownFunctionError } from './errors.js';
import {
  castType,
  castValue,
  compare3,
  inList,
  likeToRegex,
  not3,
} from './functions/logical.js';
import type { ArgumentInfo, FunctionRegistry, ScalarFunction } from './registry.js';
import type { ExprValue, ValueType } from './types.js';
import { toBoolean, toDouble, toStr, valuesEqual } from './values.js';

/** Where an identifier (or a call the caller computes itself) is read from in the row. */
export interface ColumnBinding {
  /** Key of the value in the row record. */
  readonly key: string;
  /** Static type, when known: lets CAST print doubles as Java does and types the result. */
  readonly type?: ValueType;
}

/** Maps an identifier to its row key; undefined means no such column (error 710). */
export type ColumnResolver = (
  name: string,
  expr: IdentifierExpr,
) => string | ColumnBinding | undefined;

export interface CompileOptions {
  /** Defaults to the built-in registry. */
  readonly registry?: FunctionRegistry;
  /**
   * Post-aggregation: return a binding for calls whose value the caller has computed (e.g.
   * `SUM(x)`), so they are read from the row instead of evaluated.
   */
  readonly resolveCall?: (call: CallExpr) => string | ColumnBinding | undefined;
}

export type RowEvaluator = (row: Row) => ExprValue;

export interface CompiledExpression {
  readonly evaluate: RowEvaluator;
  readonly type: ValueType;
  /** Row keys the expression reads, in first-use order. */
  readonly columns: readonly string[];
  /** True when the result does not depend on the row (and was computed at compile time). */
  readonly constant: boolean;
}

interface Node {
  readonly evaluate: RowEvaluator;
  readonly type: ValueType;
  /** Present for folded constants. */
  readonly value?: ExprValue;
}

/** Types that mix into DOUBLE when CASE branches disagree. */
const NUMERIC_TYPES = new Set<ValueType>(['INT', 'LONG', 'FLOAT', 'DOUBLE']);

export function compileRowExpression(
  expr: Expr,
  resolveColumn: ColumnResolver,
  options: CompileOptions = {},
): CompiledExpression {
  const compiler = new Compiler(resolveColumn, options);
  const node = compiler.compile(expr);
  return {
    evaluate: node.evaluate,
    type: node.type,
    columns: [...compiler.columns],
    constant: 'value' in node,
  };
}

/** Parses and compiles in one step, for transformFunction and filterFunction strings. */
export function compileRowExpressionText(
  text: string,
  resolveColumn: ColumnResolver,
  options: CompileOptions = {},
): CompiledExpression {
  return compileRowExpression(parseExpression(text), resolveColumn, options);
}

function constant(value: ExprValue, type: ValueType): Node {
  return { evaluate: () => value, type, value };
}

function isConstant(node: Node): boolean {
  return 'value' in node;
}

/** Folds a node whose inputs are all constant; errors stay for evaluation time. */
function fold(node: Node, inputs: readonly Node[]): Node {
  if (!inputs.every(isConstant)) return node;
  try {
    return constant(node.evaluate({}), node.type);
  } catch (error) {
    if (error instanceof ExpressionError) return node;
    throw error;
  }
}

function commonType(types: readonly ValueType[]): ValueType {
  const known = types.filter((type) => type !== 'UNKNOWN');
  if (known.length === 0) return 'UNKNOWN';
  if (known.every((type) => type === known[0])) return known[0]!;
  return known.every((type) => NUMERIC_TYPES.has(type)) ? 'DOUBLE' : known[0]!;
}

class Compiler {
  readonly columns = new Set<string>();
  private readonly registry: FunctionRegistry;

  constructor(
    private readonly resolveColumn: ColumnResolver,
    private readonly options: CompileOptions,
  ) {
    this.registry = options.registry ?? builtinFunctions();
  }

  compile(expr: Expr): Node {
    switch (expr.kind) {
      case 'literal':
        return constant(expr.value, expr.type === 'NULL' ? 'UNKNOWN' : expr.type);
      case 'identifier':
        return this.column(expr);
      case 'star':
        throw new ExpressionError('* is only allowed as COUNT(*)', expr.pos);
      case 'call':
        return this.call(expr);
      case 'binary':
        return this.binary(expr);
      case 'logical':
        return this.logical(expr);
      case 'not': {
        const operand = this.compile(expr.operand);
        return fold({ evaluate: (row) => not3(operand.evaluate(row)), type: 'BOOLEAN' }, [operand]);
      }
      case 'negate':
        return this.negate(this.compile(expr.operand));
      case 'between':
        return this.between(expr.negated, expr.value, expr.low, expr.high);
      case 'in':
        return this.inList(expr);
      case 'like':
        return this.like(expr);
      case 'isNull':
        return this.isNull(expr.negated, this.compile(expr.value));
      case 'case':
        return this.caseWhen(expr);
      case 'cast':
        return this.cast(this.compile(expr.value), expr.targetType, expr);
      default:
        return assertNever(expr, 'expression kind');
    }
  }

  private read(binding: string | ColumnBinding): Node {
    const { key, type = 'UNKNOWN' } = typeof binding === 'string' ? { key: binding } : binding;
    this.columns.add(key);
    return { evaluate: (row) => (row[key] as ExprValue | undefined) ?? null, type };
  }

  private column(expr: IdentifierExpr): Node {
    const binding = this.resolveColumn(expr.name, expr);
    if (binding === undefined) throw new UnknownColumnError(expr.name, expr.pos);
    return this.read(binding);
  }

  private call(expr: CallExpr): Node {
    const computed = this.options.resolveCall?.(expr);
    if (computed !== undefined) return this.read(computed);
    const fn = this.registry.lookup(expr.name);
    if (fn === undefined) {
      throw new UnknownFunctionError(
        expr.name,
        expr.pos,
        'no scalar function has this name (names match ignoring case and underscores; ' +
          'aggregations such as SUM are not allowed in row expressions)',
      );
    }
    if (expr.args.length < fn.minArgs || expr.args.length > fn.maxArgs) {
      const range = fn.maxArgs === Infinity ? `at least ${fn.minArgs}` : arityRange(fn);
      throw new UnknownFunctionError(
        expr.name,
        expr.pos,
        `it takes ${range} arguments, but ${expr.args.length} were given`,
      );
    }
    if (expr.distinct || expr.filter !== undefined) {
      throw new ExpressionError(`DISTINCT and FILTER apply to aggregations, not ${fn.name}`, expr.pos);
    }
    return this.invoke(fn, expr.args.map((arg) => this.compile(arg)), expr);
  }

  private invoke(fn: ScalarFunction, args: readonly Node[], expr: CallExpr): Node {
    const infos: ArgumentInfo[] = args.map((arg) =>
      isConstant(arg) ? { type: arg.type, constant: arg.value! } : { type: arg.type },
    );
    const type = withPosition(
      () => (typeof fn.returnType === 'function' ? fn.returnType(infos) : fn.returnType),
      expr,
    );
    const values: ExprValue[] = new Array<ExprValue>(args.length).fill(null);
    const count = args.length;
    const propagate = fn.nullPropagating;
    const evaluate: RowEvaluator = (row) => {
      for (let i = 0; i < count; i++) {
        const value = args[i]!.evaluate(row);
        if (value === null && propagate) return null;
        values[i] = value;
      }
      return fn.evaluate(values);
    };
    const node = { evaluate: guarded(evaluate, expr), type };
    return fn.deterministic ? fold(node, args) : node;
  }

  private binary(expr: BinaryExpr): Node {
    const left = this.compile(expr.left);
    const right = this.compile(expr.right);
    const l = left.evaluate;
    const r = right.evaluate;
    const op = expr.op;
    if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') {
      const arithmetic = ARITHMETIC[op];
      const evaluate: RowEvaluator = (row) => {
        const a = l(row);
        if (a === null) return null;
        const b = r(row);
        return b === null ? null : arithmetic(toDouble(a), toDouble(b));
      };
      return fold({ evaluate: guarded(evaluate, expr), type: 'DOUBLE' }, [
        left,
        right,
      ]);
    }
    const evaluate: RowEvaluator = (row) => compare3(op, l(row), r(row));
    return fold({ evaluate: guarded(evaluate, expr), type: 'BOOLEAN' }, [
      left,
      right,
    ]);
  }

  private logical(expr: LogicalExpr): Node {
    const operands = expr.operands.map((operand) => this.compile(operand).evaluate);
    const stopOn = expr.op === 'AND' ? false : true;
    const evaluate: RowEvaluator = (row) => {
      let sawNull = false;
      for (const operand of operands) {
        const truth = toBoolean(operand(row));
        if (truth === stopOn) return stopOn;
        if (truth === null) sawNull = true;
      }
      return sawNull ? null : !stopOn;
    };
    return { evaluate, type: 'BOOLEAN' };
  }

  private negate(operand: Node): Node {
    const inner = operand.evaluate;
    const evaluate: RowEvaluator = (row) => {
      const value = inner(row);
      if (value === null) return null;
      return typeof value === 'bigint' ? -value : -toDouble(value);
    };
    const type = operand.type === 'LONG' || operand.type === 'INT' ? operand.type : 'DOUBLE';
    return fold({ evaluate, type }, [operand]);
  }

  private between(negated: boolean, valueExpr: Expr, lowExpr: Expr, highExpr: Expr): Node {
    const value = this.compile(valueExpr).evaluate;
    const low = this.compile(lowExpr).evaluate;
    const high = this.compile(highExpr).evaluate;
    const evaluate: RowEvaluator = (row) => {
      const v = value(row);
      const aboveLow = compare3('>=', v, low(row));
      if (aboveLow === false) return negated;
      const belowHigh = compare3('<=', v, high(row));
      if (belowHigh === false) return negated;
      if (aboveLow === null || belowHigh === null) return null;
      return !negated;
    };
    return { evaluate: guarded(evaluate, valueExpr), type: 'BOOLEAN' };
  }

  private inList(expr: InExpr): Node {
    const value = this.compile(expr.value).evaluate;
    const items = expr.list.map((item) => this.compile(item));
    const negated = expr.negated;
    const constantStrings = constantStringSet(items);
    if (constantStrings !== undefined) {
      const evaluate: RowEvaluator = (row) => {
        const v = value(row);
        if (v === null) return null;
        const found = typeof v === 'string' ? constantStrings.has(v) : anyEqual(v, constantStrings);
        return found !== negated;
      };
      return { evaluate: guarded(evaluate, expr), type: 'BOOLEAN' };
    }
    const constantNumbers = constantNumberSet(items);
    if (constantNumbers !== undefined) {
      const evaluate: RowEvaluator = (row) => {
        const v = value(row);
        if (v === null) return null;
        const found =
          typeof v === 'number' || (typeof v === 'bigint' && isSafeBigInt(v))
            ? constantNumbers.has(Number(v))
            : inList(v, [...constantNumbers]) === true;
        return found !== negated;
      };
      return { evaluate: guarded(evaluate, expr), type: 'BOOLEAN' };
    }
    const listValues: ExprValue[] = new Array<ExprValue>(items.length).fill(null);
    const evaluate: RowEvaluator = (row) => {
      for (let i = 0; i < items.length; i++) listValues[i] = items[i]!.evaluate(row);
      const found = inList(value(row), listValues);
      return found === null ? null : found !== negated;
    };
    return { evaluate: guarded(evaluate, expr), type: 'BOOLEAN' };
  }

  private like(expr: LikeExpr): Node {
    const value = this.compile(expr.value).evaluate;
    const pattern = this.compile(expr.pattern);
    const escapeNode = expr.escape === undefined ? undefined : this.compile(expr.escape);
    const negated = expr.negated;
    const escapeOf = (row: Row): string | undefined => {
      const escape = escapeNode?.evaluate(row);
      return escape === undefined || escape === null ? undefined : toStr(escape);
    };
    const fixedPattern =
      isConstant(pattern) && (escapeNode === undefined || isConstant(escapeNode));
    const fixed =
      fixedPattern && pattern.value !== null
        ? withPosition(() => likeToRegex(toStr(pattern.value!), escapeOf({})), expr)
        : undefined;
    const evaluate: RowEvaluator = (row) => {
      const v = value(row);
      if (v === null) return null;
      const p = fixed === undefined ? pattern.evaluate(row) : '';
      if (p === null) return null;
      const regex = fixed ?? likeToRegex(toStr(p), escapeOf(row));
      return regex.test(toStr(v)) !== negated;
    };
    return { evaluate: guarded(evaluate, expr), type: 'BOOLEAN' };
  }

  private isNull(negated: boolean, operand: Node): Node {
    const inner = operand.evaluate;
    return { evaluate: (row) => (inner(row) === null) !== negated, type: 'BOOLEAN' };
  }

  private caseWhen(expr: CaseExpr): Node {
    const operand = expr.operand === undefined ? undefined : this.compile(expr.operand).evaluate;
    const whens = expr.whens.map((clause) => this.compile(clause.when).evaluate);
    const thens = expr.whens.map((clause) => this.compile(clause.then));
    const elseNode = expr.elseValue === undefined ? undefined : this.compile(expr.elseValue);
    const elseValue = elseNode?.evaluate;
    const evaluate: RowEvaluator = (row) => {
      const subject = operand === undefined ? undefined : operand(row);
      for (let i = 0; i < whens.length; i++) {
        const when = whens[i]!(row);
        const matched =
          subject === undefined
            ? toBoolean(when) === true
            : subject !== null && when !== null && valuesEqual(subject, when);
        if (matched) return thens[i]!.evaluate(row);
      }
      return elseValue === undefined ? null : elseValue(row);
    };
    const results = elseNode === undefined ? thens : [...thens, elseNode];
    const types = results.map((node) => node.type);
    return { evaluate: guarded(evaluate, expr), type: commonType(types) };
  }

  private cast(operand: Node, targetType: string, expr: Expr): Node {
    const target = withPosition(() => castType(targetType), expr);
    const inner = operand.evaluate;
    const sourceType = operand.type;
    const evaluate: RowEvaluator = (row) => {
      const value = inner(row);
      return value === null ? null : castValue(value, target, sourceType);
    };
    return fold({ evaluate: guarded(evaluate, expr), type: target }, [
      operand,
    ]);
  }
}

/** The arithmetic operators on DOUBLE, as Pinot evaluates them. */
const ARITHMETIC: Record<'+' | '-' | '*' | '/' | '%', (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};

function arityRange(fn: ScalarFunction): string {
  return fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
}

/** Wraps an evaluator so an ExpressionError without a position gets the expression's. */
function guarded(evaluate: RowEvaluator, expr: Expr): RowEvaluator {
  return (row) => {
    try {
      return evaluate(row);
    } catch (error) {
      throw positioned(error, expr);
    }
  };
}

function positioned(error: unknown, expr: Expr): unknown {
  return error instanceof ExpressionError && error.position === undefined
    ? new ExpressionError(error.message, expr.pos)
    : error;
}

/** Runs `body`; an ExpressionError without a position gets the expression's position. */
function withPosition<T>(body: () => T, expr: Expr): T {
  try {
    return body();
  } catch (error) {
    throw positioned(error, expr);
  }
}

/** The list of an IN as a set of strings when every item is a constant string. */
function constantStringSet(items: readonly Node[]): Set<string> | undefined {
  if (!items.every((item) => isConstant(item) && typeof item.value === 'string')) return undefined;
  return new Set(items.map((item) => item.value as string));
}

function anyEqual(value: ExprValue, candidates: ReadonlySet<string>): boolean {
  for (const candidate of candidates) if (valuesEqual(value, candidate)) return true;
  return false;
}

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER); // bigints in this range convert exactly
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

function isSafeBigInt(value: bigint): boolean {
  return value >= SAFE_MIN && value <= SAFE_MAX;
}

/** The list of an IN as a set of numbers when every item is an exactly representable number. */
function constantNumberSet(items: readonly Node[]): Set<number> | undefined {
  const numbers = new Set<number>();
  for (const item of items) {
    if (!isConstant(item)) return undefined;
    const value = item.value;
    if (typeof value === 'number') numbers.add(value);
    else if (typeof value === 'bigint' && isSafeBigInt(value)) numbers.add(Number(value));
    else return undefined;
  }
  return numbers;
}
