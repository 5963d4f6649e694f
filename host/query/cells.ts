// Result cells as Pinot writes them: LONGs exact (number when within 2^53, bigint beyond),
// FLOATs with their shortest float spelling, TIMESTAMPs as `yyyy-MM-dd HH:mm:ss.S`, BYTES as
// hex, BOOLEANs as true/false.
import type { ExprValue, ValueType } from '../expr/types.js';
import { bytesToHex } from '../expr/values.js';
import type { ColumnDataType, ResultCell } from './response.js';

/** Digits a float32 needs at most to round-trip (IEEE 754 binary32). */
const FLOAT_MAX_DIGITS = 9;

/** The shortest decimal that reads back as the same float32, as Java's Float.toString. */
export function shortestFloat(value: number): number {
  if (!Number.isFinite(value)) return value;
  const target = Math.fround(value);
  for (let digits = 1; digits < FLOAT_MAX_DIGITS; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return Number(target.toPrecision(FLOAT_MAX_DIGITS));
}

function exactLong(value: number | bigint): number | bigint {
  if (typeof value === 'number') return Math.trunc(value);
  return value >= -BigInt(Number.MAX_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Java's Timestamp.toString in UTC: `2014-01-01 00:00:00.0`. */
export function formatTimestamp(millis: number | bigint): string {
  const date = new Date(Number(millis));
  const iso = date.toISOString();
  const fraction = String(date.getUTCMilliseconds()).padStart(3, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction === '' ? '0' : fraction}`;
}

function toNumber(value: ExprValue): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return Number(value);
  return value as number;
}

function scalarCell(value: ExprValue, type: ColumnDataType): ResultCell {
  if (value === null) return null;
  switch (type) {
    case 'INT':
      return Math.trunc(toNumber(value));
    case 'LONG':
      return exactLong(typeof value === 'bigint' ? value : toNumber(value));
    case 'FLOAT':
      return shortestFloat(toNumber(value));
    case 'DOUBLE':
      return toNumber(value);
    case 'BOOLEAN':
      return typeof value === 'boolean' ? value : toNumber(value) !== 0;
    case 'TIMESTAMP':
      return typeof value === 'string' ? value : formatTimestamp(value as number | bigint);
    case 'BYTES':
      return value instanceof Uint8Array ? bytesToHex(value) : String(value);
    default:
      if (value instanceof Uint8Array) return bytesToHex(value);
      return typeof value === 'string' ? value : String(value);
  }
}

/** `INT_ARRAY` → `INT`. */
function elementType(type: ColumnDataType): ColumnDataType {
  return type.endsWith('_ARRAY') ? (type.slice(0, -'_ARRAY'.length) as ColumnDataType) : type;
}

export function formatCell(value: ExprValue, type: ColumnDataType): ResultCell {
  if (Array.isArray(value)) {
    const element = elementType(type);
    return (value as ExprValue[]).map((item) => scalarCell(item, element));
  }
  return scalarCell(value, type);
}

/** The result column type of an expression's static type. */
export function columnTypeOf(type: ValueType): ColumnDataType {
  return type === 'UNKNOWN' ? 'STRING' : type;
}
