// Turns the builder's input (prepared rows, per-column values, or a mutable segment's
// dictionary-encoded columns) into one shape per column: flat entries, MV offsets, null docs.
// Nulls become the field's default null value here and are remembered in the null docs.
import type { FieldSpec, Row, ScalarValue, Value } from '../../host/config/types.js';
import { DataError } from '../../host/errors/errors.js';
import { assert } from '../../host/util/assert.js';
import type { ColumnInput, ImmutableSegmentInput } from '../spi/builder.js';

/** One column ready to encode. */
export interface PreparedColumn {
  readonly field: FieldSpec;
  readonly docCount: number;
  /** SV: one value per doc. MV: every doc's values, concatenated. */
  readonly entries: readonly ScalarValue[];
  /** MV only: docCount + 1 offsets into `entries`. */
  readonly mvOffsets: Uint32Array | undefined;
  /** Docs whose value was null, ascending. */
  readonly nullDocIds: Uint32Array;
  /**
   * Set when the input came dictionary-encoded: distinct values and per-entry ids into them,
   * so the dictionary is built from the distinct values only.
   */
  readonly encoded:
    | { readonly values: readonly ScalarValue[]; readonly ids: Uint32Array }
    | undefined;
}

function typeMatches(field: FieldSpec, value: ScalarValue): boolean {
  switch (field.storedType) {
    case 'INT':
      return typeof value === 'number' && (value | 0) === value;
    case 'FLOAT':
    case 'DOUBLE':
      return typeof value === 'number';
    case 'LONG':
      return typeof value === 'bigint';
    case 'STRING':
      return typeof value === 'string';
    case 'BYTES':
      return value instanceof Uint8Array;
  }
}

/** `where` names the value's place: `document 7` or `dictionary value 3`. */
function checkType(field: FieldSpec, value: ScalarValue, where: string): void {
  if (typeMatches(field, value)) return;
  throw new DataError(
    `column ${field.name} (${field.storedType}), ${where}: value ${String(value)} of ` +
      `type ${typeof value} is not a prepared ${field.storedType}; prepare rows with the ` +
      `schema (host/ingest) before building a segment`,
  );
}

/** Collects SV or MV values of one column, doc by doc, substituting defaults for nulls. */
class ColumnCollector {
  readonly entries: ScalarValue[] = [];
  readonly nullDocs: number[] = [];
  private readonly offsets: number[] = [0];

  constructor(readonly field: FieldSpec) {}

  add(value: Value | undefined, docId: number): void {
    if (this.field.singleValueField) this.addSingle(value, docId);
    else this.addMulti(value, docId);
  }

  private addSingle(value: Value | undefined, docId: number): void {
    if (value === null || value === undefined) {
      this.nullDocs.push(docId);
      this.entries.push(this.field.defaultNullValue);
      return;
    }
    if (Array.isArray(value)) {
      throw new DataError(
        `column ${this.field.name}, document ${docId}: a list given to a single-value column`,
      );
    }
    checkType(this.field, value, `document ${docId}`);
    this.entries.push(value);
  }

  private addMulti(value: Value | undefined, docId: number): void {
    const before = this.entries.length;
    const list =
      value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    // Pinot drops null elements; a list left empty is a null (one default value).
    for (const element of list as readonly (ScalarValue | null)[]) {
      if (element === null) continue;
      checkType(this.field, element, `document ${docId}`);
      this.entries.push(element);
    }
    if (this.entries.length === before) {
      this.nullDocs.push(docId);
      this.entries.push(this.field.defaultNullValue);
    }
    this.offsets.push(this.entries.length);
  }

  finish(docCount: number): PreparedColumn {
    return {
      field: this.field,
      docCount,
      entries: this.entries,
      mvOffsets: this.field.singleValueField ? undefined : Uint32Array.from(this.offsets),
      nullDocIds: Uint32Array.from(this.nullDocs),
      encoded: undefined,
    };
  }
}

function fromRows(fields: readonly FieldSpec[], rows: readonly Row[]): PreparedColumn[] {
  const collectors = fields.map((field) => new ColumnCollector(field));
  for (let docId = 0; docId < rows.length; docId++) {
    const row = rows[docId]!;
    for (const collector of collectors) collector.add(row[collector.field.name], docId);
  }
  return collectors.map((collector) => collector.finish(rows.length));
}

function fromColumn(field: FieldSpec, input: ColumnInput, docCount: number): PreparedColumn {
  if (input.kind === 'values') {
    if (input.values.length !== docCount) {
      throw new DataError(
        `column ${field.name} has ${input.values.length} values for ${docCount} documents`,
      );
    }
    const collector = new ColumnCollector(field);
    for (let docId = 0; docId < docCount; docId++) collector.add(input.values[docId], docId);
    return collector.finish(docCount);
  }
  const entryCount = field.singleValueField ? docCount : input.mvOffsets?.[docCount];
  assert(
    field.singleValueField === (input.mvOffsets === undefined),
    `column ${field.name}: mvOffsets given exactly for multi-value columns`,
  );
  assert(entryCount === input.dictIds.length, `column ${field.name}: ids cover every entry`);
  input.values.forEach((value, i) => checkType(field, value, `dictionary value ${i}`));
  // A plain loop: Array.from with a mapping function costs a call per entry (millions here).
  const entries = new Array<ScalarValue>(input.dictIds.length);
  for (let i = 0; i < entries.length; i++) entries[i] = input.values[input.dictIds[i]!]!;
  return {
    field,
    docCount,
    entries,
    mvOffsets: input.mvOffsets,
    nullDocIds: input.nullDocIds,
    encoded: { values: input.values, ids: input.dictIds },
  };
}

/** Every schema field, in schema order, prepared from whichever input form was given. */
export function prepareColumns(input: ImmutableSegmentInput): PreparedColumn[] {
  const { schema, rows, columns } = input;
  assert((rows === undefined) !== (columns === undefined), 'exactly one of rows and columns');
  if (rows !== undefined) return fromRows(schema.fields, rows);
  const columnar = columns!;
  return schema.fields.map((field) => {
    const column = columnar.columns[field.name];
    if (column === undefined) {
      throw new DataError(`columnar input lacks column ${field.name} of the schema`);
    }
    return fromColumn(field, column, columnar.docCount);
  });
}
