#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner. Node 20's
// runner does not expand globs itself, so this finds the files and hands them over.
// The tests talk to a real Kafka broker: it is started before the files run (or shared with a
// run already using it, or with `npm run kafka:start`) and released after, whatever the outcome,
// Ctrl-C included. Tests find it in KAFKA_BROKERS. When KAFKA_BROKERS is already set, that broker
// is used and none is started.
// Usage: node tools/run-tests.mjs [substring filter...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { BROKER_ADDRESS, acquireBroker, releaseBroker } from './kafka/broker.mjs';

/** Exit status for a run ended by a signal, as shells report it (128 + signal number). */
const SIGNAL_EXIT_BASE = 128;
/** The signals that end a run early: Ctrl-C, a CI cancel, a closed terminal. */
const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

/** The running test child, once spawned: a stop signal is passed on to it. */
let testChild = null;

// Installed before the broker starts, so a Ctrl-C while it starts still ends in a release.
// Ctrl-C reaches the test child through the terminal's process group; a signal sent to this
// process alone (CI) is passed on. Either way this process waits for the child, then releases.
for (const signal of Object.keys(STOP_SIGNALS)) {
  process.on(signal, () => {
    process.exitCode = SIGNAL_EXIT_BASE + STOP_SIGNALS[signal];
    if (testChild !== null && testChild.exitCode === null) testChild.kill(signal);
  });
}

/** Runs the test files in one child; resolves its exit status (128 + n when killed by signal). */
function runTests(files, env) {
  // One file at a time: tests that start servers or brokers must not fight over ports and cores.
  testChild = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit', env,
  });
  return new Promise((resolve) => {
    testChild.on('exit', (code, signal) => {
      resolve(code ?? SIGNAL_EXIT_BASE + (STOP_SIGNALS[signal] ?? 0));
    });
  });
}

const filters = process.argv.slice(2);
const files = findTests('dist/test').filter(
  (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
);
if (files.length === 0) {
  console.error('no test files found under dist/test (did the build run?)');
  process.exit(1);
}
const externalBroker = process.env.KAFKA_BROKERS;
let status = 1;
try {
  if (externalBroker === undefined) {
    const started = Date.now();
    const fresh = await acquireBroker();
    console.log(`kafka ${fresh ? 'started' : 'shared'} on ${BROKER_ADDRESS} in ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const env = { ...process.env, KAFKA_BROKERS: externalBroker ?? BROKER_ADDRESS };
  // A stop asked for while the broker started: release it without running anything.
  if (process.exitCode === undefined) status = await runTests(files, env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  if (externalBroker === undefined) {
    try {
      await releaseBroker();
    } catch (error) {
      console.error(`kafka stop failed: ${error instanceof Error ? error.message : error}`);
    }
  }
}
process.exit(process.exitCode ?? status);
