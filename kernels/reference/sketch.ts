// Plain TypeScript twin of kernels/assembly/sketch.ts (contracts: kernels/SKETCH.md): the
// same hashes (host/query/sketches/hash.ts, clearspring's), the same register updates, id
// histograms, weighted dictionary values and t-digest compress over typed arrays, for the
// kernels' seeded fuzz tests.
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

/** counts[id] += 1 per id. */
export function sketchCountIds(ids: Uint32Array, counts: Uint32Array): void {
  for (const id of ids) counts[id] = counts[id]! + 1;
}

/** Counts the ids of `docs` of an MV column given as per-doc id lists; returns how many. */
export function sketchCountMvIds(
  docIdLists: readonly Uint32Array[],
  docs: Iterable<number>,
  counts: Uint32Array,
): number {
  let total = 0;
  for (const doc of docs) {
    const ids = docIdLists[doc]!;
    sketchCountIds(ids, counts);
    total += ids.length;
  }
  return total;
}

export function sketchPresentIds(counts: Uint32Array): Uint32Array {
  const out: number[] = [];
  counts.forEach((count, id) => {
    if (count !== 0) out.push(id);
  });
  return Uint32Array.from(out);
}

/** Dictionary values of `ids` as doubles, with their counts as weights. */
export function sketchWeightedValues(
  dictionary: Int32Array | BigInt64Array | Float32Array | Float64Array,
  counts: Uint32Array,
  ids: Uint32Array,
): { values: Float64Array; weights: Float64Array } {
  const values = Float64Array.from(ids, (id) => Number(dictionary[id]!));
  const weights = Float64Array.from(ids, (id) => counts[id]!);
  return { values, weights };
}

function scaleK(q: number, compression: number): number {
  return (compression / (2 * Math.PI)) * Math.asin(2 * Math.min(1, Math.max(0, q)) - 1);
}

/** t-digest centroids of (mean, weight) pairs sorted by mean, under the k1 scale bound. */
export function tdigestCompressSorted(
  means: Float64Array,
  weights: Float64Array,
  compression: number,
): { means: number[]; weights: number[] } {
  const out = { means: [] as number[], weights: [] as number[] };
  if (means.length === 0) return out;
  let total = 0;
  for (const weight of weights) total += weight;
  let mean = means[0]!;
  let weight = weights[0]!;
  let weightSoFar = 0;
  let kLower = scaleK(0, compression);
  for (let i = 1; i < means.length; i++) {
    const proposed = weight + weights[i]!;
    if (scaleK((weightSoFar + proposed) / total, compression) - kLower <= 1) {
      mean += ((means[i]! - mean) * weights[i]!) / proposed;
      weight = proposed;
      continue;
    }
    out.means.push(mean);
    out.weights.push(weight);
    weightSoFar += weight;
    kLower = scaleK(weightSoFar / total, compression);
    mean = means[i]!;
    weight = weights[i]!;
  }
  out.means.push(mean);
  out.weights.push(weight);
  return out;
}

/** counts[keys[r] · valueCardinality + values[r]] += 1. */
export function sketchCountPairs(
  keys: Uint32Array,
  values: Uint32Array,
  valueCardinality: number,
  counts: Uint32Array,
): void {
  for (let r = 0; r < keys.length; r++) {
    const slot = keys[r]! * valueCardinality + values[r]!;
    counts[slot] = counts[slot]! + 1;
  }
}

/** Offers hashes[values[r]] to group keys[r]'s registers (2^log2m per group, side by side). */
export function hllUpdateGroupedIds(
  keys: Uint32Array,
  values: Uint32Array,
  hashes: Uint32Array,
  registers: Uint8Array,
  log2m: number,
): void {
  const registerCount = 2 ** log2m;
  for (let r = 0; r < keys.length; r++) {
    const group = registers.subarray(keys[r]! * registerCount, (keys[r]! + 1) * registerCount);
    offer(group, hashes[values[r]!]! | 0, log2m);
  }
}
