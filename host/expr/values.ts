// Conversions and comparisons between expression values, following Pinot's (Java's) rules:
// numbers convert by truncation, strings parse like Double.parseDouble / Long.parseLong, and
// doubles print like Double.toString.
import { ExpressionError } from './errors.js';
import type { ExprValue } from './types.js';

const INT32_MIN = -2147483648; // Java int range: casts to INT saturate at its ends
const INT32_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n); // Java long range: casts to LONG saturate at its ends
const LONG_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[-+]?\d+$/; // text that Long.parseLong reads exactly
/** Java prints doubles in plain notation inside [1e-3, 1e7), scientific outside. */
const PLAIN_NOTATION_MIN = 1e-3;
const PLAIN_NOTATION_MAX = 1e7;

function describe(value: ExprValue): string {
  if (value instanceof Uint8Array) return 'a BYTES value';
  if (Array.isArray(value)) return 'a multi-value';
  return `'${String(value)}'`;
}

function conversionError(value: ExprValue, target: string): ExpressionError {
  return new ExpressionError(
    `Cannot convert ${describe(value)} to ${target}; cast or fix the input value`,
  );
}

/** DOUBLE view of a value (Pinot's argument conversion to double). */
export function toDouble(value: ExprValue): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'bigint':
      return Number(value);
    case 'boolean':
      return value ? 1 : 0;
    case 'string': {
      const trimmed = value.trim();
      const parsed = Number(trimmed);
      if (trimmed.length === 0 || (Number.isNaN(parsed) && trimmed !== 'NaN')) {
        throw conversionError(value, 'a number');
      }
      return parsed;
    }
    default:
      throw conversionError(value, 'a number');
  }
}

/** LONG view of a value: doubles truncate toward zero and saturate, as Java's (long) cast. */
export function toLong(value: ExprValue): bigint {
  switch (typeof value) {
    case 'bigint':
      return value;
    case 'number':
      return doubleToLong(value);
    case 'boolean':
      return value ? 1n : 0n;
    case 'string': {
      const trimmed = value.trim();
      if (INTEGER_TEXT.test(trimmed)) return clampLong(BigInt(trimmed));
      return doubleToLong(toDouble(trimmed));
    }
    default:
      throw conversionError(value, 'a LONG');
  }
}

function clampLong(value: bigint): bigint {
  return value < LONG_MIN ? LONG_MIN : value > LONG_MAX ? LONG_MAX : value;
}

export function doubleToLong(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= 9.223372036854776e18) return LONG_MAX;
  if (value <= -9.223372036854776e18) return LONG_MIN;
  return BigInt(Math.trunc(value));
}

/** INT view of a value: truncates toward zero and saturates, as Java's (int) cast. */
export function toInt(value: ExprValue): number {
  const asDouble = typeof value === 'bigint' ? Number(value) : toDouble(value);
  if (Number.isNaN(asDouble)) return 0;
  const truncated = Math.trunc(asDouble);
  return truncated < INT32_MIN ? INT32_MIN : truncated > INT32_MAX ? INT32_MAX : truncated;
}

/** STRING view of a value; integral numbers print without a fraction. */
export function toStr(value: ExprValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) ? String(value) : javaDoubleToString(value);
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      if (value instanceof Uint8Array) return bytesToHex(value);
      throw conversionError(value, 'a STRING');
  }
}

/** Predicate view: booleans as they are, numbers true when non-zero, null stays null. */
export function toBoolean(value: ExprValue): boolean | null {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      return value !== 0;
    case 'bigint':
      return value !== 0n;
    case 'string':
      return value.trim().toLowerCase() === 'true';
    default:
      if (value === null) return null;
      throw conversionError(value, 'a BOOLEAN');
  }
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new ExpressionError(`'${hex}' is not a hex string; BYTES literals are written in hex`);
  }
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Java's Double.toString: `1.0`, `0.001`, `1.0E7`, `1.234E-5`, shortest round-trip digits. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const magnitude = Math.abs(value);
  const [mantissa = '', exponentText = '0'] = magnitude.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (magnitude >= PLAIN_NOTATION_MIN && magnitude < PLAIN_NOTATION_MAX) {
    return sign + plainDecimal(digits, exponent);
  }
  const fraction = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0]}.${fraction}E${exponent}`;
}

function plainDecimal(digits: string, exponent: number): string {
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fractionPart = digits.slice(exponent + 1);
  return `${integerPart}.${fractionPart.length > 0 ? fractionPart : '0'}`;
}

function isNumeric(value: ExprValue): value is number | bigint | boolean {
  const type = typeof value;
  return type === 'number' || type === 'bigint' || type === 'boolean';
}

function numericOf(value: number | bigint | boolean): number | bigint {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * Orders two non-null values: numbers (INT, LONG, DOUBLE mixed exactly), strings by UTF-16
 * code units as Java's compareTo, bytes unsigned. A string against a number is read as a
 * number, as Pinot converts a literal to the column's type.
 */
export function compareValues(left: ExprValue, right: ExprValue): number {
  if (isNumeric(left) && isNumeric(right)) return compareNumbers(numericOf(left), numericOf(right));
  if (typeof left === 'string' && typeof right === 'string') {
    return left < right ? -1 : left > right ? 1 : 0;
  }
  if (typeof left === 'string' && isNumeric(right)) return -compareValues(right, left);
  if (isNumeric(left) && typeof right === 'string') {
    const number = numericOf(left);
    if (typeof number === 'bigint' && INTEGER_TEXT.test(right.trim())) {
      return compareNumbers(number, BigInt(right.trim()));
    }
    return compareNumbers(number, toDouble(right));
  }
  if (left instanceof Uint8Array && right instanceof Uint8Array) return compareBytes(left, right);
  throw new ExpressionError(`Cannot compare ${describe(left)} with ${describe(right)}`);
}

/** Exact comparison across number and bigint (JS relational operators compare exactly). */
export function compareNumbers(left: number | bigint, right: number | bigint): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareBytes(left: Uint8Array, right: Uint8Array): number {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = left[i]! - right[i]!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** SQL equality of two non-null values; a multi-value matches when any element does. */
export function valuesEqual(left: ExprValue, right: ExprValue): boolean {
  if (Array.isArray(left)) return (left as ExprValue[]).some((item) => valuesEqual(item, right));
  if (typeof left === 'string' && typeof right === 'string') return left === right;
  if (typeof left === 'number' && typeof right === 'number') return left === right;
  return compareValues(left, right) === 0;
}

/** Java's long division (truncating); a zero divisor is the user's error, not a crash. */
export function divideLong(dividend: bigint, divisor: bigint): bigint {
  if (divisor === 0n) {
    throw new ExpressionError('Division by zero in a LONG expression; check the divisor');
  }
  return dividend / divisor;
}
