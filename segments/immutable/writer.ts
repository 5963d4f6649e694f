// Builds an immutable segment file from prepared rows or columns (Pinot's
// SegmentIndexCreationDriver): encodes every column, writes metadata and the container, and
// stores the file atomically. SegmentWriter and the mutable segment's seal call
// `writeImmutableSegment`.
import type { Schema, TableConfig } from '../../host/config/types.js';
import { writeFileAtomic } from '../../host/util/files.js';
import type { ImmutableSegmentInput } from '../spi/builder.js';
import type { ColumnMetadata, SegmentMetadata } from '../spi/metadata.js';
import { prepareColumns } from './columnInput.js';
import { encodeColumn, type ColumnIndexing } from './columnEncoder.js';
import { KernelEncoder } from './kernelCodec.js';
import { containerCrc, encodeContainer, NO_COLUMN, SectionKind, type Section } from './format.js';
import { encodeMetadataJson } from './metadataJson.js';
import { encodeBloomSections } from './bloomFilter.js';
import { segmentPartitions } from '../../host/query/partitionFunctions.js';
import { derivedTimestampColumns } from '../../host/query/timestampIndex.js';
import { encodeStarTreeSections } from './starTreeSections.js';
import { timeRangeOf } from './timeRange.js';

/** Which encodings and indexes the table config asks for on a column. */
export function columnIndexing(
  schema: Schema,
  tableConfig: TableConfig,
  columnName: string,
): ColumnIndexing {
  const field = schema.fields.find((candidate) => candidate.name === columnName);
  const indexConfig = tableConfig.tableIndexConfig;
  const fieldConfig = tableConfig.fieldConfigList.find((config) => config.name === columnName);
  const indexTypes = fieldConfig?.indexTypes ?? [];
  // Multi-value columns are always dictionary-encoded (FORMAT.md: no raw MV layout in v1).
  const hasDictionary =
    field?.singleValueField === false ||
    !(indexConfig.noDictionaryColumns.includes(columnName) || fieldConfig?.encodingType === 'RAW');
  return {
    hasDictionary,
    invertedIndex:
      hasDictionary &&
      (indexConfig.invertedIndexColumns.includes(columnName) || indexTypes.includes('INVERTED')),
    rangeIndex: indexConfig.rangeIndexColumns.includes(columnName) || indexTypes.includes('RANGE'),
  };
}

export interface EncodedSegment {
  readonly bytes: Uint8Array;
  readonly metadata: SegmentMetadata;
}

/** The segment file's bytes and metadata, without touching the disk. */
export function encodeImmutableSegment(input: ImmutableSegmentInput): EncodedSegment {
  const { schema, tableConfig } = input;
  const base = prepareColumns(input);
  // Timestamp index: derived `$ts$DAY`-style columns follow the schema's columns.
  const prepared = [...base, ...derivedTimestampColumns(tableConfig, schema, base)];
  const docCount = input.rows?.length ?? input.columns!.docCount;
  const columns = new Map<string, ColumnMetadata>();
  const columnSections: Section[] = [];
  // One private kernel memory per build: dropped with the encoder when the build ends.
  const encoder = new KernelEncoder();
  prepared.forEach((column, columnIndex) => {
    const indexing = columnIndexing(schema, tableConfig, column.field.name);
    const encoded = encodeColumn(column, indexing, encoder);
    columns.set(column.field.name, encoded.metadata);
    for (const section of encoded.sections) {
      columnSections.push({ kind: section.kind, column: columnIndex, bytes: section.bytes });
    }
  });
  let partial: SegmentMetadata = {
    segmentName: input.segmentName,
    tableNameWithType: tableConfig.tableNameWithType,
    docCount,
    timeRange: timeRangeOf(tableConfig.segmentsConfig.timeColumnName, schema.fields, columns),
    creationTimeMs: input.creationTimeMs ?? Date.now(),
    columns,
    crc: 0,
    custom: { ...input.custom },
  };
  const partitions = segmentPartitions(tableConfig, prepared);
  if (partitions !== undefined) partial = { ...partial, partitions };
  const metadataSection: Section = {
    kind: SectionKind.METADATA_JSON,
    column: NO_COLUMN,
    bytes: encodeMetadataJson(partial),
  };
  const starTrees = encodeStarTreeSections(
    tableConfig,
    prepared,
    columns,
    columnSections,
    docCount,
  );
  const blooms = encodeBloomSections(tableConfig, prepared, columns);
  const bytes = encodeContainer([metadataSection, ...columnSections, ...starTrees, ...blooms]);
  return { bytes, metadata: { ...partial, crc: containerCrc(bytes) } };
}

/**
 * Builds the segment and writes it to `outFile` atomically (temporary file in the same
 * directory, fsync, rename, fsync of the directory). Returns the metadata, CRC included.
 */
export async function writeImmutableSegment(
  input: ImmutableSegmentInput,
  outFile: string,
): Promise<SegmentMetadata> {
  const { bytes, metadata } = encodeImmutableSegment(input);
  await writeFileAtomic(outFile, bytes);
  return metadata;
}
