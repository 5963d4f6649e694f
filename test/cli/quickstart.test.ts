// `cuvee quickstart --port 0`: loads the airline example, announces the console, answers
// COUNT(*) = 9746 over HTTP, serves the console page, and exits 0 on SIGTERM. A second run on
// the same data directory keeps the offline segment instead of ingesting it again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postSql, spawnUntil, type RunningCli } from './support.js';

/** The line the quickstart prints once everything is loaded and served. */
const CONSOLE_LINE = /cuvee: query console at (http:\/\/\S+)\/console\//;

async function offlineCount(url: string): Promise<unknown> {
  const answer = (await postSql(url, 'SELECT COUNT(*) FROM airlineStats_OFFLINE')) as {
    exceptions: unknown[];
    resultTable: { rows: unknown[][] };
  };
  assert.deepEqual(answer.exceptions, []);
  return answer.resultTable.rows[0]![0];
}

describe('cuvee quickstart', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-quickstart-'));
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('serves the airline data and the console, then stops cleanly on SIGTERM', async () => {
    const args = ['quickstart', '--data-dir', dataDir, '--port', '0'];
    let run: RunningCli | undefined = await spawnUntil(args, CONSOLE_LINE);
    try {
      assert.match(run.output(), /ingested|airlineStats_data\.avro {2}9,746 rows/);
      assert.match(run.output(), /^ {4}9746$/m);
      assert.equal(await offlineCount(run.url), 9746);
      const page = await fetch(`${run.url}/console/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
      assert.equal(await run.stop(), 0, run.output());
      run = await spawnUntil(args, CONSOLE_LINE);
      assert.doesNotMatch(run.output(), /airlineStats_data\.avro/);
      assert.equal(await offlineCount(run.url), 9746);
      assert.equal(await run.stop(), 0, run.output());
      run = undefined;
    } finally {
      await run?.stop();
    }
  });
});
