// Reads the columns an expression needs for one document into a reusable row record. With null
// handling on, a doc in a column's null vector reads as null; otherwise as the stored default
// value, as Pinot does.
import type { Row, Value } from '../config/types.js';
import type { ColumnReader } from '../../segments/spi/columnReader.js';
import type { Segment } from '../../segments/spi/segment.js';
import { assert } from '../util/assert.js';
import { clipToDocCount, docIds, noDocs, type DocSelection } from './docSelection.js';

/** The docs below `docCount` whose value in this column was null. */
export function nullDocs(reader: ColumnReader, docCount: number): DocSelection {
  const vector = reader.nullVector();
  if (vector === undefined || vector.cardinality() === 0) return noDocs();
  return clipToDocCount(docIds(vector.toArray()), docCount);
}

/** True when the column has a null in some doc. */
export function hasNulls(reader: ColumnReader): boolean {
  return (reader.nullVector()?.cardinality() ?? 0) > 0;
}

/** Byte-per-doc null flags of a column, or undefined when it has no nulls. */
export function nullFlags(reader: ColumnReader, docCount: number): Uint8Array | undefined {
  const vector = reader.nullVector();
  if (vector === undefined || vector.cardinality() === 0) return undefined;
  const flags = new Uint8Array(docCount);
  vector.forEach((docId) => {
    if (docId < docCount) flags[docId] = 1;
  });
  return flags;
}

interface BoundColumn {
  readonly key: string;
  readonly reader: ColumnReader;
  readonly nulls: Uint8Array | undefined;
}

export class RowReader {
  private readonly columns: BoundColumn[];
  readonly row: Row = {};

  constructor(
    segment: Segment,
    columnNames: readonly string[],
    docCount: number,
    nullHandling: boolean,
  ) {
    this.columns = columnNames.map((key) => {
      const reader = segment.column(key);
      assert(reader !== undefined, `column ${key} was validated against the schema`);
      return { key, reader, nulls: nullHandling ? nullFlags(reader, docCount) : undefined };
    });
  }

  read(docId: number): Row {
    for (const column of this.columns) {
      let value: Value;
      if (column.nulls !== undefined && column.nulls[docId] === 1) value = null;
      else if (column.reader.singleValue) value = column.reader.getValue(docId);
      else value = column.reader.getValues(docId);
      this.row[column.key] = value;
    }
    return this.row;
  }
}
