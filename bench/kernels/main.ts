// npm run bench:kernels [-- --rows N] [--json FILE] [--filter SUBSTRING] [--time MS]
// Runs every kernel's bench cases with tinybench, the wasm kernel beside its TypeScript
// reference on the same input in the same run, and prints rows/s for both.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { kernelHarness } from '../../test/support/kernels.js';
import type { KernelBenchCase, KernelBenchResult, KernelBenchSuite } from './harness.js';
import { suite as aggregateSuite } from './aggregate.bench.js';
import { suite as bitmapSuite } from './bitmap.bench.js';
import { suite as bitpackSuite } from './bitpack.bench.js';
import { suite as dictionarySuite } from './dictionary.bench.js';
import { suite as scanSuite } from './scan.bench.js';
import { suite as starTreeSuite } from './starTree.bench.js';
import { suite as sketchSuite } from './sketch.bench.js';

/** The acceptance size: 10M rows per kernel. */
const DEFAULT_ROW_COUNT = 10_000_000;
/** Long enough for a stable median on a noisy shared machine, short enough for all kernels. */
const DEFAULT_TIME_MS = 400;
/** Warm-up calls before timing a kernel: enough for the wasm tier-up and caches. */
const KERNEL_WARMUP_ITERATIONS = 3;
/** At least this many timed kernel calls, for a median that means something. */
const KERNEL_ITERATIONS = 5;
/** References are slow; a few iterations are enough to rank them. */
const REFERENCE_TIME_MS = 200;

const SUITES: Record<string, KernelBenchSuite> = {
  bitpack: bitpackSuite,
  scan: scanSuite,
  dictionary: dictionarySuite,
  bitmap: bitmapSuite,
  aggregate: aggregateSuite,
  starTree: starTreeSuite,
  sketch: sketchSuite,
};

interface MeasureOptions {
  readonly timeMs: number;
  readonly warmupIterations: number;
  readonly iterations: number;
}

async function measure(run: () => void, options: MeasureOptions): Promise<number> {
  const bench = new Bench({
    time: options.timeMs,
    warmupTime: Math.min(100, options.timeMs),
    warmupIterations: options.warmupIterations,
    iterations: options.iterations,
  });
  bench.add('case', run);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result === undefined || !('latency' in result)) {
    throw new Error(`benchmark produced no result: ${JSON.stringify(result)}`);
  }
  return result.latency.p50 ?? result.latency.mean; // milliseconds per call
}

async function runCase(benchCase: KernelBenchCase, timeMs: number): Promise<KernelBenchResult> {
  const kernelMs = await measure(() => benchCase.run(), {
    timeMs,
    warmupIterations: KERNEL_WARMUP_ITERATIONS,
    iterations: KERNEL_ITERATIONS,
  });
  // A reference call over 10M rows takes seconds: one warm-up and one timed call rank it.
  const referenceMs = await measure(() => benchCase.reference(), {
    timeMs: Math.min(timeMs, REFERENCE_TIME_MS),
    warmupIterations: 1,
    iterations: 1,
  });
  return {
    kernel: benchCase.kernel,
    rowsPerSec: benchCase.rows / (kernelMs / 1000),
    referenceRowsPerSec: benchCase.rows / (referenceMs / 1000),
  };
}

function formatRate(rowsPerSec: number): string {
  return rowsPerSec.toExponential(2).padStart(10);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      json: { type: 'string' },
      filter: { type: 'string' },
      time: { type: 'string' },
    },
  });
  const rowCount = Number(values.rows ?? DEFAULT_ROW_COUNT);
  const timeMs = Number(values.time ?? DEFAULT_TIME_MS);
  console.log(`kernels on ${cpus()[0]?.model ?? 'unknown cpu'}, one core, ${rowCount} rows`);
  console.log(
    `${'kernel'.padEnd(48)} ${'wasm rows/s'.padStart(12)} ${'ref rows/s'.padStart(12)} ratio`,
  );
  const results: KernelBenchResult[] = [];
  for (const suite of Object.values(SUITES)) {
    const harness = kernelHarness();
    for (const benchCase of suite(harness, rowCount)) {
      if (values.filter !== undefined && !benchCase.kernel.includes(values.filter)) continue;
      const result = await runCase(benchCase, timeMs);
      results.push(result);
      const ratio = (result.rowsPerSec / result.referenceRowsPerSec).toFixed(1);
      console.log(
        `${result.kernel.padEnd(48)} ${formatRate(result.rowsPerSec)}   ` +
          `${formatRate(result.referenceRowsPerSec)}   ${ratio}x`,
      );
    }
  }
  if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

await main();
