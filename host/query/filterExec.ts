// Answers a filter tree on one segment, choosing per leaf the cheapest access path: a sorted
// column's doc range, inverted-index bitmaps, or a scan over dictionary ids (value predicates
// become id predicates first), a scan over raw values, or row-at-a-time evaluation for
// expressions. Every leaf answers within `candidates` (what the AND so far left), so scans
// touch only docs still in play.
import type { ScalarValue } from '../config/types.js';
import type { ColumnReader, RangeIndexReader } from '../../segments/spi/columnReader.js';
import type { Dictionary, ValueRange } from '../../segments/spi/dictionary.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { CompiledExpression } from '../expr/compile.js';
import { compareValues, valuesEqual } from '../expr/values.js';
import { assert } from '../util/assert.js';
import {
  allDocs,
  clipToDocCount,
  docIds,
  intersect,
  noDocs,
  rangeIds,
  selectionSize,
  subtract,
  toIds,
  union,
  type DocSelection,
} from './docSelection.js';
import type { ColumnPredicate, FilterNode } from './filterPlan.js';
import { IdSet } from './idSet.js';
import { nullDocs, RowReader } from './rowReader.js';
import { scanDictIds, type KernelContext } from './kernelPaths.js';

/** Docs read per block while scanning a forward index: fits L1/L2 and amortizes calls. */
const SCAN_BLOCK_DOCS = 4096;
/**
 * Above this share of the dictionary, merging one bitmap per id costs more than one scan of
 * the forward index.
 */
const INVERTED_INDEX_MAX_ID_SHARE = 0.25;

export interface FilterContext {
  /** The calling thread's kernels on the segments' memory; undefined: host code only. */
  readonly kernels: KernelContext | undefined;
  readonly segment: Segment;
  readonly docCount: number;
  readonly nullHandling: boolean;
  /** How a generic expression resolves identifiers (validated by the planner). */
  readonly compile: (expr: FilterNode & { kind: 'expression' }) => CompiledExpression;
  /** Entries read by scans: Pinot's numEntriesScannedInFilter. */
  entriesScanned: number;
  /** Which access path each leaf used, for EXPLAIN and traces. */
  readonly accessPaths: string[];
}

export function evaluateFilter(
  node: FilterNode,
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  switch (node.kind) {
    case 'constant':
      return node.value ? candidates : noDocs();
    case 'and': {
      let result = candidates;
      for (const child of orderForAnd(node.children, context)) {
        if (selectionSize(result) === 0) break;
        result = evaluateFilter(child, context, result);
      }
      return result;
    }
    case 'or': {
      let result = noDocs();
      for (const child of node.children)
        result = union(result, evaluateFilter(child, context, candidates));
      return result;
    }
    case 'isNull':
      return isNullLeaf(node.field.name, node.negated, context, candidates);
    case 'column':
      return columnLeaf(node, context, candidates);
    case 'expression':
      return expressionLeaf(node, context, candidates);
  }
}

/** Index-answered leaves first, so scans only see what they leave. */
function orderForAnd(children: readonly FilterNode[], context: FilterContext): FilterNode[] {
  const cost = (node: FilterNode): number => {
    if (node.kind === 'constant') return 0;
    if (node.kind === 'isNull') return 1;
    if (node.kind !== 'column') return 3;
    const reader = context.segment.column(node.field.name);
    if (reader?.metadata.isSorted === true || reader?.invertedIndex !== undefined) return 1;
    return 2;
  };
  return [...children].sort((a, b) => cost(a) - cost(b));
}

function readerOf(context: FilterContext, name: string): ColumnReader {
  const reader = context.segment.column(name);
  assert(reader !== undefined, `column ${name} was validated against the schema`);
  return reader;
}

function isNullLeaf(
  name: string,
  negated: boolean,
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  const nulls = nullDocs(readerOf(context, name), context.docCount);
  context.accessPaths.push(`${name}: null vector`);
  return negated ? subtract(candidates, nulls, context.docCount) : intersect(candidates, nulls);
}

function columnLeaf(
  node: FilterNode & { kind: 'column' },
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  const reader = readerOf(context, node.field.name);
  let matched: DocSelection;
  if (reader.dictionary !== undefined) {
    matched = dictionaryLeaf(reader, reader.dictionary, node, context, candidates);
  } else if (node.predicate.op === 'range' && !node.negated && reader.rangeIndex !== undefined) {
    matched = rangeIndexLeaf(reader, reader.rangeIndex, node.predicate.range, context, candidates);
  } else {
    matched = rawScanLeaf(reader, node, context, candidates);
  }
  // Nulls hold the default value; with null handling they must match neither p nor NOT p.
  return context.nullHandling
    ? subtract(matched, nullDocs(reader, context.docCount), context.docCount)
    : matched;
}

/**
 * At most how many docs of the segment the filter can match, judged from sorted columns alone
 * (a dictionary lookup each): `vieweeId = 42` on a sorted vieweeId is its doc run, anything the
 * sorted index cannot bound counts every doc. Cheap enough to decide where a query runs.
 */
export function sortedDocsBound(filter: FilterNode | undefined, segment: Segment): number {
  const docCount = segment.docCount();
  if (filter === undefined) return docCount;
  switch (filter.kind) {
    case 'and':
      return filter.children.reduce(
        (bound, child) => Math.min(bound, sortedDocsBound(child, segment)),
        docCount,
      );
    case 'or': {
      const sum = filter.children.reduce(
        (total, child) => total + sortedDocsBound(child, segment),
        0,
      );
      return Math.min(docCount, sum);
    }
    case 'constant':
      return filter.value ? docCount : 0;
    case 'column':
      return filter.negated ? docCount : sortedLeafBound(filter, segment, docCount);
    default:
      return docCount;
  }
}

function sortedLeafBound(
  leaf: FilterNode & { kind: 'column' },
  segment: Segment,
  docCount: number,
): number {
  const reader = segment.column(leaf.field.name);
  const dictionary = reader?.dictionary;
  if (reader === undefined || dictionary === undefined) return docCount;
  if (!reader.metadata.isSorted || !reader.singleValue) return docCount;
  const ids = matchingIds(dictionary, leaf.predicate);
  if (ids.size === 0) return 0;
  if (!ids.contiguous) return docCount;
  const range = reader.sortedIdRange({ startId: ids.first, endId: ids.last + 1 });
  return range === undefined ? docCount : Math.min(range.endDoc, docCount) - range.startDoc;
}

/** Dictionary ids whose value satisfies the predicate. */
export function matchingIds(dictionary: Dictionary, predicate: ColumnPredicate): IdSet {
  switch (predicate.op) {
    case 'in':
      return IdSet.of(dictionary.idsOf(predicate.values as ScalarValue[]));
    case 'range': {
      const run = dictionary.idRange(predicate.range);
      return run === undefined
        ? IdSet.of(dictionary.idsInRange(predicate.range))
        : IdSet.range(run.startId, run.endId);
    }
    case 'regex': {
      const ids: number[] = [];
      for (let id = 0; id < dictionary.cardinality; id++) {
        if (predicate.regex.test(dictionary.get(id) as string)) ids.push(id);
      }
      return IdSet.of(Uint32Array.from(ids));
    }
  }
}

function dictionaryLeaf(
  reader: ColumnReader,
  dictionary: Dictionary,
  node: FilterNode & { kind: 'column' },
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  let ids = matchingIds(dictionary, node.predicate);
  // SV: NOT p is "the other ids". MV: NOT p is "no element matches", decided per doc below.
  const negateDocs = node.negated && !reader.singleValue;
  if (node.negated && reader.singleValue) ids = ids.complement(dictionary.cardinality);
  let docs: DocSelection;
  if (ids.size === 0) {
    docs = noDocs();
  } else if (ids.size === dictionary.cardinality) {
    docs = allDocs(context.docCount);
  } else {
    docs = docsOfIds(reader, ids, context, negateDocs ? allDocs(context.docCount) : candidates);
  }
  if (negateDocs) return subtract(candidates, docs, context.docCount);
  return intersect(candidates, docs);
}

function docsOfIds(
  reader: ColumnReader,
  ids: IdSet,
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  const name = reader.name;
  if (reader.metadata.isSorted && reader.singleValue) {
    if (ids.contiguous) {
      const range = reader.sortedIdRange({ startId: ids.first, endId: ids.last + 1 });
      if (range !== undefined) {
        context.accessPaths.push(`${name}: sorted index`);
        return docIds(rangeIds(range.startDoc, Math.min(range.endDoc, context.docCount)));
      }
    }
  }
  const inverted = reader.invertedIndex;
  const cardinality = reader.dictionary!.cardinality;
  if (
    inverted !== undefined &&
    ids.size <= Math.max(1, cardinality * INVERTED_INDEX_MAX_ID_SHARE)
  ) {
    context.accessPaths.push(`${name}: inverted index`);
    let docs = noDocs();
    for (const id of ids)
      docs = union(docs, clipToDocCount(docIds(inverted.docIds(id).toArray()), context.docCount));
    return docs;
  }
  if (context.kernels !== undefined && reader.singleValue) {
    const cardinality = reader.dictionary!.cardinality;
    const locator = reader.forwardIndexLocator;
    const docs = scanDictIds(
      context.kernels,
      locator,
      ids,
      cardinality,
      context.docCount,
      candidates,
    );
    if (docs !== undefined) {
      context.accessPaths.push(`${name}: SIMD scan over dictionary ids`);
      context.entriesScanned += selectionSize(candidates);
      return docs;
    }
  }
  context.accessPaths.push(`${name}: scan over dictionary ids`);
  return scanIds(reader, ids, context, candidates);
}

function scanIds(
  reader: ColumnReader,
  ids: IdSet,
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  const wanted = new Uint8Array(reader.dictionary!.cardinality);
  for (const id of ids) wanted[id] = 1;
  const out: number[] = [];
  if (reader.singleValue && candidates.kind === 'all') {
    const block = new Uint32Array(SCAN_BLOCK_DOCS);
    for (let start = 0; start < context.docCount; start += SCAN_BLOCK_DOCS) {
      const count = Math.min(SCAN_BLOCK_DOCS, context.docCount - start);
      reader.readDictIds(start, count, block);
      for (let i = 0; i < count; i++) if (wanted[block[i]!] === 1) out.push(start + i);
    }
    context.entriesScanned += context.docCount;
    return docIds(Uint32Array.from(out));
  }
  const candidateIds = toIds(candidates);
  for (let i = 0; i < candidateIds.length; i++) {
    const docId = candidateIds[i]!;
    if (reader.singleValue) {
      if (wanted[reader.getDictId(docId)] === 1) out.push(docId);
    } else {
      const docValueIds = reader.getDictIds(docId);
      for (let k = 0; k < docValueIds.length; k++) {
        if (wanted[docValueIds[k]!] === 1) {
          out.push(docId);
          break;
        }
      }
    }
  }
  context.entriesScanned += candidateIds.length;
  return docIds(Uint32Array.from(out));
}

function inRange(value: ScalarValue, range: ValueRange): boolean {
  if (range.lower !== undefined) {
    const order = compareValues(value, range.lower.value);
    if (order < 0 || (order === 0 && !range.lower.inclusive)) return false;
  }
  if (range.upper !== undefined) {
    const order = compareValues(value, range.upper.value);
    if (order > 0 || (order === 0 && !range.upper.inclusive)) return false;
  }
  return true;
}

function valueMatches(value: ScalarValue, predicate: ColumnPredicate): boolean {
  switch (predicate.op) {
    case 'in':
      return predicate.values.some((item) => valuesEqual(value, item));
    case 'range':
      return inRange(value, predicate.range);
    case 'regex':
      return predicate.regex.test(value as string);
  }
}

/**
 * A range over a raw column with a range index: docs of the buckets inside the range match
 * outright; only the edge buckets' docs are checked against the values.
 */
function rangeIndexLeaf(
  reader: ColumnReader,
  rangeIndex: RangeIndexReader,
  range: ValueRange,
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  context.accessPaths.push(`${reader.name}: range index`);
  const lookup = rangeIndex.lookup(range);
  const matching = intersect(
    candidates,
    clipToDocCount(docIds(lookup.matching.toArray()), context.docCount),
  );
  if (lookup.candidates === undefined) return matching;
  const edge = toIds(
    intersect(candidates, clipToDocCount(docIds(lookup.candidates.toArray()), context.docCount)),
  );
  const confirmed: number[] = [];
  for (let i = 0; i < edge.length; i++) {
    const docId = edge[i]!;
    if (
      reader.singleValue
        ? inRange(reader.getValue(docId), range)
        : reader.getValues(docId).some((value) => inRange(value, range))
    ) {
      confirmed.push(docId);
    }
  }
  context.entriesScanned += edge.length;
  return union(matching, docIds(Uint32Array.from(confirmed)));
}

function rawScanLeaf(
  reader: ColumnReader,
  node: FilterNode & { kind: 'column' },
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  context.accessPaths.push(`${reader.name}: scan over raw values`);
  const candidateIds = toIds(candidates);
  const out: number[] = [];
  for (let i = 0; i < candidateIds.length; i++) {
    const docId = candidateIds[i]!;
    const matches = reader.singleValue
      ? valueMatches(reader.getValue(docId), node.predicate)
      : reader.getValues(docId).some((value) => valueMatches(value, node.predicate));
    if (matches !== node.negated) out.push(docId);
  }
  context.entriesScanned += candidateIds.length;
  return docIds(Uint32Array.from(out));
}

function expressionLeaf(
  node: FilterNode & { kind: 'expression' },
  context: FilterContext,
  candidates: DocSelection,
): DocSelection {
  const compiled = context.compile(node);
  context.accessPaths.push(`expression: row-at-a-time evaluation`);
  const rows = new RowReader(
    context.segment,
    compiled.columns,
    context.docCount,
    context.nullHandling,
  );
  const candidateIds = toIds(candidates);
  const out: number[] = [];
  for (let i = 0; i < candidateIds.length; i++) {
    const docId = candidateIds[i]!;
    const value = compiled.evaluate(rows.read(docId));
    // Three-valued logic: only a known truth value decides; unknown matches neither way.
    if (value === null) continue;
    if ((value === true) !== node.negated) out.push(docId);
  }
  context.entriesScanned += candidateIds.length * Math.max(1, compiled.columns.length);
  return docIds(Uint32Array.from(out));
}
