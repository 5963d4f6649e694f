// A q-digest (Shrivastava et al.), the structure behind Pinot's PERCENTILEEST (airlift's
// QuantileDigest): values are integers (Pinot casts to long), a node at level L covers 2^L
// consecutive keys, and a compress folds a node and its sibling into their parent while the
// three hold at most floor(n / k) values. With k = (KEY_BITS + 1) / maxError the rank of an
// answer is within maxError · n of the requested rank. Keys are the values themselves in
// [-2^52, 2^52), node ids floor(key / 2^L) (siblings 2j and 2j+1, parent j, negative ids
// included), so small values keep small integer ids that V8 handles without allocating;
// values beyond ±2^52 clamp (FORMAT.md). Values arrive in a buffer and enter the tree in
// batches; the state is plain data (Maps of number → count, arrays) that workers can clone.
import { CuveeError, ErrorCode } from '../../errors/errors.js';

/** Pinot's default maximum rank error for PERCENTILEEST. */
export const DEFAULT_QDIGEST_MAX_ERROR = 0.05;
/** Levels above the leaves: at level 53 two roots, ids -1 and 0, cover [-2^52, 2^52). */
const KEY_BITS = 53;
/** Values clamp to [-2^52, 2^52): every id on the way to the roots is an exact double. */
const VALUE_MIN = -(2 ** 52);
const VALUE_MAX = 2 ** 52 - 1;
/** Values buffered before they enter the tree: amortizes the compress. */
const BUFFER_VALUES = 4096;
/** Header: format version, maxError, total count, node count. Version 2: signed ids. */
const FORMAT_VERSION = 2;
const HEADER_BYTES = 1 + 8 + 8 + 4;
/** Each node: level byte, id (float64, a signed integer), count (float64). */
const NODE_BYTES = 1 + 8 + 8;

export interface QuantileDigestState {
  readonly maxError: number;
  /** levels[L]: node id → count; a node's keys are [id · 2^L, (id + 1) · 2^L). */
  readonly levels: Map<number, number>[];
  /** Values counted in `levels`. */
  treeCount: number;
  buffer: number[];
}

export function qdigestNew(maxError: number = DEFAULT_QDIGEST_MAX_ERROR): QuantileDigestState {
  if (!(maxError > 0 && maxError < 1)) {
    throw new CuveeError(ErrorCode.QUERY_VALIDATION, `maxError must be in (0, 1), got ${maxError}`);
  }
  const levels = Array.from({ length: KEY_BITS + 1 }, () => new Map<number, number>());
  return { maxError, levels, treeCount: 0, buffer: [] };
}

/** Adds one value, truncated to an integer (Java's long cast) and clamped to ±2^52. */
export function qdigestAdd(state: QuantileDigestState, value: number): void {
  if (Number.isNaN(value)) return;
  state.buffer.push(Math.min(VALUE_MAX, Math.max(VALUE_MIN, Math.trunc(value))));
  if (state.buffer.length >= BUFFER_VALUES) qdigestFlush(state);
}

/** Moves buffered values into the leaves and compresses. */
export function qdigestFlush(state: QuantileDigestState): void {
  if (state.buffer.length === 0) return;
  const leaves = state.levels[0]!;
  for (const key of state.buffer) leaves.set(key, (leaves.get(key) ?? 0) + 1);
  state.treeCount += state.buffer.length;
  state.buffer = [];
  compress(state);
}

/**
 * Adds counts[i] copies of values[i] for i < count (a histogram of the values, as the kernels
 * count a dictionary column's ids) and compresses once. Values are truncated and clamped as
 * qdigestAdd does; NaN values are skipped.
 */
export function qdigestAddCounts(
  state: QuantileDigestState,
  values: Float64Array,
  counts: Float64Array,
  count: number,
): void {
  qdigestFlush(state);
  const leaves = state.levels[0]!;
  let added = 0;
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    if (Number.isNaN(value)) continue;
    const key = Math.min(VALUE_MAX, Math.max(VALUE_MIN, Math.trunc(value)));
    leaves.set(key, (leaves.get(key) ?? 0) + counts[i]!);
    added += counts[i]!;
  }
  state.treeCount += added;
  compress(state);
}

function compress(state: QuantileDigestState): void {
  // KEY_BITS + 1 levels hold counts (leaves to roots); each may be off by the threshold.
  const threshold = Math.floor((state.treeCount * state.maxError) / (KEY_BITS + 1));
  for (let level = 0; level < KEY_BITS; level++) {
    const nodes = state.levels[level]!;
    const parents = state.levels[level + 1]!;
    for (const [id, count] of nodes) {
      const siblingId = id - 2 * Math.floor(id / 2) === 0 ? id + 1 : id - 1;
      const siblingCount = nodes.get(siblingId) ?? 0;
      const parentId = Math.floor(id / 2);
      const parentCount = parents.get(parentId) ?? 0;
      if (count + siblingCount + parentCount > threshold) continue;
      parents.set(parentId, parentCount + count + siblingCount);
      nodes.delete(id);
      nodes.delete(siblingId);
    }
  }
}

export function qdigestMerge(into: QuantileDigestState, from: QuantileDigestState): void {
  for (let level = 0; level <= KEY_BITS; level++) {
    const target = into.levels[level]!;
    for (const [id, count] of from.levels[level]!) target.set(id, (target.get(id) ?? 0) + count);
  }
  into.treeCount += from.treeCount;
  for (const value of from.buffer) into.buffer.push(value);
  if (into.buffer.length > 0) qdigestFlush(into);
  else compress(into);
}

export function qdigestCount(state: QuantileDigestState): number {
  return state.treeCount + state.buffer.length;
}

/**
 * The value whose rank is floor(q · n) (0-based), within maxError · n ranks: nodes in order of
 * their largest key (smaller ranges first on ties), the answer is the largest key of the node
 * where the running count passes the rank. NaN when the digest is empty.
 */
export function qdigestQuantile(state: QuantileDigestState, q: number): number {
  qdigestFlush(state);
  const nodes: { upper: number; level: number; count: number }[] = [];
  state.levels.forEach((level, index) => {
    const width = 2 ** index;
    for (const [id, count] of level)
      nodes.push({ upper: (id + 1) * width - 1, level: index, count });
  });
  if (nodes.length === 0) return Number.NaN;
  nodes.sort((a, b) => a.upper - b.upper || a.level - b.level);
  const rank = Math.floor(q * state.treeCount);
  let seen = 0;
  for (const node of nodes) {
    seen += node.count;
    if (seen > rank) return node.upper;
  }
  return nodes[nodes.length - 1]!.upper;
}

/** Version, maxError, count, node count, then (level, id, count) per node; big-endian. */
export function qdigestSerialize(state: QuantileDigestState): Uint8Array {
  qdigestFlush(state);
  const nodeCount = state.levels.reduce((sum, level) => sum + level.size, 0);
  const bytes = new Uint8Array(HEADER_BYTES + nodeCount * NODE_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, FORMAT_VERSION);
  view.setFloat64(1, state.maxError);
  view.setFloat64(9, state.treeCount);
  view.setUint32(17, nodeCount);
  let offset = HEADER_BYTES;
  state.levels.forEach((level, index) => {
    for (const [id, count] of level) {
      view.setUint8(offset, index);
      view.setFloat64(offset + 1, id);
      view.setFloat64(offset + 9, count);
      offset += NODE_BYTES;
    }
  });
  return bytes;
}

export function qdigestDeserialize(bytes: Uint8Array): QuantileDigestState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const valid = bytes.length >= HEADER_BYTES && view.getUint8(0) === FORMAT_VERSION;
  const nodeCount = valid ? view.getUint32(17) : -1;
  if (nodeCount < 0 || bytes.length !== HEADER_BYTES + nodeCount * NODE_BYTES) {
    throw new CuveeError(ErrorCode.QUERY_EXECUTION, 'Not a serialized quantile digest');
  }
  const state = qdigestNew(view.getFloat64(1));
  state.treeCount = view.getFloat64(9);
  for (let i = 0; i < nodeCount; i++) {
    const offset = HEADER_BYTES + i * NODE_BYTES;
    const level = view.getUint8(offset);
    if (level > KEY_BITS) throw new CuveeError(ErrorCode.QUERY_EXECUTION, 'Corrupt digest level');
    state.levels[level]!.set(view.getFloat64(offset + 1), view.getFloat64(offset + 9));
  }
  return state;
}
