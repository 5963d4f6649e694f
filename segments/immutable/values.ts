// Ordering and JSON encoding of stored values. The order is the dictionaries' own
// (kernels/reference/dictionary.ts), so sortedness, min/max and id ranges agree everywhere.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import { compareBytes, orderKey } from '../../kernels/reference/dictionary.js';
import { assertNever } from '../../host/util/assert.js';

export type Comparator = (a: ScalarValue, b: ScalarValue) => number;

const utf8 = new TextEncoder();

/**
 * The dictionary order of kernels/reference/dictionary.ts: numbers by their order keys (-0
 * equals 0, NaN last), LONG as signed 64-bit, STRING by UTF-8 bytes, BYTES unsigned.
 */
export function comparatorFor(storedType: StoredType): Comparator {
  switch (storedType) {
    case 'INT':
    case 'LONG':
    case 'FLOAT':
    case 'DOUBLE':
      return (a, b) => {
        const x = orderKey(storedType, a as number | bigint);
        const y = orderKey(storedType, b as number | bigint);
        return x < y ? -1 : x > y ? 1 : 0;
      };
    case 'STRING':
      return (a, b) => compareBytes(utf8.encode(a as string), utf8.encode(b as string));
    case 'BYTES':
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    default:
      return assertNever(storedType, 'stored type');
  }
}

/** Fixed-width stored types and their width in bytes; STRING and BYTES are var-length. */
export function fixedWidthBytes(storedType: StoredType): number | undefined {
  switch (storedType) {
    case 'INT':
    case 'FLOAT':
      return 4;
    case 'LONG':
    case 'DOUBLE':
      return 8;
    case 'STRING':
    case 'BYTES':
      return undefined;
    default:
      return assertNever(storedType, 'stored type');
  }
}

/** JSON form of a value (metadata): LONG as decimal text, BYTES as hex, doubles keep ±0/NaN. */
export function valueToJson(value: ScalarValue): string | number {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return value;
}

export function valueFromJson(json: unknown, storedType: StoredType): ScalarValue {
  switch (storedType) {
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
      return typeof json === 'number' ? json : Number(json);
    case 'LONG':
      return BigInt(json as string);
    case 'STRING':
      return json as string;
    case 'BYTES':
      return new Uint8Array(Buffer.from(json as string, 'hex'));
    default:
      return assertNever(storedType, 'stored type');
  }
}
