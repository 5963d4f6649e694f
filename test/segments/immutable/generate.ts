// Seeded data for the immutable-segment tests: every stored type, SV and MV, dictionary and
// raw, sorted and unsorted, with nulls, empty strings, LONG beyond 2^53 and float edge values.
import type { FieldSpec, Row, ScalarValue, StoredType, Value } from '../../../host/config/types.js';
import type { SeededRandom } from '../../support/random.js';
import { field } from './support.js';

/** Every stored type a column can have. */
export const STORED_TYPES: readonly StoredType[] = [
  'INT',
  'LONG',
  'FLOAT',
  'DOUBLE',
  'STRING',
  'BYTES',
];

/** Pinot's dimension default null values, so nulls read back as Pinot would show them. */
const DEFAULTS: Readonly<Record<StoredType, ScalarValue>> = {
  INT: -2147483648,
  LONG: -(2n ** 63n),
  FLOAT: Number.NEGATIVE_INFINITY,
  DOUBLE: Number.NEGATIVE_INFINITY,
  STRING: 'null',
  BYTES: new Uint8Array(0),
};

/** Empty, case, multi-byte, astral and U+FFFF strings: the UTF-8 order edge cases. */
const STRINGS = ['', 'a', 'A', 'ab', 'é', '日本', '😀', '\uffff', 'null', 'zz'];

/** A random value of a type from a small pool (so dictionaries repeat) or the whole range. */
export function randomValue(random: SeededRandom, storedType: StoredType): ScalarValue {
  const wide = random.bool(0.3);
  switch (storedType) {
    case 'INT':
      return wide ? random.int(-2147483648, 2147483647) : random.int(-5, 5);
    case 'LONG':
      if (!wide) return BigInt(random.int(-5, 5));
      return BigInt.asIntN(
        64,
        (BigInt(random.int(0, 2 ** 31)) << 33n) ^ BigInt(random.int(0, 2 ** 31)),
      );
    case 'FLOAT':
      return Math.fround(wide ? (random.next() - 0.5) * 1e30 : random.int(-4, 4) / 2);
    case 'DOUBLE':
      if (random.bool(0.05)) return random.pick([Number.NaN, Infinity, -Infinity, 0, -0]);
      return wide ? (random.next() - 0.5) * 1e300 : random.int(-4, 4) / 4;
    case 'STRING':
      return wide ? random.pick(STRINGS) + String(random.int(0, 99)) : random.pick(STRINGS);
    case 'BYTES': {
      const bytes = new Uint8Array(random.int(0, wide ? 9 : 2));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
      return bytes;
    }
  }
}

export interface GeneratedTable {
  readonly fields: FieldSpec[];
  readonly rows: Row[];
  readonly noDictionaryColumns: string[];
  readonly invertedIndexColumns: string[];
  readonly rangeIndexColumns: string[];
}

function randomCell(random: SeededRandom, spec: FieldSpec): Value {
  if (random.bool(0.1)) return null;
  if (spec.singleValueField) return randomValue(random, spec.storedType);
  if (random.bool(0.05)) return [];
  const list: ScalarValue[] = [];
  const length = random.int(1, 4);
  for (let i = 0; i < length; i++) list.push(randomValue(random, spec.storedType));
  return list;
}

/** Per type: SV dictionary, SV raw, MV; plus a sorted INT column without nulls. */
export function generateTable(random: SeededRandom, docCount: number): GeneratedTable {
  const fields: FieldSpec[] = [];
  const noDictionaryColumns: string[] = [];
  for (const type of STORED_TYPES) {
    fields.push(field(`sv_${type}`, type, DEFAULTS[type]));
    fields.push(field(`raw_${type}`, type, DEFAULTS[type]));
    fields.push(field(`mv_${type}`, type, DEFAULTS[type], { singleValue: false }));
    noDictionaryColumns.push(`raw_${type}`);
  }
  fields.push(field('sorted', 'INT', 0));
  const rows: Row[] = [];
  let sortedValue = random.int(-100, 100);
  for (let docId = 0; docId < docCount; docId++) {
    const row: Row = {};
    for (const spec of fields) row[spec.name] = randomCell(random, spec);
    sortedValue += random.bool(0.7) ? 0 : random.int(1, 3);
    row['sorted'] = sortedValue;
    rows.push(row);
  }
  const indexed = fields.filter((spec) => !spec.name.startsWith('raw_')).map((spec) => spec.name);
  return {
    fields,
    rows,
    noDictionaryColumns,
    invertedIndexColumns: indexed.filter(() => random.bool(0.7)),
    rangeIndexColumns: fields.map((spec) => spec.name).filter(() => random.bool(0.7)),
  };
}
