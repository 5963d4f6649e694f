// Real Pinot clients and a real S3 endpoint for the tests: a Python venv holding the `pinotdb`
// DB-API client and `moto[server]` (an S3-compatible server). Pinned versions, so a test that
// passes today passes on a fresh machine tomorrow.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The venv lives in the repository's ignored cache, where the tests look for it. */
export const VENV_PATH = fileURLToPath(new URL('../../.cache/python-venv', import.meta.url));
/** The venv's interpreter: the tests run the pinotdb script and moto_server with it. */
export const VENV_PYTHON = join(VENV_PATH, 'bin', 'python');
/** Pinned packages: pinotdb is the client Pinot documents; moto 5 serves the S3 API. */
const REQUIREMENTS = ['pinotdb==9.2.2', 'moto[server]==5.2.5'];
/** Written after a complete install; it holds the requirements, so a pin change reinstalls. */
const MARKER_PATH = join(VENV_PATH, '.cuvee-requirements');

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with status ${result.status}`);
  }
}

/** apt-get as root directly, through sudo otherwise (a developer's machine). */
function aptGet(args) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) run('apt-get', args);
  else run('sudo', ['apt-get', ...args]);
}

/**
 * Creates the venv. Debian's python3 lacks `venv` until python3-venv is installed (and a bare
 * machine may lack python3): install them with apt-get and try once more.
 */
function createVenv(python) {
  try {
    run(python, ['-m', 'venv', VENV_PATH]);
    return;
  } catch (error) {
    if (process.platform !== 'linux' || process.env.PYTHON !== undefined) throw error;
    console.log(`setup python: ${error.message}; installing Debian's python3-venv`);
  }
  rmSync(VENV_PATH, { recursive: true, force: true });
  aptGet(['update']);
  aptGet(['install', '-y', '--no-install-recommends', 'python3', 'python3-venv']);
  run(python, ['-m', 'venv', VENV_PATH]);
}

function installedRequirements() {
  if (!existsSync(MARKER_PATH) || !existsSync(VENV_PYTHON)) return null;
  return readFileSync(MARKER_PATH, 'utf8');
}

export async function setup() {
  const wanted = REQUIREMENTS.join('\n');
  if (installedRequirements() === wanted) return;
  console.log(`setup python: creating ${VENV_PATH} with ${REQUIREMENTS.join(', ')}`);
  // A half-built venv (an interrupted earlier run) is rebuilt from nothing.
  rmSync(VENV_PATH, { recursive: true, force: true });
  createVenv(process.env.PYTHON ?? 'python3');
  run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', ...REQUIREMENTS]);
  writeFileSync(MARKER_PATH, wanted);
}
