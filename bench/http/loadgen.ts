// A child process that drives autocannon at POST /query/sql with a rotating set of queries and
// prints one JSON line of results. Reads its LoadgenRequest as JSON on stdin.
import { createRequire } from 'node:module';

export interface LoadgenRequest {
  readonly url: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Bodies cycle through these queries, one per request. */
  readonly sqls: readonly string[];
}

export interface LoadgenResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors, timeouts and non-2xx answers. */
  readonly errorCount: number;
}

interface AutocannonRequest {
  method: string;
  path?: string;
  headers: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  '2xx': number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function main(): Promise<void> {
  let input = '';
  for await (const text of process.stdin.setEncoding('utf8')) input += text as string;
  const request = JSON.parse(input) as LoadgenRequest;
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let next = 0;
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.durationSec,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (current: AutocannonRequest) => ({ ...current,
        body: JSON.stringify({ sql: request.sqls[next++ % request.sqls.length] }) }),
    }],
  });
  const output: LoadgenResult = {
    requestsPerSec: result['2xx'] / result.duration,
    p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    errorCount: result.errors + result.timeouts + result.non2xx,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

await main();
