// A schema and table config exercising every stored type, SV and MV, dictionary and raw
// columns, inverted indexes and a time column; plus a random row generator and a model of what
// a segment must read back for a row.
import { parseSchema } from '../../../host/config/schema.js';
import type {
  FieldSpec,
  Row,
  ScalarValue,
  Schema,
  TableConfig,
  Value,
} from '../../../host/config/types.js';
import type { SeededRandom } from '../../support/random.js';

export const testSchema: Schema = parseSchema({
  schemaName: 'events',
  dimensionFieldSpecs: [
    { name: 'country', dataType: 'STRING' },
    { name: 'tags', dataType: 'STRING', singleValueField: false },
    { name: 'userId', dataType: 'LONG' },
    { name: 'ids', dataType: 'INT', singleValueField: false },
    { name: 'payload', dataType: 'BYTES' },
    { name: 'note', dataType: 'STRING' },
  ],
  metricFieldSpecs: [
    { name: 'clicks', dataType: 'INT' },
    { name: 'score', dataType: 'DOUBLE' },
    { name: 'total', dataType: 'LONG' },
    { name: 'ratio', dataType: 'FLOAT' },
  ],
  dateTimeFieldSpecs: [
    { name: 'days', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
  ],
});

export function testTableConfig(overrides: Partial<TableConfig['tableIndexConfig']> = {}) {
  const tableConfig: TableConfig = {
    tableName: 'events',
    tableType: 'REALTIME',
    tableNameWithType: 'events_REALTIME',
    segmentsConfig: { timeColumnName: 'days', replication: 1 },
    tableIndexConfig: {
      invertedIndexColumns: ['country', 'tags'],
      rangeIndexColumns: [],
      sortedColumn: ['userId'],
      noDictionaryColumns: ['score', 'total', 'note'],
      bloomFilterColumns: [],
      starTreeIndexConfigs: [],
      loadMode: 'HEAP',
      ...overrides,
    },
    fieldConfigList: [],
    ingestionConfig: { transformConfigs: [], streamConfigMaps: [] },
    nullHandlingEnabled: true,
    json: {},
  };
  return tableConfig;
}

const COUNTRIES = ['us', 'fr', 'de', 'jp', 'br', 'ünï', '😀'];
const TAGS = ['a', 'b', 'c', 'd', 'e'];

function maybeNull<T extends Value>(random: SeededRandom, value: () => T): T | null {
  return random.bool(0.1) ? null : value();
}

export function randomRow(random: SeededRandom): Row {
  const tagCount = random.int(0, 4);
  return {
    country: maybeNull(random, () => random.pick(COUNTRIES)),
    tags: maybeNull(random, () =>
      Array.from({ length: tagCount }, () => random.pick(TAGS)),
    ),
    userId: maybeNull(random, () => BigInt(random.int(-5, 50)) * 1_000_000_000_007n),
    ids: maybeNull(random, () => Array.from({ length: random.int(1, 3) }, () => random.int(-3, 3))),
    payload: maybeNull(random, () => Uint8Array.from([random.int(0, 3), random.int(0, 255)])),
    note: maybeNull(random, () => `note-${random.int(0, 1000)}`),
    clicks: maybeNull(random, () => random.int(-(2 ** 31), 2 ** 31 - 1)),
    score: maybeNull(random, () => random.pick([0, -0, 1.5, random.next(), Number.NaN, -1e300])),
    total: maybeNull(random, () => BigInt(random.int(0, 1e9)) * 3n),
    ratio: maybeNull(random, () => random.pick([0.1, 0.25, random.next()])),
    days: random.int(18000, 18030),
  };
}

/** The stored value a segment must return for `value` of `field` (SV) or the list (MV). */
export function expectedValue(
  field: FieldSpec,
  value: Value | undefined,
): ScalarValue | ScalarValue[] {
  const round = (scalar: ScalarValue) =>
    field.storedType === 'FLOAT' ? Math.fround(scalar as number) : scalar;
  if (field.singleValueField) {
    if (value === null || value === undefined) return field.defaultNullValue;
    return round(value as ScalarValue);
  }
  const list = (value === null || value === undefined ? [] : (value as ScalarValue[])).map(round);
  return list.length === 0 ? [field.defaultNullValue] : list;
}

export function isNullValue(value: Value | undefined): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** Equality of stored values: NaN equals NaN, -0 equals 0 (dictionaries merge them). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (a !== a && b !== b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return Buffer.from(a).equals(Buffer.from(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  return a === b;
}
