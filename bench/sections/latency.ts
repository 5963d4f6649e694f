// Workloads 1-5: each query's latency in both engines, one query at a time, with the first
// run's answers compared row for row.
import type { BenchContext, QueryResult } from '../context.js';
import { cuveeRows } from '../engines/cuvee.js';
import { latencyStats, normalRows, timeSequential, type RunBudget } from '../measure.js';
import { benchQueries, vieweeIds, type BenchQuery } from '../workloads.js';

/** User-facing ids drawn per run: enough that no id repeats often within a run. */
const USER_FACING_ID_COUNT = 10_000;
/** Warm-up runs before timing: wasm tier-up, DuckDB's caches, V8's inline caches. */
const WARMUP_RUNS = 3;
/**
 * ...and warm-up time, for both engines alike: a 0.1 ms query needs ~1,500 runs before V8 has
 * optimized its path (measured on 10M profile views: p50 0.29 ms over runs 1-500, 0.15 ms over
 * runs 1,500-2,000, 0.07 ms over 90,000 runs after 500), which three runs never reach.
 */
const WARMUP_TIME_MS = 1_000;
/** --quick: a shorter warm-up, so the whole run stays within 3 minutes. */
const QUICK_WARMUP_TIME_MS = 200;
/** The fewest timed runs a p50 is reported from. */
const MIN_RUNS = 5;

export async function duckdbRows(context: BenchContext, sql: string): Promise<unknown[][]> {
  const reader = await context.duckdb.connection.runAndReadAll(sql);
  return reader.getRowsJS() as unknown[][];
}

async function answersAgree(context: BenchContext, query: BenchQuery): Promise<boolean> {
  const sql = query.sql(0);
  const cuvee = normalRows(await cuveeRows(context.cuvee, sql, query.cuveeQueryOptions));
  const duckdb = normalRows(await duckdbRows(context, sql));
  if (cuvee !== duckdb) {
    context.log(`  answers differ for ${query.name}:\n    cuvee:  ${cuvee.replaceAll('\n', ' ; ')}` +
      `\n    duckdb: ${duckdb.replaceAll('\n', ' ; ')}`);
  }
  return cuvee === duckdb;
}

async function measureQuery(context: BenchContext, query: BenchQuery): Promise<QueryResult> {
  const { settings } = context;
  const budget: RunBudget = { warmupRuns: WARMUP_RUNS,
    warmupTimeMs: settings.quick ? QUICK_WARMUP_TIME_MS : WARMUP_TIME_MS,
    maxRuns: settings.latencyMaxRuns,
    maxTimeMs: settings.latencyTimeMs, minRuns: MIN_RUNS };
  const base = { name: query.name, workload: query.workload, description: query.description,
    sql: query.sql(0), cuveeQueryOptions: query.cuveeQueryOptions };
  try {
    const agree = await answersAgree(context, query);
    const cuvee = latencyStats(await timeSequential(async (runIndex) => {
      await cuveeRows(context.cuvee, query.sql(runIndex), query.cuveeQueryOptions);
    }, budget));
    const duckdb = latencyStats(await timeSequential(async (runIndex) => {
      await context.duckdb.connection.run(query.sql(runIndex));
    }, budget));
    return { ...base, cuvee, duckdb, ratioP50: cuvee.p50Ms / duckdb.p50Ms, answersAgree: agree };
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  }
}

export async function measureLatency(context: BenchContext): Promise<void> {
  const ids = vieweeIds(context.vieweeCount, USER_FACING_ID_COUNT, context.settings.seed);
  for (const query of benchQueries(ids)) {
    const result = await measureQuery(context, query);
    context.results.queries.push(result);
    context.log(result.error !== undefined ? `  ${query.name}: failed: ${result.error}` :
      `  ${query.name}: cuvee p50 ${result.cuvee!.p50Ms.toFixed(2)} ms, duckdb p50 ` +
      `${result.duckdb!.p50Ms.toFixed(2)} ms, ratio ${result.ratioP50!.toFixed(2)}, ` +
      `answers ${result.answersAgree! ? 'agree' : 'DIFFER'}`);
  }
}
