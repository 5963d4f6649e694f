// The immutable (sealed) segment: builder, file format and loader. Format: segments/FORMAT.md.
export {
  columnIndexing,
  encodeImmutableSegment,
  writeImmutableSegment,
  type EncodedSegment,
} from './writer.js';
export { ImmutableSegment, loadImmutableSegment } from './segment.js';
export { ImmutableColumnReader } from './immutableColumn.js';
export { ImmutableDictionary } from './immutableDictionary.js';
export { comparatorFor, type Comparator } from './values.js';
export { FORMAT_VERSION, SectionKind } from './format.js';
export { RANGE_BUCKETS_MAX } from './columnEncoder.js';
