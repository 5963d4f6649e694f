// Sketch kernels beside their TypeScript references on the same input: hashing a LONG column,
// the DISTINCTCOUNTHLL inner loop (registers updated from dictionary ids through one hash
// per dictionary entry) at Pinot's default log2m, the id histogram of the other sketches
// (SV and MV), the dictionary's weighted values, and the t-digest compress of a sorted
// histogram at Pinot's default compression.
import { AggValueType } from '../../host/runtime/exports/aggregate.js';
import { SKETCH_HASH_BYTES } from '../../host/runtime/exports/sketch.js';
import { pack, packedSizeBytes } from '../../kernels/reference/bitpack.js';
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
/** Bits of one id of that dictionary in a forward index. */
const ID_BITS = 17;
/** Pinot's default PERCENTILETDIGEST compression. */
const COMPRESSION = 100;
/** Groups of the group-by cases: a low-cardinality key such as a country or a carrier. */
const GROUP_COUNT = 64;
/** Values per group histogram in the grouped histogram case: 64 × 1000 u32 stay in cache. */
const GROUPED_VALUE_CARDINALITY = 1000;
/** Elements per MV doc in the MV histogram case. */
const MV_ELEMENTS_PER_DOC = 2;

export function suite(harness: KernelHarness, rowCount: number): KernelBenchCase[] {
  const random = new SeededRandom(BENCH_SEED);
  const longs = BigInt64Array.from({ length: rowCount }, () => BigInt(random.int(-1e9, 1e9)));
  const longsPtr = harness.copyIn(longs);
  const hashesOutPtr = harness.allocator.allocate(rowCount * SKETCH_HASH_BYTES);
  const dictionary = BigInt64Array.from({ length: DICTIONARY_SIZE }, (_, i) => BigInt(i) * 7919n);
  const dictionaryHashes = reference.hllHashI64(dictionary);
  const dictionaryHashesPtr = harness.copyIn(dictionaryHashes);
  const dictionaryPtr = harness.copyIn(dictionary);
  const ids = Uint32Array.from({ length: rowCount }, () => random.int(0, DICTIONARY_SIZE - 1));
  const idsPtr = harness.copyIn(ids);
  const registerCount = 1 << LOG2M;
  const registersPtr = harness.allocator.allocate(registerCount);
  const registers = new Uint8Array(registerCount);
  const countsPtr = harness.allocator.allocate(DICTIONARY_SIZE * 4);
  const counts = new Uint32Array(DICTIONARY_SIZE);
  const mv = mvColumn(harness, ids);
  const allIds = Uint32Array.from({ length: DICTIONARY_SIZE }, (_, id) => id);
  const allIdsPtr = harness.copyIn(allIds);
  const doublesPtr = harness.allocator.allocate(DICTIONARY_SIZE * 8);
  const weightsPtr = harness.allocator.allocate(DICTIONARY_SIZE * 8);
  const sortedDoubles = Float64Array.from({ length: DICTIONARY_SIZE }, (_, i) => i * 0.37);
  const histogramWeights = Float64Array.from({ length: DICTIONARY_SIZE }, () => random.int(1, 9));
  const keys = Uint32Array.from({ length: rowCount }, () => random.int(0, GROUP_COUNT - 1));
  const keysPtr = harness.copyIn(keys);
  const groupedIds = ids.map((id) => id % GROUPED_VALUE_CARDINALITY);
  const groupedIdsPtr = harness.copyIn(groupedIds);
  const pairCounts = new Uint32Array(GROUP_COUNT * GROUPED_VALUE_CARDINALITY);
  const pairCountsPtr = harness.allocator.allocate(pairCounts.byteLength);
  const groupedRegisters = new Uint8Array(GROUP_COUNT * registerCount);
  const groupedRegistersPtr = harness.allocator.allocate(groupedRegisters.length);
  const meansPtr = harness.allocator.allocate(DICTIONARY_SIZE * 8);
  const centroidWeightsPtr = harness.allocator.allocate(DICTIONARY_SIZE * 8);
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
    {
      kernel: 'sketch.sketchCountIds',
      rows: rowCount,
      run: () =>
        checkStatus('sketchCountIds', harness.exports.sketchCountIds(idsPtr, rowCount, countsPtr)),
      reference: () => reference.sketchCountIds(ids, counts),
    },
    {
      kernel: `sketch.sketchCountMvIds.w${ID_BITS}`,
      rows: mv.docCount,
      run: () =>
        checkStatus(
          'sketchCountMvIds',
          harness.exports.sketchCountMvIds(
            mv.offsetsPtr,
            mv.packedPtr,
            ID_BITS,
            0,
            0,
            mv.docCount,
            countsPtr,
          ),
        ),
      reference: () => reference.sketchCountMvIds(mv.lists, mv.docs, counts),
    },
    {
      kernel: 'sketch.sketchWeightedValues.i64',
      rows: DICTIONARY_SIZE,
      run: () =>
        checkStatus(
          'sketchWeightedValues',
          harness.exports.sketchWeightedValues(
            AggValueType.I64,
            dictionaryPtr,
            countsPtr,
            allIdsPtr,
            DICTIONARY_SIZE,
            doublesPtr,
            weightsPtr,
          ),
        ),
      reference: () => reference.sketchWeightedValues(dictionary, counts, allIds),
    },
    {
      kernel: `sketch.sketchCountPairs.g${GROUP_COUNT}`,
      rows: rowCount,
      run: () =>
        checkStatus(
          'sketchCountPairs',
          harness.exports.sketchCountPairs(
            keysPtr,
            groupedIdsPtr,
            rowCount,
            GROUPED_VALUE_CARDINALITY,
            pairCountsPtr,
          ),
        ),
      reference: () =>
        reference.sketchCountPairs(keys, groupedIds, GROUPED_VALUE_CARDINALITY, pairCounts),
    },
    {
      kernel: `sketch.hllUpdateGroupedIds.g${GROUP_COUNT}.log2m${LOG2M}`,
      rows: rowCount,
      run: () =>
        checkStatus(
          'hllUpdateGroupedIds',
          harness.exports.hllUpdateGroupedIds(
            keysPtr,
            idsPtr,
            rowCount,
            dictionaryHashesPtr,
            groupedRegistersPtr,
            LOG2M,
          ),
        ),
      reference: () =>
        reference.hllUpdateGroupedIds(keys, ids, dictionaryHashes, groupedRegisters, LOG2M),
    },
    {
      kernel: `sketch.tdigestCompressSorted.c${COMPRESSION}`,
      rows: DICTIONARY_SIZE,
      run: () => {
        // The kernel compresses in place: start each call from the histogram again.
        harness.f64(meansPtr, DICTIONARY_SIZE).set(sortedDoubles);
        harness.f64(centroidWeightsPtr, DICTIONARY_SIZE).set(histogramWeights);
        checkStatus(
          'tdigestCompressSorted',
          harness.exports.tdigestCompressSorted(
            meansPtr,
            centroidWeightsPtr,
            DICTIONARY_SIZE,
            COMPRESSION,
            meansPtr,
            centroidWeightsPtr,
          ),
        );
      },
      reference: () =>
        reference.tdigestCompressSorted(sortedDoubles, histogramWeights, COMPRESSION),
    },
  ];
}

/** An MV column of MV_ELEMENTS_PER_DOC ids per doc taken from `ids`, packed as segments hold it. */
function mvColumn(
  harness: KernelHarness,
  ids: Uint32Array,
): {
  docCount: number;
  offsetsPtr: number;
  packedPtr: number;
  lists: Uint32Array[];
  docs: number[];
} {
  const docCount = Math.floor(ids.length / MV_ELEMENTS_PER_DOC);
  const offsets = Uint32Array.from({ length: docCount + 1 }, (_, d) => d * MV_ELEMENTS_PER_DOC);
  const flat = ids.subarray(0, docCount * MV_ELEMENTS_PER_DOC);
  const packed = new Uint8Array(packedSizeBytes(flat.length, ID_BITS));
  pack(flat, ID_BITS, packed);
  const lists = Array.from({ length: docCount }, (_, d) =>
    flat.subarray(d * MV_ELEMENTS_PER_DOC, (d + 1) * MV_ELEMENTS_PER_DOC),
  );
  const docs = Array.from({ length: docCount }, (_, d) => d);
  return {
    docCount,
    offsetsPtr: harness.copyIn(offsets),
    packedPtr: harness.copyIn(packed),
    lists,
    docs,
  };
}
