// Measures what a worker round trip costs against running the same kernel program on the calling
// thread's own instance. The program is a single trivial kernel call, so the numbers are the
// runtime's overhead alone. The local-vs-pool threshold (DEFAULT_LOCAL_ROWS_MAX) derives from it.
// Run: node dist/bench/runtime/roundtrip.bench.js [--workers N]
import { Bench } from 'tinybench';
import { kernelProgram, type KernelProgram } from '../../host/runtime/operations.js';
import { KernelRuntime } from '../../host/runtime/runtime.js';

/** Long enough per task for a stable p99 over tens of thousands of round trips. */
const BENCH_TIME_MS = 2000;
/** Microseconds per millisecond (tinybench reports milliseconds). */
const US_PER_MS = 1000;
/** The slowest hot kernel's target (group-by, rows/s); the threshold must hold for it. */
const SLOWEST_KERNEL_ROWS_PER_SEC = 5e8;
/** Microseconds per second, for rows-per-round-trip. */
const US_PER_SEC = 1e6;

function workerCountArgument(): number | undefined {
  const index = process.argv.indexOf('--workers');
  return index >= 0 ? Number(process.argv[index + 1]) : undefined;
}

async function main(): Promise<void> {
  const workerCount = workerCountArgument();
  const runtime = await KernelRuntime.open(workerCount === undefined ? {} : { workerCount });
  const probe: KernelProgram = [{ kernel: 'heapBase', args: [] }];
  const batch = Array.from({ length: runtime.workerCount }, () => probe);
  const bench = new Bench({ time: BENCH_TIME_MS });
  bench
    .add('local, executeLocal (sync)', () => {
      runtime.executeLocal(kernelProgram, probe);
    })
    .add('local, run({ estimatedRows: 0 })', async () => {
      await runtime.run(probe, { estimatedRows: 0 });
    })
    .add('pool, run() one worker round trip', async () => {
      await runtime.run(probe);
    })
    .add(`pool, runAll() of ${batch.length} programs`, async () => {
      await runtime.runAll(batch);
    });
  try {
    await bench.run();
  } finally {
    await runtime.close();
  }
  report(bench, runtime.workerCount);
}

function report(bench: Bench, workerCount: number): void {
  console.log(`kernel runtime round trip (${workerCount} workers, node ${process.version})`);
  let roundTripUs: number | undefined;
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') {
      console.log(`${task.name}: ${result.state}`);
      continue;
    }
    const { mean, p50, p99 } = result.latency;
    const us = (ms: number): string => (ms * US_PER_MS).toFixed(2).padStart(8);
    console.log(`${task.name.padEnd(40)} mean ${us(mean)} µs  p50 ${us(p50)} µs  p99 ${us(p99)} µs`);
    if (task.name.startsWith('pool, run()')) roundTripUs = p50 * US_PER_MS;
  }
  if (roundTripUs !== undefined) {
    const rows = Math.round((roundTripUs * SLOWEST_KERNEL_ROWS_PER_SEC) / US_PER_SEC);
    console.log(`break-even at ${SLOWEST_KERNEL_ROWS_PER_SEC.toExponential()} rows/s: ~${rows} rows`);
  }
}

await main();
