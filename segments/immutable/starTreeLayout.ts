// The STAR_TREE section (segments/FORMAT.md, kind 20): one per configured tree, in config order.
// A 64-byte header, the tree's description as JSON, then nodes, record dimension ids and record
// metric values, each 64-byte aligned within the section (so f64 views are aligned). This file
// is the layout's single implementation (writer: encodeStarTreeSection, reader:
// decodeStarTreeSection) and the mapping from Pinot's function-column pairs to metric slots.
import type { FieldSpec, StarTreeIndexConfig } from '../../host/config/types.js';
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
 * The metric slots of a tree's function-column pairs. A document count is `count:*` (SV
 * COUNT__x and AVG__x count documents: without null handling every doc holds a value); an MV
 * column's `count:x` counts its elements. Pairs the tree cannot hold (sketches) are skipped, so
 * queries that need them scan.
 */
export function metricSlotsOf(
  config: StarTreeIndexConfig,
  fields: ReadonlyMap<string, FieldSpec>,
  path: string,
): MetricSlot[] {
  const slots = new Map<string, MetricSlot>();
  config.functionColumnPairs.forEach((pair, index) => {
    const split = pair.indexOf('__');
    const fn = pair.slice(0, split).toUpperCase().replace(/MV$/, '');
    const column = pair.slice(split + 2);
    const ops = PAIR_SLOTS[fn];
    if (ops === undefined) return;
    const field = column === '*' ? undefined : fields.get(column);
    if (column !== '*' && field === undefined) {
      throw new ConfigError(`${path}.functionColumnPairs[${index}]: no column ${column}`);
    }
    if (field !== undefined && !['INT', 'LONG', 'FLOAT', 'DOUBLE'].includes(field.storedType)) {
      if (fn !== 'COUNT') {
        throw new ConfigError(
          `${path}.functionColumnPairs[${index}]: ${pair} needs a numeric column; ` +
            `${column} is ${field.storedType}`,
        );
      }
    }
    for (const op of ops) {
      const counted = op === 'count' && (field === undefined || field.singleValueField);
      const slot: MetricSlot = { op, column: counted ? '*' : column };
      slots.set(slotName(slot), slot);
    }
  });
  return [...slots.values()];
}

/** The tree's description stored in its section (the JSON part). */
export interface StarTreeDescription {
  readonly dimensionsSplitOrder: readonly string[];
  readonly skipStarNodeCreationForDimensions: readonly string[];
  readonly maxLeafRecords: number;
  readonly functionColumnPairs: readonly string[];
  /** Slot names in record order. */
  readonly metrics: readonly string[];
}

export interface StarTreeParts {
  readonly description: StarTreeDescription;
  readonly nodes: Uint32Array;
  readonly dims: Uint32Array;
  readonly metrics: Float64Array;
  readonly recordCount: number;
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

export function encodeStarTreeSection(parts: StarTreeParts): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(parts.description));
  const dimCount = parts.description.dimensionsSplitOrder.length;
  const metricCount = parts.description.metrics.length;
  const nodeCount = parts.nodes.length / NODE_WORDS;
  const at = partOffsets(json.byteLength, nodeCount, parts.recordCount, dimCount);
  const end = at.metrics + parts.recordCount * metricCount * F64_BYTES;
  const bytes = new Uint8Array(end);
  const header = new Uint32Array(bytes.buffer, 0, STAR_TREE_HEADER_BYTES / U32_BYTES);
  header.set([json.byteLength, nodeCount, parts.recordCount, dimCount, metricCount]);
  header.set([at.nodes, at.dims, at.metrics], 5);
  bytes.set(json, STAR_TREE_HEADER_BYTES);
  new Uint32Array(bytes.buffer, at.nodes, parts.nodes.length).set(parts.nodes);
  new Uint32Array(bytes.buffer, at.dims, parts.recordCount * dimCount).set(
    parts.dims.subarray(0, parts.recordCount * dimCount),
  );
  new Float64Array(bytes.buffer, at.metrics, parts.recordCount * metricCount).set(
    parts.metrics.subarray(0, parts.recordCount * metricCount),
  );
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
  const header = new Uint32Array(bytes.buffer, bytes.byteOffset, 8);
  const [jsonBytes, nodeCount, recordCount, dimCount, metricCount] = header;
  const expected = partOffsets(jsonBytes!, nodeCount!, recordCount!, dimCount!);
  const end = expected.metrics + recordCount! * metricCount! * F64_BYTES;
  if (header[5] !== expected.nodes || header[6] !== expected.dims || header[7] !== expected.metrics)
    fail('part offsets disagree with the counts');
  if (end !== bytes.byteLength) fail(`${bytes.byteLength} bytes, its counts need ${end}`);
  let description: StarTreeDescription;
  try {
    const text = new TextDecoder().decode(
      bytes.subarray(STAR_TREE_HEADER_BYTES, STAR_TREE_HEADER_BYTES + jsonBytes!),
    );
    description = JSON.parse(text) as StarTreeDescription;
  } catch (cause) {
    return fail(`description unreadable: ${String(cause)}`);
  }
  if (description.dimensionsSplitOrder.length !== dimCount) fail('dimension count mismatch');
  if (description.metrics.length !== metricCount) fail('metric count mismatch');
  const base = bytes.byteOffset;
  const nodes = new Uint32Array(bytes.buffer, base + expected.nodes, nodeCount! * NODE_WORDS);
  checkNodes(nodes, recordCount!, fail);
  return {
    description,
    nodes,
    dims: new Uint32Array(bytes.buffer, base + expected.dims, recordCount! * dimCount!),
    metrics: new Float64Array(bytes.buffer, base + expected.metrics, recordCount! * metricCount!),
    recordCount: recordCount!,
    offsets: { ...expected, end },
  };
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
