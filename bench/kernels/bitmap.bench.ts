// Bitmap kernels beside their TypeScript references on the same input: and / or over a
// 10M-doc universe at several densities (array, bitset and run containers), and the
// conversion of a scan's plain bitset into a bitmap. Rows are the docs of the universe.
import { checkStatus } from '../../host/runtime/status.js';
import {
  BITMAP_SCRATCH_BYTES,
  bitmapAnd,
  bitmapFromBitset,
  bitmapFromDocIds,
  bitmapOr,
} from '../../kernels/reference/bitmap.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0xb1735;
/** Sparse (array containers), medium and dense (bitset containers). */
const DENSITIES = [0.001, 0.05, 0.5];
/** Clustered docs: runs of this many docs (run containers), as a sorted column's values give. */
const RUN_LENGTH = 1000;

function randomBitset(random: SeededRandom, docCount: number, density: number): Uint32Array {
  const words = new Uint32Array(Math.ceil(docCount / 32));
  for (let doc = 0; doc < docCount; doc++) {
    if (random.next() < density) words[doc >>> 5]! |= 1 << (doc & 31);
  }
  return words;
}

function docIdsOf(words: Uint32Array): Uint32Array {
  const ids: number[] = [];
  for (let w = 0; w < words.length; w++) {
    for (let bit = 0; bit < 32; bit++) if ((words[w]! >>> bit) & 1) ids.push(w * 32 + bit);
  }
  return Uint32Array.from(ids);
}

/** Runs of RUN_LENGTH docs separated by gaps of the same length. */
function clusteredBitmap(docCount: number, phase: number): Uint8Array {
  const ids: number[] = [];
  for (let start = phase; start < docCount; start += 2 * RUN_LENGTH) {
    for (let doc = start; doc < Math.min(docCount, start + RUN_LENGTH); doc++) ids.push(doc);
  }
  return bitmapFromDocIds(ids);
}

function combineCases(
  h: KernelHarness, name: string, a: Uint8Array, b: Uint8Array, docCount: number,
): KernelBenchCase[] {
  const aPtr = h.copyIn(a);
  const bPtr = h.copyIn(b);
  const scratchPtr = h.allocator.allocate(BITMAP_SCRATCH_BYTES);
  const andBytes = h.exports.bitmapAndMaxBytes(aPtr, bPtr);
  const orBytes = h.exports.bitmapOrMaxBytes(aPtr, bPtr);
  const andPtr = h.allocator.allocate(andBytes);
  const orPtr = h.allocator.allocate(orBytes);
  return [
    {
      kernel: `bitmap.and.${name}`,
      rows: docCount,
      run: () => void checkStatus('bitmapAnd',
        h.exports.bitmapAnd(aPtr, bPtr, andPtr, andBytes, scratchPtr, BITMAP_SCRATCH_BYTES)),
      reference: () => void bitmapAnd(a, b),
    },
    {
      kernel: `bitmap.or.${name}`,
      rows: docCount,
      run: () => void checkStatus('bitmapOr',
        h.exports.bitmapOr(aPtr, bPtr, orPtr, orBytes, scratchPtr, BITMAP_SCRATCH_BYTES)),
      reference: () => void bitmapOr(a, b),
    },
  ];
}

function fromBitsetCase(h: KernelHarness, words: Uint32Array, density: number): KernelBenchCase {
  const wordsPtr = h.copyIn(words);
  const capacity = h.exports.bitmapFromBitsetMaxBytes(words.length);
  const outPtr = h.allocator.allocate(capacity);
  const scratchPtr = h.allocator.allocate(BITMAP_SCRATCH_BYTES);
  return {
    kernel: `bitmap.fromBitset.d${density}`,
    rows: words.length * 32,
    run: () => void checkStatus('bitmapFromBitset', h.exports.bitmapFromBitset(
      wordsPtr, words.length, outPtr, capacity, scratchPtr, BITMAP_SCRATCH_BYTES)),
    reference: () => void bitmapFromBitset(words),
  };
}

export function suite(h: KernelHarness, rowCount: number): KernelBenchCase[] {
  const random = new SeededRandom(BENCH_SEED);
  const cases: KernelBenchCase[] = [];
  for (const density of DENSITIES) {
    const aWords = randomBitset(random, rowCount, density);
    const b = bitmapFromDocIds(docIdsOf(randomBitset(random, rowCount, density)));
    cases.push(...combineCases(h, `d${density}`, bitmapFromDocIds(docIdsOf(aWords)), b, rowCount));
    cases.push(fromBitsetCase(h, aWords, density));
  }
  const runsA = clusteredBitmap(rowCount, 0);
  const runsB = clusteredBitmap(rowCount, RUN_LENGTH / 2);
  cases.push(...combineCases(h, 'runs', runsA, runsB, rowCount));
  return cases;
}
