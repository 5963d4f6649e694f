// A single-node Apache Kafka 3.9 broker in KRaft mode (broker and controller in one JVM) for the
// integration tests and benchmarks. Fresh storage at each start; detached, so it outlives
// `npm run kafka:start`. Several test runs in one checkout share one broker through leases: the
// last run to release it stops it, and a broker whose lease holders all died is stale and is
// replaced.
import { randomBytes } from 'node:crypto';
import {
  closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import { KAFKA_CACHE_PATH, LIBS_PATH, ensureJars } from './jars.mjs';

/** Where clients connect; tests read it from KAFKA_BROKERS. */
export const BROKER_ADDRESS = '127.0.0.1:19092';
/** The KRaft controller listener (not for clients). */
const CONTROLLER_ADDRESS = '127.0.0.1:19093';
/** Storage, config and logs of the running broker: removed at stop. */
const RUN_PATH = join(KAFKA_CACHE_PATH, 'run');
/** The broker's own output, kept after a stop so a failure can be read. */
export const LOG_PATH = join(KAFKA_CACHE_PATH, 'broker.log');
/** The JVM's pid, present while a broker is meant to run. */
const PID_PATH = join(KAFKA_CACHE_PATH, 'broker.pid');
/** One file per holder: a test run's pid, or `manual` for `npm run kafka:start`. */
const LEASES_PATH = join(KAFKA_CACHE_PATH, 'leases');
/** A directory created atomically: only one process starts or stops the broker at a time. */
const LOCK_PATH = join(KAFKA_CACHE_PATH, 'lock');
/** The lease name `kafka:start` takes; only `kafka:stop` removes it. */
export const MANUAL_LEASE = 'manual';
/** A cold JVM formats and elects itself in ~10 s on 2 cores; 90 s allows a loaded CI box. */
const READY_TIMEOUT_MS = 90_000;
/** SIGTERM lets the broker close its logs cleanly; past this it gets SIGKILL. */
const STOP_TIMEOUT_MS = 20_000;
/** A start holds the lock for at most READY_TIMEOUT_MS plus the stop of a stale broker. */
const LOCK_TIMEOUT_MS = READY_TIMEOUT_MS + STOP_TIMEOUT_MS + 10_000;
/** Poll interval for readiness, process exit and the lock. */
const POLL_MS = 200;
/** Lines of the broker log quoted in a start failure. */
const LOG_TAIL_LINES = 40;

const SERVER_PROPERTIES = {
  'process.roles': 'broker,controller',
  'node.id': '1',
  'controller.quorum.voters': `1@${CONTROLLER_ADDRESS}`,
  listeners: `PLAINTEXT://${BROKER_ADDRESS},CONTROLLER://${CONTROLLER_ADDRESS}`,
  'advertised.listeners': `PLAINTEXT://${BROKER_ADDRESS}`,
  'controller.listener.names': 'CONTROLLER',
  'inter.broker.listener.name': 'PLAINTEXT',
  'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
  'log.dirs': join(RUN_PATH, 'data'),
  // Tests create the topics they use, with the partition count they mean.
  'auto.create.topics.enable': 'false',
  'num.partitions': '4',
  // One node: every internal topic has one replica; few partitions keep the first group fast.
  'offsets.topic.replication.factor': '1',
  'offsets.topic.num.partitions': '4',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'transaction.state.log.num.partitions': '4',
  'group.initial.rebalance.delay.ms': '0',
  // Two cores on the test machines: more threads only contend.
  'num.network.threads': '2',
  'num.io.threads': '2',
};

const LOG4J_PROPERTIES = {
  'log4j.rootLogger': 'WARN, stdout',
  'log4j.appender.stdout': 'org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout': 'org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern': '[%d] %p %m (%c)%n',
  // The lines that say the broker came up and which topics it created.
  'log4j.logger.kafka.server.KafkaRaftServer': 'INFO',
  'log4j.logger.kafka.server.BrokerServer': 'INFO',
  'log4j.logger.kafka.controller': 'INFO',
};

function propertiesText(properties) {
  return Object.entries(properties).map(([key, value]) => `${key}=${value}\n`).join('');
}

function readPid() {
  if (!existsSync(PID_PATH)) return null;
  const pid = Number.parseInt(readFileSync(PID_PATH, 'utf8'), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** The pid still runs and (where /proc tells) is a Kafka JVM, not a reused pid. */
function brokerAlive(pid) {
  if (!processAlive(pid)) return false;
  const cmdlinePath = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdlinePath)) return true;
  return readFileSync(cmdlinePath, 'utf8').includes('kafka.Kafka');
}

function logTail() {
  if (!existsSync(LOG_PATH)) return '(no broker log)';
  return readFileSync(LOG_PATH, 'utf8').split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

function javaClasspath() {
  return join(LIBS_PATH, '*');
}

function formatStorage(configPath) {
  const clusterId = randomBytes(16).toString('base64url');
  // A short-lived tool: the C1 compiler alone and the serial collector start it ~25% sooner.
  const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', javaClasspath(),
    'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', configPath];
  const result = spawnSync('java', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run java (${result.error.message}): install Java 17`);
  if (result.status !== 0) {
    throw new Error(`kafka storage format failed (status ${result.status}):\n` +
      `${result.stdout}${result.stderr}`);
  }
}

function writeRunFiles() {
  rmSync(RUN_PATH, { recursive: true, force: true });
  mkdirSync(RUN_PATH, { recursive: true });
  const configPath = join(RUN_PATH, 'server.properties');
  const log4jPath = join(RUN_PATH, 'log4j.properties');
  writeFileSync(configPath, propertiesText(SERVER_PROPERTIES));
  writeFileSync(log4jPath, propertiesText(LOG4J_PROPERTIES));
  return { configPath, log4jPath };
}

function launchJvm(configPath, log4jPath) {
  const logFd = openSync(LOG_PATH, 'w');
  const args = ['-Xmx512m', '-Xms512m', '-XX:+ExitOnOutOfMemoryError', '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jPath}`, `-Dkafka.logs.dir=${RUN_PATH}`,
    '-cp', javaClasspath(), 'kafka.Kafka', configPath];
  // Detached in its own process group: a Ctrl-C meant for the tests does not reach it.
  const child = spawn('java', args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.unref();
  return child.pid;
}

async function brokerAnswers() {
  const kafka = new kafkajs.Kafka({
    clientId: 'cuvee-broker-check', brokers: [BROKER_ADDRESS], logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 0 }, connectionTimeout: 1_000, requestTimeout: 2_000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function waitReady(pid) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!brokerAlive(pid)) {
      throw new Error(`the Kafka broker exited while starting; log tail (${LOG_PATH}):\n` +
        logTail());
    }
    if (await brokerAnswers()) return;
    await sleep(POLL_MS);
  }
  throw new Error(`the Kafka broker did not answer on ${BROKER_ADDRESS} within ` +
    `${READY_TIMEOUT_MS} ms; log tail (${LOG_PATH}):\n${logTail()}`);
}

async function stopProcess(pid) {
  if (!brokerAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!processAlive(pid)) return;
    await sleep(POLL_MS);
  }
  process.kill(pid, 'SIGKILL');
  while (processAlive(pid)) await sleep(POLL_MS);
}

async function stopUnlocked() {
  const pid = readPid();
  if (pid !== null) await stopProcess(pid);
  rmSync(PID_PATH, { force: true });
  rmSync(RUN_PATH, { recursive: true, force: true });
  rmSync(LEASES_PATH, { recursive: true, force: true });
}

async function startUnlocked() {
  await stopUnlocked();
  ensureJars();
  const { configPath, log4jPath } = writeRunFiles();
  formatStorage(configPath);
  const pid = launchJvm(configPath, log4jPath);
  writeFileSync(PID_PATH, `${pid}\n`);
  try {
    await waitReady(pid);
  } catch (error) {
    await stopUnlocked();
    throw error;
  }
}

/** Runs `action` holding the lock; a lock whose holder died is taken over. */
async function withLock(action) {
  mkdirSync(KAFKA_CACHE_PATH, { recursive: true });
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_PATH);
      writeFileSync(join(LOCK_PATH, 'owner'), `${process.pid}\n`);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const ownerPath = join(LOCK_PATH, 'owner');
      const owner = existsSync(ownerPath) ? Number.parseInt(readFileSync(ownerPath, 'utf8'), 10)
        : NaN;
      if (Number.isInteger(owner) && !processAlive(owner)) {
        rmSync(LOCK_PATH, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${LOCK_PATH} is held by pid ${owner}; remove it if that is not a Kafka ` +
          'start or stop');
      }
      await sleep(POLL_MS);
    }
  }
  try {
    return await action();
  } finally {
    rmSync(LOCK_PATH, { recursive: true, force: true });
  }
}

/** Leases whose holder still runs; dead holders' files are removed. */
function liveLeases() {
  if (!existsSync(LEASES_PATH)) return [];
  const live = [];
  for (const name of readdirSync(LEASES_PATH)) {
    const pid = Number.parseInt(name, 10);
    if (name === MANUAL_LEASE || (Number.isInteger(pid) && processAlive(pid))) live.push(name);
    else rmSync(join(LEASES_PATH, name), { force: true });
  }
  return live;
}

function addLease(name) {
  mkdirSync(LEASES_PATH, { recursive: true });
  writeFileSync(join(LEASES_PATH, name), `${new Date().toISOString()}\n`);
}

/**
 * Makes sure a broker runs and records `leaseName` as one of its users. A broker that runs for
 * live holders is shared; one left by dead holders is stale and is replaced with a fresh one.
 * Returns true when this call started the broker.
 */
export async function acquireBroker(leaseName = String(process.pid)) {
  return withLock(async () => {
    const pid = readPid();
    const shared = pid !== null && brokerAlive(pid) && liveLeases().length > 0 &&
      (await brokerAnswers());
    if (!shared) await startUnlocked();
    addLease(leaseName);
    return !shared;
  });
}

/** Drops `leaseName`; the broker stops when no live holder is left. Returns true if it stopped. */
export async function releaseBroker(leaseName = String(process.pid)) {
  return withLock(async () => {
    rmSync(join(LEASES_PATH, leaseName), { force: true });
    if (liveLeases().length > 0) return false;
    await stopUnlocked();
    return true;
  });
}

/** Stops the broker whoever holds it (`npm run kafka:stop`). */
export async function stopBroker() {
  await withLock(stopUnlocked);
}

/** What runs now: the broker pid (null when none), whether it answers, and its holders. */
export async function brokerStatus() {
  const pid = readPid();
  const alive = pid !== null && brokerAlive(pid);
  return { pid: alive ? pid : null, answers: alive && (await brokerAnswers()),
    leases: liveLeases(), address: BROKER_ADDRESS };
}
