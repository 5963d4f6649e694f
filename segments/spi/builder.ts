// What the immutable-segment builder takes (segments/immutable/writer.ts,
// `writeImmutableSegment(input, outFile): Promise<SegmentMetadata>`). SegmentWriter passes
// prepared rows; a mutable segment being sealed passes its columns as they are, so sealing
// needs no row materialization.
import type { Row, ScalarValue, Schema, TableConfig, Value } from '../../host/config/types.js';

/**
 * One column already dictionary-encoded in insertion order (a mutable segment's layout). The
 * builder sorts the dictionary and remaps ids.
 * - SV: `dictIds[doc]` is the id of doc `doc`'s value in `values`.
 * - MV: doc `doc`'s ids are `dictIds[mvOffsets[doc] .. mvOffsets[doc + 1])`.
 * A null doc must reference the entry holding the field's default null value (SV; an MV null
 * holds a one-element list of it) and appear in `nullDocIds` (ascending).
 */
export interface DictionaryEncodedColumn {
  readonly kind: 'dictionaryEncoded';
  /** Distinct values, in any order, without duplicates. */
  readonly values: readonly ScalarValue[];
  readonly dictIds: Uint32Array;
  /** MV columns only: docCount + 1 offsets into dictIds. */
  readonly mvOffsets?: Uint32Array;
  readonly nullDocIds: Uint32Array;
}

/** One column as per-doc values: null means null (the builder substitutes the default). */
export interface ValueColumn {
  readonly kind: 'values';
  readonly values: readonly Value[];
}

export type ColumnInput = DictionaryEncodedColumn | ValueColumn;

/** Columnar input: every schema field must be present, each with `docCount` documents. */
export interface ColumnarInput {
  readonly docCount: number;
  readonly columns: Readonly<Record<string, ColumnInput>>;
}

export interface ImmutableSegmentInput {
  readonly schema: Schema;
  readonly tableConfig: TableConfig;
  readonly segmentName: string;
  /** Exactly one of `rows` and `columns`. Rows are prepared (host/ingest): null means null. */
  readonly rows?: readonly Row[];
  readonly columns?: ColumnarInput;
  /** Free-form metadata strings (real-time: CUSTOM_KEYS offsets). */
  readonly custom?: Readonly<Record<string, string>>;
  /** Overrides the build time (epoch ms), so that golden files are reproducible. */
  readonly creationTimeMs?: number;
}
