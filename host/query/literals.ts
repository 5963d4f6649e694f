// Turns a SQL literal into a column's stored representation, the way Pinot converts a
// predicate's literal to the column type before it looks anything up. A literal that no value of
// the column can equal (3.5 for an INT column) answers `undefined`; range bounds move to the
// nearest representable value instead, so `x > 3.5` on INT becomes `x >= 4`.
import type { FieldSpec, ScalarValue } from '../config/types.js';
import type { RangeBound, ValueRange } from '../../segments/spi/dictionary.js';
import type { ExprValue } from '../expr/types.js';
import { hexToBytes, toDouble, toStr, timestampFromText } from './literalText.js';

type Side = 'lower' | 'upper';

function isIntegral(storedType: string): boolean {
  return storedType === 'INT' || storedType === 'LONG';
}

function numericLiteral(value: ExprValue, field: FieldSpec): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    if (field.dataType === 'TIMESTAMP') return timestampFromText(value);
    if (field.dataType === 'BOOLEAN') {
      const lower = value.trim().toLowerCase();
      if (lower === 'true') return 1;
      if (lower === 'false') return 0;
    }
    const text = value.trim();
    if (isIntegral(field.storedType) && /^[-+]?\d+$/.test(text)) return BigInt(text);
    return toDouble(text);
  }
  return toDouble(value as ExprValue);
}

/** The value itself, exactly representable, or undefined when the column cannot hold it. */
export function coerceExact(value: ExprValue, field: FieldSpec): ScalarValue | undefined {
  switch (field.storedType) {
    case 'STRING':
      return typeof value === 'string' ? value : toStr(value);
    case 'BYTES':
      return value instanceof Uint8Array ? value : hexToBytes(toStr(value));
    case 'FLOAT':
      return Math.fround(Number(numericLiteral(value, field)));
    case 'DOUBLE':
      return Number(numericLiteral(value, field));
    case 'INT': {
      const number = numericLiteral(value, field);
      const asNumber = Number(number);
      return Number.isInteger(asNumber) && Math.abs(asNumber) <= 2 ** 31 ? asNumber : undefined;
    }
    case 'LONG': {
      const number = numericLiteral(value, field);
      if (typeof number === 'bigint') return number;
      return Number.isInteger(number) ? BigInt(number) : undefined;
    }
  }
}

/** A bound moved to the nearest value the column can hold. */
function coerceBound(
  value: ExprValue,
  inclusive: boolean,
  side: Side,
  field: FieldSpec,
): RangeBound {
  if (!isIntegral(field.storedType)) {
    return { value: coerceExact(value, field)!, inclusive };
  }
  const number = numericLiteral(value, field);
  if (typeof number === 'bigint' || Number.isInteger(number)) {
    const integral = field.storedType === 'LONG' ? BigInt(number) : Number(number);
    return { value: integral, inclusive };
  }
  if (!Number.isFinite(number)) {
    // ±Infinity: a bound beyond every value; keep it as a double, comparisons stay exact.
    return { value: number, inclusive };
  }
  const rounded = side === 'lower' ? Math.ceil(number) : Math.floor(number);
  return { value: field.storedType === 'LONG' ? BigInt(rounded) : rounded, inclusive: true };
}

export function coerceRange(
  lower: { value: ExprValue; inclusive: boolean } | undefined,
  upper: { value: ExprValue; inclusive: boolean } | undefined,
  field: FieldSpec,
): ValueRange {
  return {
    ...(lower === undefined
      ? {}
      : { lower: coerceBound(lower.value, lower.inclusive, 'lower', field) }),
    ...(upper === undefined
      ? {}
      : { upper: coerceBound(upper.value, upper.inclusive, 'upper', field) }),
  };
}
