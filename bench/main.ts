// npm run bench [-- --quick] [--rows N] [--airline-rows N] [--big] [--json FILE]
//   [--threads N] [--seed N] [--out FILE] [--skip-kafka] [--skip-http] [--from-json FILE]
// Cuvée beside DuckDB on the same seeded data with the same thread count (issue 7): query
// latency for the five workloads, throughput through the library and over HTTP, ingestion from
// files and from Kafka, freshness, bytes per row and peak RSS. Writes bench/RESULTS.md (with a
// PNG chart) and, with --json, the same figures for tools.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { BenchContext, BenchResults, BenchSettings } from './context.js';
import { openCuvee } from './engines/cuvee.js';
import { DuckDbEngine } from './engines/duckdb.js';
import { measureFileIngest } from './sections/files.js';
import { measureKafka } from './sections/kafka.js';
import { measureLatency } from './sections/latency.js';
import { loadData } from './sections/load.js';
import { measureSizes } from './sections/sizes.js';
import { measureThroughput, profileUserFacing } from './sections/throughput.js';
import { writeReport } from './report/markdown.js';

/** Issue 7's data size. */
const DEFAULT_ROW_COUNT = 10_000_000;
/** --big: the 100M-row variant. */
const BIG_ROW_COUNT = 100_000_000;
/** --quick: 1M rows and short budgets, to finish within 3 minutes on an idle machine. */
const QUICK_ROW_COUNT = 1_000_000;
/** Issue 7's airline size: the 9,746 real flights resampled to 10M rows (--big included). */
const AIRLINE_ROW_COUNT = 10_000_000;
/** --quick: fewer airline rows (resampling costs more per row than profile views). */
const QUICK_AIRLINE_ROW_COUNT = 500_000;
/** One Cuvée segment per generated chunk: a million rows, as Pinot's segments often hold. */
const CHUNK_ROW_COUNT = 1_000_000;
/** The seed every generator derives from: one seed, one data set. */
const DEFAULT_SEED = 20_260_701;

interface Invocation {
  readonly settings: BenchSettings;
  readonly jsonPath?: string;
  readonly outPath: string;
  /** --from-json: write RESULTS.md from an earlier run's JSON instead of running. */
  readonly fromJsonPath?: string;
}

function settingsFromArgs(): Invocation {
  const { values } = parseArgs({ options: {
    quick: { type: 'boolean', default: false }, big: { type: 'boolean', default: false },
    rows: { type: 'string' }, 'airline-rows': { type: 'string' }, json: { type: 'string' }, threads: { type: 'string' },
    seed: { type: 'string' }, out: { type: 'string' },
    'skip-kafka': { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false }, 'from-json': { type: 'string' },
  } });
  const quick = values.quick;
  const rowCount = values.rows !== undefined ? Number(values.rows)
    : values.big ? BIG_ROW_COUNT : quick ? QUICK_ROW_COUNT : DEFAULT_ROW_COUNT;
  if (!Number.isInteger(rowCount) || rowCount < 1000) {
    throw new Error(`--rows ${values.rows} is not a row count of at least 1000`);
  }
  const settings: BenchSettings = {
    rowCount,
    airlineRowCount: values['airline-rows'] !== undefined ? Number(values['airline-rows'])
      : quick ? QUICK_AIRLINE_ROW_COUNT : Math.min(rowCount, AIRLINE_ROW_COUNT),
    chunkRowCount: Math.min(CHUNK_ROW_COUNT, rowCount),
    threadCount: values.threads !== undefined ? Number(values.threads) : availableParallelism(),
    seed: values.seed !== undefined ? Number(values.seed) : DEFAULT_SEED, quick,
    latencyTimeMs: quick ? 1_000 : 8_000, latencyMaxRuns: quick ? 200 : 2_000,
    throughputDurationMs: quick ? 1_500 : 8_000,
    fileRowCount: Math.min(rowCount, quick ? 200_000 : 1_000_000),
    kafkaRowCount: quick ? 50_000 : 500_000, freshnessSampleCount: quick ? 50 : 500,
    skipKafka: values['skip-kafka'], skipHttp: values['skip-http'],
  };
  return { settings, jsonPath: values.json, fromJsonPath: values['from-json'],
    outPath: values.out ?? new URL('../../bench/RESULTS.md', import.meta.url).pathname };
}

function machine(): Record<string, string | number> {
  const cpuList = cpus();
  return { cpuModel: cpuList[0]?.model ?? 'unknown', cores: cpuList.length,
    memoryBytes: totalmem(), node: process.version, platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg()[0]!.toFixed(1), date: new Date().toISOString() };
}

async function runSections(context: BenchContext): Promise<void> {
  const sections: [string, (context: BenchContext) => Promise<void>][] = [
    ['load', loadData], ['sizes', measureSizes], ['latency', measureLatency],
    ['throughput', measureThroughput], ['profile', profileUserFacing],
    ['file ingestion', measureFileIngest], ['kafka', measureKafka],
  ];
  for (const [name, section] of sections) {
    const started = performance.now();
    context.log(`${name}...`);
    await section(context);
    context.log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const { settings, jsonPath, outPath, fromJsonPath } = settingsFromArgs();
  if (fromJsonPath !== undefined) {
    writeReport(JSON.parse(readFileSync(fromJsonPath, 'utf8')) as BenchResults, outPath);
    console.log(`wrote ${outPath} from ${fromJsonPath}`);
    return;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'cuvee-bench-'));
  const results: BenchResults = { machine: machine(), settings, loads: [], queries: [],
    throughput: [], sizes: [], skipped: [] };
  const cuvee = await openCuvee(join(workDir, 'cuvee'), settings.threadCount);
  const duckdb = await DuckDbEngine.open(workDir, settings.threadCount);
  const context: BenchContext = { settings, cuvee, duckdb, workDir, vieweeCount: 1, results,
    log: (line) => console.log(line) };
  try {
    await runSections(context);
    results.wasmMemoryCount = cuvee.runtime.memories.length;
    results.wasmMemoryBytes = 0;
    results.wasmPeakAllocatedBytes = 0;
    for (const { memory, allocator } of cuvee.runtime.memories) {
      results.wasmMemoryBytes += memory.buffer.byteLength;
      results.wasmPeakAllocatedBytes += allocator.stats().peakAllocatedBytes;
    }
  } finally {
    await cuvee.close();
    duckdb.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  results.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  results.machine.loadAverageAtEnd = loadavg()[0]!.toFixed(1);
  results.machine.duckdb = (await import('@duckdb/node-api')).version();
  results.totalSeconds = (performance.now() - started) / 1000;
  if (jsonPath !== undefined) writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeReport(results, outPath);
  console.log(`wrote ${outPath}${jsonPath !== undefined ? ` and ${jsonPath}` : ''} in ` +
    `${results.totalSeconds.toFixed(0)} s`);
}

await main();
