// A segment as the query engine sees it (Pinot's IndexSegment): metadata plus column readers.
// Immutable segments come from a file loaded into the shared memory; mutable (consuming)
// segments grow while they are queried and expose a consistent published prefix.
import type { ColumnReader } from './columnReader.js';
import type { SegmentMetadata } from './metadata.js';

export interface Segment {
  readonly metadata: SegmentMetadata;
  /**
   * Documents a query may read now. For an immutable segment metadata.docCount; for a mutable
   * one the published prefix at the moment of the call: read it once per query and stay below.
   */
  docCount(): number;
  /** The reader of a column of the schema; undefined for an unknown name. */
  column(name: string): ColumnReader | undefined;
  /** Column names in schema order. */
  columnNames(): readonly string[];
  /** Gives back the segment's memory; no reader of it may be used afterwards. */
  release(): void;
}
