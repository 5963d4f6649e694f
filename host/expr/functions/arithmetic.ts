// Pinot's ArithmeticFunctions (and the math helpers beside them): arguments convert to
// DOUBLE and results are DOUBLE, as in Pinot's single-stage engine.
import type { ScalarFunctionSpec } from '../registry.js';
import type { ExprValue } from '../types.js';
import { divideLong, doubleToLong, toDouble, toInt, toLong } from '../values.js';

const CHAR_FIVE = 53; // '5': the first digit that rounds half-up

function unary(
  name: string,
  aliases: string[],
  op: (value: number) => number,
): ScalarFunctionSpec {
  return {
    name,
    aliases,
    minArgs: 1,
    returnType: 'DOUBLE',
    evaluate: (args) => op(toDouble(args[0]!)),
  };
}

function binary(
  name: string,
  aliases: string[],
  op: (left: number, right: number) => number,
): ScalarFunctionSpec {
  return {
    name,
    aliases,
    minArgs: 2,
    returnType: 'DOUBLE',
    evaluate: (args) => op(toDouble(args[0]!), toDouble(args[1]!)),
  };
}

function sumAll(args: readonly ExprValue[]): number {
  let sum = 0;
  for (const arg of args) sum += toDouble(arg);
  return sum;
}

function productAll(args: readonly ExprValue[]): number {
  let product = 1;
  for (const arg of args) product *= toDouble(arg);
  return product;
}

/** The largest (direction 1) or smallest (-1) argument as DOUBLE; NaN wins as in Math.max. */
function extreme(args: readonly ExprValue[], direction: 1 | -1): number {
  let best = toDouble(args[0]!);
  for (let i = 1; i < args.length; i++) {
    const value = toDouble(args[i]!);
    if (Number.isNaN(value) || (value - best) * direction > 0) best = value;
  }
  return best;
}

/**
 * Decimal rounding of a double as Java's BigDecimal.valueOf(x).setScale(scale, mode): works on
 * the shortest decimal digits of x, so 2.675 rounds half-up to 2.68 (not 2.67 as in binary).
 */
export function roundDecimal(value: number, scale: number, halfUp: boolean): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  const keep = exponent + 1 + scale;
  if (keep >= digits.length) return value;
  let kept = keep <= 0 ? 0n : BigInt(digits.slice(0, keep));
  if (halfUp && keep >= 0 && digits.charCodeAt(keep) >= CHAR_FIVE) kept += 1n;
  const magnitude = Number(`${kept}e${exponent + 1 - Math.max(keep, 0)}`);
  if (magnitude === 0) return 0;
  return value < 0 ? -magnitude : magnitude;
}

export const ARITHMETIC_FUNCTIONS: readonly ScalarFunctionSpec[] = [
  { name: 'plus', aliases: ['add'], minArgs: 2, maxArgs: Infinity, returnType: 'DOUBLE', evaluate: sumAll },
  binary('minus', ['sub', 'subtract'], (a, b) => a - b),
  {
    name: 'times',
    aliases: ['mult', 'multiply'],
    minArgs: 2,
    maxArgs: Infinity,
    returnType: 'DOUBLE',
    evaluate: productAll,
  },
  binary('divide', ['div'], (a, b) => a / b),
  binary('mod', ['modulus'], (a, b) => a % b),
  {
    name: 'intDiv',
    minArgs: 2,
    returnType: 'LONG',
    evaluate: (args) => doubleToLong(Math.floor(toDouble(args[0]!) / toDouble(args[1]!))),
  },
  unary('abs', [], Math.abs),
  unary('ceil', ['ceiling'], Math.ceil),
  unary('floor', [], Math.floor),
  unary('exp', [], Math.exp),
  unary('ln', [], Math.log),
  unary('log10', [], Math.log10),
  unary('log2', [], Math.log2),
  unary('sqrt', [], Math.sqrt),
  unary('cbrt', [], Math.cbrt),
  unary('sign', ['signum'], Math.sign),
  unary('negate', [], (a) => -a),
  unary('sin', [], Math.sin),
  unary('cos', [], Math.cos),
  unary('tan', [], Math.tan),
  unary('asin', [], Math.asin),
  unary('acos', [], Math.acos),
  unary('atan', [], Math.atan),
  unary('degrees', [], (a) => (a * 180) / Math.PI),
  unary('radians', [], (a) => (a * Math.PI) / 180),
  binary('atan2', [], Math.atan2),
  binary('power', ['pow'], Math.pow),
  {
    name: 'least',
    minArgs: 2,
    maxArgs: Infinity,
    returnType: 'DOUBLE',
    evaluate: (args) => extreme(args, -1),
  },
  {
    name: 'greatest',
    minArgs: 2,
    maxArgs: Infinity,
    returnType: 'DOUBLE',
    evaluate: (args) => extreme(args, 1),
  },
  {
    name: 'roundDecimal',
    minArgs: 1,
    maxArgs: 2,
    returnType: 'DOUBLE',
    evaluate: (args) =>
      roundDecimal(toDouble(args[0]!), args.length > 1 ? toInt(args[1]!) : 0, true),
  },
  {
    name: 'truncate',
    minArgs: 1,
    maxArgs: 2,
    returnType: 'DOUBLE',
    evaluate: (args) =>
      roundDecimal(toDouble(args[0]!), args.length > 1 ? toInt(args[1]!) : 0, false),
  },
  {
    // ROUND(x) rounds half-up to an integral DOUBLE; ROUND(time, nearest) is Pinot's
    // DateTimeFunctions.round: (time / nearest) * nearest in LONG arithmetic.
    name: 'round',
    minArgs: 1,
    maxArgs: 2,
    returnType: (args) => (args.length === 2 ? 'LONG' : 'DOUBLE'),
    evaluate: (args) => {
      if (args.length === 1) return roundDecimal(toDouble(args[0]!), 0, true);
      const nearest = toLong(args[1]!);
      return divideLong(toLong(args[0]!), nearest) * nearest;
    },
  },
];
