// `cuvee start` as a real process: it announces its URL once serving, and SIGTERM drains a
// query in flight before the process exits 0; a restart finds the data again.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, countStar, holdQuery, loadAirline, MAIN, startCli } from './support.js';

describe('cuvee start', () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  test('--help and a bad port', async () => {
    const help = spawn(process.execPath, [MAIN, 'start', '--help'], { stdio: 'pipe' });
    const [helpCode] = (await once(help, 'exit')) as [number];
    assert.equal(helpCode, 0);
    const bad = spawn(process.execPath, [MAIN, 'start', '--port', 'x'], { stdio: 'pipe' });
    const [badCode] = (await once(bad, 'exit')) as [number];
    assert.equal(badCode, 2);
  });

  test('SIGTERM drains the query in flight, exits 0; a restart serves the same data', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cuvee-start-'));
    try {
      const first = await startCli(['--data-dir', dataDir, '--port', '0']);
      children.push(first.child);
      assert.equal((await call(`${first.url}/health`)).text, 'OK');
      await loadAirline(first.url);
      const held = await holdQuery(first.url, 'SELECT COUNT(*) FROM airlineStats');
      const exited = once(first.child, 'exit');
      first.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = await held.finish();
      assert.equal(reply.status, 200);
      assert.match(reply.text, /"rows":\[\[9746\]\]/);
      const [code] = (await exited) as [number];
      assert.equal(code, 0, first.lines.join('\n'));

      const second = await startCli([
        '--data-dir',
        dataDir,
        '--controller-port',
        '0',
        '--broker-port',
        '0',
      ]);
      children.push(second.child);
      assert.ok(second.lines.some((line) => line.startsWith('cuvee: broker on http://')));
      const brokerUrl = /cuvee: broker on (\S+)/.exec(second.lines.join('\n'))![1]!;
      assert.equal(await countStar(brokerUrl), 9746);
      const stopped = once(second.child, 'exit');
      second.child.kill('SIGINT');
      assert.equal(((await stopped) as [number])[0], 0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
