// Server-side segment pruning on metadata (Pinot's ColumnValueSegmentPruner): a segment whose
// min/max of a column cannot satisfy a required predicate of the filter is skipped without
// reading a byte of its data. The time column's range is one such min/max. A column with a
// bloom filter also prunes on `=`/`IN` when the filter says no value of the list is present.
import type { ScalarValue } from '../config/types.js';
import type { SegmentMetadata } from '../../segments/spi/metadata.js';
import { compareValues } from '../expr/values.js';
import { bloomMightContain } from '../../segments/immutable/bloomFilter.js';
import type { FilterNode } from './filterPlan.js';

function outside(value: ScalarValue, min: ScalarValue, max: ScalarValue): boolean {
  return compareValues(value, min) < 0 || compareValues(value, max) > 0;
}

/** True when no doc of the segment can satisfy `node`. */
export function cannotMatch(node: FilterNode, metadata: SegmentMetadata): boolean {
  switch (node.kind) {
    case 'constant':
      return !node.value;
    case 'and':
      return node.children.some((child) => cannotMatch(child, metadata));
    case 'or':
      return node.children.every((child) => cannotMatch(child, metadata));
    case 'column':
      return !node.negated && columnCannotMatch(node, metadata);
    default:
      return false;
  }
}

function columnCannotMatch(
  node: FilterNode & { kind: 'column' },
  metadata: SegmentMetadata,
): boolean {
  const column = metadata.columns.get(node.field.name);
  const min = column?.minValue;
  const max = column?.maxValue;
  if (column === undefined || min === undefined || max === undefined) return false;
  const predicate = node.predicate;
  switch (predicate.op) {
    case 'in': {
      const bloom = metadata.bloomFilters?.get(node.field.name);
      return predicate.values.every((item) => {
        const value = item as ScalarValue;
        return (
          outside(value, min, max) || (bloom !== undefined && !bloomMightContain(bloom, value))
        );
      });
    }
    case 'range': {
      const { lower, upper } = predicate.range;
      if (lower !== undefined) {
        const order = compareValues(max, lower.value);
        if (order < 0 || (order === 0 && !lower.inclusive)) return true;
      }
      if (upper !== undefined) {
        const order = compareValues(min, upper.value);
        if (order > 0 || (order === 0 && !upper.inclusive)) return true;
      }
      return false;
    }
    case 'regex':
      return false;
  }
}
