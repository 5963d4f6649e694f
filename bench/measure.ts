// Timing helpers: latency percentiles over sequential runs, closed-loop throughput at a given
// concurrency, and a normalised form of an answer so two engines' rows can be compared.
import { performance } from 'node:perf_hooks';

export interface LatencyStats {
  readonly runCount: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

export function latencyStats(samplesMs: number[]): LatencyStats {
  const sorted = [...samplesMs].sort((left, right) => left - right);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return { runCount: sorted.length, p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99), meanMs: total / Math.max(1, sorted.length) };
}

export interface RunBudget {
  /** Untimed runs first: at least this many... */
  readonly warmupRuns: number;
  /** ...and for at least this long (V8 optimizes a sub-millisecond path after thousands). */
  readonly warmupTimeMs: number;
  /** Stop after this many timed runs... */
  readonly maxRuns: number;
  /** ...or once this much time has gone, whichever first (but at least minRuns). */
  readonly maxTimeMs: number;
  readonly minRuns: number;
}

/** Runs `run(i)` one at a time within the budget; returns each timed run's latency. */
export async function timeSequential(
  run: (runIndex: number) => Promise<void>,
  budget: RunBudget,
): Promise<number[]> {
  let warmupCount = 0;
  const warmupStarted = performance.now();
  while (warmupCount < budget.warmupRuns ||
    performance.now() - warmupStarted < budget.warmupTimeMs) await run(warmupCount++);
  const samplesMs: number[] = [];
  const started = performance.now();
  for (let index = 0; index < budget.maxRuns; index++) {
    const before = performance.now();
    await run(warmupCount + index);
    samplesMs.push(performance.now() - before);
    const spentMs = performance.now() - started;
    if (samplesMs.length >= budget.minRuns && spentMs > budget.maxTimeMs) break;
  }
  return samplesMs;
}

export interface ThroughputResult {
  readonly concurrency: number;
  readonly queriesPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errorCount: number;
}

/**
 * Closed loop: `concurrency` clients each issue their next query as soon as the last answers,
 * for `durationMs`. `run(client, i)` runs the i-th query of one client.
 */
export async function closedLoop(
  concurrency: number,
  durationMs: number,
  run: (client: number, runIndex: number) => Promise<void>,
): Promise<ThroughputResult> {
  const samplesMs: number[] = [];
  let errorCount = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async (clientIndex: number) => {
    for (let index = 0; performance.now() < deadline; index++) {
      const before = performance.now();
      try {
        await run(clientIndex, index);
        samplesMs.push(performance.now() - before);
      } catch {
        errorCount++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => client(index)));
  const elapsedMs = performance.now() - started;
  const stats = latencyStats(samplesMs);
  return { concurrency, queriesPerSec: (samplesMs.length * 1000) / elapsedMs,
    p50Ms: stats.p50Ms, p99Ms: stats.p99Ms, errorCount };
}

/** Significant digits kept when comparing floating results (sums in a different order). */
const COMPARE_DIGITS = 9;

function normalCell(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : Number(value.toPrecision(COMPARE_DIGITS))
      .toString();
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value;
  return JSON.stringify(value);
}

/** An answer as text: rows in order, numbers in one notation whatever their JS type. */
export function normalRows(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => row.map(normalCell).join('|')).join('\n');
}
