// The console test drives a real browser: Debian's `chromium` package, launched by
// playwright-core (which brings no browser of its own). Installs it when missing.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Where Debian's package puts the browser; the console test launches exactly this file. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

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

export async function setup() {
  if (existsSync(CHROMIUM_PATH)) return;
  console.log(`setup chromium: ${CHROMIUM_PATH} is missing; installing Debian's chromium`);
  aptGet(['update']);
  aptGet(['install', '-y', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  }
}
