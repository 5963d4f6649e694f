// The writer's side of the star-tree: one STAR_TREE section per entry of
// tableIndexConfig.starTreeIndexConfigs, built from the encoded columns (dictionary ids from
// their FORWARD_IDS sections, metric values from the prepared entries), plus Pinot's default
// tree when tableIndexConfig.enableDefaultStarTree is true. An empty segment gets no tree
// (queries on it scan nothing anyway).
import type { StarTreeIndexConfig, TableConfig } from '../../host/config/types.js';
import type { ColumnMetadata } from '../spi/metadata.js';
import type { PreparedColumn } from './columnInput.js';
import { NO_COLUMN, SectionKind, type Section } from './format.js';
import { buildStarTree, type StarTreeColumn } from './starTreeBuilder.js';
import { encodeStarTreeSection } from './starTreeLayout.js';

/** Pinot's default tree leaves out dimensions with more distinct values than this. */
const DEFAULT_TREE_CARDINALITY_MAX = 10_000;
/** Pinot's default maxLeafRecords, used by the default tree. */
const DEFAULT_TREE_MAX_LEAF_RECORDS = 10_000;
/** Stored types a default tree sums. */
const NUMERIC_TYPES: ReadonlySet<string> = new Set(['INT', 'LONG', 'FLOAT', 'DOUBLE']);

function enablesDefaultTree(tableConfig: TableConfig): boolean {
  const index = tableConfig.json['tableIndexConfig'] as Record<string, unknown> | undefined;
  return index?.['enableDefaultStarTree'] === true;
}

/**
 * Pinot's default tree for this segment (StarTreeV2BuilderConfig.generateDefaultConfig, apache/
 * pinot#5147): split order = the single-value dictionary-encoded DIMENSION and DATE_TIME columns
 * of at most 10,000 values by cardinality descending (name ascending on ties), then the time
 * column when it is dictionary-encoded; pairs COUNT__* and SUM over every single-value numeric
 * METRIC; undefined when no column qualifies as a dimension.
 */
export function defaultStarTreeConfig(
  tableConfig: TableConfig,
  columns: ReadonlyMap<string, StarTreeColumn>,
): StarTreeIndexConfig | undefined {
  const time = tableConfig.segmentsConfig.timeColumnName;
  const dictionarySv = (column: StarTreeColumn): boolean =>
    column.field.singleValueField && column.forwardIds !== undefined;
  const dimensions = [...columns.values()]
    .filter(
      (column) =>
        dictionarySv(column) &&
        column.field.name !== time &&
        ['DIMENSION', 'DATE_TIME', 'TIME'].includes(column.field.fieldType) &&
        column.metadata.cardinality <= DEFAULT_TREE_CARDINALITY_MAX,
    )
    .sort(
      (a, b) =>
        b.metadata.cardinality - a.metadata.cardinality ||
        (a.field.name < b.field.name ? -1 : a.field.name > b.field.name ? 1 : 0),
    )
    .map((column) => column.field.name);
  const timeColumn = time === undefined ? undefined : columns.get(time);
  if (timeColumn !== undefined && dictionarySv(timeColumn)) dimensions.push(time!);
  if (dimensions.length === 0) return undefined;
  const metrics = [...columns.values()].filter(
    (column) =>
      column.field.fieldType === 'METRIC' &&
      column.field.singleValueField &&
      NUMERIC_TYPES.has(column.field.storedType),
  );
  return {
    dimensionsSplitOrder: dimensions,
    skipStarNodeCreationForDimensions: [],
    functionColumnPairs: ['COUNT__*', ...metrics.map((column) => `SUM__${column.field.name}`)],
    maxLeafRecords: DEFAULT_TREE_MAX_LEAF_RECORDS,
  };
}

export function encodeStarTreeSections(
  tableConfig: TableConfig,
  prepared: readonly PreparedColumn[],
  columns: ReadonlyMap<string, ColumnMetadata>,
  columnSections: readonly Section[],
  docCount: number,
): Section[] {
  const configured = tableConfig.tableIndexConfig.starTreeIndexConfigs;
  const wantsDefault = enablesDefaultTree(tableConfig);
  if ((configured.length === 0 && !wantsDefault) || docCount === 0) return [];
  const sources = new Map<string, StarTreeColumn>();
  prepared.forEach((column, columnIndex) => {
    const forward = columnSections.find(
      (section) => section.column === columnIndex && section.kind === SectionKind.FORWARD_IDS,
    );
    sources.set(column.field.name, {
      field: column.field,
      metadata: columns.get(column.field.name)!,
      forwardIds: forward?.bytes,
      entries: column.entries,
      mvOffsets: column.mvOffsets,
    });
  });
  const configs = [...configured];
  const fallback = wantsDefault ? defaultStarTreeConfig(tableConfig, sources) : undefined;
  // As Pinot's set of builder configs: a default equal to a configured tree is built once.
  const same = (config: StarTreeIndexConfig): boolean =>
    JSON.stringify(config) === JSON.stringify(fallback);
  if (fallback !== undefined && !configs.some(same)) configs.push(fallback);
  return configs.map((config, index) => {
    const path = `tableIndexConfig.starTreeIndexConfigs[${index}]`;
    const parts = buildStarTree(config, sources, docCount, path);
    return { kind: SectionKind.STAR_TREE, column: NO_COLUMN, bytes: encodeStarTreeSection(parts) };
  });
}
