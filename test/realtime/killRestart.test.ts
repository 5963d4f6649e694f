// kill -9 of a consuming node at several points (while it consumes, while it commits, right
// after it starts), then a restart: COUNT(*) equals the records produced, none twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTopic, deleteTopic, produceValues } from './kafkaSupport.js';
import { event } from './support.js';

const PARTITIONS = 2;
/** Small segments: commits happen often, so kills land in them too. */
const FLUSH_ROWS = 150;
/** Records produced before each kill round. */
const RECORDS_PER_ROUND = 1_500;
/**
 * Kill points: the share of the round's records visible when the child is killed (0: as soon
 * as it reports, before the stream is even joined), each followed by a short extra delay so
 * that kills land inside fetches and commits alike.
 */
const KILL_POINTS = [
  { visibleShare: 0, extraDelayMs: 0 },
  { visibleShare: 0.1, extraDelayMs: 0 },
  { visibleShare: 0.35, extraDelayMs: 3 },
  { visibleShare: 0.6, extraDelayMs: 7 },
  { visibleShare: 0.9, extraDelayMs: 1 },
];
/** Longest wait for a kill point to be reached. */
const KILL_POINT_TIMEOUT_MS = 30_000;
const FINAL_TIMEOUT_MS = 60_000;
const CHILD = fileURLToPath(new URL('consumerProcess.js', import.meta.url));

interface Report {
  readonly count: number;
  readonly distinct: number;
}

function startChild(dataDir: string, topic: string): { child: ChildProcess; reports: Report[];
  firstReport: Promise<void> } {
  const child = spawn(process.execPath, [CHILD, dataDir, topic, String(FLUSH_ROWS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const reports: Report[] = [];
  let onFirst: () => void = () => undefined;
  const firstReport = new Promise<void>((resolve) => (onFirst = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    reports.push(JSON.parse(line) as Report);
    onFirst();
  });
  return { child, reports, firstReport };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('kill -9 while consuming from Kafka, then restart', () => {
  let dataDir: string;
  let topic: string;
  let running: ChildProcess | undefined;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-kill-'));
    topic = await createTopic('kill', PARTITIONS);
  });

  after(async () => {
    if (running !== undefined) await kill(running);
    await rm(dataDir, { recursive: true, force: true });
    if (topic !== undefined) await deleteTopic(topic);
  });

  test('COUNT(*) equals the records produced after every kill point', async (context) => {
    let produced = 0;
    for (const { visibleShare, extraDelayMs } of KILL_POINTS) {
      const values: string[] = [];
      for (let i = produced; i < produced + RECORDS_PER_ROUND; i++) values.push(event(i));
      await produceValues(topic, values, PARTITIONS);
      produced += RECORDS_PER_ROUND;
      const { child, reports, firstReport } = startChild(dataDir, topic);
      running = child;
      await firstReport;
      const target = produced - RECORDS_PER_ROUND * (1 - visibleShare);
      const deadline = Date.now() + KILL_POINT_TIMEOUT_MS;
      while ((reports[reports.length - 1]?.count ?? 0) < target) {
        assert.ok(Date.now() < deadline, `no progress to ${target} rows`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await new Promise((resolve) => setTimeout(resolve, extraDelayMs));
      await kill(child);
      running = undefined;
      const seen = reports[reports.length - 1]?.count ?? 0;
      context.diagnostic(`killed at ${seen} of ${produced} rows visible`);
      for (const report of reports) {
        assert.ok(report.count <= produced && report.count === report.distinct,
          `before the kill: ${JSON.stringify(report)} of ${produced}`);
      }
    }
    const { child, reports } = startChild(dataDir, topic);
    running = child;
    const deadline = Date.now() + FINAL_TIMEOUT_MS;
    while (Date.now() < deadline && reports[reports.length - 1]?.count !== produced) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const last = reports[reports.length - 1];
    assert.deepEqual(last, { count: produced, distinct: produced });
  });
});
