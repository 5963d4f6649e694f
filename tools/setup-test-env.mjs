#!/usr/bin/env node
// Installs what the test suite needs beyond npm packages, so that `npm test` on a fresh machine
// brings everything itself: each module under tools/setup/ checks for one thing (the Kafka
// jars, Debian's chromium, a Python venv with pinotdb...) and installs it when missing. They run
// in name order; each is idempotent and fast when its thing is already there.
import { readdirSync } from 'node:fs';

const directory = new URL('./setup/', import.meta.url);
for (const name of readdirSync(directory).filter((file) => file.endsWith('.mjs')).sort()) {
  const started = Date.now();
  const module = await import(new URL(name, directory).href);
  await module.setup();
  console.log(`setup ${name}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
