// Chooses the WASM-kernel paths of host/query/kernelPaths.ts for a segment when the query
// fits them (plain COUNT/SUM/MIN/MAX/AVG over single-value numeric columns, group-by on
// single-value dictionary columns, no FILTER clauses), and turns their answers into the
// engine's partial results. Undefined means "does not fit": the row-at-a-time path runs.
import type { ColumnReader } from '../../segments/spi/columnReader.js';
import type { Segment } from '../../segments/spi/segment.js';
import { newState, type AccumulatorState, type AggregationKind } from './aggregations.js';
import type { CompiledQuery } from './compiledQuery.js';
import { selectionSize, subtract, type DocSelection } from './docSelection.js';
import { hasNulls, nullDocs } from './rowReader.js';
import type { ExprValue } from '../expr/types.js';
import {
  aggregateNumeric,
  groupByDictIds,
  type DenseGroups,
  type DenseValueStats,
  type KernelContext,
  type NumericColumn,
} from './kernelPaths.js';
import type { AggregationSpec } from './plan.js';
import { isSketchKind, sketchAggregation, sketchColumn } from './sketchPaths.js';

/** Aggregations the kernels' COUNT/SUM/MIN/MAX state answers. */
const KERNEL_KINDS = new Set<AggregationKind>(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'MINMAXRANGE']);
const NUMERIC_TYPES = new Set(['INT', 'LONG', 'FLOAT', 'DOUBLE']);
/**
 * Stored types whose f64 sums are exact in any order: |INT| < 2^31, so a segment's sum stays
 * below 2^53 up to 2^22 docs per group (a LONG sum can pass 2^53 and round by order).
 */
const INTEGER_TYPES = new Set(['INT']);
/** Aggregations whose result reads the MIN/MAX state: the others let the kernels skip it. */
const MIN_MAX_KINDS = new Set<AggregationKind>(['MIN', 'MAX', 'MINMAXRANGE']);

export interface FastPathInput {
  readonly query: CompiledQuery;
  readonly segment: Segment;
  readonly docCount: number;
  readonly selection: DocSelection;
  readonly kernels: KernelContext;
}

/** The column an aggregation reads; null for COUNT(*); undefined when it does not fit. */
function aggregationColumn(
  spec: AggregationSpec,
  segment: Segment,
): ColumnReader | null | undefined {
  if (spec.filter !== undefined || spec.fn.multiValue || !KERNEL_KINDS.has(spec.fn.kind))
    return undefined;
  if (spec.argument === undefined) return null;
  if (spec.argument.kind !== 'identifier') return undefined;
  const reader = segment.column(spec.argument.name);
  if (reader === undefined || !reader.singleValue) return undefined;
  if (spec.fn.kind !== 'COUNT' && !NUMERIC_TYPES.has(reader.storedType)) return undefined;
  return reader;
}

function numericColumn(reader: ColumnReader): NumericColumn | undefined {
  if (reader.forwardIndexLocator === undefined) return undefined;
  return {
    forward: reader.forwardIndexLocator,
    dictionary: reader.dictionary?.locator,
    storedType: reader.storedType,
  };
}

/** With null handling, a column's aggregation skips its null docs. */
function withoutNulls(input: FastPathInput, reader: ColumnReader): DocSelection {
  if (!input.query.plan.options.enableNullHandling) return input.selection;
  return subtract(input.selection, nullDocs(reader, input.docCount), input.docCount);
}

/**
 * COUNT/SUM/MIN/MAX/AVG and the sketch aggregations (host/query/sketchPaths.ts) of a whole
 * segment through the kernels, or undefined.
 */
export function kernelAggregation(input: FastPathInput): AccumulatorState[] | undefined {
  const specs = input.query.plan.aggregations;
  const selected = selectionSize(input.selection);
  const columns = specs.map((spec) =>
    isSketchKind(spec.fn.kind)
      ? sketchColumn(spec, input.segment, selected)
      : aggregationColumn(spec, input.segment),
  );
  if (columns.some((column) => column === undefined)) return undefined;
  const states: AccumulatorState[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const reader = columns[i]!;
    if (reader !== null && isSketchKind(spec.fn.kind)) {
      states.push(sketchAggregation(input.kernels, reader, spec.fn, withoutNulls(input, reader)));
      continue;
    }
    const state = newState(spec.fn);
    if (reader === null) {
      state.count = selectionSize(input.selection);
    } else if (spec.fn.kind === 'COUNT') {
      state.count = selectionSize(withoutNulls(input, reader));
    } else {
      const column = numericColumn(reader);
      const selection = withoutNulls(input, reader);
      if (column === undefined) return undefined;
      if (aggregateNumeric(input.kernels, column, selection, input.docCount, state) === undefined) {
        return undefined;
      }
    }
    states.push(state);
  }
  return states;
}

/**
 * A segment's groups column by column, as the dense kernels leave them: a few arrays rather
 * than one Map entry, key string and state objects per group, so that tens of thousands of
 * groups cross from a worker (structured clone) and merge (reduce.ts) cheaply. Group g has
 * the values keys[c][g], counts[g] docs and, per aggregation i with values[i] defined,
 * SUM/MIN/MAX values[i].sums[g] etc.; an aggregation with values[i] undefined is a count.
 */
export interface PackedGroups {
  readonly groupCount: number;
  /** Per group-by expression, each group's value. */
  readonly keys: readonly ExprValue[][];
  readonly counts: Uint32Array;
  readonly values: readonly (DenseValueStats | undefined)[];
}

/** What the dense group-by reads for a query on a segment. */
export interface DenseGroupColumns {
  readonly keyReaders: readonly ColumnReader[];
  /** Per aggregation, its numeric column; undefined for a count. */
  readonly valueColumns: readonly (NumericColumn | undefined)[];
  /** Per aggregation, whether its answer reads MIN/MAX. */
  readonly minMaxColumns: readonly boolean[];
  /**
   * True when groups of one key may be added together exactly: no MIN/MAX and only INT value
   * columns (their sums are exact in any order, as the row path's doc-order sums are).
   */
  readonly additive: boolean;
}

/** Plain SV dictionary group keys and kernel aggregations, or undefined when they do not fit. */
export function denseGroupColumns(
  query: CompiledQuery,
  segment: Segment,
): DenseGroupColumns | undefined {
  const plan = query.plan;
  const nullHandling = plan.options.enableNullHandling;
  const keyReaders: ColumnReader[] = [];
  for (const expr of plan.groupBy) {
    if (expr.kind !== 'identifier') return undefined;
    const reader = segment.column(expr.name);
    if (reader?.dictionary === undefined || !reader.singleValue) return undefined;
    // A null key is its own group under null handling; the dense path knows only ids.
    if (nullHandling && hasNulls(reader)) return undefined;
    keyReaders.push(reader);
  }
  const valueReaders = plan.aggregations.map((spec) => aggregationColumn(spec, segment));
  if (valueReaders.some((reader) => reader === undefined)) return undefined;
  // Under null handling a value column with nulls would need its own selection per column.
  if (nullHandling && valueReaders.some((reader) => reader !== null && hasNulls(reader!)))
    return undefined;
  const valueColumns: (NumericColumn | undefined)[] = [];
  for (let i = 0; i < valueReaders.length; i++) {
    const reader = valueReaders[i]!;
    if (reader === null || plan.aggregations[i]!.fn.kind === 'COUNT') {
      valueColumns.push(undefined);
      continue;
    }
    const column = numericColumn(reader);
    if (column === undefined) return undefined;
    valueColumns.push(column);
  }
  const minMaxColumns = plan.aggregations.map((spec) => MIN_MAX_KINDS.has(spec.fn.kind));
  const additive =
    !minMaxColumns.includes(true) &&
    valueColumns.every((column) => column === undefined || INTEGER_TYPES.has(column.storedType));
  return { keyReaders, valueColumns, minMaxColumns, additive };
}

/** The dense groups with their key ids turned into the key columns' values. */
export function packGroups(
  dense: DenseGroups,
  keyReaders: readonly ColumnReader[],
): PackedGroups {
  const keys = keyReaders.map((reader, c) => {
    const dictionary = reader.dictionary!;
    const ids = dense.keyIds[c]!;
    const column = new Array<ExprValue>(dense.groupCount);
    for (let g = 0; g < dense.groupCount; g++) column[g] = dictionary.get(ids[g]!);
    return column;
  });
  return { groupCount: dense.groupCount, keys, counts: dense.counts, values: dense.values };
}

/** Group-by on plain SV dictionary columns through the dense kernels, or undefined. */
export function kernelGroupBy(input: FastPathInput): PackedGroups | undefined {
  const columns = denseGroupColumns(input.query, input.segment);
  if (columns === undefined) return undefined;
  const dense = groupByDictIds(
    input.kernels,
    columns.keyReaders.map((reader) => ({
      forward: reader.forwardIndexLocator,
      cardinality: reader.dictionary!.cardinality,
    })),
    columns.valueColumns,
    input.selection,
    input.docCount,
    input.query.plan.options.numGroupsLimit,
    columns.minMaxColumns,
  );
  return dense === undefined ? undefined : packGroups(dense, columns.keyReaders);
}
