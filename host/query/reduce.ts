// Combines per-segment partial results and reduces them into Pinot's result table: merge
// aggregation states and groups, apply HAVING, ORDER BY (Pinot's null ordering), OFFSET and
// LIMIT, and evaluate the select list over aggregated values.
import type { FieldSpec, Row } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import { compileRowExpression, type CompiledExpression } from '../expr/compile.js';
import type { ExprValue, ValueType } from '../expr/types.js';
import { compareValues } from '../expr/values.js';
import type { Expr, OrderByItem } from '../sql/ast.js';
import { formatExpr } from '../sql/format.js';
import { transformExpr } from '../sql/visit.js';
import { finalResult, mergeStates, newState, type AccumulatorState } from './aggregations.js';
import { columnTypeOf, formatCell } from './cells.js';
import type { CompiledQuery } from './compiledQuery.js';
import type { PackedGroups } from './fastPaths.js';
import { columnGroupKey } from './groupKey.js';
import type { QueryPlan } from './plan.js';
import type { ColumnDataType, ResultTable } from './response.js';
import type { Group, SegmentResult, SelectedRow } from './segmentExec.js';

/** Row keys of aggregated values in post-aggregation rows; not a valid SQL identifier. */
const AGGREGATE_KEY_PREFIX = '\u0001a';
const GROUP_KEY_PREFIX = '\u0001g';

export interface ReduceOutcome {
  readonly resultTable: ResultTable;
  readonly numGroupsLimitReached: boolean;
}

/** Orders two values under ORDER BY: Pinot puts nulls last ascending and first descending. */
export function compareForOrder(left: ExprValue, right: ExprValue, item: OrderByItem): number {
  const nullsFirst = item.nullsFirst ?? item.descending;
  if (left === null || right === null) {
    if (left === right) return 0;
    return (left === null) === nullsFirst ? -1 : 1;
  }
  // Two numbers or two strings compare as compareValues would, without its type dispatch:
  // ORDER BY over a few dozen groups runs this a few hundred times per query.
  const sameKind =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string');
  const order = sameKind
    ? left < right
      ? -1
      : left > right
        ? 1
        : 0
    : compareValues(left, right);
  return item.descending ? -order : order;
}

function rowComparator(
  orderBy: readonly OrderByItem[],
): (a: readonly ExprValue[], b: readonly ExprValue[]) => number {
  return (a, b) => {
    for (let i = 0; i < orderBy.length; i++) {
      const order = compareForOrder(a[i]!, b[i]!, orderBy[i]!);
      if (order !== 0) return order;
    }
    return 0;
  };
}

function fieldType(field: FieldSpec): ColumnDataType {
  return (field.singleValueField ? field.dataType : `${field.dataType}_ARRAY`) as ColumnDataType;
}

/** The result type of a row-level expression: a column keeps its schema type. */
function rowLevelType(plan: QueryPlan, expr: Expr, compiled: CompiledExpression): ColumnDataType {
  if (expr.kind === 'identifier') {
    const field = plan.schema.fields.find((candidate) => candidate.name === expr.name);
    if (field !== undefined) return fieldType(field);
  }
  return columnTypeOf(compiled.type);
}

function reduceSelection(query: CompiledQuery, results: readonly SegmentResult[]): ResultTable {
  const plan = query.plan;
  const rows: SelectedRow[] = [];
  for (const result of results) if (result.kind === 'selection') rows.push(...result.rows);
  if (plan.orderBy.length > 0) {
    const compare = rowComparator(plan.orderBy);
    rows.sort((a, b) => compare(a.orderKeys, b.orderKeys));
  }
  const types = plan.outputs.map((output, i) => rowLevelType(plan, output.expr, query.outputs[i]!));
  const page = rows.slice(plan.offset, plan.offset + plan.limit);
  return {
    dataSchema: { columnNames: plan.outputs.map((output) => output.name), columnDataTypes: types },
    rows: page.map((row) => row.values.map((value, i) => formatCell(value, types[i]!))),
  };
}

/** Compiles an expression over aggregated rows: aggregations and group expressions are keys. */
function compilePostAggregation(
  plan: QueryPlan,
  query: CompiledQuery,
  expr: Expr,
): CompiledExpression {
  const aggregateIndex = new Map(plan.aggregations.map((spec, i) => [spec.key, i]));
  const groupIndex = new Map(plan.groupBy.map((group, i) => [formatExpr(group), i]));
  const rewritten = transformExpr(expr, (node) => {
    const text = formatExpr(node);
    const group = groupIndex.get(text);
    if (group !== undefined)
      return {
        kind: 'identifier',
        name: `${GROUP_KEY_PREFIX}${group}`,
        quoted: true,
        pos: node.pos,
      };
    const aggregate = node.kind === 'call' ? aggregateIndex.get(text) : undefined;
    if (aggregate !== undefined)
      return {
        kind: 'identifier',
        name: `${AGGREGATE_KEY_PREFIX}${aggregate}`,
        quoted: true,
        pos: node.pos,
      };
    return undefined;
  });
  return compileRowExpression(rewritten, (name) => {
    if (name.startsWith(GROUP_KEY_PREFIX)) {
      const index = Number(name.slice(GROUP_KEY_PREFIX.length));
      return { key: name, type: query.groupBy[index]?.type ?? 'UNKNOWN' };
    }
    if (name.startsWith(AGGREGATE_KEY_PREFIX)) {
      const spec = plan.aggregations[Number(name.slice(AGGREGATE_KEY_PREFIX.length))]!;
      return {
        key: name,
        type: (spec.fn.resultType === 'INT' ? 'INT' : spec.fn.resultType) as ValueType,
      };
    }
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `'${name}' must appear in the GROUP BY clause or be used in an aggregate function`,
    );
  });
}

/**
 * Fills one post-aggregation row (group values and final aggregation results under their
 * keys) per call, reusing the same object: tens of thousands of groups allocate no rows.
 */
function rowFiller(
  plan: QueryPlan,
): (keys: readonly ExprValue[], states: readonly AccumulatorState[]) => Row {
  const groupNames = plan.groupBy.map((_, i) => `${GROUP_KEY_PREFIX}${i}`);
  const aggregateNames = plan.aggregations.map((_, i) => `${AGGREGATE_KEY_PREFIX}${i}`);
  const row: Record<string, ExprValue> = {};
  const nullHandling = plan.options.enableNullHandling;
  return (keys, states) => {
    for (let i = 0; i < keys.length; i++) row[groupNames[i]!] = keys[i]!;
    for (let i = 0; i < plan.aggregations.length; i++) {
      const fn = plan.aggregations[i]!.fn;
      const value = finalResult(fn, states[i]!, nullHandling);
      row[aggregateNames[i]!] =
        fn.resultType === 'LONG' && typeof value === 'number' ? BigInt(value) : value;
    }
    // Group keys may be booleans (a predicate grouped on); the evaluators read any ExprValue.
    return row as Row;
  };
}

/** A copy of a group that a reused one (PackedMerge.groups) will not overwrite. */
function detached(group: Group): Group {
  return { keys: group.keys.slice(), states: group.states.map((state) => ({ ...state })) };
}

interface RankedGroup {
  readonly group: Group;
  readonly order: ExprValue[];
}

/** Candidates beyond twice the wanted count before a trim: keeps tiny LIMITs from re-sorting. */
const TRIM_SLACK = 64;

/**
 * The first `wanted` groups in ORDER BY order, ties in arrival order: what a stable sort of
 * every group followed by a slice keeps, in O(n log wanted) and without holding every group.
 */
class TopGroups {
  private ranked: RankedGroup[] = [];
  /** The last kept order once a trim has run: a group that does not beat it cannot enter. */
  private threshold: ExprValue[] | undefined;

  constructor(
    private readonly wanted: number,
    private readonly compare: (a: readonly ExprValue[], b: readonly ExprValue[]) => number,
  ) {}

  /** Offers a group; it and `order` are copied when kept, so callers may reuse them. */
  offer(group: Group, order: readonly ExprValue[]): void {
    if (this.wanted === 0) return;
    if (this.threshold !== undefined && this.compare(order, this.threshold) >= 0) return;
    this.ranked.push({ group: detached(group), order: order.slice() });
    if (this.ranked.length >= 2 * this.wanted + TRIM_SLACK) this.trim();
  }

  sorted(): RankedGroup[] {
    this.trim();
    return this.ranked;
  }

  private trim(): void {
    this.ranked.sort((a, b) => this.compare(a.order, b.order));
    if (this.ranked.length > this.wanted) this.ranked.length = this.wanted;
    if (this.ranked.length === this.wanted) this.threshold = this.ranked[this.wanted - 1]!.order;
  }
}

/**
 * An expression over aggregated rows that is a group-by expression or an aggregation itself
 * (as compilePostAggregation would rewrite it), read straight from a group: most ORDER BY and
 * select items are, and reading them skips compiling and evaluating an expression per group.
 */
type DirectRef =
  | { readonly kind: 'group'; readonly index: number }
  | { readonly kind: 'aggregate'; readonly index: number };

/** The direct references of `exprs`, or undefined when any of them is not one. */
function directRefs(plan: QueryPlan, exprs: readonly Expr[]): DirectRef[] | undefined {
  const refs: DirectRef[] = [];
  const groupTexts = plan.groupBy.map((group) => formatExpr(group));
  for (const expr of exprs) {
    const text = formatExpr(expr);
    const group = groupTexts.indexOf(text);
    const aggregate =
      expr.kind === 'call' ? plan.aggregations.findIndex((spec) => spec.key === text) : -1;
    if (group >= 0) refs.push({ kind: 'group', index: group });
    else if (aggregate >= 0) refs.push({ kind: 'aggregate', index: aggregate });
    else return undefined;
  }
  return refs;
}

/** Aggregation i's value as rowFiller leaves it in a row (LONG results as bigints). */
function aggregateValue(plan: QueryPlan, group: Group, index: number): ExprValue {
  const fn = plan.aggregations[index]!.fn;
  const value = finalResult(fn, group.states[index]!, plan.options.enableNullHandling);
  return fn.resultType === 'LONG' && typeof value === 'number' ? BigInt(value) : value;
}

/**
 * Aggregation i's value for ORDER BY: as aggregateValue, but a LONG within 2^53 stays a number,
 * which orders exactly as its bigint does (compareValues compares across both) for less work.
 */
function aggregateOrderValue(plan: QueryPlan, group: Group, index: number): ExprValue {
  const fn = plan.aggregations[index]!.fn;
  const value = finalResult(fn, group.states[index]!, plan.options.enableNullHandling);
  if (fn.resultType !== 'LONG' || typeof value !== 'number' || Number.isSafeInteger(value)) {
    return value;
  }
  return BigInt(value);
}

/** Writes a group's ORDER BY values into `order`. */
type OrderReader = (group: Group, order: ExprValue[]) => void;

function orderReader(query: CompiledQuery, fill: ReturnType<typeof rowFiller>): OrderReader {
  const plan = query.plan;
  const refs = directRefs(
    plan,
    plan.orderBy.map((item) => item.expr),
  );
  if (refs !== undefined) {
    return (group, order) => {
      for (let i = 0; i < refs.length; i++) {
        const ref = refs[i]!;
        order[i] =
          ref.kind === 'group'
            ? group.keys[ref.index]!
            : aggregateOrderValue(plan, group, ref.index);
      }
    };
  }
  const orderKeys = plan.orderBy.map((item) => compilePostAggregation(plan, query, item.expr));
  return (group, order) => {
    const row = fill(group.keys, group.states);
    for (let i = 0; i < orderKeys.length; i++) order[i] = orderKeys[i]!.evaluate(row);
  };
}

/** The groups of the page in output order (HAVING applied), before OFFSET is cut. */
function rankGroups(
  query: CompiledQuery,
  groups: Iterable<Group>,
  fill: ReturnType<typeof rowFiller>,
): Group[] {
  const plan = query.plan;
  const wanted = plan.offset + plan.limit;
  const having =
    plan.having === undefined ? undefined : compilePostAggregation(plan, query, plan.having);
  const passes = (group: Group): boolean =>
    having === undefined || having.evaluate(fill(group.keys, group.states)) === true;
  const page: Group[] = [];
  if (plan.orderBy.length === 0) {
    for (const group of groups) {
      if (page.length >= wanted) break;
      if (passes(group)) page.push(detached(group));
    }
    return page;
  }
  const readOrder = orderReader(query, fill);
  const top = new TopGroups(wanted, rowComparator(plan.orderBy));
  const order = new Array<ExprValue>(plan.orderBy.length);
  for (const group of groups) {
    if (!passes(group)) continue;
    readOrder(group, order);
    top.offer(group, order);
  }
  for (const ranked of top.sorted()) page.push(ranked.group);
  return page;
}

/** Evaluates the select list on one group: its cells in output order. */
type OutputReader = (group: Group) => ExprValue[];

function outputReader(query: CompiledQuery, fill: ReturnType<typeof rowFiller>): OutputReader {
  const plan = query.plan;
  const refs = directRefs(
    plan,
    plan.outputs.map((output) => output.expr),
  );
  if (refs !== undefined) {
    return (group) =>
      refs.map((ref) =>
        ref.kind === 'group' ? group.keys[ref.index]! : aggregateValue(plan, group, ref.index),
      );
  }
  const outputs = plan.outputs.map((output) => compilePostAggregation(plan, query, output.expr));
  return (group) => {
    const row = fill(group.keys, group.states);
    return outputs.map((output) => output.evaluate(row));
  };
}

/** The result type of a select item over aggregated rows. */
function outputType(query: CompiledQuery, expr: Expr): ColumnDataType {
  const plan = query.plan;
  const text = formatExpr(expr);
  const spec = plan.aggregations.find((candidate) => candidate.key === text);
  if (spec !== undefined) return spec.fn.resultType;
  const groupIndex = plan.groupBy.findIndex((group) => formatExpr(group) === text);
  if (groupIndex >= 0)
    return rowLevelType(plan, plan.groupBy[groupIndex]!, query.groupBy[groupIndex]!);
  return columnTypeOf(compilePostAggregation(plan, query, expr).type);
}

function reduceAggregated(query: CompiledQuery, groups: Iterable<Group>): ResultTable {
  const plan = query.plan;
  const fill = rowFiller(plan);
  const readOutputs = outputReader(query, fill);
  const page = rankGroups(query, groups, fill).slice(plan.offset);
  const types = plan.outputs.map((output) => outputType(query, output.expr));
  return {
    dataSchema: { columnNames: plan.outputs.map((output) => output.name), columnDataTypes: types },
    rows: page.map((group) =>
      readOutputs(group).map((value, i) => formatCell(value, types[i]!)),
    ),
  };
}

/** The state of aggregation `i` of packed group `g`, as the row path would have built it. */
function packedState(groups: PackedGroups, i: number, g: number): AccumulatorState {
  const count = groups.counts[g]!;
  const stats = groups.values[i];
  return stats === undefined
    ? { count, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }
    : { count, sum: stats.sums[g]!, min: stats.mins[g]!, max: stats.maxs[g]! };
}

/** Merges packed groups into `merged` as mergeStates would; true when the limit cut some. */
function mergePackedIntoMap(
  merged: Map<string, Group>,
  groups: PackedGroups,
  numGroupsLimit: number,
): boolean {
  let limitReached = false;
  const aggregationCount = groups.values.length;
  for (let g = 0; g < groups.groupCount; g++) {
    const key = columnGroupKey(groups.keys, g);
    const existing = merged.get(key);
    if (existing === undefined) {
      if (merged.size >= numGroupsLimit) {
        limitReached = true;
        continue;
      }
      const states = new Array<AccumulatorState>(aggregationCount);
      for (let i = 0; i < aggregationCount; i++) states[i] = packedState(groups, i, g);
      merged.set(key, { keys: groups.keys.map((column) => column[g]!), states });
      continue;
    }
    for (let i = 0; i < aggregationCount; i++) {
      const incoming = packedState(groups, i, g);
      const into = existing.states[i]!;
      into.count += incoming.count;
      into.sum += incoming.sum;
      if (incoming.min < into.min) into.min = incoming.min;
      if (incoming.max > into.max) into.max = incoming.max;
    }
  }
  return limitReached;
}

/** Key kinds whose Map identity (SameValueZero) groups exactly as groupKey does. */
const RAW_KEY_TYPES = new Set(['number', 'bigint', 'string', 'boolean']);

/**
 * How the merge finds a group: by its key string; by its one raw key value (the packed
 * results have one key column whose values share one primitive type, so Map identity groups
 * as groupKey does); or, for integral keys in a range near the group count, by the slot
 * `value - base` of an array (no hashing at all).
 */
type KeyPlan =
  | { readonly kind: 'strings' }
  | { readonly kind: 'raw' }
  | { readonly kind: 'slots'; readonly base: number; readonly size: number };

/** Most integer slots: 16 MiB of indexes, filled in a few milliseconds. */
const MAX_KEY_SLOTS = 1 << 22;
/** Slots per merged group at most, so that sparse keys do not pay for empty ranges. */
const SLOTS_PER_GROUP = 4;

/** The integral value of a key, or undefined (fractions, NaN, LONGs beyond 2^53, others). */
function integralKey(value: ExprValue): number | undefined {
  const key = rawKey(value);
  return typeof key === 'number' && Number.isInteger(key) ? key : undefined;
}

function keyPlan(query: CompiledQuery, packed: readonly PackedGroups[]): KeyPlan {
  if (query.plan.groupBy.length !== 1) return { kind: 'strings' };
  let keyType: string | undefined;
  let integral = true;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let groupCount = 0;
  for (const groups of packed) {
    const column = groups.keys[0]!;
    groupCount += column.length;
    for (let g = 0; g < column.length; g++) {
      const type = column[g] === null ? 'null' : typeof column[g];
      keyType ??= type;
      if (type !== keyType || !RAW_KEY_TYPES.has(type)) return { kind: 'strings' };
      const key = integral ? integralKey(column[g]!) : undefined;
      if (key === undefined) {
        integral = false;
        continue;
      }
      if (key < min) min = key;
      if (key > max) max = key;
    }
  }
  const size = max - min + 1;
  if (!integral || groupCount === 0 || size > Math.min(MAX_KEY_SLOTS, SLOTS_PER_GROUP * groupCount))
    return { kind: 'raw' };
  return { kind: 'slots', base: min, size };
}

/** The largest LONG a double holds exactly. */
const MAX_EXACT_LONG = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A Map key for a raw key value: LONGs within 2^53 as numbers (Maps hash those faster than
 * bigints); the mapping stays one-to-one since larger LONGs keep their bigint.
 */
function rawKey(value: ExprValue): unknown {
  if (typeof value !== 'bigint' || value > MAX_EXACT_LONG || value < -MAX_EXACT_LONG) return value;
  return Number(value);
}

/** One aggregation's merged SUM/MIN/MAX per group; undefined for a count. */
interface MergedStats {
  readonly sums: number[];
  readonly mins: number[];
  readonly maxs: number[];
}

/**
 * Packed groups of every segment merged column by column: one Map entry (key → group index)
 * and a few array slots per group instead of a Group, key array and states per group. The
 * merge adds in segment order, as mergeStates does, so SUMs round the same way.
 */
class PackedMerge {
  private readonly index = new Map<unknown, number>();
  private readonly keys: ExprValue[][];
  private readonly counts: number[] = [];
  private readonly stats: (MergedStats | undefined)[];
  limitReached = false;

  /** Group index + 1 per key slot (0: none yet), for KeyPlan 'slots'. */
  private readonly slots: Int32Array | undefined;

  constructor(
    template: PackedGroups,
    private readonly numGroupsLimit: number,
    private readonly plan: KeyPlan,
  ) {
    this.slots = plan.kind === 'slots' ? new Int32Array(plan.size) : undefined;
    this.keys = template.keys.map(() => []);
    this.stats = template.values.map((values) =>
      values === undefined ? undefined : { sums: [], mins: [], maxs: [] },
    );
  }

  add(groups: PackedGroups): void {
    if (this.slots !== undefined) {
      this.addBySlot(groups, this.slots);
      return;
    }
    const firstKeys = groups.keys[0]!;
    const raw = this.plan.kind === 'raw';
    for (let g = 0; g < groups.groupCount; g++) {
      const key = raw ? rawKey(firstKeys[g]!) : columnGroupKey(groups.keys, g);
      const at = this.index.get(key);
      if (at !== undefined) {
        this.combine(at, groups, g);
      } else if (this.append(groups, g)) {
        this.index.set(key, this.counts.length - 1);
      }
    }
  }

  private addBySlot(groups: PackedGroups, slots: Int32Array): void {
    const base = this.plan.kind === 'slots' ? this.plan.base : 0;
    const firstKeys = groups.keys[0]!;
    for (let g = 0; g < groups.groupCount; g++) {
      const slot = integralKey(firstKeys[g]!)! - base;
      const at = slots[slot]! - 1;
      if (at >= 0) {
        this.combine(at, groups, g);
      } else if (this.append(groups, g)) {
        slots[slot] = this.counts.length;
      }
    }
  }

  /** The merged groups in first-seen order as one reused Group: copy what you keep. */
  *groups(): Generator<Group> {
    const keys = this.keys.map(() => null as ExprValue);
    const states = this.stats.map(
      (): AccumulatorState => ({
        count: 0,
        sum: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
      }),
    );
    const group: Group = { keys, states };
    for (let at = 0; at < this.counts.length; at++) {
      for (let c = 0; c < keys.length; c++) keys[c] = this.keys[c]![at]!;
      for (let i = 0; i < states.length; i++) {
        const state = states[i]!;
        const stats = this.stats[i];
        state.count = this.counts[at]!;
        if (stats === undefined) continue;
        state.sum = stats.sums[at]!;
        state.min = stats.mins[at]!;
        state.max = stats.maxs[at]!;
      }
      yield group;
    }
  }

  /** Appends group g as a new merged group; false when numGroupsLimit leaves it out. */
  private append(groups: PackedGroups, g: number): boolean {
    if (this.counts.length >= this.numGroupsLimit) {
      this.limitReached = true;
      return false;
    }
    for (let c = 0; c < this.keys.length; c++) this.keys[c]!.push(groups.keys[c]![g]!);
    this.counts.push(groups.counts[g]!);
    for (let i = 0; i < this.stats.length; i++) {
      const into = this.stats[i];
      const from = groups.values[i];
      if (into === undefined || from === undefined) continue;
      into.sums.push(from.sums[g]!);
      into.mins.push(from.mins[g]!);
      into.maxs.push(from.maxs[g]!);
    }
    return true;
  }

  private combine(at: number, groups: PackedGroups, g: number): void {
    this.counts[at]! += groups.counts[g]!;
    for (let i = 0; i < this.stats.length; i++) {
      const into = this.stats[i];
      const from = groups.values[i];
      if (into === undefined || from === undefined) continue;
      into.sums[at]! += from.sums[g]!;
      if (from.mins[g]! < into.mins[at]!) into.mins[at] = from.mins[g]!;
      if (from.maxs[g]! > into.maxs[at]!) into.maxs[at] = from.maxs[g]!;
    }
  }
}

/** Merged groups; with packed results only, one reused Group (see PackedMerge.groups). */
function mergeGroups(
  query: CompiledQuery,
  results: readonly SegmentResult[],
): { groups: Iterable<Group>; limitReached: boolean } {
  const packed: PackedGroups[] = [];
  for (const result of results) {
    if (result.kind !== 'groupBy') continue;
    if (result.groups instanceof Map) return mergeGroupMaps(query, results);
    packed.push(result.groups);
  }
  if (packed.length === 0) return { groups: [], limitReached: false };
  const limit = query.plan.options.numGroupsLimit;
  const merge = new PackedMerge(packed[0]!, limit, keyPlan(query, packed));
  for (const groups of packed) merge.add(groups);
  return { groups: merge.groups(), limitReached: merge.limitReached };
}

/** Merges results of which some come from the row path or a star-tree (Maps of Groups). */
function mergeGroupMaps(
  query: CompiledQuery,
  results: readonly SegmentResult[],
): { groups: Iterable<Group>; limitReached: boolean } {
  const plan = query.plan;
  const merged = new Map<string, Group>();
  let limitReached = false;
  for (const result of results) {
    if (result.kind !== 'groupBy') continue;
    limitReached ||= result.limitReached;
    if (!(result.groups instanceof Map)) {
      const limit = plan.options.numGroupsLimit;
      limitReached = mergePackedIntoMap(merged, result.groups, limit) || limitReached;
      continue;
    }
    for (const [key, group] of result.groups) {
      const existing = merged.get(key);
      if (existing === undefined) {
        if (merged.size >= plan.options.numGroupsLimit) {
          limitReached = true;
          continue;
        }
        merged.set(key, group);
      } else {
        plan.aggregations.forEach((spec, i) =>
          mergeStates(spec.fn, existing.states[i]!, group.states[i]!),
        );
      }
    }
  }
  return { groups: merged.values(), limitReached };
}

function reduceDistinct(query: CompiledQuery, results: readonly SegmentResult[]): ReduceOutcome {
  const plan = query.plan;
  const merged = new Map<string, ExprValue[]>();
  let limitReached = false;
  for (const result of results) {
    if (result.kind !== 'distinct') continue;
    limitReached ||= result.limitReached;
    for (const [key, values] of result.rows) merged.set(key, values);
  }
  const rows = [...merged.values()];
  if (plan.orderBy.length > 0) {
    const positions = plan.orderBy.map((item) => {
      const text = formatExpr(item.expr);
      const index = plan.outputs.findIndex((output) => formatExpr(output.expr) === text);
      if (index < 0)
        throw new CuveeError(
          ErrorCode.QUERY_VALIDATION,
          `ORDER BY ${text} must be in the SELECT DISTINCT list`,
        );
      return index;
    });
    const compare = rowComparator(plan.orderBy);
    rows.sort((a, b) =>
      compare(
        positions.map((p) => a[p]!),
        positions.map((p) => b[p]!),
      ),
    );
  }
  const types = plan.outputs.map((output, i) => rowLevelType(plan, output.expr, query.outputs[i]!));
  const page = rows.slice(plan.offset, plan.offset + plan.limit);
  return {
    resultTable: {
      dataSchema: {
        columnNames: plan.outputs.map((output) => output.name),
        columnDataTypes: types,
      },
      rows: page.map((row) => row.map((value, i) => formatCell(value, types[i]!))),
    },
    numGroupsLimitReached: limitReached,
  };
}

export function reduceResults(
  query: CompiledQuery,
  results: readonly SegmentResult[],
): ReduceOutcome {
  const plan = query.plan;
  switch (plan.kind) {
    case 'selection':
      return { resultTable: reduceSelection(query, results), numGroupsLimitReached: false };
    case 'distinct':
      return reduceDistinct(query, results);
    case 'aggregation': {
      const states = plan.aggregations.map((spec) => newState(spec.fn));
      for (const result of results) {
        if (result.kind !== 'aggregation') continue;
        plan.aggregations.forEach((spec, i) => mergeStates(spec.fn, states[i]!, result.states[i]!));
      }
      return {
        resultTable: reduceAggregated(query, [{ keys: [], states }]),
        numGroupsLimitReached: false,
      };
    }
    case 'groupBy': {
      const { groups, limitReached } = mergeGroups(query, results);
      return {
        resultTable: reduceAggregated(query, groups),
        numGroupsLimitReached: limitReached,
      };
    }
  }
}
