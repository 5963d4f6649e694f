// The quickstart's REALTIME airline table: the producer loop feeds it, counts grow, and a
// second call starts over instead of doubling rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Cuvee } from '../../host/cuvee.js';
import { addQuickstartRealtime } from '../../host/cli/commands/quickstartRealtime.js';
import { countOf, waitUntil } from './support.js';

const AIRLINE_DIR = fileURLToPath(new URL('../../../test/fixtures/airlineStats/', import.meta.url));

test('the quickstart real-time table grows while the producer replays the flights', async () => {
  const cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => {} });
  try {
    const first = await addQuickstartRealtime(cuvee, AIRLINE_DIR);
    assert.equal(first.tableNameWithType, 'airlineStats_REALTIME');
    let count = 0;
    const poll = setInterval(() => {
      void countOf(cuvee, 'airlineStats_REALTIME').then((value) => (count = value));
    }, 20);
    try {
      await waitUntil(() => count >= 1_000, '1,000 rows', 20_000);
    } finally {
      clearInterval(poll);
    }
    await first.stop();
    const second = await addQuickstartRealtime(cuvee, AIRLINE_DIR);
    await second.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok((await countOf(cuvee, 'airlineStats_REALTIME')) <= 100, 'started over');
  } finally {
    await cuvee.close();
  }
});
