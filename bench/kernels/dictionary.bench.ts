// Dictionary kernels beside their TypeScript references on the same input: build (radix sort
// for fixed width, merge sort for strings) and the batch lookup that ingestion uses.
import { checkStatus } from '../../host/runtime/status.js';
import {
  buildDictionary,
  dictionaryBuildMaxBytes,
  dictionaryBuildScratchBytes,
  dictionaryLookupBatch,
  encodeVariableWidth,
  type DictionaryType,
  type EncodedDictionary,
  type FixedValues,
} from '../../kernels/reference/dictionary.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0xd1c7;
/** A typical dimension (a few thousand distinct values) and a high-cardinality one. */
const CARDINALITIES = [1_000, 1_000_000];
/** Strings sort by comparison, ~10x slower per value: a tenth of the rows keeps runs short. */
const STRING_ROW_FRACTION = 10;
/** Epoch millis around 2026: LONG values with constant high bytes, as timestamps have. */
const EPOCH_MILLIS_BASE = 1_780_000_000_000n;

type BuildExport = 'dictBuildI32' | 'dictBuildI64' | 'dictBuildF64' | 'dictBuildBytes';

function randomFixed(random: SeededRandom, type: DictionaryType, n: number, cardinality: number) {
  const pick = (): number => random.int(0, cardinality - 1);
  if (type === 'INT') return Int32Array.from({ length: n }, () => pick() * 7919 - 1_000_000);
  if (type === 'LONG') {
    return BigInt64Array.from({ length: n }, () => EPOCH_MILLIS_BASE + BigInt(pick()) * 1000n);
  }
  return Float64Array.from({ length: n }, () => pick() * 0.25 - 100);
}

function randomStrings(random: SeededRandom, n: number, cardinality: number): Uint8Array[] {
  const encoder = new TextEncoder();
  const distinct = Array.from({ length: cardinality }, (_, i) =>
    encoder.encode(`customer-${(i * 2_654_435_761) % 1_000_003}-${i % 97}`));
  return Array.from({ length: n }, () => distinct[random.int(0, cardinality - 1)]!);
}

function inputBytes(values: FixedValues | Uint8Array[]): Uint8Array {
  if (Array.isArray(values)) return encodeVariableWidth(values);
  const view = values as FixedValues;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function buildCase(
  h: KernelHarness, type: DictionaryType, exported: BuildExport,
  values: FixedValues | Uint8Array[], cardinality: number,
): KernelBenchCase {
  const n = values.length;
  const input = inputBytes(values);
  const valuesPtr = h.copyIn(input);
  const capacity = dictionaryBuildMaxBytes(type, n, input.length);
  const dictPtr = h.allocator.allocate(capacity);
  const idsPtr = h.allocator.allocate(4 * n);
  const scratchBytes = dictionaryBuildScratchBytes(type, n);
  const scratchPtr = h.allocator.allocate(scratchBytes);
  const build = h.exports[exported].bind(h.exports);
  return {
    kernel: `dictionary.build.${type.toLowerCase()}.card${cardinality}`,
    rows: n,
    run: () => void checkStatus(exported,
      build(valuesPtr, n, dictPtr, capacity, idsPtr, scratchPtr, scratchBytes)),
    reference: () => void buildDictionary(type, values),
  };
}

function lookupCase(
  h: KernelHarness, type: DictionaryType, values: FixedValues | Uint8Array[], cardinality: number,
): KernelBenchCase {
  const dictionary: EncodedDictionary = buildDictionary(type, values);
  const dictPtr = h.copyIn(dictionary.bytes);
  const valuesPtr = h.copyIn(inputBytes(values));
  const idsPtr = h.allocator.allocate(4 * values.length);
  const lookup = type === 'INT'
    ? h.exports.dictLookupBatchI32.bind(h.exports)
    : h.exports.dictLookupBatchBytes.bind(h.exports);
  return {
    kernel: `dictionary.lookupBatch.${type.toLowerCase()}.card${cardinality}`,
    rows: values.length,
    run: () => void checkStatus('dictLookupBatch',
      lookup(dictPtr, dictionary.cardinality, valuesPtr, values.length, idsPtr)),
    reference: () => void dictionaryLookupBatch(dictionary, values),
  };
}

export function suite(h: KernelHarness, rowCount: number): KernelBenchCase[] {
  const random = new SeededRandom(BENCH_SEED);
  const cases: KernelBenchCase[] = [];
  const stringRows = Math.max(1, Math.floor(rowCount / STRING_ROW_FRACTION));
  for (const cardinality of CARDINALITIES) {
    const ints = randomFixed(random, 'INT', rowCount, cardinality);
    cases.push(buildCase(h, 'INT', 'dictBuildI32', ints, cardinality));
    cases.push(lookupCase(h, 'INT', ints, cardinality));
  }
  const [lowCardinality, highCardinality] = CARDINALITIES as [number, number];
  const longs = randomFixed(random, 'LONG', rowCount, lowCardinality);
  cases.push(buildCase(h, 'LONG', 'dictBuildI64', longs, lowCardinality));
  const doubles = randomFixed(random, 'DOUBLE', rowCount, highCardinality);
  cases.push(buildCase(h, 'DOUBLE', 'dictBuildF64', doubles, highCardinality));
  const strings = randomStrings(random, stringRows, Math.min(lowCardinality, stringRows));
  cases.push(buildCase(h, 'STRING', 'dictBuildBytes', strings, lowCardinality));
  cases.push(lookupCase(h, 'STRING', strings, lowCardinality));
  return cases;
}
