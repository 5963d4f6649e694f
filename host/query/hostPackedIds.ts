// Reads of the shared kernel memory on the calling thread, for work too small to pay for a
// kernel call and its temporaries (host/query/smallGroupBy.ts, the few-candidate filter of
// kernelPaths.ts): typed views of the whole memory and bit-packed dictionary ids.
import { assert } from '../util/assert.js';
import { U32_BYTES } from './kernelMemory.js';
import type { PackedIdsLocator } from './kernelValues.js';

/** Typed views of the whole memory, remade only when its buffer changes (after a grow). */
export interface HostViews {
  readonly buffer: ArrayBufferLike;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly i64: BigInt64Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

const viewsByMemory = new WeakMap<WebAssembly.Memory, HostViews>();

export function hostViews(memory: WebAssembly.Memory): HostViews {
  const buffer = memory.buffer;
  const cached = viewsByMemory.get(memory);
  if (cached !== undefined && cached.buffer === buffer) return cached;
  const views: HostViews = {
    buffer,
    u32: new Uint32Array(buffer),
    i32: new Int32Array(buffer),
    i64: new BigInt64Array(buffer),
    f32: new Float32Array(buffer),
    f64: new Float64Array(buffer),
  };
  viewsByMemory.set(memory, views);
  return views;
}

/** Packed ids (kernels/reference/bitpack.ts: a little-endian bit stream) read in u32 words. */
export interface IdReader {
  /** The packed data's first u32 word. */
  readonly wordBase: number;
  readonly bitsPerValue: number;
  /** The low `bitsPerValue` bits. */
  readonly mask: number;
}

export function idReaderOf(packed: PackedIdsLocator): IdReader {
  assert(packed.idsPtr % U32_BYTES === 0, `packed ids at ${packed.idsPtr} are u32-aligned`);
  const { bitsPerValue } = packed;
  const mask = bitsPerValue === 32 ? 0xffffffff : 2 ** bitsPerValue - 1;
  return { wordBase: packed.idsPtr / U32_BYTES, bitsPerValue, mask };
}

/**
 * The id of `docId`: the word holding its first bit, and the next one when the id straddles
 * the two (the format's tail padding keeps that word inside the buffer).
 */
export function packedIdAt(u32: Uint32Array, reader: IdReader, docId: number): number {
  const bit = docId * reader.bitsPerValue;
  const word = reader.wordBase + Math.floor(bit / 32);
  const shift = bit % 32;
  let value = u32[word]! >>> shift;
  if (shift + reader.bitsPerValue > 32) value |= u32[word + 1]! << (32 - shift);
  return (value & reader.mask) >>> 0;
}
