// Segments spread over the worker pool against the calling thread alone: a 10M-row table of
// five 2M-row segments, a dense group-by and a filter scan, p50 over repeated runs, with every
// segment on the caller, then on 1 and on 2 workers (and more with --workers N). The table is
// built once into a data directory and reused by later runs.
// Run: node dist/bench/parallel/parallel.bench.js [--rows 10000000] [--workers 1,2] [--runs 15]
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../host/config/types.js';
import { Cuvee } from '../../host/cuvee.js';

/** Rows per segment: five segments for 10M rows, so two workers get unequal but close shares. */
const ROWS_PER_SEGMENT = 2_000_000;
/** Rows built and handed to addRows at a time: one segment, so memory holds one chunk only. */
const CHUNK_ROWS = ROWS_PER_SEGMENT;
/** Timed runs per configuration after one warm-up; p50 of them is reported. */
const DEFAULT_RUNS = 15;
/** Cardinalities: a carrier-like key for the dense group-by, an airport-like filter column. */
const CARRIER_COUNT = 20;
const ORIGIN_COUNT = 300;
const HOURS_PER_DAY = 24;
/** Delay minutes spread over [-60, 240): a signed INT metric. */
const DELAY_RANGE = 300;
const DELAY_MIN = -60;
/** Flight distances in whole miles below this, plus a half so that the column is DOUBLE. */
const DISTANCE_MAX_MILES = 5000;
/** A multiplier of the linear congruential generator (Numerical Recipes): repeatable rows. */
const LCG_MULTIPLIER = 1664525;
const LCG_INCREMENT = 1013904223;
/** Written last: a data directory without it is a build that did not finish. */
const BUILT_MARKER = 'bench-table-complete';

const QUERIES = {
  'group-by': 'SELECT carrier, COUNT(*), SUM(delay), MAX(distance) FROM flights GROUP BY carrier',
  'filter-scan':
    "SELECT COUNT(*), SUM(distance) FROM flights WHERE hour BETWEEN 6 AND 11 AND origin <> 'O7'",
} as const;

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1]! : fallback;
}

function chunkRows(start: number, count: number): Row[] {
  let state = start >>> 0;
  const next = (modulo: number): number => {
    state = (Math.imul(state, LCG_MULTIPLIER) + LCG_INCREMENT) >>> 0;
    return state % modulo;
  };
  const rows: Row[] = new Array<Row>(count);
  for (let i = 0; i < count; i++) {
    rows[i] = {
      carrier: `C${next(CARRIER_COUNT)}`,
      origin: `O${next(ORIGIN_COUNT)}`,
      hour: next(HOURS_PER_DAY),
      delay: next(DELAY_RANGE) + DELAY_MIN,
      distance: next(DISTANCE_MAX_MILES) + 0.5,
    };
  }
  return rows;
}

async function buildTable(dataDir: string, rowCount: number): Promise<void> {
  const cuvee = await Cuvee.open({ dataDir, maxRowsPerSegment: ROWS_PER_SEGMENT });
  try {
    await cuvee.createSchema({
      schemaName: 'flights',
      dimensionFieldSpecs: [
        { name: 'carrier', dataType: 'STRING' },
        { name: 'origin', dataType: 'STRING' },
        { name: 'hour', dataType: 'INT' },
      ],
      metricFieldSpecs: [
        { name: 'delay', dataType: 'INT' },
        { name: 'distance', dataType: 'DOUBLE' },
      ],
    });
    await cuvee.createTable({
      tableName: 'flights',
      tableType: 'OFFLINE',
      segmentsConfig: {},
      tableIndexConfig: {},
    });
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rowCount - start);
      await cuvee.addRows(cuvee.table('flights'), chunkRows(start + 1, count));
      console.log(`built ${start + count} of ${rowCount} rows`);
    }
    await writeFile(join(dataDir, BUILT_MARKER), `${rowCount}\n`);
  } finally {
    await cuvee.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(dataDir: string, workerCount: number, onCaller: boolean, runs: number) {
  // localQueryDocsMax above the table's size keeps every segment on the calling thread.
  const localQueryDocsMax = onCaller ? Number.MAX_SAFE_INTEGER : 0;
  const cuvee = await Cuvee.open({ dataDir, runtime: { workerCount, localQueryDocsMax } });
  const p50s: Record<string, number> = {};
  try {
    for (const [name, sql] of Object.entries(QUERIES)) {
      const times: number[] = [];
      let answer = '';
      for (let run = 0; run <= runs; run++) {
        const startMs = performance.now();
        const response = await cuvee.query(sql);
        if (run > 0) times.push(performance.now() - startMs);
        if (response.exceptions.length > 0) throw new Error(JSON.stringify(response.exceptions));
        answer = `${response.numDocsScanned} docs`;
      }
      p50s[name] = median(times);
      console.log(`  ${name}: p50 ${p50s[name].toFixed(1)} ms (${answer})`);
    }
  } finally {
    await cuvee.close();
  }
  return p50s;
}

async function main(): Promise<void> {
  const rowCount = Number(argument('--rows', '10000000'));
  const runs = Number(argument('--runs', String(DEFAULT_RUNS)));
  const workerCounts = argument('--workers', '1,2').split(',').map(Number);
  const dataDir = join(tmpdir(), `cuvee-bench-parallel-${rowCount}`);
  if (!existsSync(join(dataDir, BUILT_MARKER))) {
    await rm(dataDir, { recursive: true, force: true });
    await buildTable(dataDir, rowCount);
  }
  console.log(`${rowCount} rows, segments of ${ROWS_PER_SEGMENT}`);
  console.log('calling thread only:');
  const caller = await measure(dataDir, 1, true, runs);
  for (const workerCount of workerCounts) {
    console.log(`pool of ${workerCount} worker(s):`);
    const pooled = await measure(dataDir, workerCount, false, runs);
    for (const name of Object.keys(QUERIES)) {
      const speedup = caller[name]! / pooled[name]!;
      console.log(`  ${name}: ${speedup.toFixed(2)}× the calling thread's speed`);
    }
  }
}

await main();
