// Bit-packing kernels beside their TypeScript references on the same input: pack and unpack
// at byte-aligned and odd widths, and the random-access gather (unpackAt) that projections use.
import { checkStatus } from '../../host/runtime/status.js';
import {
  maxValueOf,
  pack,
  packedSizeBytes,
  unpack,
  unpackOne,
} from '../../kernels/reference/bitpack.js';
import type { KernelHarness } from '../../test/support/kernels.js';
import { SeededRandom } from '../../test/support/random.js';
import type { KernelBenchCase } from './harness.js';

/** Fixed seed: every run measures the same data. */
const BENCH_SEED = 0xb17;
/** Byte-aligned widths (copy/widen paths), SIMD-lane widths, and a scalar-path width (27). */
const WIDTHS = [8, 16, 32, 7, 11, 13, 27];
/** Widths of the gather cases: one SIMD-lane width, one byte-aligned. */
const GATHER_WIDTHS = [8, 13];

interface WidthData {
  bitWidth: number;
  valuesPtr: number;
  packedPtr: number;
  sizeBytes: number;
}

function prepareWidth(h: KernelHarness, random: SeededRandom, rowCount: number, bitWidth: number) {
  const maxValue = maxValueOf(bitWidth);
  const values = new Uint32Array(rowCount);
  for (let i = 0; i < rowCount; i++) values[i] = random.int(0, maxValue);
  const valuesPtr = h.copyIn(values);
  const sizeBytes = packedSizeBytes(rowCount, bitWidth);
  const packedPtr = h.allocator.allocate(sizeBytes);
  checkStatus('pack', h.exports.pack(valuesPtr, rowCount, bitWidth, packedPtr));
  return { bitWidth, valuesPtr, packedPtr, sizeBytes } satisfies WidthData;
}

function packCases(h: KernelHarness, data: WidthData, rowCount: number): KernelBenchCase[] {
  const { bitWidth, valuesPtr, sizeBytes } = data;
  const outPtr = h.allocator.allocate(sizeBytes);
  const referenceOut = new Uint8Array(sizeBytes);
  const decodedPtr = h.allocator.allocate(rowCount * 4);
  const referenceDecoded = new Uint32Array(rowCount);
  // Fresh views per call: the memory may have grown since the case was prepared.
  return [
    {
      kernel: `bitpack.pack.w${bitWidth}`,
      rows: rowCount,
      run: () => void checkStatus('pack', h.exports.pack(valuesPtr, rowCount, bitWidth, outPtr)),
      reference: () => pack(h.u32(valuesPtr, rowCount), bitWidth, referenceOut),
    },
    {
      kernel: `bitpack.unpack.w${bitWidth}`,
      rows: rowCount,
      run: () =>
        void checkStatus(
          'unpack',
          h.exports.unpack(data.packedPtr, bitWidth, 0, rowCount, decodedPtr),
        ),
      reference: () =>
        unpack(h.u8(data.packedPtr, sizeBytes), bitWidth, rowCount, referenceDecoded),
    },
  ];
}

function gatherCase(
  h: KernelHarness,
  data: WidthData,
  docIdsPtr: number,
  rowCount: number,
): KernelBenchCase {
  const { bitWidth, packedPtr, sizeBytes } = data;
  const outPtr = h.allocator.allocate(rowCount * 4);
  const referenceOut = new Uint32Array(rowCount);
  return {
    kernel: `bitpack.unpackAt.w${bitWidth}`,
    rows: rowCount,
    run: () =>
      void checkStatus(
        'unpackAt',
        h.exports.unpackAt(packedPtr, bitWidth, docIdsPtr, rowCount, outPtr),
      ),
    reference: () => {
      const packed = h.u8(packedPtr, sizeBytes);
      const docIds = h.u32(docIdsPtr, rowCount);
      for (let i = 0; i < rowCount; i++) referenceOut[i] = unpackOne(packed, bitWidth, docIds[i]!);
    },
  };
}

export function suite(h: KernelHarness, rowCount: number): KernelBenchCase[] {
  const random = new SeededRandom(BENCH_SEED);
  const docIds = new Uint32Array(rowCount);
  for (let i = 0; i < rowCount; i++) docIds[i] = random.int(0, Math.max(0, rowCount - 1));
  const docIdsPtr = h.copyIn(docIds);
  const cases: KernelBenchCase[] = [];
  for (const bitWidth of WIDTHS) {
    const data = prepareWidth(h, random, rowCount, bitWidth);
    cases.push(...packCases(h, data, rowCount));
    if (GATHER_WIDTHS.includes(bitWidth)) cases.push(gatherCase(h, data, docIdsPtr, rowCount));
  }
  return cases;
}
