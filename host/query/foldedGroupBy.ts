// A group-by whose filter keeps nearly every doc (`WHERE Cancelled = 0 GROUP BY Carrier`): the
// filter column joins the group keys, the dense kernels group every doc in one sequential pass,
// and the groups whose filter id does not match are dropped. The usual path spells out the
// ~98% matching docs as a list (written, copied out, copied back block by block) and gathers
// by it, which costs more than grouping the few extra docs (bench: ~20% per 1M-doc segment).
import type { Segment } from '../../segments/spi/segment.js';
import type { CompiledQuery } from './compiledQuery.js';
import { allDocs } from './docSelection.js';
import { denseGroupColumns, packGroups } from './fastPaths.js';
import type { IdSet } from './idSet.js';
import {
  countDictIds,
  DENSE_GROUP_BUDGET,
  groupByDictIds,
  type DenseGroups,
  type DenseValueStats,
  type KernelContext,
} from './kernelPaths.js';
import { fusedFilter } from './scanAggregate.js';
import type { SegmentResult, SegmentStats } from './segmentExec.js';

/**
 * Most ids the filter column may have: each multiplies the key space, and a low-cardinality
 * flag or status column is where a filter keeps most docs.
 */
export const FOLD_FILTER_CARDINALITY_MAX = 16;
/**
 * Least share of the docs the filter must keep. Measured on 1M-doc airline segments: grouping
 * every doc with one more key costs ~0.8 of filtering to a doc list and grouping by it at 98%
 * kept, and the list shrinks with the share, so folding pays only near the top.
 */
export const FOLD_MIN_KEPT_SHARE = 0.85;

/** Per filter id, whether it matches. */
function matchFlags(ids: IdSet, cardinality: number): Uint8Array {
  const flags = new Uint8Array(cardinality);
  for (const id of ids) flags[id] = 1;
  return flags;
}

function samePrefix(keyIds: readonly Uint32Array[], keyCount: number, a: number, b: number) {
  for (let c = 0; c < keyCount; c++) if (keyIds[c]![a] !== keyIds[c]![b]) return false;
  return true;
}

/** Per value column, its stats sized for `groupCount` groups. */
function emptyStats(dense: DenseGroups): (DenseValueStats | undefined)[] {
  const size = dense.groupCount;
  return dense.values.map((stats) =>
    stats === undefined
      ? undefined
      : {
          sums: new Float64Array(size),
          mins: new Float64Array(size),
          maxs: new Float64Array(size),
        },
  );
}

function sliceStats(stats: DenseValueStats | undefined, n: number): DenseValueStats | undefined {
  if (stats === undefined) return undefined;
  const { sums, mins, maxs } = stats;
  return { sums: sums.slice(0, n), mins: mins.slice(0, n), maxs: maxs.slice(0, n) };
}

/**
 * The groups of `dense` (keys + the filter column last) whose filter id matches, with groups
 * that differ only in the filter id added together (adjacent: the filter key varies fastest).
 * Only additive groups merge (denseGroupColumns): their MIN/MAX are unread placeholders.
 */
function keepMatching(dense: DenseGroups, keyCount: number, flags: Uint8Array): DenseGroups {
  const filterIds = dense.keyIds[keyCount]!;
  const keyIds = dense.keyIds.slice(0, keyCount).map(() => new Uint32Array(dense.groupCount));
  const counts = new Uint32Array(dense.groupCount);
  const values = emptyStats(dense);
  let n = 0;
  let last = -1;
  for (let g = 0; g < dense.groupCount; g++) {
    if (flags[filterIds[g]!] !== 1) continue;
    const merge = last >= 0 && samePrefix(dense.keyIds, keyCount, last, g);
    last = g;
    if (merge) {
      counts[n - 1] = counts[n - 1]! + dense.counts[g]!;
      dense.values.forEach((stats, v) => {
        if (stats === undefined) return;
        const sums = values[v]!.sums;
        sums[n - 1] = sums[n - 1]! + stats.sums[g]!;
      });
      continue;
    }
    for (let c = 0; c < keyCount; c++) keyIds[c]![n] = dense.keyIds[c]![g]!;
    counts[n] = dense.counts[g]!;
    dense.values.forEach((stats, v) => {
      if (stats === undefined) return;
      values[v]!.sums[n] = stats.sums[g]!;
      values[v]!.mins[n] = stats.mins[g]!;
      values[v]!.maxs[n] = stats.maxs[g]!;
    });
    n++;
  }
  return {
    groupCount: n,
    keyIds: keyIds.map((ids) => ids.slice(0, n)),
    counts: counts.slice(0, n),
    values: values.map((stats) => sliceStats(stats, n)),
  };
}

/**
 * The segment's groups through the folded filter, with its stats, or undefined when the query
 * does not fit (see denseGroupColumns and fusedFilter) or the filter keeps too few docs.
 */
export function foldedGroupBy(
  query: CompiledQuery,
  segment: Segment,
  kernels: KernelContext,
): { result: SegmentResult; stats: SegmentStats } | undefined {
  if (query.plan.kind !== 'groupBy') return undefined;
  const docCount = segment.docCount();
  const filter = fusedFilter(query, segment, docCount);
  const filterCardinality = filter?.reader.dictionary?.cardinality ?? Infinity;
  if (filter === undefined || filterCardinality > FOLD_FILTER_CARDINALITY_MAX) return undefined;
  const columns = denseGroupColumns(query, segment);
  if (columns === undefined || (filter.ids.size > 1 && !columns.additive)) return undefined;
  const all = allDocs(docCount);
  const kept = countDictIds(kernels, filter.packed, filter.ids, filterCardinality, docCount, all);
  if (kept === undefined || kept < docCount * FOLD_MIN_KEPT_SHARE) return undefined;
  const keys = [...columns.keyReaders, filter.reader].map((reader) => ({
    forward: reader.forwardIndexLocator,
    cardinality: reader.dictionary!.cardinality,
  }));
  const limit = query.plan.options.numGroupsLimit;
  const maxGroups = Math.min(limit * filterCardinality, DENSE_GROUP_BUDGET);
  const keyCount = columns.keyReaders.length;
  const dense = groupByDictIds(
    kernels, keys, columns.valueColumns, all, docCount, maxGroups, columns.minMaxColumns,
  );
  if (dense === undefined) return undefined;
  const groups = keepMatching(dense, keyCount, matchFlags(filter.ids, filterCardinality));
  if (groups.groupCount > limit) return undefined;
  const stats: SegmentStats = {
    docsScanned: kept,
    entriesScannedInFilter: docCount,
    entriesScannedPostFilter: kept * query.projectedColumns.length,
    matched: kept > 0,
    accessPaths: [`${filter.reader.name}: filter folded into the group-by keys`],
  };
  const packed = packGroups(groups, columns.keyReaders);
  return { result: { kind: 'groupBy', groups: packed, limitReached: false }, stats };
}
