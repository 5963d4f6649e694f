// Runs a compiled query on one segment: filter → selected docs, then selection, aggregation,
// group-by or distinct over them, producing a partial result that merges with other
// segments' (host/query/combine.ts).
import type { ScalarValue } from '../config/types.js';
import type { Segment } from '../../segments/spi/segment.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import type { ExprValue } from '../expr/types.js';
import { accumulate, newState, type AccumulatorState } from './aggregations.js';
import type { CompiledQuery } from './compiledQuery.js';
import { allDocs, forEachDoc, selectionSize, toFlags, type DocSelection } from './docSelection.js';
import { evaluateFilter, type FilterContext } from './filterExec.js';
import type { FilterNode } from './filterPlan.js';
import { groupKey } from './groupKey.js';
import { RowReader } from './rowReader.js';
import { kernelAggregation, kernelGroupBy, type PackedGroups } from './fastPaths.js';
import type { KernelContext } from './kernelPaths.js';
import { executeStarTree } from './starTreeExec.js';
import { sketchGroupBy } from './sketchPaths.js';
import { fusedScanAggregation } from './scanAggregate.js';
import { foldedGroupBy } from './foldedGroupBy.js';

/** How many docs run between two deadline checks: cheap to check, fine-grained enough. */
const DEADLINE_CHECK_DOCS = 16_384;

export class QueryTimeoutError extends CuveeError {
  constructor(timeoutMs: number) {
    super(
      ErrorCode.EXECUTION_TIMEOUT,
      `Query timed out after ${timeoutMs} ms; narrow the filter or raise timeoutMs (SET timeoutMs = ...)`,
    );
  }
}

export interface SegmentStats {
  docsScanned: number;
  entriesScannedInFilter: number;
  entriesScannedPostFilter: number;
  matched: boolean;
  accessPaths: string[];
}

export interface Group {
  readonly keys: readonly ExprValue[];
  readonly states: AccumulatorState[];
}

export type SegmentResult =
  | { readonly kind: 'selection'; readonly rows: SelectedRow[] }
  | { readonly kind: 'aggregation'; readonly states: AccumulatorState[] }
  | {
      readonly kind: 'groupBy';
      /** A Map from the row path and star-tree; the dense kernels' groups stay packed. */
      readonly groups: Map<string, Group> | PackedGroups;
      readonly limitReached: boolean;
    }
  | {
      readonly kind: 'distinct';
      readonly rows: Map<string, ExprValue[]>;
      readonly limitReached: boolean;
    };

export interface SelectedRow {
  readonly values: ExprValue[];
  readonly orderKeys: ExprValue[];
}

export interface Deadline {
  readonly atMs: number;
  readonly timeoutMs: number;
}

export function checkDeadline(deadline: Deadline): void {
  if (performance.now() > deadline.atMs) throw new QueryTimeoutError(deadline.timeoutMs);
}

function filterSegment(
  query: CompiledQuery,
  segment: Segment,
  docCount: number,
  node: FilterNode | undefined,
  stats: SegmentStats,
  kernels: KernelContext | undefined,
): DocSelection {
  if (node === undefined) return allDocs(docCount);
  const context: FilterContext = {
    kernels,
    segment,
    docCount,
    nullHandling: query.plan.options.enableNullHandling,
    compile: (leaf) => query.compileFilterExpression(leaf),
    entriesScanned: 0,
    accessPaths: stats.accessPaths,
  };
  const selection = evaluateFilter(node, context, allDocs(docCount));
  stats.entriesScannedInFilter += context.entriesScanned;
  return selection;
}

export function executeSegment(
  query: CompiledQuery,
  segment: Segment,
  deadline: Deadline,
  kernels?: KernelContext,
): { result: SegmentResult; stats: SegmentStats } {
  // A star-tree that covers the query answers from pre-aggregated records.
  const starTree = executeStarTree(query, segment, kernels);
  if (starTree !== undefined) return starTree;
  // One dictionary-id predicate under COUNT/SUM/MIN/MAX: scan and aggregate in one pass.
  const fused = kernels && fusedScanAggregation(query, segment, kernels);
  if (fused !== undefined) return fused;
  // A filter that keeps nearly every doc, under a group-by: one more group key instead.
  const folded = kernels && foldedGroupBy(query, segment, kernels);
  if (folded !== undefined) return folded;
  const docCount = segment.docCount();
  const stats: SegmentStats = {
    docsScanned: 0,
    entriesScannedInFilter: 0,
    entriesScannedPostFilter: 0,
    matched: false,
    accessPaths: [],
  };
  const selection = filterSegment(query, segment, docCount, query.plan.filter, stats, kernels);
  stats.docsScanned = selectionSize(selection);
  stats.matched = stats.docsScanned > 0;
  stats.entriesScannedPostFilter = stats.docsScanned * query.projectedColumns.length;
  const rows = new RowReader(
    segment,
    query.projectedColumns,
    docCount,
    query.plan.options.enableNullHandling,
  );
  const context = { query, segment, docCount, selection, rows, deadline, stats, kernels };
  const fast = kernels === undefined ? undefined : { query, segment, docCount, selection, kernels };
  switch (query.plan.kind) {
    case 'selection':
      return { result: { kind: 'selection', rows: select(context) }, stats };
    case 'aggregation': {
      const states = (fast && kernelAggregation(fast)) ?? aggregate(context);
      return { result: { kind: 'aggregation', states }, stats };
    }
    case 'groupBy': {
      const dense = fast && kernelGroupBy(fast);
      if (dense !== undefined)
        return { result: { kind: 'groupBy', groups: dense, limitReached: false }, stats };
      // Sketch aggregations grouped by one dictionary column (host/query/sketchPaths.ts).
      const sketched = fast && sketchGroupBy(fast);
      if (sketched !== undefined)
        return { result: { kind: 'groupBy', groups: sketched, limitReached: false }, stats };
      const { groups, limitReached } = groupBy(context);
      return { result: { kind: 'groupBy', groups, limitReached }, stats };
    }
    case 'distinct': {
      const { rows: distinctRows, limitReached } = distinct(context);
      return { result: { kind: 'distinct', rows: distinctRows, limitReached }, stats };
    }
  }
}

interface ExecContext {
  readonly kernels: KernelContext | undefined;
  readonly query: CompiledQuery;
  readonly segment: Segment;
  readonly docCount: number;
  readonly selection: DocSelection;
  readonly rows: RowReader;
  readonly deadline: Deadline;
  readonly stats: SegmentStats;
}

/** Visits selected docs with periodic deadline checks; `visit` returns false to stop early. */
function visitDocs(context: ExecContext, visit: (docId: number) => boolean | void): void {
  let sinceCheck = 0;
  let stopped = false;
  forEachDoc(context.selection, (docId) => {
    if (stopped) return;
    if (++sinceCheck === DEADLINE_CHECK_DOCS) {
      sinceCheck = 0;
      checkDeadline(context.deadline);
    }
    if (visit(docId) === false) stopped = true;
  });
}

function select(context: ExecContext): SelectedRow[] {
  const { query } = context;
  const plan = query.plan;
  const wanted = plan.offset + plan.limit;
  const out: SelectedRow[] = [];
  const ordered = query.orderBy.length > 0;
  let scanned = 0;
  visitDocs(context, (docId) => {
    if (!ordered && out.length >= wanted) return false;
    scanned++;
    const row = context.rows.read(docId);
    out.push({
      values: query.outputs.map((output) => output.evaluate(row)),
      orderKeys: query.orderBy.map((key) => key.evaluate(row)),
    });
    return true;
  });
  // Pinot stops a selection without ORDER BY once it has enough rows.
  context.stats.docsScanned = scanned;
  context.stats.entriesScannedPostFilter = scanned * query.projectedColumns.length;
  return out;
}

/** Per aggregation with a FILTER clause: which docs it may see (undefined: all selected). */
function aggregationMasks(context: ExecContext): (Uint8Array | undefined)[] {
  return context.query.plan.aggregations.map((spec) => {
    if (spec.filter === undefined) return undefined;
    const selection = filterSegment(
      context.query,
      context.segment,
      context.docCount,
      spec.filter,
      context.stats,
      context.kernels,
    );
    return toFlags(selection, context.docCount);
  });
}

function accumulateValue(
  spec: CompiledQuery['plan']['aggregations'][number],
  state: AccumulatorState,
  value: ExprValue,
): void {
  if (value === null) return;
  if (Array.isArray(value)) {
    if (spec.fn.multiValue)
      for (const item of value as ScalarValue[]) accumulate(spec.fn, state, item);
    else
      throw new CuveeError(
        ErrorCode.QUERY_EXECUTION,
        `${spec.key} reads a multi-value column; use ${spec.fn.kind}MV`,
      );
    return;
  }
  accumulate(spec.fn, state, typeof value === 'boolean' ? (value ? 1 : 0) : (value as ScalarValue));
}

function updateStates(
  context: ExecContext,
  states: AccumulatorState[],
  masks: (Uint8Array | undefined)[],
  docId: number,
): void {
  const { query } = context;
  const row = context.rows.read(docId);
  const specs = query.plan.aggregations;
  for (let i = 0; i < specs.length; i++) {
    const mask = masks[i];
    if (mask !== undefined && mask[docId] !== 1) continue;
    const argument = query.aggregationArguments[i];
    const spec = specs[i]!;
    if (argument === undefined) states[i]!.count++;
    else accumulateValue(spec, states[i]!, argument.evaluate(row));
  }
}

function aggregate(context: ExecContext): AccumulatorState[] {
  const specs = context.query.plan.aggregations;
  const states = specs.map((spec) => newState(spec.fn));
  const masks = aggregationMasks(context);
  visitDocs(context, (docId) => updateStates(context, states, masks, docId));
  return states;
}

/** Group keys of one doc: a multi-value group expression contributes each of its elements. */
function expandKeys(values: ExprValue[]): ExprValue[][] {
  let combos: ExprValue[][] = [[]];
  for (const value of values) {
    const items = Array.isArray(value) ? (value as ExprValue[]) : [value];
    const next: ExprValue[][] = [];
    for (const combo of combos) for (const item of items) next.push([...combo, item]);
    combos = next;
  }
  return combos;
}

function groupBy(context: ExecContext): { groups: Map<string, Group>; limitReached: boolean } {
  const { query } = context;
  const specs = query.plan.aggregations;
  const limit = query.plan.options.numGroupsLimit;
  const groups = new Map<string, Group>();
  const masks = aggregationMasks(context);
  let limitReached = false;
  visitDocs(context, (docId) => {
    const row = context.rows.read(docId);
    const keyValues = query.groupBy.map((expr) => expr.evaluate(row));
    const hasMulti = keyValues.some((value) => Array.isArray(value));
    for (const keys of hasMulti ? expandKeys(keyValues) : [keyValues]) {
      const key = groupKey(keys);
      let group = groups.get(key);
      if (group === undefined) {
        if (groups.size >= limit) {
          limitReached = true;
          continue;
        }
        group = { keys, states: specs.map((spec) => newState(spec.fn)) };
        groups.set(key, group);
      }
      updateStates(context, group.states, masks, docId);
    }
  });
  return { groups, limitReached };
}

function distinct(context: ExecContext): { rows: Map<string, ExprValue[]>; limitReached: boolean } {
  const { query } = context;
  const plan = query.plan;
  // Without ORDER BY any `offset + limit` distinct rows answer the query (Pinot stops early too).
  const wanted = plan.orderBy.length === 0 ? plan.offset + plan.limit : plan.options.numGroupsLimit;
  const rows = new Map<string, ExprValue[]>();
  let limitReached = false;
  visitDocs(context, (docId) => {
    if (rows.size >= wanted) {
      limitReached = plan.orderBy.length > 0;
      return false;
    }
    const row = context.rows.read(docId);
    const values = query.outputs.map((output) => output.evaluate(row));
    rows.set(groupKey(values), values);
    return true;
  });
  return { rows, limitReached };
}
