// The scalar function registry: Pinot's function names and aliases, looked up the way Pinot's
// FunctionRegistry does (case-insensitive, underscores ignored: `to_epoch_days` is
// `toEpochDays`). Each function declares its arity and result type; the compiler checks the
// arity once, so evaluation never re-checks it per row.
import type { ExprValue, ValueType } from './types.js';
import { assert } from '../util/assert.js';

/** What the compiler knows about an argument before evaluation. */
export interface ArgumentInfo {
  readonly type: ValueType;
  /** Present when the argument is a literal (after constant folding). */
  readonly constant?: ExprValue;
}

export interface ScalarFunction {
  /** Pinot's primary name, e.g. `toEpochDays`. */
  readonly name: string;
  readonly aliases: readonly string[];
  readonly minArgs: number;
  /** Infinity for variadic functions. */
  readonly maxArgs: number;
  readonly returnType: ValueType | ((args: readonly ArgumentInfo[]) => ValueType);
  /** True (the default): a null argument makes the result null without calling evaluate. */
  readonly nullPropagating: boolean;
  /** False for NOW and AGO: never folded at compile time. */
  readonly deterministic: boolean;
  /** Arguments arrive with the arity already checked; the array is reused between calls. */
  readonly evaluate: (args: readonly ExprValue[]) => ExprValue;
}

export type ScalarFunctionSpec = Pick<ScalarFunction, 'name' | 'minArgs' | 'returnType' | 'evaluate'> &
  Partial<Pick<ScalarFunction, 'aliases' | 'maxArgs' | 'nullPropagating' | 'deterministic'>>;

/** Pinot's canonical form of a function name. */
export function canonicalFunctionName(name: string): string {
  return name.replaceAll('_', '').toLowerCase();
}

export class FunctionRegistry {
  private readonly functions = new Map<string, ScalarFunction>();

  register(spec: ScalarFunctionSpec): void {
    const fn: ScalarFunction = {
      aliases: [],
      maxArgs: spec.minArgs,
      nullPropagating: true,
      deterministic: true,
      ...spec,
    };
    assert(fn.maxArgs >= fn.minArgs, `function ${fn.name}: maxArgs below minArgs`);
    for (const name of [fn.name, ...fn.aliases]) {
      const key = canonicalFunctionName(name);
      assert(!this.functions.has(key), `function ${name} registered twice`);
      this.functions.set(key, fn);
    }
  }

  registerAll(specs: readonly ScalarFunctionSpec[]): void {
    for (const spec of specs) this.register(spec);
  }

  lookup(name: string): ScalarFunction | undefined {
    return this.functions.get(canonicalFunctionName(name));
  }

  /** Every primary name, sorted (for error messages and documentation). */
  names(): string[] {
    return [...new Set([...this.functions.values()].map((fn) => fn.name))].sort();
  }
}
