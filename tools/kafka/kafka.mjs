#!/usr/bin/env node
// `node tools/kafka/kafka.mjs start|stop|status`: the test broker by hand (npm run kafka:start,
// kafka:stop). `start` returns once the broker answers on 127.0.0.1:19092 and leaves it running
// until `stop`; test runs in the meantime share it instead of starting their own.
import { MANUAL_LEASE, acquireBroker, brokerStatus, stopBroker } from './broker.mjs';

const command = process.argv[2];
const started = Date.now();
try {
  if (command === 'start') {
    const fresh = await acquireBroker(MANUAL_LEASE);
    const status = await brokerStatus();
    console.log(`kafka ${fresh ? 'started' : 'already running'} on ${status.address} ` +
      `(pid ${status.pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else if (command === 'stop') {
    await stopBroker();
    console.log('kafka stopped');
  } else if (command === 'status') {
    const status = await brokerStatus();
    console.log(JSON.stringify(status));
    process.exitCode = status.answers ? 0 : 1;
  } else {
    console.error('usage: node tools/kafka/kafka.mjs start|stop|status');
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
