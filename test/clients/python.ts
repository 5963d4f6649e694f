// The Python venv that tools/setup/python.mjs builds (pinotdb, moto): where it is, and a
// clear failure when the setup step has not run.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** The venv's bin folder, found from the compiled file (dist/test/clients/python.js). */
const VENV_BIN = new URL('../../../.cache/python-venv/bin/', import.meta.url).pathname;

/** The path of a program in the venv (`python`, `moto_server`); throws when it is missing. */
export function venvProgram(name: string): string {
  const path = VENV_BIN + name;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`node tools/setup-test-env.mjs\` (npm pretest)`);
  }
  return path;
}

/** A TCP port free right now on 127.0.0.1, for servers that cannot listen on port 0. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
