// Broker-side segment pruning (Pinot's SegmentPrunerService at the broker): before any server
// work, drop segments that cannot match the filter by their partitions (PartitionSegmentPruner:
// an `=`/`IN` value on a `segmentPartitionConfig` column whose partition the segment does not
// hold) or by their time range (TimeSegmentPruner: the filter's bounds on the time column miss
// the segment's [startTime, endTime]). Only sealed segments are pruned: a consuming segment's
// metadata still changes while rows arrive.
import type { ScalarValue, Schema, TableConfig } from '../config/types.js';
import { compareValues } from '../expr/values.js';
import type { SegmentMetadata } from '../../segments/spi/metadata.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { FilterNode } from './filterPlan.js';
import { partitionFunction, type PartitionFunction } from './partitionFunctions.js';
import type { QueryPlan } from './plan.js';

export interface BrokerPruneResult {
  readonly segments: Segment[];
  readonly prunedCount: number;
}

interface PruneContext {
  readonly timeColumn: string | undefined;
  /** Partition functions by column, built once per query. */
  readonly functions: ReadonlyMap<string, PartitionFunction>;
}

function contextOf(table: { config: TableConfig; schema: Schema }): PruneContext {
  const functions = new Map<string, PartitionFunction>();
  const map = table.config.tableIndexConfig.segmentPartitionConfig?.columnPartitionMap ?? {};
  for (const [column, config] of Object.entries(map)) {
    const field = table.schema.fields.find((candidate) => candidate.name === column);
    if (field === undefined) continue;
    functions.set(
      column,
      partitionFunction(config.functionName, config.numPartitions, field.storedType),
    );
  }
  return { timeColumn: table.config.segmentsConfig.timeColumnName, functions };
}

/**
 * The segments a query must visit and how many it skipped (`numSegmentsPrunedByBroker`).
 * `table` is the physical table whose plan this is (the hybrid time boundary is in its filter).
 */
export function brokerPrune(
  table: { readonly config: TableConfig; readonly schema: Schema },
  plan: QueryPlan,
  segments: readonly Segment[],
): BrokerPruneResult {
  const filter = plan.filter;
  if (filter === undefined) return { segments: [...segments], prunedCount: 0 };
  const context = contextOf(table);
  const kept = segments.filter(
    (segment) => segment.metadata.crc === 0 || !cannotMatch(filter, segment.metadata, context),
  );
  return { segments: kept, prunedCount: segments.length - kept.length };
}

function cannotMatch(node: FilterNode, metadata: SegmentMetadata, context: PruneContext): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.some((child) => cannotMatch(child, metadata, context));
    case 'or':
      return node.children.every((child) => cannotMatch(child, metadata, context));
    case 'column':
      if (node.negated) return false;
      return partitionMisses(node, metadata, context) || timeRangeMisses(node, metadata, context);
    default:
      return false;
  }
}

type ColumnNode = FilterNode & { kind: 'column' };

function partitionMisses(
  node: ColumnNode,
  metadata: SegmentMetadata,
  context: PruneContext,
): boolean {
  if (node.predicate.op !== 'in') return false;
  const fn = context.functions.get(node.field.name);
  const held = metadata.partitions?.get(node.field.name);
  // A segment written under another partition config says nothing about this one.
  if (fn === undefined || held === undefined || held.numPartitions !== fn.numPartitions) {
    return false;
  }
  if (held.functionName.toLowerCase() !== fn.name.toLowerCase()) return false;
  return node.predicate.values.every(
    (value) => !held.partitionIds.includes(fn.partitionOf(value as ScalarValue)),
  );
}

function timeRangeMisses(
  node: ColumnNode,
  metadata: SegmentMetadata,
  context: PruneContext,
): boolean {
  const range = metadata.timeRange;
  if (range === undefined || node.field.name !== context.timeColumn) return false;
  if (range.timeColumn !== node.field.name) return false;
  const { startTime, endTime } = range;
  const predicate = node.predicate;
  if (predicate.op === 'in') {
    return predicate.values.every((item) => {
      const value = item as ScalarValue;
      return compareValues(value, startTime) < 0 || compareValues(value, endTime) > 0;
    });
  }
  if (predicate.op !== 'range') return false;
  const { lower, upper } = predicate.range;
  if (lower !== undefined) {
    const order = compareValues(endTime, lower.value);
    if (order < 0 || (order === 0 && !lower.inclusive)) return true;
  }
  if (upper !== undefined) {
    const order = compareValues(startTime, upper.value);
    if (order > 0 || (order === 0 && !upper.inclusive)) return true;
  }
  return false;
}
