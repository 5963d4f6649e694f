// The model a loaded segment is checked against: what each cell reads back as, and brute-force
// answers for the indexes.
import assert from 'node:assert/strict';
import type { FieldSpec, Row, ScalarValue } from '../../../host/config/types.js';
import type { ColumnReader } from '../../../segments/spi/columnReader.js';
import { comparatorFor } from '../../../segments/immutable/values.js';

/** Dictionary columns merge -0 into 0 (kernels/DICTIONARY.md); raw columns keep it. */
function canonical(value: ScalarValue, hasDictionary: boolean): ScalarValue {
  return hasDictionary && value === 0 ? 0 : value;
}

/** What doc `row` reads back as: SV one value, MV a list; nulls as the default value. */
export function expectedCell(spec: FieldSpec, row: Row, hasDictionary: boolean): ScalarValue[] {
  const value = row[spec.name];
  if (spec.singleValueField) {
    return [
      canonical(
        value === null || value === undefined ? spec.defaultNullValue : (value as ScalarValue),
        hasDictionary,
      ),
    ];
  }
  const list = (value ?? []) as ScalarValue[];
  const kept = list.length === 0 ? [spec.defaultNullValue] : list;
  return kept.map((element) => canonical(element, hasDictionary));
}

export function isNullCell(spec: FieldSpec, row: Row): boolean {
  const value = row[spec.name];
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

export function readCell(reader: ColumnReader, docId: number): ScalarValue[] {
  return reader.singleValue ? [reader.getValue(docId)] : reader.getValues(docId);
}

/** Distinct values of a column in dictionary order. */
export function distinctSorted(spec: FieldSpec, rows: readonly Row[], hasDictionary: boolean) {
  const compare = comparatorFor(spec.storedType);
  const all = rows.flatMap((row) => expectedCell(spec, row, hasDictionary));
  all.sort(compare);
  return all.filter((value, i) => i === 0 || compare(all[i - 1]!, value) !== 0);
}

/** Docs [0, docCount) for which `matches` holds on any of the doc's values. */
export function bruteForceDocs(
  spec: FieldSpec,
  rows: readonly Row[],
  matches: (value: ScalarValue) => boolean,
): number[] {
  const docIds: number[] = [];
  rows.forEach((row, docId) => {
    if (expectedCell(spec, row, true).some(matches)) docIds.push(docId);
  });
  return docIds;
}

export function assertSameDocs(
  actual: ArrayLike<number>,
  expected: readonly number[],
  what: string,
) {
  assert.deepEqual(Array.from(actual), expected, what);
}

/** A key equal exactly when two values compare equal in dictionary order. */
export function equalityKey(value: ScalarValue): string {
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'number') return value === 0 ? 'n:0' : `n:${value}`;
  return `${typeof value}:${String(value)}`;
}

/** Docs per distinct value (equalityKey), each doc once, ascending. */
export function docsByValue(spec: FieldSpec, rows: readonly Row[]): Map<string, number[]> {
  const docs = new Map<string, number[]>();
  rows.forEach((row, docId) => {
    for (const value of expectedCell(spec, row, true)) {
      const key = equalityKey(value);
      const list = docs.get(key) ?? [];
      if (list[list.length - 1] !== docId) list.push(docId);
      docs.set(key, list);
    }
  });
  return docs;
}

/** An async fuzz failure with its seed in the message, as forEachSeed reports sync ones. */
export function seeded(seed: number, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`fuzz failure with seed ${seed} (CUVEE_FUZZ_SEED=${seed}): ${message}`, {
    cause: error,
  });
}
