// Comparators in the dictionaries' order (segments/immutable/values.ts, kernels/DICTIONARY.md)
// that avoid per-call allocation, for the mutable segment's per-row min/max tracking: the
// reference comparator encodes STRING to UTF-8 and builds order keys on every call.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import { assertNever } from '../../host/util/assert.js';
import { compareBytes } from '../../kernels/reference/dictionary.js';
import type { Comparator } from '../immutable/values.js';

/** UTF-16 code units from here up are surrogates (U+D800..U+DFFF) or U+E000..U+FFFF. */
const SURROGATE_START = 0xd800;
/** First code unit above the surrogate range. */
const PRIVATE_USE_START = 0xe000;
/** Surrogates move above U+E000..U+FFFF by this much; U+E000.. moves down by the gap size. */
const SURROGATE_SHIFT = 0x2000;
const SURROGATE_GAP = 0x800;

/** Orders a code unit as its code point's UTF-8 bytes order (surrogates after U+FFFF). */
function utf8OrderUnit(unit: number): number {
  if (unit < SURROGATE_START) return unit;
  return unit >= PRIVATE_USE_START ? unit - SURROGATE_GAP : unit + SURROGATE_SHIFT;
}

/** Strings in the order of their UTF-8 bytes, without encoding them. */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8OrderUnit(x) - utf8OrderUnit(y);
  }
  return a.length - b.length;
}

/** Numbers with -0 equal to 0 and NaN after everything, as the dictionary orders them. */
export function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one is NaN.
  const aNaN = a !== a;
  const bNaN = b !== b;
  return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The dictionary order of `storedType`, allocation-free. FLOAT compares as given (f32). */
export function fastComparatorFor(storedType: StoredType): Comparator {
  switch (storedType) {
    case 'INT':
    case 'FLOAT':
    case 'DOUBLE':
      return compareNumbers as Comparator;
    case 'LONG':
      return compareBigints as Comparator;
    case 'STRING':
      return compareUtf8 as Comparator;
    case 'BYTES':
      return (a: ScalarValue, b: ScalarValue) => compareBytes(a as Uint8Array, b as Uint8Array);
    default:
      return assertNever(storedType, 'stored type');
  }
}
