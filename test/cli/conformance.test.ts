// Issue 4's "done when", end to end: the real CLI starts a node (`cuvee start --port 0`), the
// airline schema and table are created over HTTP (renamed to `mytable`), the data is loaded
// with `/ingestFromFile`, and Pinot's 200 conformance queries run over `POST /query/sql` in
// both null modes against DuckDB. SIGTERM then stops the node with exit code 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonExact } from '../../host/ingest/readers/index.js';
import {
  AIRLINE_AVRO_PATH,
  airlineJson,
  airlineRows,
  airlineSchema,
  duckDbWithRows,
  type DuckDbTable,
} from '../support/airline.js';
import { renamed, runConformance, type ConformanceAnswer } from '../support/conformance.js';
import { startNode, type RunningCli } from './support.js';

async function postJson(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `${url}: ${text}`);
  return JSON.parse(text) as unknown;
}

async function ingestFromFile(controllerUrl: string, file: string): Promise<void> {
  const form = new FormData();
  form.append('file', await openAsBlob(file), 'airlineStats_data.avro');
  const batchConfig = encodeURIComponent(JSON.stringify({ inputFormat: 'avro' }));
  const url =
    `${controllerUrl}/ingestFromFile?tableNameWithType=mytable_OFFLINE` +
    `&batchConfigMapStr=${batchConfig}`;
  const response = await fetch(url, { method: 'POST', body: form });
  assert.equal(response.status, 200, await response.text());
}

/** One query over HTTP; LONGs beyond 2^53 parse as exact bigints. */
async function queryOverHttp(brokerUrl: string, sql: string): Promise<ConformanceAnswer> {
  const response = await fetch(`${brokerUrl}/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  return parseJsonExact(await response.text()) as ConformanceAnswer;
}

describe('Pinot conformance over HTTP against `cuvee start`', () => {
  let dataDir: string;
  let node: RunningCli;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-e2e-'));
    node = await startNode(dataDir);
    await postJson(`${node.url}/schemas`, renamed(airlineJson('schema'), 'schemaName'));
    await postJson(`${node.url}/tables`, renamed(airlineJson('offline_table_config'), 'tableName'));
    await ingestFromFile(node.url, AIRLINE_AVRO_PATH);
    const count = await queryOverHttp(node.url, 'SELECT COUNT(*) FROM mytable');
    assert.deepEqual(count.resultTable?.rows, [[9746]]);
  });

  after(async () => {
    const code = await node.stop();
    await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, `cuvee start exited with ${code}:\n${node.output()}`);
  });

  for (const nullHandling of [false, true]) {
    describe(nullHandling ? 'SQL nulls' : 'default null values', () => {
      let duck: DuckDbTable;

      before(async () => {
        duck = await duckDbWithRows(airlineSchema(), await airlineRows(), 'mytable', nullHandling);
        if (nullHandling) {
          await duck.connection.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
        }
      });

      after(() => duck.close());

      test('all 200 queries agree with DuckDB', async () => {
        const failures = await runConformance(
          (sql) => queryOverHttp(node.url, sql),
          duck,
          nullHandling,
        );
        assert.deepEqual(
          failures,
          [],
          `${failures.length} of 200 queries disagree:\n${failures.join('\n')}`,
        );
      });
    });
  }
});
