// The segment SPI (Pinot's pinot-segment-spi): interfaces both segment kinds implement and the
// query engine programs against. Implementations live in segments/immutable and
// segments/mutable.
export type { BitmapLocator, DocIdSet, DocRange } from './docIdSet.js';
export type {
  Dictionary,
  DictionaryLocator,
  IdRange,
  RangeBound,
  ValueRange,
} from './dictionary.js';
export type { ColumnMetadata, SegmentMetadata, SegmentTimeRange, TimeUnit } from './metadata.js';
export { CUSTOM_KEYS } from './metadata.js';
export type {
  ColumnReader,
  ForwardIndexLocator,
  InvertedIndexReader,
  RangeIndexReader,
  RangeLookup,
  ValueBlock,
} from './columnReader.js';
export type { Segment } from './segment.js';
export type {
  ColumnarInput,
  ColumnInput,
  DictionaryEncodedColumn,
  ImmutableSegmentInput,
  ValueColumn,
} from './builder.js';
