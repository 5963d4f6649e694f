// The writer's side of the star-tree: one STAR_TREE section per entry of
// tableIndexConfig.starTreeIndexConfigs, built from the encoded columns (dictionary ids from
// their FORWARD_IDS sections, metric values from the prepared entries). An empty segment gets
// no tree (queries on it scan nothing anyway).
import type { TableConfig } from '../../host/config/types.js';
import type { ColumnMetadata } from '../spi/metadata.js';
import type { PreparedColumn } from './columnInput.js';
import { NO_COLUMN, SectionKind, type Section } from './format.js';
import { buildStarTree, type StarTreeColumn } from './starTreeBuilder.js';
import { encodeStarTreeSection } from './starTreeLayout.js';

export function encodeStarTreeSections(
  tableConfig: TableConfig,
  prepared: readonly PreparedColumn[],
  columns: ReadonlyMap<string, ColumnMetadata>,
  columnSections: readonly Section[],
  docCount: number,
): Section[] {
  const configs = tableConfig.tableIndexConfig.starTreeIndexConfigs;
  if (configs.length === 0 || docCount === 0) return [];
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
  return configs.map((config, index) => {
    const path = `tableIndexConfig.starTreeIndexConfigs[${index}]`;
    const parts = buildStarTree(config, sources, docCount, path);
    return { kind: SectionKind.STAR_TREE, column: NO_COLUMN, bytes: encodeStarTreeSection(parts) };
  });
}
