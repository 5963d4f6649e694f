// The sketch states an aggregation carries, one tagged plain object per kind, and the entry
// points the star-tree and the reduce use: add, merge, serialize, deserialize.
export * from './bitmapDistinct.js';
export * from './hash.js';
export * from './hll.js';
export * from './quantileDigest.js';
export * from './tdigest.js';
import type { BitmapDistinctState } from './bitmapDistinct.js';
import type { HllState } from './hll.js';
import type { QuantileDigestState } from './quantileDigest.js';
import type { TDigestState } from './tdigest.js';

export type SketchState =
  | ({ readonly sketch: 'hll' } & HllState)
  | ({ readonly sketch: 'bitmap' } & BitmapDistinctState)
  | ({ readonly sketch: 'qdigest' } & QuantileDigestState)
  | ({ readonly sketch: 'tdigest' } & TDigestState);

/** Lower-case hex, as Pinot prints serialized sketches (DISTINCTCOUNTRAWHLL). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}
