// Builds a column reader from the sections of one column in a validated file image: checks
// that every section the column's metadata implies is present and has the size its layout
// needs, then wraps views into the shared memory. A mismatch is a SegmentFormatError.
import { SegmentFormatError } from '../../host/errors/errors.js';
import { bitmapCheck } from '../../kernels/reference/bitmap.js';
import { packedSizeBytes } from '../../kernels/reference/bitpack.js';
import { FIXED_WIDTH_BYTES } from '../../kernels/reference/dictionary.js';
import { KernelStatus } from '../../host/runtime/status.js';
import type { InvertedIndexReader, RangeIndexReader } from '../spi/columnReader.js';
import type { DocIdSet } from '../spi/docIdSet.js';
import type { ColumnMetadata, SegmentMetadata } from '../spi/metadata.js';
import { BITMAP_DIRECTORY_ENTRY_BYTES } from './bitmapLists.js';
import { BitmapDocIdSet } from './docIdSets.js';
import { SectionKind, type SectionEntry, type SectionKindValue } from './format.js';
import { ImmutableColumnReader, type PackedIds } from './immutableColumn.js';
import { ImmutableDictionary } from './immutableDictionary.js';
import {
  BitmapInvertedIndex,
  BitmapList,
  BucketRangeIndex,
  SortedInvertedIndex,
  ValueBucketRangeIndex,
} from './indexReaders.js';
import { comparatorFor } from './values.js';
import { rawFixedBytes, rawValuesOf, type RawValues } from './rawValues.js';

/** Each offset of the variable-width layouts is a u32. */
const OFFSET_BYTES = 4;

export interface ColumnSource {
  /** The whole file image, a view into the shared memory starting at `ptr`. */
  readonly file: Uint8Array;
  readonly ptr: number;
  /** This column's sections. */
  readonly sections: readonly SectionEntry[];
  readonly column: ColumnMetadata;
  readonly metadata: SegmentMetadata;
  readonly filePath: string;
}

interface Located {
  readonly bytes: Uint8Array;
  readonly ptr: number;
}

class SectionSource {
  constructor(private readonly source: ColumnSource) {}

  fail(detail: string): never {
    throw new SegmentFormatError(
      this.source.filePath,
      `column ${this.source.column.name}: ${detail}`,
    );
  }

  find(kind: SectionKindValue): Located | undefined {
    const entry = this.source.sections.find((section) => section.kind === kind);
    if (entry === undefined) return undefined;
    const bytes = this.source.file.subarray(entry.offset, entry.offset + entry.lengthBytes);
    return { bytes, ptr: this.source.ptr + entry.offset };
  }

  /** The section of `kind`, at least (or, with `exact`, exactly) `sizeBytes` long. */
  require(kind: SectionKindValue, sizeBytes: number, exact = true): Located {
    const found = this.find(kind);
    if (found === undefined) this.fail(`section of kind ${kind} missing`);
    const length = found.bytes.byteLength;
    if (exact ? length !== sizeBytes : length < sizeBytes) {
      this.fail(`section of kind ${kind} has ${length} bytes, its layout needs ${sizeBytes}`);
    }
    return found;
  }

  u32(located: Located): Uint32Array {
    const { bytes } = located;
    return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / OFFSET_BYTES);
  }

  /** A var-width layout of `count` values: header of count + 1 offsets, then the bytes. */
  requireVarWidth(kind: SectionKindValue, count: number): Located {
    const headerBytes = (count + 1) * OFFSET_BYTES;
    const found = this.require(kind, headerBytes, false);
    const offsets = new Uint32Array(found.bytes.buffer, found.bytes.byteOffset, count + 1);
    for (let i = 0; i < count; i++) {
      if (offsets[i]! > offsets[i + 1]!) this.fail(`section of kind ${kind}: offsets descend`);
    }
    if (headerBytes + offsets[count]! !== found.bytes.byteLength) {
      this.fail(`section of kind ${kind}: offsets do not end at the section's end`);
    }
    return found;
  }

  bitmapList(directoryKind: SectionKindValue, bitmapsKind: SectionKindValue, count: number) {
    const directory = this.u32(this.require(directoryKind, count * BITMAP_DIRECTORY_ENTRY_BYTES));
    const bitmaps = this.require(bitmapsKind, 0, false);
    for (let i = 0; i < count; i++) {
      const start = directory[2 * i]!;
      const end = start + directory[2 * i + 1]!;
      if (end > bitmaps.bytes.byteLength) {
        this.fail(`bitmap ${i} of section kind ${bitmapsKind} out of bounds`);
      }
      // The kernels trust bitmaps, so each is checked once here (kernels/BITMAP.md).
      if (bitmapCheck(bitmaps.bytes.subarray(start, end)) !== KernelStatus.OK) {
        this.fail(`bitmap ${i} of section kind ${bitmapsKind} is malformed`);
      }
    }
    return new BitmapList(directory, bitmaps.bytes, bitmaps.ptr);
  }
}

function loadDictionary(sections: SectionSource, column: ColumnMetadata): ImmutableDictionary {
  const width = FIXED_WIDTH_BYTES[column.storedType];
  const found =
    width > 0
      ? sections.require(SectionKind.DICTIONARY, width * column.cardinality)
      : sections.requireVarWidth(SectionKind.DICTIONARY, column.cardinality);
  return new ImmutableDictionary(column.storedType, column.cardinality, found.bytes, found.ptr);
}

function loadIds(sections: SectionSource, column: ColumnMetadata, docCount: number): PackedIds {
  const packedBytes = packedSizeBytes(column.totalNumberOfEntries, column.bitsPerValue);
  const packed = sections.require(SectionKind.FORWARD_IDS, packedBytes);
  if (column.singleValue) {
    return { packed: packed.bytes, ptr: packed.ptr, mvOffsets: undefined, mvOffsetsPtr: 0 };
  }
  const offsets = sections.require(SectionKind.MV_OFFSETS, (docCount + 1) * OFFSET_BYTES);
  const mvOffsets = sections.u32(offsets);
  if (mvOffsets[docCount] !== column.totalNumberOfEntries) {
    sections.fail(`MV offsets end at ${mvOffsets[docCount]}, not at the entry count`);
  }
  return { packed: packed.bytes, ptr: packed.ptr, mvOffsets, mvOffsetsPtr: offsets.ptr };
}

function loadRaw(sections: SectionSource, column: ColumnMetadata, docCount: number): RawValues {
  const fixedBytes = rawFixedBytes(column.storedType, docCount);
  const found =
    fixedBytes === undefined
      ? sections.requireVarWidth(SectionKind.RAW_VALUES, docCount)
      : sections.require(SectionKind.RAW_VALUES, fixedBytes);
  return rawValuesOf(column.storedType, found.bytes, found.ptr, docCount);
}

function loadNullVector(sections: SectionSource, column: ColumnMetadata): DocIdSet | undefined {
  const found = sections.require(SectionKind.NULL_BITMAP, 0, false);
  if (bitmapCheck(found.bytes) !== KernelStatus.OK) sections.fail('null bitmap is malformed');
  return column.nullCount === 0 ? undefined : new BitmapDocIdSet(found.bytes, found.ptr);
}

function loadIndexes(
  sections: SectionSource,
  column: ColumnMetadata,
  dictionary: ImmutableDictionary,
  sortedStarts: Uint32Array | undefined,
): { invertedIndex: InvertedIndexReader | undefined; rangeIndex: RangeIndexReader | undefined } {
  let invertedIndex: InvertedIndexReader | undefined;
  if (column.hasInvertedIndex) {
    const list = sections.bitmapList(
      SectionKind.INVERTED_DIRECTORY,
      SectionKind.INVERTED_BITMAPS,
      column.cardinality,
    );
    invertedIndex = new BitmapInvertedIndex(list);
  } else if (sortedStarts !== undefined) {
    invertedIndex = new SortedInvertedIndex(sortedStarts);
  }
  let rangeIndex: RangeIndexReader | undefined;
  if (column.hasRangeIndex) {
    const boundsSection = sections.require(SectionKind.RANGE_BOUNDS, OFFSET_BYTES, false);
    const bounds = sections.u32(boundsSection);
    const bucketCount = Math.max(0, bounds.length - 1);
    const list = sections.bitmapList(
      SectionKind.RANGE_DIRECTORY,
      SectionKind.RANGE_BITMAPS,
      bucketCount,
    );
    rangeIndex = new BucketRangeIndex(dictionary, bounds, list);
  }
  return { invertedIndex, rangeIndex };
}

/** A raw column's range index: bucket bitmaps bounded by each bucket's min and max value. */
function loadValueRangeIndex(sections: SectionSource, column: ColumnMetadata): RangeIndexReader {
  const directory = sections.require(SectionKind.RANGE_DIRECTORY, 0, false);
  const bucketCount = directory.bytes.byteLength / BITMAP_DIRECTORY_ENTRY_BYTES;
  const list = sections.bitmapList(
    SectionKind.RANGE_DIRECTORY,
    SectionKind.RANGE_BITMAPS,
    bucketCount,
  );
  const valueCount = 2 * bucketCount;
  const width = FIXED_WIDTH_BYTES[column.storedType];
  const found =
    width > 0
      ? sections.require(SectionKind.RANGE_BUCKET_VALUES, width * valueCount)
      : sections.requireVarWidth(SectionKind.RANGE_BUCKET_VALUES, valueCount);
  const values = new ImmutableDictionary(column.storedType, valueCount, found.bytes, found.ptr);
  return new ValueBucketRangeIndex(values, comparatorFor(column.storedType), list);
}

export function buildColumnReader(source: ColumnSource): ImmutableColumnReader {
  const { column, metadata } = source;
  const docCount = metadata.docCount;
  const sections = new SectionSource(source);
  const nullVector = loadNullVector(sections, column);
  if (!column.hasDictionary) {
    const raw = loadRaw(sections, column, docCount);
    const rangeIndex = column.hasRangeIndex ? loadValueRangeIndex(sections, column) : undefined;
    return new ImmutableColumnReader({
      metadata: column,
      docCount,
      dictionary: undefined,
      ids: undefined,
      raw,
      sortedStarts: undefined,
      invertedIndex: undefined,
      rangeIndex,
      nullVector,
    });
  }
  const dictionary = loadDictionary(sections, column);
  const ids = loadIds(sections, column, docCount);
  const sortedStarts = column.isSorted
    ? sections.u32(
        sections.require(SectionKind.SORTED_STARTS, (column.cardinality + 1) * OFFSET_BYTES),
      )
    : undefined;
  const { invertedIndex, rangeIndex } = loadIndexes(sections, column, dictionary, sortedStarts);
  return new ImmutableColumnReader({
    metadata: column,
    docCount,
    dictionary,
    ids,
    raw: undefined,
    sortedStarts,
    invertedIndex,
    rangeIndex,
    nullVector,
  });
}
