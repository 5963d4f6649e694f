// Helpers for the HTTP server tests: a node on a temporary data directory at port 0, JSON
// requests, and a raw request whose body is held back (a query kept in flight).
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cuvee } from '../../host/cuvee.js';
import { LocalDeepStore } from '../../host/deepstore/localDeepStore.js';
import { startServer, type RunningServer, type ServerOptions } from '../../host/server/server.js';
import { AIRLINE_AVRO_PATH, airlineJson } from '../support/airline.js';

export const quiet = { onWarning: (): void => {}, runtime: { workerCount: 1 } };

export interface TestNode {
  readonly dataDir: string;
  readonly cuvee: Cuvee;
  readonly server: RunningServer;
  stop(): Promise<void>;
}

export async function startNode(
  dataDir?: string,
  options: Partial<ServerOptions> = {},
): Promise<TestNode> {
  const directory = dataDir ?? (await mkdtemp(join(tmpdir(), 'cuvee-server-')));
  // As `cuvee start` does: one deep store for uploads and real-time commits.
  const deepStore = new LocalDeepStore(join(directory, 'deepstore'));
  const cuvee = await Cuvee.open({ dataDir: directory, deepStore, ...quiet });
  const server = await startServer({ cuvee, port: 0, deepStore, ...options });
  return {
    dataDir: directory,
    cuvee,
    server,
    stop: async () => {
      await server.close();
      await cuvee.close();
    },
  };
}

export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

export async function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonReply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body instanceof FormData) init.body = body;
  else if (typeof body === 'string') init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** A multipart form with one file part, as curl -F and Pinot's clients send it. */
export async function fileForm(path: string, fileName: string, field = 'file'): Promise<FormData> {
  const form = new FormData();
  form.append(field, new Blob([await readFile(path)]), fileName);
  return form;
}

/** Creates the airline schema and offline table over HTTP and ingests the Avro file. */
export async function loadAirline(url: string): Promise<void> {
  const schema = await call(`${url}/schemas`, 'POST', airlineJson('schema'));
  if (schema.status !== 200) throw new Error(`schema: ${schema.text}`);
  const table = await call(`${url}/tables`, 'POST', airlineJson('offline_table_config'));
  if (table.status !== 200) throw new Error(`table: ${table.text}`);
  const batch = encodeURIComponent(JSON.stringify({ inputFormat: 'avro' }));
  const ingest = await call(
    `${url}/ingestFromFile?tableNameWithType=airlineStats_OFFLINE&batchConfigMapStr=${batch}`,
    'POST',
    await fileForm(AIRLINE_AVRO_PATH, 'airlineStats_data.avro'),
  );
  if (ingest.status !== 200) throw new Error(`ingest: ${ingest.text}`);
}

export async function query(
  url: string,
  sql: string,
  headers: Record<string, string> = {},
): Promise<JsonReply> {
  return call(`${url}/query/sql`, 'POST', { sql }, headers);
}

/** COUNT(*) of a table over HTTP. */
export async function countStar(url: string, table = 'airlineStats'): Promise<number> {
  const reply = await query(url, `SELECT COUNT(*) FROM ${table}`);
  const body = reply.body as { exceptions: unknown[]; resultTable: { rows: number[][] } };
  if (body.exceptions.length > 0) throw new Error(`count: ${reply.text}`);
  return body.resultTable.rows[0]![0]!;
}

export interface HeldRequest {
  readonly request: ClientRequest;
  /** Sends the rest of the body; resolves with the reply. */
  finish(): Promise<{ status: number; text: string }>;
}

/**
 * Starts a POST whose body is only half sent: the server has accepted it (it is in flight)
 * until `finish` sends the rest. Resolves once the server has seen the request's headers.
 */
export async function holdQuery(url: string, sql: string): Promise<HeldRequest> {
  const body = Buffer.from(JSON.stringify({ sql }));
  const half = Math.floor(body.length / 2);
  const request = httpRequest(`${url}/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  });
  const reply = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  request.write(body.subarray(0, half));
  request.flushHeaders();
  // Give the server a moment to accept the connection and start reading the body.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    request,
    finish: () => {
      request.end(body.subarray(half));
      return reply;
    },
  };
}

export const MAIN = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
/** A node starts in well under this; past it the test fails instead of hanging. */
const START_TIMEOUT_MS = 60_000;

export interface Started {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly url: string;
}

export async function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, 'start', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no URL: ${lines.join('\n')}`)),
      START_TIMEOUT_MS,
    );
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        const match = /^cuvee: serving on (\S+)$/.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${lines.join('\n')}`));
    });
  });
  return { child, lines, url };
}
