// Encodes one prepared column into its sections and statistics: sorted dictionary (or raw
// values), bit-packed forward index, MV offsets, sorted-column doc ranges, inverted and range
// indexes, and the null vector. Layouts: segments/FORMAT.md.
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import { assert } from '../../host/util/assert.js';
import type { KernelDictionary, KernelEncoder } from './kernelCodec.js';
import { bitsNeeded } from '../../kernels/reference/bitpack.js';
import {
  dictionaryValue,
  encodeVariableWidth,
  FIXED_WIDTH_BYTES,
  type EncodedDictionary,
  type FixedValues,
} from '../../kernels/reference/dictionary.js';
import type { ColumnMetadata } from '../spi/metadata.js';
import { encodeBitmapList, groupDocsByKey, type EncodedBitmapList } from './bitmapLists.js';
import type { PreparedColumn } from './columnInput.js';
import { SectionKind, type SectionKindValue } from './format.js';

/** Range-index buckets per column: query edges then scan at most 2/64 of the entries. */
export const RANGE_BUCKETS_MAX = 64;

export interface ColumnIndexing {
  readonly hasDictionary: boolean;
  readonly invertedIndex: boolean;
  readonly rangeIndex: boolean;
}

export interface ColumnSection {
  readonly kind: SectionKindValue;
  readonly bytes: Uint8Array;
}

export interface EncodedColumn {
  readonly metadata: ColumnMetadata;
  readonly sections: ColumnSection[];
}

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** A dictionary value in the stored representation (STRING decoded, BYTES copied). */
export function storedValue(
  dictionary: EncodedDictionary,
  storedType: StoredType,
  dictId: number,
): ScalarValue {
  const value = dictionaryValue(dictionary, dictId);
  if (!(value instanceof Uint8Array)) return value;
  return storedType === 'STRING' ? utf8Decoder.decode(value) : value.slice();
}

/** A Map key equal exactly when two strings or byte strings are one dictionary value. */
function distinctKey(value: ScalarValue): ScalarValue {
  return value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : value;
}

/**
 * Distinct values in first-seen order and the index of every entry among them, so that a
 * STRING/BYTES column encodes each distinct value to bytes once and sorts only those.
 */
function distinctEntries(entries: readonly ScalarValue[]): {
  values: ScalarValue[];
  ids: Uint32Array;
} {
  const indexOf = new Map<ScalarValue, number>();
  const values: ScalarValue[] = [];
  const ids = new Uint32Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const value = entries[i]!;
    const key = distinctKey(value);
    let index = indexOf.get(key);
    if (index === undefined) {
      index = values.push(value) - 1;
      indexOf.set(key, index);
    }
    ids[i] = index;
  }
  return { values, ids };
}

/** Values in the build kernels' input form: a typed array, or one byte string each. */
function kernelInput(storedType: StoredType, values: readonly ScalarValue[]) {
  switch (storedType) {
    case 'INT':
      return Int32Array.from(values as number[]);
    case 'LONG':
      return BigInt64Array.from(values as bigint[]);
    case 'FLOAT':
      return Float32Array.from(values as number[]);
    case 'DOUBLE':
      return Float64Array.from(values as number[]);
    case 'STRING':
      return (values as string[]).map((value) => utf8Encoder.encode(value));
    case 'BYTES':
      return values as Uint8Array[];
  }
}

/** Sorted dictionary of the column and the id of every entry in it. */
function buildColumnDictionary(column: PreparedColumn, encoder: KernelEncoder): KernelDictionary {
  const type = column.field.storedType;
  const variableWidth = type === 'STRING' || type === 'BYTES';
  if (column.encoded === undefined && !variableWidth) {
    return encoder.dictionary(type, kernelInput(type, column.entries) as FixedValues);
  }
  // Fixed-width columns sort every entry in the kernel; distinct values first only pay off
  // where each value costs an encoding and a byte-wise comparison.
  const distinct = column.encoded ?? distinctEntries(column.entries);
  const built = encoder.dictionary(type, kernelInput(type, distinct.values));
  const ids = new Uint32Array(distinct.ids.length);
  for (let i = 0; i < ids.length; i++) ids[i] = built.ids[distinct.ids[i]!]!;
  return { ...built, ids };
}

function isNonDecreasing(ids: Uint32Array): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i]! < ids[i - 1]!) return false;
  return true;
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Raw SV values: fixed-width little-endian array, or the var-width layout of dictionaries. */
function encodeRawValues(storedType: StoredType, entries: readonly ScalarValue[]): Uint8Array {
  switch (storedType) {
    case 'INT':
      return bytesOf(Int32Array.from(entries as number[]));
    case 'LONG':
      return bytesOf(BigInt64Array.from(entries as bigint[]));
    case 'FLOAT':
      return bytesOf(Float32Array.from(entries as number[]));
    case 'DOUBLE':
      return bytesOf(Float64Array.from(entries as number[]));
    case 'STRING':
      return encodeVariableWidth((entries as string[]).map((value) => utf8Encoder.encode(value)));
    case 'BYTES':
      return encodeVariableWidth(entries as Uint8Array[]);
  }
}

/** u32 first doc of every id, then docCount: id i holds docs [starts[i], starts[i + 1]). */
function sortedStarts(ids: Uint32Array, cardinality: number, docCount: number): Uint32Array {
  const starts = new Uint32Array(cardinality + 1);
  let docId = 0;
  for (let id = 0; id <= cardinality; id++) {
    while (docId < docCount && ids[docId]! < id) docId++;
    starts[id] = docId;
  }
  return starts;
}

/** Equi-depth buckets of ids: u32 first id of each bucket, then cardinality. */
function rangeBucketBounds(ids: Uint32Array, cardinality: number): Uint32Array {
  const entryCounts = new Uint32Array(cardinality);
  for (let i = 0; i < ids.length; i++) entryCounts[ids[i]!]!++;
  const target = Math.max(1, Math.ceil(ids.length / RANGE_BUCKETS_MAX));
  const bounds = [0];
  let filled = 0;
  for (let id = 0; id < cardinality; id++) {
    filled += entryCounts[id]!;
    if (filled >= target && id + 1 < cardinality) {
      bounds.push(id + 1);
      filled = 0;
    }
  }
  if (cardinality > 0) bounds.push(cardinality);
  return Uint32Array.from(bounds);
}

function bucketOfEveryEntry(ids: Uint32Array, bounds: Uint32Array, cardinality: number) {
  const bucketOfId = new Uint32Array(cardinality);
  for (let bucket = 0; bucket + 1 < bounds.length; bucket++) {
    bucketOfId.fill(bucket, bounds[bucket]!, bounds[bucket + 1]!);
  }
  return ids.map((id) => bucketOfId[id]!);
}

function maxListLength(column: PreparedColumn): number {
  const offsets = column.mvOffsets;
  if (offsets === undefined) return 1;
  let longest = 0;
  for (let d = 0; d < column.docCount; d++) {
    longest = Math.max(longest, offsets[d + 1]! - offsets[d]!);
  }
  return longest;
}

function columnStatistics(
  column: PreparedColumn,
  dictionary: KernelDictionary,
  indexing: ColumnIndexing,
  isSorted: boolean,
): ColumnMetadata {
  const { field } = column;
  const empty = dictionary.cardinality === 0;
  return {
    name: field.name,
    dataType: field.dataType,
    storedType: field.storedType,
    singleValue: field.singleValueField,
    hasDictionary: indexing.hasDictionary,
    cardinality: dictionary.cardinality,
    bitsPerValue: indexing.hasDictionary ? bitsNeeded(Math.max(0, dictionary.cardinality - 1)) : 0,
    isSorted,
    hasInvertedIndex: indexing.invertedIndex,
    hasRangeIndex: indexing.rangeIndex,
    minValue: empty ? undefined : storedValue(dictionary, field.storedType, 0),
    maxValue: empty
      ? undefined
      : storedValue(dictionary, field.storedType, dictionary.cardinality - 1),
    totalNumberOfEntries: column.entries.length,
    maxNumberOfMultiValues: maxListLength(column),
    nullCount: column.nullDocIds.length,
  };
}

/** Equi-depth id buckets and one bitmap of docs per bucket. */
function rangeBuckets(
  column: PreparedColumn,
  cardinality: number,
  ids: Uint32Array,
  encoder: KernelEncoder,
): { bounds: Uint32Array; bitmaps: EncodedBitmapList } {
  const bounds = rangeBucketBounds(ids, cardinality);
  const bucketIds = bucketOfEveryEntry(ids, bounds, cardinality);
  const bucketCount = Math.max(0, bounds.length - 1);
  const lists = groupDocsByKey(bucketCount, bucketIds, column.docCount, column.mvOffsets);
  return { bounds, bitmaps: encodeBitmapList(lists, encoder) };
}

/**
 * A raw column's range buckets by value: the smallest and largest value of every bucket
 * (2 × bucketCount values in the dictionary layout), since a raw column has no ids to bound.
 */
function rangeBucketValues(dictionary: KernelDictionary, bounds: Uint32Array): Uint8Array {
  const width = FIXED_WIDTH_BYTES[dictionary.type];
  const ids: number[] = [];
  for (let bucket = 0; bucket + 1 < bounds.length; bucket++) {
    ids.push(bounds[bucket]!, bounds[bucket + 1]! - 1);
  }
  if (width === 0) {
    return encodeVariableWidth(ids.map((id) => dictionaryValue(dictionary, id) as Uint8Array));
  }
  const out = new Uint8Array(ids.length * width);
  ids.forEach((id, i) =>
    out.set(dictionary.bytes.subarray(id * width, (id + 1) * width), i * width),
  );
  return out;
}

function indexSections(
  column: PreparedColumn,
  metadata: ColumnMetadata,
  ids: Uint32Array,
  encoder: KernelEncoder,
): ColumnSection[] {
  const sections: ColumnSection[] = [];
  const { docCount, mvOffsets } = column;
  if (metadata.isSorted) {
    const starts = sortedStarts(ids, metadata.cardinality, docCount);
    sections.push({ kind: SectionKind.SORTED_STARTS, bytes: bytesOf(starts) });
  }
  if (metadata.hasInvertedIndex) {
    const lists = groupDocsByKey(metadata.cardinality, ids, docCount, mvOffsets);
    const encoded = encodeBitmapList(lists, encoder);
    sections.push({ kind: SectionKind.INVERTED_DIRECTORY, bytes: encoded.directory });
    sections.push({ kind: SectionKind.INVERTED_BITMAPS, bytes: encoded.bitmaps });
  }
  if (metadata.hasRangeIndex) {
    const range = rangeBuckets(column, metadata.cardinality, ids, encoder);
    sections.push({ kind: SectionKind.RANGE_BOUNDS, bytes: bytesOf(range.bounds) });
    sections.push({ kind: SectionKind.RANGE_DIRECTORY, bytes: range.bitmaps.directory });
    sections.push({ kind: SectionKind.RANGE_BITMAPS, bytes: range.bitmaps.bitmaps });
  }
  return sections;
}

/**
 * Encodes a column. Raw (no-dictionary) columns still get their distinct values sorted for the
 * statistics and the range index, but keep neither dictionary nor indexes over ids (FORMAT.md).
 */
export function encodeColumn(
  column: PreparedColumn,
  indexing: ColumnIndexing,
  encoder: KernelEncoder,
): EncodedColumn {
  const { field } = column;
  assert(indexing.hasDictionary || field.singleValueField, `raw column ${field.name} is SV`);
  const dictionary = buildColumnDictionary(column, encoder);
  const ids = dictionary.ids;
  const isSorted = field.singleValueField && isNonDecreasing(ids);
  const metadata = columnStatistics(column, dictionary, indexing, isSorted);
  const sections: ColumnSection[] = [];
  if (!indexing.hasDictionary) {
    sections.push({
      kind: SectionKind.RAW_VALUES,
      bytes: encodeRawValues(field.storedType, column.entries),
    });
    if (metadata.hasRangeIndex) {
      const range = rangeBuckets(column, metadata.cardinality, ids, encoder);
      const values = rangeBucketValues(dictionary, range.bounds);
      sections.push({ kind: SectionKind.RANGE_BUCKET_VALUES, bytes: values });
      sections.push({ kind: SectionKind.RANGE_DIRECTORY, bytes: range.bitmaps.directory });
      sections.push({ kind: SectionKind.RANGE_BITMAPS, bytes: range.bitmaps.bitmaps });
    }
  } else {
    const packed = encoder.pack(ids, metadata.bitsPerValue);
    sections.push({ kind: SectionKind.DICTIONARY, bytes: dictionary.bytes });
    sections.push({ kind: SectionKind.FORWARD_IDS, bytes: packed });
    if (column.mvOffsets !== undefined) {
      sections.push({ kind: SectionKind.MV_OFFSETS, bytes: bytesOf(column.mvOffsets) });
    }
    sections.push(...indexSections(column, metadata, ids, encoder));
  }
  sections.push({ kind: SectionKind.NULL_BITMAP, bytes: encoder.bitmap(column.nullDocIds) });
  return { metadata, sections };
}
