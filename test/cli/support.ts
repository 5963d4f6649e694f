// Running the real `cuvee` CLI (dist/host/cli/main.js) in a child process: one command to its
// end, or a long-running node (`cuvee start`, `cuvee quickstart`) read until it announces a URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = fileURLToPath(new URL('../../host/cli/main.js', import.meta.url));
/** How long a node may take to print its URL: startup loads wasm and, for quickstart, data. */
const ANNOUNCE_TIMEOUT_MS = 120_000;
/** How long a node may take to drain and exit after SIGTERM. */
const EXIT_TIMEOUT_MS = 30_000;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `cuvee ARGS` to its end. Env entries set to undefined are removed. */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const childEnv = { ...process.env, ...env };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env: childEnv });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

export interface RunningCli {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything printed so far on stdout. */
  output(): string;
  /** Sends SIGTERM and resolves to the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Spawns `cuvee ARGS` and resolves once stdout has a line matching `announce` (its first
 * group is the URL). Rejects with the output so far if the process exits or takes too long.
 */
export function spawnUntil(args: readonly string[], announce: RegExp): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env: process.env });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(
        new Error(`no ${String(announce)} within ${ANNOUNCE_TIMEOUT_MS} ms:\n${stdout}${stderr}`),
      );
    }, ANNOUNCE_TIMEOUT_MS);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = announce.exec(stdout);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ url: match[1]!, child, output: () => stdout, stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`cuvee exited with ${code} before announcing:\n${stdout}${stderr}`));
    });
  });
}

/** The line `cuvee start` prints once it serves. */
export const SERVING_LINE = /cuvee: serving on (http:\/\/\S+)/;

/** Starts `cuvee start --data-dir DIR --port 0`. */
export function startNode(dataDir: string): Promise<RunningCli> {
  return spawnUntil(['start', '--data-dir', dataDir, '--port', '0'], SERVING_LINE);
}

/** POSTs SQL to a broker and parses the JSON answer. */
export async function postSql(brokerUrl: string, sql: string): Promise<unknown> {
  const response = await fetch(`${brokerUrl}/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  return (await response.json()) as unknown;
}
