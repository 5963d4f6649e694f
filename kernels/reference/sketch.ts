// Plain TypeScript twin of kernels/assembly/sketch.ts (contracts: kernels/SKETCH.md): the
// same hashes (host/query/sketches/hash.ts, clearspring's) and the same register updates over
// typed arrays, for the kernels' seeded fuzz tests.
import { hashBytes, hashLong, hashLongWords, hashValue } from '../../host/query/sketches/hash.js';

export function hllHashI64(values: BigInt64Array): Uint32Array {
  return Uint32Array.from(values, (value) => hashLong(value) >>> 0);
}

export function hllHashI32(values: Int32Array): Uint32Array {
  return Uint32Array.from(values, (value) => hashLongWords(value, value >> 31) >>> 0);
}

export function hllHashF64(values: Float64Array): Uint32Array {
  return Uint32Array.from(values, (value) => hashValue(value) >>> 0);
}

/** One hash per entry of the variable-width layout (`count + 1` offsets, then bytes). */
export function hllHashVarWidth(offsets: Uint32Array, bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.max(0, offsets.length - 1));
  for (let i = 0; i < out.length; i++) {
    out[i] = hashBytes(bytes.subarray(offsets[i]!, offsets[i + 1]!)) >>> 0;
  }
  return out;
}

/** clearspring's offerHashed on one-byte registers. */
export function offer(registers: Uint8Array, hash: number, log2m: number): void {
  const index = hash >>> (32 - log2m);
  const rank = Math.clz32((hash << log2m) | ((1 << (log2m - 1)) + 1)) + 1;
  if (rank > registers[index]!) registers[index] = rank;
}

export function hllUpdateHashes(hashes: Uint32Array, registers: Uint8Array, log2m: number): void {
  for (const hash of hashes) offer(registers, hash | 0, log2m);
}

export function hllUpdateIds(
  ids: Uint32Array,
  hashes: Uint32Array,
  registers: Uint8Array,
  log2m: number,
): void {
  for (const id of ids) offer(registers, hashes[id]! | 0, log2m);
}

export function hllMergeRegisters(into: Uint8Array, from: Uint8Array): void {
  for (let i = 0; i < into.length; i++) if (from[i]! > into[i]!) into[i] = from[i]!;
}
