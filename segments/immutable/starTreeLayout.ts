// The STAR_TREE section (segments/FORMAT.md, kind 20): one per configured tree, in config order.
// A 64-byte header, the tree's description as JSON, then nodes, record dimension ids, record
// metric values and, per sketch slot, an offsets array and the serialized sketches, each part
// 64-byte aligned within the section (so f64 views are aligned). This file is the layout's
// single implementation (writer: encodeStarTreeSection, reader: decodeStarTreeSection) and the
// mapping from Pinot's function-column pairs to metric and sketch slots.
import type {
  FieldSpec,
  Schema,
  StarTreeIndexConfig,
  TableConfig,
} from '../../host/config/types.js';
import { ConfigError, SegmentFormatError } from '../../host/errors/errors.js';
import { assert } from '../../host/util/assert.js';

/** Section header: u32 fields below, the rest reserved zero; a cache line. */
export const STAR_TREE_HEADER_BYTES = 64;
/** Parts of the section start on 64-byte boundaries, like sections in the file. */
const PART_ALIGN_BYTES = 64;
/** One node: 8 u32 fields (NodeField). */
export const NODE_WORDS = 8;
/** A node field with no value (a leaf's split dimension, a missing star child). */
export const NO_NODE = 0xffff_ffff;
/** Bytes of a u32 and of an f64. */
const U32_BYTES = 4;
const F64_BYTES = 8;

assert(STAR_TREE_HEADER_BYTES % PART_ALIGN_BYTES === 0, 'the JSON starts aligned');

/** Word offsets inside a node. Children are contiguous and ascend by value; star child apart. */
export const NodeField = {
  /** The dimension (split-order index) its children split on; NO_NODE for a leaf. */
  splitDim: 0,
  /** Its value (dictionary id) in its parent's split dimension; STAR for a star node. */
  value: 1,
  startRecord: 2,
  endRecord: 3,
  /** A record holding the aggregate of all its records (dims below it are STAR). */
  aggregatedRecord: 4,
  firstChild: 5,
  childCount: 6,
  starChild: 7,
} as const;

/** What one metric column of the records holds, as `op:column` (`count:*`, `sum:Distance`). */
export type MetricSlotOp = 'count' | 'sum' | 'min' | 'max';

export interface MetricSlot {
  readonly op: MetricSlotOp;
  /** A column name, or `*` for the document count. */
  readonly column: string;
}

export function slotName(slot: MetricSlot): string {
  return `${slot.op}:${slot.column}`;
}

/** Numeric stored types: SUM, MIN, MAX, AVG, MINMAXRANGE and PERCENTILETDIGEST need one. */
const NUMERIC_TYPES: ReadonlySet<string> = new Set(['INT', 'LONG', 'FLOAT', 'DOUBLE']);

/** The slots a function-column pair provides, or undefined for functions the tree cannot hold. */
const PAIR_SLOTS: Readonly<Record<string, readonly MetricSlotOp[]>> = {
  COUNT: ['count'],
  SUM: ['sum'],
  MIN: ['min'],
  MAX: ['max'],
  AVG: ['sum', 'count'],
  MINMAXRANGE: ['min', 'max'],
};

/**
 * Sketch pairs by function (MV suffix removed): the stored state's kind. The RAW forms answer
 * from the same state. A BYTES column holds serialized states, merged as the scan merges them.
 */
const SKETCH_PAIRS: Readonly<Record<string, SketchSlotKind>> = {
  DISTINCTCOUNTHLL: 'hll',
  DISTINCTCOUNTRAWHLL: 'hll',
  PERCENTILETDIGEST: 'tdigest',
  PERCENTILERAWTDIGEST: 'tdigest',
};

/** The sketch states a tree stores: HyperLogLog registers or a t-digest. */
export type SketchSlotKind = 'hll' | 'tdigest';

/**
 * The parameter every stored sketch is built with (Pinot's star-tree defaults): log2m 8 for
 * HLL, compression 100 for TDigest. A query asking for another parameter scans.
 */
export const SKETCH_SLOT_PARAMETER: Readonly<Record<SketchSlotKind, number>> = {
  hll: 8,
  tdigest: 100,
};

export interface SketchSlot {
  readonly kind: SketchSlotKind;
  readonly parameter: number;
  readonly column: string;
}

/** A sketch slot's name in the description: `hll(8):UserId`, `tdigest(100):Latency`. */
export function sketchSlotName(slot: SketchSlot): string {
  return `${slot.kind}(${slot.parameter}):${slot.column}`;
}

function pairParts(pair: string): { fn: string; column: string } {
  const split = pair.indexOf('__');
  return {
    fn: pair.slice(0, split).toUpperCase().replace(/MV$/, ''),
    column: pair.slice(split + 2),
  };
}

/** The sketch slots of a tree's function-column pairs (checked by metricSlotsOf). */
export function sketchSlotsOf(config: StarTreeIndexConfig): SketchSlot[] {
  const slots = new Map<string, SketchSlot>();
  for (const pair of config.functionColumnPairs) {
    const { fn, column } = pairParts(pair);
    const kind = SKETCH_PAIRS[fn];
    if (kind === undefined) continue;
    const slot = { kind, parameter: SKETCH_SLOT_PARAMETER[kind], column };
    slots.set(sketchSlotName(slot), slot);
  }
  return [...slots.values()];
}

function checkPair(pair: string, field: FieldSpec | undefined, where: string): void {
  const { fn, column } = pairParts(pair);
  if (PAIR_SLOTS[fn] === undefined && SKETCH_PAIRS[fn] === undefined) {
    throw new ConfigError(
      `${where}: ${pair} is not a star-tree function; use COUNT, SUM, MIN, MAX, AVG, ` +
        'MINMAXRANGE, DISTINCTCOUNTHLL or PERCENTILETDIGEST (or their MV forms)',
    );
  }
  if (column === '*') {
    if (fn !== 'COUNT') throw new ConfigError(`${where}: ${pair} needs a column, not *`);
    return;
  }
  if (field === undefined) throw new ConfigError(`${where}: no column ${column}`);
  const anyType = fn === 'COUNT' || SKETCH_PAIRS[fn] === 'hll';
  const bytesSketch = SKETCH_PAIRS[fn] !== undefined && field.storedType === 'BYTES';
  if (!anyType && !bytesSketch && !NUMERIC_TYPES.has(field.storedType)) {
    throw new ConfigError(
      `${where}: ${pair} needs a numeric column; ${column} is ${field.storedType}`,
    );
  }
}

/**
 * The metric slots of a tree's function-column pairs. A document count is `count:*` (SV
 * COUNT__x and AVG__x count documents: without null handling every doc holds a value); an MV
 * column's `count:x` counts its elements. Sketch pairs are sketchSlotsOf's; other functions are
 * refused.
 */
export function metricSlotsOf(
  config: StarTreeIndexConfig,
  fields: ReadonlyMap<string, FieldSpec>,
  path: string,
): MetricSlot[] {
  const slots = new Map<string, MetricSlot>();
  config.functionColumnPairs.forEach((pair, index) => {
    const { fn, column } = pairParts(pair);
    const field = column === '*' ? undefined : fields.get(column);
    checkPair(pair, field, `${path}.functionColumnPairs[${index}]`);
    const ops = PAIR_SLOTS[fn];
    if (ops === undefined) return;
    for (const op of ops) {
      const counted = op === 'count' && (field === undefined || field.singleValueField);
      const slot: MetricSlot = { op, column: counted ? '*' : column };
      slots.set(slotName(slot), slot);
    }
  });
  return [...slots.values()];
}

/** Whether the segment writer gives the column a dictionary (writer.ts's rule). */
function hasDictionary(table: TableConfig, field: FieldSpec): boolean {
  const fieldConfig = table.fieldConfigList.find((config) => config.name === field.name);
  return (
    !field.singleValueField ||
    !(
      table.tableIndexConfig.noDictionaryColumns.includes(field.name) ||
      fieldConfig?.encodingType === 'RAW'
    )
  );
}

/**
 * Refuses star-tree configs the writer could not build, at createTable rather than at the first
 * segment write: dimensions must be single-value dictionary-encoded schema columns, and every
 * function-column pair a known function over a column of a fitting type.
 */
export function validateStarTreeConfigs(table: TableConfig, schema: Schema): void {
  const fields = new Map(schema.fields.map((field) => [field.name, field]));
  table.tableIndexConfig.starTreeIndexConfigs.forEach((config, treeIndex) => {
    const path = `tableIndexConfig.starTreeIndexConfigs[${treeIndex}]`;
    config.dimensionsSplitOrder.forEach((name, index) => {
      const where = `${path}.dimensionsSplitOrder[${index}]`;
      const field = fields.get(name);
      if (field === undefined) throw new ConfigError(`${where}: no column ${name} in the schema`);
      if (!field.singleValueField || !hasDictionary(table, field)) {
        throw new ConfigError(
          `${where}: ${name} must be a single-value dictionary-encoded column to be a ` +
            'star-tree dimension; remove it from the split order or from noDictionaryColumns',
        );
      }
    });
    config.skipStarNodeCreationForDimensions.forEach((name, index) => {
      if (!config.dimensionsSplitOrder.includes(name)) {
        throw new ConfigError(
          `${path}.skipStarNodeCreationForDimensions[${index}]: ${name} is not in ` +
            'dimensionsSplitOrder; add it there or remove it here',
        );
      }
    });
    metricSlotsOf(config, fields, path);
  });
}

/** The tree's description stored in its section (the JSON part). */
export interface StarTreeDescription {
  readonly dimensionsSplitOrder: readonly string[];
  readonly skipStarNodeCreationForDimensions: readonly string[];
  readonly maxLeafRecords: number;
  readonly functionColumnPairs: readonly string[];
  /** Slot names in record order. */
  readonly metrics: readonly string[];
  /** Sketch slot names (sketchSlotName) in section order; absent in files without sketches. */
  readonly sketches?: readonly string[];
}

/** One sketch slot's records: record r's serialized state is bytes[offsets[r], offsets[r + 1]). */
export interface StarTreeSketchColumn {
  readonly offsets: Uint32Array;
  readonly bytes: Uint8Array;
}

export interface StarTreeParts {
  readonly description: StarTreeDescription;
  readonly nodes: Uint32Array;
  readonly dims: Uint32Array;
  readonly metrics: Float64Array;
  readonly recordCount: number;
  /** One per description.sketches entry. */
  readonly sketches: readonly StarTreeSketchColumn[];
}

function alignUp(value: number): number {
  return Math.ceil(value / PART_ALIGN_BYTES) * PART_ALIGN_BYTES;
}

interface PartOffsets {
  readonly nodes: number;
  readonly dims: number;
  readonly metrics: number;
  readonly end: number;
}

function partOffsets(jsonBytes: number, nodeCount: number, recordCount: number, dimCount: number) {
  const nodes = alignUp(STAR_TREE_HEADER_BYTES + jsonBytes);
  const dims = alignUp(nodes + nodeCount * NODE_WORDS * U32_BYTES);
  const metrics = alignUp(dims + recordCount * dimCount * U32_BYTES);
  return { nodes, dims, metrics };
}

/** Header word holding the sketch slot count, then the sketch part's offset. */
const SKETCH_COUNT_WORD = 8;
const SKETCH_PART_WORD = 9;

/** Where sketch slot parts lie: offsets array, then bytes, each part aligned. */
function sketchPartsAt(start: number, recordCount: number, byteLengths: readonly number[]) {
  const parts: { offsets: number; bytes: number }[] = [];
  let at = start;
  for (const byteLength of byteLengths) {
    const offsets = alignUp(at);
    const bytes = alignUp(offsets + (recordCount + 1) * U32_BYTES);
    parts.push({ offsets, bytes });
    at = bytes + byteLength;
  }
  return { parts, end: at };
}

export function encodeStarTreeSection(parts: StarTreeParts): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(parts.description));
  const dimCount = parts.description.dimensionsSplitOrder.length;
  const metricCount = parts.description.metrics.length;
  const nodeCount = parts.nodes.length / NODE_WORDS;
  const at = partOffsets(json.byteLength, nodeCount, parts.recordCount, dimCount);
  const metricsEnd = at.metrics + parts.recordCount * metricCount * F64_BYTES;
  const sketchStart = alignUp(metricsEnd);
  const lengths = parts.sketches.map((sketch) => sketch.bytes.byteLength);
  const sketchAt = sketchPartsAt(sketchStart, parts.recordCount, lengths);
  const end = parts.sketches.length === 0 ? metricsEnd : sketchAt.end;
  const bytes = new Uint8Array(end);
  const header = new Uint32Array(bytes.buffer, 0, STAR_TREE_HEADER_BYTES / U32_BYTES);
  header.set([json.byteLength, nodeCount, parts.recordCount, dimCount, metricCount]);
  header.set([at.nodes, at.dims, at.metrics, parts.sketches.length, sketchStart], 5);
  bytes.set(json, STAR_TREE_HEADER_BYTES);
  new Uint32Array(bytes.buffer, at.nodes, parts.nodes.length).set(parts.nodes);
  new Uint32Array(bytes.buffer, at.dims, parts.recordCount * dimCount).set(
    parts.dims.subarray(0, parts.recordCount * dimCount),
  );
  new Float64Array(bytes.buffer, at.metrics, parts.recordCount * metricCount).set(
    parts.metrics.subarray(0, parts.recordCount * metricCount),
  );
  parts.sketches.forEach((sketch, s) => {
    const place = sketchAt.parts[s]!;
    assert(sketch.offsets.length === parts.recordCount + 1, 'one offset per record, plus the end');
    new Uint32Array(bytes.buffer, place.offsets, sketch.offsets.length).set(sketch.offsets);
    bytes.set(sketch.bytes, place.bytes);
  });
  return bytes;
}

/** Where the parts of a decoded section lie, relative to the section's start. */
export interface StarTreeSectionView extends StarTreeParts {
  readonly offsets: PartOffsets;
}

/** Parses a STAR_TREE section (`bytes` is a view into the file image), checking every bound. */
export function decodeStarTreeSection(bytes: Uint8Array, filePath: string): StarTreeSectionView {
  const fail = (detail: string): never => {
    throw new SegmentFormatError(filePath, `star-tree section: ${detail}`);
  };
  if (bytes.byteLength < STAR_TREE_HEADER_BYTES) fail('shorter than its header');
  if (bytes.byteOffset % F64_BYTES !== 0) fail('not 8-byte aligned');
  const header = new Uint32Array(bytes.buffer, bytes.byteOffset, 10);
  const [jsonBytes, nodeCount, recordCount, dimCount, metricCount] = header;
  const expected = partOffsets(jsonBytes!, nodeCount!, recordCount!, dimCount!);
  const metricsEnd = expected.metrics + recordCount! * metricCount! * F64_BYTES;
  if (header[5] !== expected.nodes || header[6] !== expected.dims || header[7] !== expected.metrics)
    fail('part offsets disagree with the counts');
  const description = readDescription(bytes, jsonBytes!, fail);
  if (description.dimensionsSplitOrder.length !== dimCount) fail('dimension count mismatch');
  if (description.metrics.length !== metricCount) fail('metric count mismatch');
  const sketchCount = header[SKETCH_COUNT_WORD]!;
  if ((description.sketches ?? []).length !== sketchCount) fail('sketch count mismatch');
  const sketches = readSketches(bytes, header[SKETCH_PART_WORD]!, sketchCount, recordCount!, fail);
  const end = sketchCount === 0 ? metricsEnd : sketches.end;
  if (sketchCount > 0 && header[SKETCH_PART_WORD] !== alignUp(metricsEnd))
    fail('sketch part offset disagrees with the counts');
  if (end !== bytes.byteLength) fail(`${bytes.byteLength} bytes, its counts need ${end}`);
  const base = bytes.byteOffset;
  const nodes = new Uint32Array(bytes.buffer, base + expected.nodes, nodeCount! * NODE_WORDS);
  checkNodes(nodes, recordCount!, fail);
  return {
    description,
    nodes,
    dims: new Uint32Array(bytes.buffer, base + expected.dims, recordCount! * dimCount!),
    metrics: new Float64Array(bytes.buffer, base + expected.metrics, recordCount! * metricCount!),
    recordCount: recordCount!,
    sketches: sketches.columns,
    offsets: { ...expected, end },
  };
}

function readDescription(bytes: Uint8Array, jsonBytes: number, fail: (detail: string) => never) {
  if (STAR_TREE_HEADER_BYTES + jsonBytes > bytes.byteLength) fail('description out of bounds');
  try {
    const text = new TextDecoder().decode(
      bytes.subarray(STAR_TREE_HEADER_BYTES, STAR_TREE_HEADER_BYTES + jsonBytes),
    );
    return JSON.parse(text) as StarTreeDescription;
  } catch (cause) {
    return fail(`description unreadable: ${String(cause)}`);
  }
}

/** The sketch slots' views, each offsets array ascending and within its bytes. */
function readSketches(
  bytes: Uint8Array,
  start: number,
  sketchCount: number,
  recordCount: number,
  fail: (detail: string) => never,
): { columns: StarTreeSketchColumn[]; end: number } {
  const columns: StarTreeSketchColumn[] = [];
  let at = start;
  for (let s = 0; s < sketchCount; s++) {
    const offsetsAt = alignUp(at);
    const bytesAt = alignUp(offsetsAt + (recordCount + 1) * U32_BYTES);
    if (bytesAt > bytes.byteLength) fail(`sketch ${s} offsets out of bounds`);
    const offsets = new Uint32Array(bytes.buffer, bytes.byteOffset + offsetsAt, recordCount + 1);
    for (let r = 0; r < recordCount; r++) {
      if (offsets[r]! > offsets[r + 1]!) fail(`sketch ${s} offsets descend at record ${r}`);
    }
    const length = offsets[recordCount]!;
    if (offsets[0] !== 0 || bytesAt + length > bytes.byteLength)
      fail(`sketch ${s} bytes out of bounds`);
    columns.push({ offsets, bytes: bytes.subarray(bytesAt, bytesAt + length) });
    at = bytesAt + length;
  }
  return { columns, end: at };
}

/** Every node's records and children lie in bounds, so a traversal cannot run off them. */
function checkNodes(nodes: Uint32Array, recordCount: number, fail: (detail: string) => never) {
  const nodeCount = nodes.length / NODE_WORDS;
  if (nodeCount === 0) fail('no root node');
  for (let n = 0; n < nodeCount; n++) {
    const at = n * NODE_WORDS;
    const start = nodes[at + NodeField.startRecord]!;
    const end = nodes[at + NodeField.endRecord]!;
    if (start > end || end > recordCount || nodes[at + NodeField.aggregatedRecord]! >= recordCount)
      fail(`node ${n} records out of bounds`);
    const first = nodes[at + NodeField.firstChild]!;
    const star = nodes[at + NodeField.starChild]!;
    if (first + nodes[at + NodeField.childCount]! > nodeCount)
      fail(`node ${n} children out of bounds`);
    if (star !== NO_NODE && (star >= nodeCount || star <= n))
      fail(`node ${n} star child out of bounds`);
    if (nodes[at + NodeField.childCount]! > 0 && first <= n) fail(`node ${n} children precede it`);
  }
}
