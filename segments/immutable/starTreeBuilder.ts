// Builds a segment's star-trees (Pinot's OffHeapSingleTreeBuilder) with the star-tree kernels
// on a private kernel memory: documents become records (split-order dictionary ids + metric
// values), sorted and merged by key; nodes split on one dimension per level until a node holds
// at most maxLeafRecords records; a star child (the dimension aggregated away) gets fresh
// records sorted and merged by the kernels; every node gets an aggregated record. The host
// keeps only the recursion and the node list; each record is touched by the kernels.
import type { FieldSpec, ScalarValue, StarTreeIndexConfig } from '../../host/config/types.js';
import { ConfigError } from '../../host/errors/errors.js';
import { MemoryAllocator } from '../../host/runtime/allocator.js';
import { instantiateKernels, type KernelInstance } from '../../host/runtime/kernelModule.js';
import {
  createSharedMemory,
  WASM32_MAX_PAGES,
  WASM_PAGE_BYTES,
} from '../../host/runtime/memory.js';
import { checkStatus } from '../../host/runtime/status.js';
import { packedSizeBytes } from '../../kernels/reference/bitpack.js';
import { MetricOp, STAR_ID } from '../../kernels/reference/starTree.js';
import type { ColumnMetadata } from '../spi/metadata.js';
import {
  metricSlotsOf,
  sketchSlotName,
  sketchSlotsOf,
  NO_NODE,
  NODE_WORDS,
  NodeField,
  slotName,
  type MetricSlot,
  type StarTreeParts,
} from './starTreeLayout.js';
import { RecordSketches } from './starTreeSketches.js';

/** The private memory starts at 1 MiB (16 pages) and grows with the records. */
const BUILD_INITIAL_PAGES = 16;
/** Bytes of a u32. */
const U32_BYTES = 4;
/**
 * Documents merge through a dense key table when its keys number at most this many per doc
 * (plus DENSE_KEYS_MIN): emitting the table scans every key, so it must stay near the doc count.
 */
const DENSE_KEYS_PER_DOC = 4;
/** Small segments still take the dense table: 64K keys are scanned in well under a millisecond. */
const DENSE_KEYS_MIN = 1 << 16;
/** The dense table's bytes at most: beyond this the sort path uses less memory. */
const DENSE_TABLE_BYTES_MAX = 256 * 1024 * 1024;
/** Bytes of an f64. */
const F64_BYTES = 8;

/** What the builder reads of one column: its metadata, packed ids, and prepared values. */
export interface StarTreeColumn {
  readonly field: FieldSpec;
  readonly metadata: ColumnMetadata;
  /** FORWARD_IDS bytes (dictionary columns). */
  readonly forwardIds: Uint8Array | undefined;
  /** SV: one value per doc; MV: all docs' values concatenated. */
  readonly entries: readonly ScalarValue[];
  readonly mvOffsets: Uint32Array | undefined;
}

interface BuildNode {
  readonly value: number;
  readonly start: number;
  readonly end: number;
  /** Levels above it: the dimension its children split on, when it has children. */
  readonly depth: number;
  children: BuildNode[];
  star: BuildNode | undefined;
  aggregated: number;
}

/** One private kernels instance and the growing record buffers of one tree build. */
class RecordBuffers {
  readonly kernels: KernelInstance;
  readonly allocator: MemoryAllocator;
  dimsPtr = 0;
  metricsPtr = 0;
  capacity = 0;
  count = 0;
  private scratch = { ptr: 0, sizeBytes: 0 };

  constructor(
    readonly dimCount: number,
    readonly metricCount: number,
  ) {
    const memory = createSharedMemory({ initialPages: BUILD_INITIAL_PAGES });
    this.kernels = instantiateKernels(memory);
    this.allocator = new MemoryAllocator(
      memory,
      this.kernels.exports.heapBase(),
      WASM32_MAX_PAGES * WASM_PAGE_BYTES,
    );
  }

  get buffer(): ArrayBuffer {
    return this.kernels.memory.buffer as ArrayBuffer;
  }

  dims(): Uint32Array {
    return new Uint32Array(this.buffer, this.dimsPtr, this.capacity * this.dimCount);
  }

  metrics(): Float64Array {
    return new Float64Array(this.buffer, this.metricsPtr, this.capacity * this.metricCount);
  }

  /** Room for `more` records past `count`; grows by doubling, keeping the records. */
  reserve(more: number): void {
    const needed = this.count + more;
    if (needed <= this.capacity) return;
    const capacity = Math.max(needed, 2 * this.capacity);
    const dimsPtr = this.allocator.allocate(capacity * this.dimCount * U32_BYTES || U32_BYTES);
    const metricsPtr = this.allocator.allocate(
      capacity * this.metricCount * F64_BYTES || F64_BYTES,
    );
    const bytes = new Uint8Array(this.buffer);
    if (this.capacity > 0) {
      bytes.copyWithin(
        dimsPtr,
        this.dimsPtr,
        this.dimsPtr + this.count * this.dimCount * U32_BYTES,
      );
      const metricBytes = this.count * this.metricCount * F64_BYTES;
      bytes.copyWithin(metricsPtr, this.metricsPtr, this.metricsPtr + metricBytes);
      this.allocator.release(this.dimsPtr);
      this.allocator.release(this.metricsPtr);
    }
    Object.assign(this, { dimsPtr, metricsPtr, capacity });
  }

  /** Scratch of at least `sizeBytes`, reused across calls. */
  scratchPtr(sizeBytes: number): number {
    if (this.scratch.sizeBytes < sizeBytes) {
      if (this.scratch.sizeBytes > 0) this.allocator.release(this.scratch.ptr);
      const grown = Math.max(sizeBytes, 2 * this.scratch.sizeBytes);
      this.scratch = { ptr: this.allocator.allocate(grown), sizeBytes: grown };
    }
    return this.scratch.ptr;
  }
}

/** Metric values per doc, row-major (docCount × slots). */
function docMetricValues(
  slots: readonly MetricSlot[],
  columns: ReadonlyMap<string, StarTreeColumn>,
  docCount: number,
): Float64Array {
  const out = new Float64Array(docCount * slots.length);
  slots.forEach((slot, s) => {
    const stride = slots.length;
    if (slot.column === '*') {
      for (let doc = 0; doc < docCount; doc++) out[doc * stride + s] = 1;
      return;
    }
    const column = columns.get(slot.column)!;
    const entries = column.entries;
    const offsets = column.mvOffsets;
    if (offsets === undefined && slot.op !== 'count') {
      for (let doc = 0; doc < docCount; doc++) out[doc * stride + s] = Number(entries[doc]);
      return;
    }
    for (let doc = 0; doc < docCount; doc++) {
      const from = offsets === undefined ? doc : offsets[doc]!;
      const to = offsets === undefined ? doc + 1 : offsets[doc + 1]!;
      out[doc * stride + s] = reduceEntries(slot.op, entries, from, to);
    }
  });
  return out;
}

function reduceEntries(
  op: MetricSlot['op'],
  entries: readonly ScalarValue[],
  from: number,
  to: number,
) {
  if (op === 'count') return to - from;
  let acc = op === 'sum' ? 0 : op === 'min' ? Infinity : -Infinity;
  for (let i = from; i < to; i++) {
    const value = Number(entries[i] as number | bigint);
    if (op === 'sum') acc += value;
    else if (op === 'min') acc = value < acc ? value : acc;
    else acc = value > acc ? value : acc;
  }
  return acc;
}

function opCode(op: MetricSlot['op']): number {
  if (op === 'min') return MetricOp.MIN;
  if (op === 'max') return MetricOp.MAX;
  return MetricOp.SUM;
}

/** The split-order dimensions, checked: SV dictionary columns of the schema. */
function dimensionColumns(
  config: StarTreeIndexConfig,
  columns: ReadonlyMap<string, StarTreeColumn>,
  path: string,
): StarTreeColumn[] {
  return config.dimensionsSplitOrder.map((name, index) => {
    const column = columns.get(name);
    const where = `${path}.dimensionsSplitOrder[${index}]`;
    if (column === undefined) throw new ConfigError(`${where}: no column ${name}`);
    if (!column.field.singleValueField || column.forwardIds === undefined) {
      throw new ConfigError(
        `${where}: ${name} must be a single-value dictionary-encoded column to be a ` +
          'star-tree dimension; remove it from the split order or from noDictionaryColumns',
      );
    }
    return column;
  });
}

/** Build switches (tests build one tree both ways). */
export interface StarTreeBuildOptions {
  /** false: sketch slots filled by the host loop only (the kernels' reference). Default true. */
  readonly sketchKernels?: boolean;
}

/** Builds one tree; `path` names the config entry in errors. */
export function buildStarTree(
  config: StarTreeIndexConfig,
  columns: ReadonlyMap<string, StarTreeColumn>,
  docCount: number,
  path: string,
  options: StarTreeBuildOptions = {},
): StarTreeParts {
  const fields = new Map([...columns].map(([name, column]) => [name, column.field]));
  const slots = metricSlotsOf(config, fields, path);
  const dimensions = dimensionColumns(config, columns, path);
  const sketchSlots = sketchSlotsOf(config);
  const sketches = new RecordSketches(sketchSlots);
  const buffers = new RecordBuffers(dimensions.length, slots.length);
  const build = new TreeBuild(buffers, config, dimensions, slots, sketches);
  build.loadDocs(columns, docCount);
  if (!sketches.empty) {
    const sources = sketchSlots.map((slot) => columns.get(slot.column)!);
    const kernels = options.sketchKernels === false ? undefined : buffers;
    sketches.loadDocs(sources, build.recordOfDoc(docCount), buffers.count, kernels);
  }
  const root = build.construct();
  return {
    description: {
      dimensionsSplitOrder: config.dimensionsSplitOrder,
      skipStarNodeCreationForDimensions: config.skipStarNodeCreationForDimensions,
      maxLeafRecords: config.maxLeafRecords,
      functionColumnPairs: config.functionColumnPairs,
      metrics: slots.map(slotName),
      ...(sketchSlots.length === 0 ? {} : { sketches: sketchSlots.map(sketchSlotName) }),
    },
    nodes: serializeNodes(root),
    dims: buffers.dims().slice(0, buffers.count * dimensions.length),
    metrics: buffers.metrics().slice(0, buffers.count * slots.length),
    recordCount: buffers.count,
    sketches: sketches.serialize(buffers.count),
  };
}

class TreeBuild {
  private readonly dimCount: number;
  private readonly skip: ReadonlySet<number>;
  private cardinalitiesPtr = 0;
  private opsPtr = 0;
  private maxCardinality = 0;
  /** Each dimension's per-doc ids in the private memory, and how docs became records. */
  private idPtrs: number[] = [];
  private docRecords: { dense: boolean; permPtr: number; docDimsPtr: number } | undefined;

  constructor(
    private readonly buffers: RecordBuffers,
    private readonly config: StarTreeIndexConfig,
    private readonly dimensions: readonly StarTreeColumn[],
    private readonly slots: readonly MetricSlot[],
    private readonly sketches: RecordSketches,
  ) {
    this.dimCount = dimensions.length;
    const skipped = new Set(config.skipStarNodeCreationForDimensions);
    this.skip = new Set(
      config.dimensionsSplitOrder.flatMap((name, d) => (skipped.has(name) ? [d] : [])),
    );
  }

  /** Docs → sorted, merged records at [0, count). */
  loadDocs(columns: ReadonlyMap<string, StarTreeColumn>, docCount: number): void {
    const { allocator } = this.buffers;
    const cards = this.dimensions.map((column) => column.metadata.cardinality);
    this.maxCardinality = Math.max(...cards);
    this.cardinalitiesPtr = allocator.allocate(this.dimCount * U32_BYTES);
    this.opsPtr = allocator.allocate(Math.max(1, this.slots.length) * U32_BYTES);
    const idPtrs = this.dimensions.map((column) => this.unpackIds(column, docCount));
    this.idPtrs = idPtrs;
    const values = docMetricValues(this.slots, columns, docCount);
    const docMetricsPtr = allocator.allocate(Math.max(1, values.length) * F64_BYTES);
    const memory = this.buffers.buffer;
    new Uint32Array(memory, this.cardinalitiesPtr, this.dimCount).set(cards);
    new Uint32Array(memory, this.opsPtr, this.slots.length).set(
      this.slots.map((s) => opCode(s.op)),
    );
    new Float64Array(memory, docMetricsPtr, values.length).set(values);
    const keySpace = cards.reduce((product, cardinality) => product * cardinality, 1);
    const tableBytes = keySpace * (this.slots.length * F64_BYTES + U32_BYTES);
    const dense =
      keySpace <= DENSE_KEYS_PER_DOC * docCount + DENSE_KEYS_MIN &&
      tableBytes <= DENSE_TABLE_BYTES_MAX;
    this.buffers.reserve(Math.min(docCount, keySpace));
    const merged = dense
      ? this.denseMerge(idPtrs, docMetricsPtr, docCount, keySpace)
      : this.sortMerge(idPtrs, docMetricsPtr, docCount);
    if (dense) this.docRecords = { dense, permPtr: 0, docDimsPtr: 0 };
    this.buffers.count = checkStatus('starTreeMerge', merged);
  }

  /** A dimension's per-doc dictionary ids, unpacked into the private memory. */
  private unpackIds(column: StarTreeColumn, docCount: number): number {
    const { allocator } = this.buffers;
    const packed = column.forwardIds!;
    const bits = column.metadata.bitsPerValue;
    const idsPtr = allocator.allocate(Math.max(1, docCount) * U32_BYTES);
    const packedPtr = allocator.allocate(packedSizeBytes(docCount, bits));
    new Uint8Array(this.buffers.buffer, packedPtr, packed.byteLength).set(packed);
    checkStatus(
      'unpack',
      this.buffers.kernels.exports.unpack(packedPtr, bits, 0, docCount, idsPtr),
    );
    allocator.release(packedPtr);
    return idsPtr;
  }

  private denseMerge(idPtrs: number[], docMetricsPtr: number, docCount: number, keySpace: number) {
    const { allocator } = this.buffers;
    const idsPtrsPtr = allocator.allocate(this.dimCount * U32_BYTES);
    new Uint32Array(this.buffers.buffer, idsPtrsPtr, this.dimCount).set(idPtrs);
    const slotMetricsPtr = allocator.allocate(
      Math.max(1, keySpace * this.slots.length) * F64_BYTES,
    );
    const slotCountsPtr = allocator.allocate(keySpace * U32_BYTES);
    return this.buffers.kernels.exports.starTreeDenseMerge(
      idsPtrsPtr,
      this.cardinalitiesPtr,
      this.dimCount,
      docMetricsPtr,
      this.slots.length,
      this.opsPtr,
      docCount,
      keySpace,
      slotMetricsPtr,
      slotCountsPtr,
      this.buffers.dimsPtr,
      this.buffers.metricsPtr,
    );
  }

  private sortMerge(idPtrs: number[], docMetricsPtr: number, docCount: number): number {
    const { allocator } = this.buffers;
    const docDimsPtr = allocator.allocate(Math.max(1, docCount * this.dimCount) * U32_BYTES);
    const docDims = new Uint32Array(this.buffers.buffer, docDimsPtr, docCount * this.dimCount);
    idPtrs.forEach((idsPtr, d) => {
      const ids = new Uint32Array(this.buffers.buffer, idsPtr, docCount);
      for (let doc = 0; doc < docCount; doc++) docDims[doc * this.dimCount + d] = ids[doc]!;
    });
    const permPtr = this.permOf({ start: 0, end: docCount });
    this.sort(docDimsPtr, permPtr, docCount, 0);
    this.docRecords = { dense: false, permPtr, docDimsPtr };
    return this.buffers.kernels.exports.starTreeMerge(
      docDimsPtr,
      docMetricsPtr,
      this.dimCount,
      this.slots.length,
      this.opsPtr,
      permPtr,
      docCount,
      this.dimCount,
      this.dimCount,
      this.buffers.dimsPtr,
      this.buffers.metricsPtr,
    );
  }

  private sort(dimsPtr: number, permPtr: number, count: number, fromDim: number): void {
    const tmpPtr = this.buffers.scratchPtr((count + this.maxCardinality + 1) * U32_BYTES);
    const countsPtr = tmpPtr + count * U32_BYTES;
    const status = this.buffers.kernels.exports.starTreeSort(
      dimsPtr,
      this.dimCount,
      fromDim,
      permPtr,
      count,
      this.cardinalitiesPtr,
      tmpPtr,
      countsPtr,
    );
    checkStatus('starTreeSort', status);
  }

  /**
   * Merges records (indices at permPtr) into new records appended at the end, dims
   * [starFrom, dimCount or starFrom + 1) set to STAR; returns the first new record's index.
   */
  private appendMerged(permPtr: number, count: number, starFrom: number, starTo: number) {
    const b = this.buffers;
    const first = b.count;
    const written = b.kernels.exports.starTreeMerge(
      b.dimsPtr,
      b.metricsPtr,
      this.dimCount,
      this.slots.length,
      this.opsPtr,
      permPtr,
      count,
      starFrom,
      starTo,
      b.dimsPtr + first * this.dimCount * U32_BYTES,
      b.metricsPtr + first * this.slots.length * F64_BYTES,
    );
    b.count += checkStatus('starTreeMerge', written);
    if (!this.sketches.empty) {
      const perm = new Uint32Array(b.buffer, permPtr, count);
      this.sketches.appendMerged(perm, b.dims(), this.dimCount, starFrom, starTo, first);
    }
    return first;
  }

  /** A perm buffer holding `records` (allocated; the caller releases it). */
  private permOf(records: readonly number[] | { start: number; end: number }): number {
    const list = Array.isArray(records) ? (records as number[]) : undefined;
    const range = records as { start: number; end: number };
    const count = list?.length ?? range.end - range.start;
    const ptr = this.buffers.allocator.allocate(Math.max(1, count) * U32_BYTES);
    const perm = new Uint32Array(this.buffers.buffer, ptr, count);
    for (let i = 0; i < count; i++) perm[i] = list === undefined ? range.start + i : list[i]!;
    return ptr;
  }

  /**
   * The record each document merged into (loadDocs' records are sorted by dims): the dense path
   * ranks the docs' mixed-radix keys, the sort path counts runs of equal keys along the perm.
   */
  recordOfDoc(docCount: number): Uint32Array {
    const records = new Uint32Array(docCount);
    const how = this.docRecords!;
    const buffer = this.buffers.buffer;
    const ids = this.idPtrs.map((ptr) => new Uint32Array(buffer, ptr, docCount));
    if (how.dense) {
      const cards = this.dimensions.map((column) => column.metadata.cardinality);
      const keys = new Float64Array(docCount);
      // The dense path's key space is small (loadDocs): a key's rank is its present keys below.
      const rank = new Uint32Array(cards.reduce((product, cardinality) => product * cardinality));
      for (let doc = 0; doc < docCount; doc++) {
        let key = 0;
        for (let d = 0; d < this.dimCount; d++) key = key * cards[d]! + ids[d]![doc]!;
        keys[doc] = key;
        rank[key] = 1;
      }
      for (let key = 0, below = 0; key < rank.length; key++) {
        const present = rank[key]!;
        rank[key] = below;
        below += present;
      }
      for (let doc = 0; doc < docCount; doc++) records[doc] = rank[keys[doc]!]!;
      return records;
    }
    const perm = new Uint32Array(buffer, how.permPtr, docCount);
    const docDims = new Uint32Array(buffer, how.docDimsPtr, docCount * this.dimCount);
    let record = 0;
    for (let i = 0; i < docCount; i++) {
      if (i > 0) {
        let same = true;
        for (let d = 0; d < this.dimCount && same; d++) {
          const at = perm[i]! * this.dimCount + d;
          same = docDims[at] === docDims[perm[i - 1]! * this.dimCount + d];
        }
        if (!same) record++;
      }
      records[perm[i]!] = record;
    }
    return records;
  }

  construct(): BuildNode {
    const root: BuildNode = {
      value: STAR_ID,
      start: 0,
      end: this.buffers.count,
      depth: 0,
      children: [],
      star: undefined,
      aggregated: 0,
    };
    this.split(root);
    this.aggregate(root);
    return root;
  }

  private split(node: BuildNode): void {
    const level = node.depth;
    if (level === this.dimCount) return;
    const dims = this.buffers.dims();
    let start = node.start;
    for (let r = node.start + 1; r <= node.end; r++) {
      const value = dims[start * this.dimCount + level]!;
      if (r < node.end && dims[r * this.dimCount + level] === value) continue;
      node.children.push(this.leaf(value, start, r, level + 1));
      start = r;
    }
    if (!this.skip.has(level) && node.children.length > 1) node.star = this.starNode(node, level);
    for (const child of [...node.children, ...(node.star ? [node.star] : [])]) {
      if (child.end - child.start > this.config.maxLeafRecords) this.split(child);
    }
  }

  private leaf(value: number, start: number, end: number, depth: number): BuildNode {
    return { value, start, end, depth, children: [], star: undefined, aggregated: 0 };
  }

  /** The star child: the node's records with dim `level` aggregated away. */
  private starNode(node: BuildNode, level: number): BuildNode {
    const count = node.end - node.start;
    this.buffers.reserve(count);
    const permPtr = this.permOf({ start: node.start, end: node.end });
    this.sort(this.buffers.dimsPtr, permPtr, count, level + 1);
    const first = this.appendMerged(permPtr, count, level, level + 1);
    this.buffers.allocator.release(permPtr);
    return this.leaf(STAR_ID, first, this.buffers.count, level + 1);
  }

  /** Post-order: every node's aggregated record (Pinot's createAggregatedDocs). */
  private aggregate(node: BuildNode): void {
    for (const child of node.children) this.aggregate(child);
    if (node.star !== undefined) this.aggregate(node.star);
    if (node.children.length === 0) {
      if (node.end - node.start === 1) {
        node.aggregated = node.start;
        return;
      }
      node.aggregated = this.mergeInto({ start: node.start, end: node.end }, node.depth);
      return;
    }
    if (node.star !== undefined) {
      node.aggregated = node.star.aggregated;
      return;
    }
    node.aggregated = this.mergeInto(
      node.children.map((child) => child.aggregated),
      node.depth,
    );
  }

  private mergeInto(records: readonly number[] | { start: number; end: number }, depth: number) {
    this.buffers.reserve(1);
    const permPtr = this.permOf(records);
    const count = Array.isArray(records)
      ? records.length
      : (records as { end: number }).end - (records as { start: number }).start;
    const first = this.appendMerged(permPtr, count, depth, this.dimCount);
    this.buffers.allocator.release(permPtr);
    return first;
  }
}

/** Nodes breadth first, so each node's children are contiguous (star child last). */
function serializeNodes(root: BuildNode): Uint32Array {
  const order: BuildNode[] = [root];
  const firstChild: number[] = [];
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    firstChild.push(order.length);
    order.push(...node.children);
    if (node.star !== undefined) order.push(node.star);
  }
  const nodes = new Uint32Array(order.length * NODE_WORDS);
  order.forEach((node, i) => {
    const at = i * NODE_WORDS;
    const hasChildren = node.children.length > 0;
    nodes[at + NodeField.splitDim] = hasChildren ? node.depth : NO_NODE;
    nodes[at + NodeField.value] = node.value;
    nodes[at + NodeField.startRecord] = node.start;
    nodes[at + NodeField.endRecord] = node.end;
    nodes[at + NodeField.aggregatedRecord] = node.aggregated;
    nodes[at + NodeField.firstChild] = hasChildren ? firstChild[i]! : 0;
    nodes[at + NodeField.childCount] = node.children.length;
    nodes[at + NodeField.starChild] =
      node.star === undefined ? NO_NODE : firstChild[i]! + node.children.length;
  });
  return nodes;
}
