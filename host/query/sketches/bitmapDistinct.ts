// DISTINCTCOUNTBITMAP as Pinot computes it: the number of distinct 32-bit Java hash codes of
// the values (a RoaringBitmap of hash codes). Exact for INT columns; for other types two values
// with the same hash code count once. The state is a Set of int32 hash codes (structured-
// cloneable); serialize writes them sorted as unsigned ints.
import { CuveeError, ErrorCode } from '../../errors/errors.js';
import { javaHashCode } from './hash.js';

/** Past this many hash codes one group's set costs more memory than a query should hold. */
const MAX_BITMAP_VALUES = 50_000_000;
/** Serialized header: the value count, a big-endian uint32. */
const HEADER_BYTES = 4;

export interface BitmapDistinctState {
  readonly hashes: Set<number>;
}

export function bitmapNew(): BitmapDistinctState {
  return { hashes: new Set() };
}

/** Throws when one group holds more hash codes than a query should (callers adding in bulk). */
export function bitmapCheckBound(state: BitmapDistinctState): void {
  if (state.hashes.size > MAX_BITMAP_VALUES) {
    throw new CuveeError(
      ErrorCode.QUERY_EXECUTION,
      `More than ${MAX_BITMAP_VALUES} distinct hash codes in one group; use DISTINCTCOUNTHLL`,
    );
  }
}

export function bitmapAdd(
  state: BitmapDistinctState,
  value: number | bigint | string | Uint8Array,
): void {
  state.hashes.add(javaHashCode(value));
  if ((state.hashes.size & 0xffff) === 0) bitmapCheckBound(state);
}

export function bitmapMerge(into: BitmapDistinctState, from: BitmapDistinctState): void {
  for (const hash of from.hashes) into.hashes.add(hash);
  bitmapCheckBound(into);
}

export function bitmapCardinality(state: BitmapDistinctState): number {
  return state.hashes.size;
}

/** Count, then the hash codes as unsigned ints in ascending order, all big-endian. */
export function bitmapSerialize(state: BitmapDistinctState): Uint8Array {
  const sorted = Uint32Array.from(state.hashes, (hash) => hash >>> 0).sort();
  const bytes = new Uint8Array(HEADER_BYTES + sorted.length * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, sorted.length);
  sorted.forEach((hash, i) => view.setUint32(HEADER_BYTES + i * 4, hash));
  return bytes;
}

export function bitmapDeserialize(bytes: Uint8Array): BitmapDistinctState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length >= HEADER_BYTES ? view.getUint32(0) : -1;
  if (count < 0 || bytes.length !== HEADER_BYTES + count * 4) {
    throw new CuveeError(ErrorCode.QUERY_EXECUTION, 'Not a serialized DISTINCTCOUNTBITMAP state');
  }
  const hashes = new Set<number>();
  for (let i = 0; i < count; i++) hashes.add(view.getInt32(HEADER_BYTES + i * 4));
  return { hashes };
}
