// User-facing queries/s at concurrency 1, 8 and 64: through each engine's library (closed loop
// in this process), and over HTTP against Cuvée's server with autocannon (in a child process,
// so the load generator does not share the server's event loop).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { startServer } from '../../host/server/server.js';
import type { BenchContext } from '../context.js';
import { cuveeRows } from '../engines/cuvee.js';
import { closedLoop } from '../measure.js';
import { profileWhile } from '../profile.js';
import { userFacingSql, vieweeIds } from '../workloads.js';
import type { LoadgenRequest, LoadgenResult } from '../http/loadgen.js';

/** The concurrency levels issue 7 names. */
export const CONCURRENCY_LEVELS = [1, 8, 64] as const;
/** The HTTP profile is taken where throughput is highest: many connections keep it busy. */
const HTTP_PROFILE_CONNECTIONS = Math.max(...CONCURRENCY_LEVELS);
/** Ids per client, cycled: random lookups, not one hot id. */
const IDS_PER_CLIENT = 1_000;

function clientIds(context: BenchContext, client: number): number[] {
  return vieweeIds(context.vieweeCount, IDS_PER_CLIENT, context.settings.seed + 1 + client);
}

async function libraryThroughput(context: BenchContext): Promise<void> {
  const { settings } = context;
  const maxConcurrency = Math.max(...CONCURRENCY_LEVELS);
  const ids = Array.from({ length: maxConcurrency }, (_, client) => clientIds(context, client));
  const connections: DuckDBConnection[] = [];
  for (let index = 0; index < maxConcurrency; index++) {
    connections.push(await context.duckdb.connect());
  }
  try {
    for (const concurrency of CONCURRENCY_LEVELS) {
      const cuvee = await closedLoop(concurrency, settings.throughputDurationMs,
        async (client, runIndex) => {
          await cuveeRows(context.cuvee, userFacingSql(ids[client]![runIndex % IDS_PER_CLIENT]!));
        });
      context.results.throughput.push({ engine: 'cuvee-library', ...cuvee });
      const duckdb = await closedLoop(concurrency, settings.throughputDurationMs,
        async (client, runIndex) => {
          await connections[client]!.run(userFacingSql(ids[client]![runIndex % IDS_PER_CLIENT]!));
        });
      context.results.throughput.push({ engine: 'duckdb-library', ...duckdb });
      context.log(`  library, ${concurrency} clients: cuvee ${cuvee.queriesPerSec.toFixed(0)} ` +
        `q/s, duckdb ${duckdb.queriesPerSec.toFixed(0)} q/s`);
    }
  } finally {
    for (const connection of connections) connection.closeSync();
  }
}

function runLoadgen(request: LoadgenRequest): Promise<LoadgenResult> {
  const script = fileURLToPath(new URL('../http/loadgen.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(JSON.stringify(request));
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { output += text; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(output) as LoadgenResult);
      else reject(new Error(`loadgen exited with status ${code}: ${output}`));
    });
  });
}

async function httpThroughput(context: BenchContext): Promise<void> {
  const server = await startServer({ cuvee: context.cuvee, port: 0,
    deepStoreDir: `${context.workDir}/deepstore` });
  try {
    for (const concurrency of CONCURRENCY_LEVELS) {
      const sqls = clientIds(context, 0).map((id) => userFacingSql(id));
      const result = await runLoadgen({ url: `${server.brokerUrl}/query/sql`, connections:
        concurrency, durationSec: context.settings.throughputDurationMs / 1000, sqls });
      context.results.throughput.push({ engine: 'cuvee-http', concurrency,
        queriesPerSec: result.requestsPerSec, p50Ms: result.p50Ms, p99Ms: result.p99Ms,
        errorCount: result.errorCount });
      context.log(`  http, ${concurrency} connections: ${result.requestsPerSec.toFixed(0)} q/s, ` +
        `p99 ${result.p99Ms} ms, ${result.errorCount} errors`);
    }
    // One more run, profiled: the sampler's own cost stays out of the figures above.
    const sqls = clientIds(context, 0).map((id) => userFacingSql(id));
    context.results.httpProfile = await profileWhile(async () => {
      await runLoadgen({ url: `${server.brokerUrl}/query/sql`, connections: HTTP_PROFILE_CONNECTIONS,
        durationSec: context.settings.throughputDurationMs / 1000, sqls });
    });
  } finally {
    await server.close();
  }
}

export async function measureThroughput(context: BenchContext): Promise<void> {
  await libraryThroughput(context);
  if (context.settings.skipHttp) context.results.skipped.push('HTTP throughput: --skip-http');
  else await httpThroughput(context);
}

/** Main-thread CPU profile of the user-facing loop at concurrency 8 through the library. */
export async function profileUserFacing(context: BenchContext): Promise<void> {
  const concurrency = 8;
  const ids = Array.from({ length: concurrency }, (_, client) => clientIds(context, client));
  context.results.profile = await profileWhile(async () => {
    await closedLoop(concurrency, context.settings.throughputDurationMs, async (client, index) => {
      await cuveeRows(context.cuvee, userFacingSql(ids[client]![index % IDS_PER_CLIENT]!));
    });
  });
}
