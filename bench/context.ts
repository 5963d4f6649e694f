// What every benchmark section shares: the two engines on the same data, the run's settings,
// and the results gathered so far (written as JSON and RESULTS.md at the end).
import type { Cuvee } from '../host/cuvee.js';
import type { DuckDbEngine } from './engines/duckdb.js';
import type { LatencyStats, ThroughputResult } from './measure.js';
import type { CpuProfile, ProfileLine } from './profile.js';
import type { Workload } from './workloads.js';

export interface BenchSettings {
  readonly rowCount: number;
  readonly airlineRowCount: number;
  /** Rows per generated chunk, and so per Cuvée segment. */
  readonly chunkRowCount: number;
  readonly threadCount: number;
  readonly seed: number;
  readonly quick: boolean;
  /** Per query and engine: the time budget of the latency runs. */
  readonly latencyTimeMs: number;
  readonly latencyMaxRuns: number;
  readonly throughputDurationMs: number;
  readonly fileRowCount: number;
  readonly kafkaRowCount: number;
  readonly freshnessSampleCount: number;
  readonly skipKafka: boolean;
  readonly skipHttp: boolean;
}

export interface LoadResult {
  readonly table: string;
  readonly rowCount: number;
  readonly generateMs: number;
  readonly cuveeMs: number;
  readonly duckdbMs: number;
}

export interface QueryResult {
  readonly name: string;
  readonly workload: Workload;
  readonly description: string;
  readonly sql: string;
  /** Request-level query options Cuvée ran it with, if any. */
  readonly cuveeQueryOptions?: Readonly<Record<string, string>>;
  readonly cuvee?: LatencyStats;
  readonly duckdb?: LatencyStats;
  /** Cuvée p50 / DuckDB p50: below 1 Cuvée is faster. */
  readonly ratioP50?: number;
  /** Whether the first run's rows were the same in both engines. */
  readonly answersAgree?: boolean;
  readonly error?: string;
}

export interface ThroughputRow extends ThroughputResult {
  readonly engine: 'cuvee-library' | 'duckdb-library' | 'cuvee-http';
}

export interface SizeResult {
  readonly cuveeSegmentBytes: number;
  readonly duckdbFileBytes: number;
  readonly rowCount: number;
}

export interface FileIngestResult {
  readonly format: string;
  readonly rowCount: number;
  readonly fileBytes: number;
  readonly cuveeRowsPerSec: number;
  readonly duckdbRowsPerSec: number;
}

export interface KafkaResult {
  readonly rowCount: number;
  readonly partitionCount: number;
  readonly cuveeRowsPerSec: number;
  readonly kafkajsRowsPerSec: number;
  readonly cuveeFreshness: LatencyStats;
  readonly kafkajsFreshness: LatencyStats;
}

export interface BenchResults {
  machine: Record<string, string | number>;
  settings?: BenchSettings;
  loads: LoadResult[];
  queries: QueryResult[];
  throughput: ThroughputRow[];
  sizes: SizeResult[];
  fileIngest?: FileIngestResult;
  kafka?: KafkaResult;
  /** Sections that did not run, and why. */
  skipped: string[];
  /** Main-thread CPU profile of user-facing queries at concurrency 8 (older runs: top only). */
  profile?: CpuProfile | ProfileLine[];
  /** The server's main thread under autocannon at the highest concurrency. */
  httpProfile?: CpuProfile;
  peakRssBytes?: number;
  /** wasm32 memories Cuvée opened (another opens when segments fill one). */
  wasmMemoryCount?: number;
  /** Their sizes, summed. */
  wasmMemoryBytes?: number;
  /** The most bytes each memory had allocated at once (segments, scratch, arenas), summed. */
  wasmPeakAllocatedBytes?: number;
  totalSeconds?: number;
}

export interface BenchContext {
  readonly settings: BenchSettings;
  readonly cuvee: Cuvee;
  readonly duckdb: DuckDbEngine;
  readonly workDir: string;
  /** Viewees in the profile-view data: the user-facing ids are drawn from 1..this. */
  vieweeCount: number;
  readonly results: BenchResults;
  log(line: string): void;
}
