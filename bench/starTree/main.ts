// node dist/bench/starTree/main.js [--rows N] [--segments S] [--runs R]
// The star-tree's build cost per row (segment writes with and without the tree, same data) and
// the speedup of covered queries over the scan of the same segments (`useStarTree=false`),
// measured in the same run. The target: >= 50x on a covered group-by at 10M rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kernelHarness } from '../../test/support/kernels.js';
import { generatedTable } from './generate.js';

/** The acceptance size. */
const DEFAULT_ROWS = 10_000_000;
/** Two segments: the engine combines per-segment answers as it would in production. */
const DEFAULT_SEGMENTS = 2;
/** Timed runs per query (after one warm-up); the median is reported. */
const DEFAULT_RUNS = 7;

/** Covered queries: a plain group-by, a filtered one, and a filtered aggregation. */
const QUERIES: Record<string, string> = {
  'group-by region': 'SELECT region, COUNT(*), SUM(units), AVG(price) FROM starGen GROUP BY region',
  'group-by store, filtered':
    "SELECT store, SUM(revenue), MAX(units) FROM starGen WHERE region IN ('region-1', 'region-4') " +
    'GROUP BY store ORDER BY store LIMIT 100',
  'aggregation, product filter':
    "SELECT COUNT(*), MIN(units), MAX(price) FROM starGen WHERE product = 'p0042'",
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeQuery(run: () => Promise<unknown>, runs: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string' }, segments: { type: 'string' }, runs: { type: 'string' } },
  });
  const rows = Number(values.rows ?? DEFAULT_ROWS);
  const segmentCount = Number(values.segments ?? DEFAULT_SEGMENTS);
  const runs = Number(values.runs ?? DEFAULT_RUNS);
  const docsPerSegment = Math.ceil(rows / segmentCount);
  const dir = mkdtempSync(join(tmpdir(), 'cuvee-star-bench-'));
  try {
    const plainHarness = kernelHarness();
    const plainContext = { kernels: plainHarness, allocator: plainHarness.allocator };
    const plain = await generatedTable(
      join(dir),
      docsPerSegment,
      segmentCount,
      plainContext,
      false,
    );
    for (const segment of plain.segments) segment.release();
    const harness = kernelHarness();
    const context = { kernels: harness, allocator: harness.allocator };
    const table = await generatedTable(dir, docsPerSegment, segmentCount, context, true);
    const totalDocs = docsPerSegment * segmentCount;
    const buildNsPerRow = ((table.writeMs - plain.writeMs) * 1e6) / totalDocs;
    console.log(`rows ${totalDocs} in ${segmentCount} segments`);
    console.log(
      `segment write without tree ${plain.writeMs.toFixed(0)} ms, with tree ` +
        `${table.writeMs.toFixed(0)} ms: star-tree build ${buildNsPerRow.toFixed(0)} ns/row`,
    );
    for (const [name, sql] of Object.entries(QUERIES)) {
      const treeMs = await timeQuery(() => table.engine.query(sql), runs);
      const scanMs = await timeQuery(
        () => table.engine.query(`SET useStarTree = false; ${sql}`),
        runs,
      );
      console.log(
        `${name}: star-tree ${treeMs.toFixed(2)} ms, scan ${scanMs.toFixed(2)} ms, ` +
          `speedup ${(scanMs / treeMs).toFixed(1)}x`,
      );
    }
    for (const segment of table.segments) segment.release();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
