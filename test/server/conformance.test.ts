// Issue 4's end-to-end check: the real CLI (`cuvee start`) as a separate process, the airline
// schema and table created over HTTP, the data loaded with /ingestFromFile, and Pinot's 200
// conformance queries sent to /query/sql, with default null values and with SQL nulls.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AIRLINE_AVRO_PATH,
  airlineJson,
  airlineRows,
  airlineSchema,
  duckDbWithRows,
  type DuckDbTable,
} from '../support/airline.js';
import { renamed, runConformance, type ConformanceAnswer } from '../support/conformance.js';
import { call, fileForm, startCli, type Started } from './support.js';

describe('Pinot conformance over HTTP against `cuvee start`', () => {
  let dataDir: string;
  let node: Started;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-http-conformance-'));
    node = await startCli(['--data-dir', dataDir, '--port', '0']);
    const url = node.url;
    const schema = renamed(airlineJson('schema'), 'schemaName');
    assert.equal((await call(`${url}/schemas`, 'POST', schema)).status, 200);
    const table = renamed(airlineJson('offline_table_config'), 'tableName');
    assert.equal((await call(`${url}/tables`, 'POST', table)).status, 200);
    const batch = encodeURIComponent(JSON.stringify({ inputFormat: 'avro' }));
    const ingest = await call(
      `${url}/ingestFromFile?tableNameWithType=mytable_OFFLINE&batchConfigMapStr=${batch}`,
      'POST',
      await fileForm(AIRLINE_AVRO_PATH, 'airlineStats_data.avro'),
    );
    assert.equal(ingest.status, 200, ingest.text);
  });

  after(async () => {
    if (node.child.exitCode === null) {
      node.child.kill('SIGTERM');
      await new Promise((resolve) => node.child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const nullHandling of [false, true]) {
    test(`all 200 queries agree with DuckDB, ${nullHandling ? 'SQL nulls' : 'defaults'}`, async () => {
      const duck: DuckDbTable = await duckDbWithRows(
        airlineSchema(),
        await airlineRows(),
        'mytable',
        nullHandling,
      );
      try {
        if (nullHandling) {
          await duck.connection.run("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
        }
        const target = async (sql: string): Promise<ConformanceAnswer> => {
          const reply = await call(`${node.url}/query/sql`, 'POST', { sql });
          assert.equal(reply.status, 200, reply.text);
          return reply.body as ConformanceAnswer;
        };
        const failures = await runConformance(target, duck, nullHandling);
        assert.deepEqual(
          failures,
          [],
          `${failures.length} of 200 disagree:\n${failures.join('\n')}`,
        );
      } finally {
        duck.close();
      }
    });
  }
});
