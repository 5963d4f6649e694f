// The registry of every built-in scalar function, built once per process.
import { ARITHMETIC_FUNCTIONS } from './functions/arithmetic.js';
import { DATETIME_FUNCTIONS } from './functions/datetime.js';
import { LOGICAL_FUNCTIONS } from './functions/logical.js';
import { STRING_FUNCTIONS } from './functions/string.js';
import { FunctionRegistry } from './registry.js';

let builtins: FunctionRegistry | undefined;

/** The registry of Pinot's scalar functions that Cuvée implements. */
export function builtinFunctions(): FunctionRegistry {
  if (builtins === undefined) {
    const registry = new FunctionRegistry();
    registry.registerAll(ARITHMETIC_FUNCTIONS);
    registry.registerAll(STRING_FUNCTIONS);
    registry.registerAll(DATETIME_FUNCTIONS);
    registry.registerAll(LOGICAL_FUNCTIONS);
    builtins = registry;
  }
  return builtins;
}
