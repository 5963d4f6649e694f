// Sketch kernels beside their TypeScript references on the same input: hashing a LONG column,
// and the DISTINCTCOUNTHLL inner loop (registers updated from dictionary ids through one hash
// per dictionary entry) at Pinot's default log2m.
import { SKETCH_HASH_BYTES } from '../../host/runtime/exports/sketch.js';
import { checkStatus } from '../../host/runtime/status.js';
import * as reference from '../../kernels/reference/sketch.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0x5e7c;
/** Pinot's default DISTINCTCOUNTHLL log2m. */
const LOG2M = 8;
/** A dictionary of 100K distinct values: a high-cardinality dimension. */
const DICTIONARY_SIZE = 100_000;

export function suite(harness: KernelHarness, rowCount: number): KernelBenchCase[] {
  const random = new SeededRandom(BENCH_SEED);
  const longs = BigInt64Array.from({ length: rowCount }, () => BigInt(random.int(-1e9, 1e9)));
  const longsPtr = harness.copyIn(longs);
  const hashesOutPtr = harness.allocator.allocate(rowCount * SKETCH_HASH_BYTES);
  const dictionary = BigInt64Array.from({ length: DICTIONARY_SIZE }, (_, i) => BigInt(i) * 7919n);
  const dictionaryHashes = reference.hllHashI64(dictionary);
  const dictionaryHashesPtr = harness.copyIn(dictionaryHashes);
  const ids = Uint32Array.from({ length: rowCount }, () => random.int(0, DICTIONARY_SIZE - 1));
  const idsPtr = harness.copyIn(ids);
  const registerCount = 1 << LOG2M;
  const registersPtr = harness.allocator.allocate(registerCount);
  const registers = new Uint8Array(registerCount);
  return [
    {
      kernel: 'sketch.hllHashI64',
      rows: rowCount,
      run: () =>
        checkStatus('hllHashI64', harness.exports.hllHashI64(longsPtr, rowCount, hashesOutPtr)),
      reference: () => reference.hllHashI64(longs),
    },
    {
      kernel: `sketch.hllUpdateIds.log2m${LOG2M}`,
      rows: rowCount,
      run: () =>
        checkStatus(
          'hllUpdateIds',
          harness.exports.hllUpdateIds(idsPtr, rowCount, dictionaryHashesPtr, registersPtr, LOG2M),
        ),
      reference: () => reference.hllUpdateIds(ids, dictionaryHashes, registers, LOG2M),
    },
  ];
}
