// The HTTP server end to end over real sockets: Pinot's controller and broker APIs, their error
// codes, segment upload and deep store, Arrow replies, metrics, limits, drain and restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { AIRLINE_AVRO_PATH, airlineJson } from '../support/airline.js';
import {
  call,
  countStar,
  fileForm,
  holdQuery,
  loadAirline,
  query,
  startNode,
  type TestNode,
} from './support.js';

const AIRLINE_ROWS = 9746;

interface QueryBody {
  exceptions: { errorCode: number; message: string }[];
  resultTable?: {
    dataSchema: { columnNames: string[]; columnDataTypes: string[] };
    rows: unknown[][];
  };
  numDocsScanned: number;
}

describe('server: controller and broker APIs', () => {
  let node: TestNode;
  let url: string;
  let segmentName: string;

  before(async () => {
    node = await startNode();
    url = node.server.url;
    await loadAirline(url);
    const segments = await call(`${url}/segments/airlineStats`);
    segmentName = (segments.body as { OFFLINE: string[] }[])[0]!.OFFLINE[0]!;
  });

  after(async () => {
    await node.stop();
    await rm(node.dataDir, { recursive: true, force: true });
  });

  test('health, databases and brokers', async () => {
    const health = await call(`${url}/health`);
    assert.equal(health.status, 200);
    assert.equal(health.text, 'OK');
    assert.deepEqual((await call(`${url}/databases`)).body, ['default']);
    const brokers = (await call(`${url}/v2/brokers/tables`)).body as Record<string, unknown[]>;
    const port = Number(new URL(url).port);
    assert.deepEqual(brokers.airlineStats, [
      { instanceName: `Broker_127.0.0.1_${port}`, host: '127.0.0.1', port },
    ]);
  });

  test('schemas: list, get, add, conflict, update, delete and their errors', async () => {
    assert.deepEqual((await call(`${url}/schemas`)).body, ['airlineStats']);
    const schema = await call(`${url}/schemas/airlineStats`);
    assert.equal(schema.status, 200);
    assert.deepEqual(schema.body, airlineJson('schema'));
    const missing = await call(`${url}/schemas/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { code: 404, error: 'Schema not found' });
    const conflict = await call(`${url}/schemas?override=false`, 'POST', airlineJson('schema'));
    assert.equal(conflict.status, 409);
    const overridden = await call(`${url}/schemas`, 'POST', airlineJson('schema'));
    assert.equal(overridden.status, 200);
    assert.deepEqual(overridden.body, {
      unrecognizedProperties: {},
      status: 'airlineStats successfully added',
    });
    const small = { schemaName: 'small', dimensionFieldSpecs: [{ name: 'k', dataType: 'STRING' }] };
    assert.equal((await call(`${url}/schemas`, 'POST', small)).status, 200);
    assert.equal((await call(`${url}/schemas/other`, 'PUT', small)).status, 400);
    const renamed = { ...small, schemaName: 'absent' };
    assert.equal((await call(`${url}/schemas/absent`, 'PUT', renamed)).status, 404);
    assert.equal((await call(`${url}/schemas/small`, 'PUT', small)).status, 200);
    assert.equal((await call(`${url}/schemas`, 'POST', '{not json')).status, 400);
    assert.equal((await call(`${url}/schemas`, 'POST', { dimensionFieldSpecs: [] })).status, 400);
    assert.equal((await call(`${url}/schemas/airlineStats`, 'DELETE')).status, 409);
    const deleted = await call(`${url}/schemas/small`, 'DELETE');
    assert.deepEqual(deleted.body, { status: 'Schema small deleted' });
    assert.equal((await call(`${url}/schemas/small`, 'DELETE')).status, 404);
  });

  test('schemas posted as a multipart file, as pinot-admin sends them', async () => {
    const form = new FormData();
    const small = { schemaName: 'viaform', dimensionFieldSpecs: [{ name: 'k', dataType: 'INT' }] };
    form.append('schema', new Blob([JSON.stringify(small)]), 'viaform.json');
    assert.equal((await call(`${url}/schemas`, 'POST', form)).status, 200);
    assert.deepEqual((await call(`${url}/schemas/viaform`)).body, small);
    assert.equal((await call(`${url}/schemas/viaform`, 'DELETE')).status, 200);
  });

  test('tables: list, get, conflict, schema, update and errors', async () => {
    assert.deepEqual((await call(`${url}/tables`)).body, { tables: ['airlineStats'] });
    assert.deepEqual((await call(`${url}/tables?type=offline`)).body, {
      tables: ['airlineStats_OFFLINE'],
    });
    assert.deepEqual((await call(`${url}/tables?type=realtime`)).body, { tables: [] });
    const config = await call(`${url}/tables/airlineStats`);
    assert.deepEqual(config.body, { OFFLINE: airlineJson('offline_table_config') });
    assert.deepEqual((await call(`${url}/tables/nope`)).body, {});
    const conflict = await call(`${url}/tables`, 'POST', airlineJson('offline_table_config'));
    assert.equal(conflict.status, 409);
    const orphan = { ...airlineJson('offline_table_config'), tableName: 'orphan' };
    assert.equal((await call(`${url}/tables`, 'POST', orphan)).status, 400);
    const tableSchema = await call(`${url}/tables/airlineStats/schema`);
    assert.deepEqual(tableSchema.body, airlineJson('schema'));
    assert.equal((await call(`${url}/tables/nope/schema`)).status, 404);
    const updated = await call(
      `${url}/tables/airlineStats`,
      'PUT',
      airlineJson('offline_table_config'),
    );
    assert.equal(updated.status, 200, updated.text);
    assert.equal((await call(`${url}/tables/other`, 'PUT', orphan)).status, 400);
    assert.equal((await call(`${url}/tables/nope`, 'DELETE')).status, 404);
    assert.equal(await countStar(url), AIRLINE_ROWS);
  });

  test('table size and metadata', async () => {
    const size = (await call(`${url}/tables/airlineStats/size`)).body as Record<string, unknown>;
    assert.equal(size.tableName, 'airlineStats');
    assert.ok((size.reportedSizeInBytes as number) > 0);
    const offline = size.offlineSegments as { segments: Record<string, unknown> };
    assert.deepEqual(Object.keys(offline.segments), [segmentName]);
    assert.equal(size.realtimeSegments, null);
    assert.equal((await call(`${url}/tables/nope/size`)).status, 404);
    const metadata = (await call(`${url}/tables/airlineStats/metadata`)).body as Record<
      string,
      unknown
    >;
    assert.equal(metadata.numRows, AIRLINE_ROWS);
    assert.equal(metadata.numSegments, 1);
    assert.equal((metadata.columnCardinalityMap as Record<string, number>).DayOfWeek, 7);
  });

  test('segments: list, metadata, download, errors', async () => {
    const metadata = await call(`${url}/segments/airlineStats/${segmentName}/metadata`);
    assert.equal(metadata.status, 200);
    assert.equal((metadata.body as { totalDocs: number }).totalDocs, AIRLINE_ROWS);
    assert.equal((await call(`${url}/segments/airlineStats/nope/metadata`)).status, 404);
    assert.equal((await call(`${url}/segments/nope`)).status, 404);
    const download = await fetch(`${url}/segments/airlineStats_OFFLINE/${segmentName}`);
    assert.equal(download.status, 200);
    const tar = Buffer.from(await download.arrayBuffer());
    assert.equal(tar[0], 0x1f, 'a gzip stream');
    const stored = join(node.dataDir, 'deepstore', 'airlineStats_OFFLINE', `${segmentName}.tar.gz`);
    assert.deepEqual(tar, await readFile(stored));
  });

  test('uploading the same segment tar twice leaves COUNT(*) unchanged', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'cuvee-upload-'));
    try {
      const download = await fetch(`${url}/segments/airlineStats/${segmentName}`);
      const tarPath = join(directory, `${segmentName}.tar.gz`);
      await writeFile(tarPath, Buffer.from(await download.arrayBuffer()));
      const target = `${url}/v2/segments?tableName=airlineStats&tableType=OFFLINE`;
      for (let round = 0; round < 2; round++) {
        const reply = await call(target, 'POST', await fileForm(tarPath, `${segmentName}.tar.gz`));
        assert.equal(reply.status, 200, reply.text);
        assert.equal(await countStar(url), AIRLINE_ROWS);
      }
      const segments = await call(`${url}/segments/airlineStats`);
      assert.deepEqual(segments.body, [{ OFFLINE: [segmentName] }]);
      const wrongTable = `${url}/v2/segments?tableName=nope&tableType=OFFLINE`;
      const missing = await call(wrongTable, 'POST', await fileForm(tarPath, 'x.tar.gz'));
      assert.equal(missing.status, 404);
      await writeFile(join(directory, 'junk.tar.gz'), 'not a tar');
      const junk = await call(target, 'POST', await fileForm(join(directory, 'junk.tar.gz'), 'j'));
      assert.equal(junk.status, 400);
      const noFile = await call(target, 'POST', new FormData());
      assert.equal(noFile.status, 400);
      assert.equal(await countStar(url), AIRLINE_ROWS);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('ingestFromFile errors: unknown table, bad format, missing parameter', async () => {
    const form = new FormData();
    form.append('file', new Blob(['{"k": 1}\n']), 'rows.json');
    const bad = encodeURIComponent(JSON.stringify({ inputFormat: 'xml' }));
    const replies = await Promise.all([
      call(`${url}/ingestFromFile?tableNameWithType=nope_OFFLINE`, 'POST', form),
      call(`${url}/ingestFromFile?tableNameWithType=airlineStats`, 'POST', form),
      call(
        `${url}/ingestFromFile?tableNameWithType=airlineStats_OFFLINE&batchConfigMapStr=${bad}`,
        'POST',
        form,
      ),
      call(`${url}/ingestFromFile`, 'POST', form),
    ]);
    assert.deepEqual(
      replies.map((reply) => reply.status),
      [404, 400, 400, 400],
    );
  });

  test('queries: GET, POST /query, queryOptions, exceptions and status mapping', async () => {
    const sql = 'SELECT COUNT(*) FROM airlineStats';
    const viaGet = await call(`${url}/query/sql?sql=${encodeURIComponent(sql)}`);
    assert.deepEqual((viaGet.body as QueryBody).resultTable!.rows, [[AIRLINE_ROWS]]);
    const viaQuery = await call(`${url}/query`, 'POST', {
      sql: 'SELECT Carrier, COUNT(*) FROM airlineStats GROUP BY Carrier',
      queryOptions: 'numGroupsLimit=2;timeoutMs=5000',
    });
    const body = viaQuery.body as QueryBody & { numGroupsLimitReached: boolean };
    assert.equal(body.numGroupsLimitReached, true);
    const asObject = await call(`${url}/query/sql`, 'POST', {
      sql,
      queryOptions: { timeoutMs: 5000 },
      trace: true,
    });
    assert.deepEqual((asObject.body as QueryBody).exceptions, []);
    const missingTable = await query(url, 'SELECT * FROM nope');
    assert.equal(missingTable.status, 200);
    assert.equal((missingTable.body as QueryBody).exceptions[0]!.errorCode, 190);
    const mapping = { 'Pinot-Use-Http-Status-For-Errors': 'true' };
    assert.equal((await query(url, 'SELECT * FROM nope', mapping)).status, 404);
    const parse = await query(url, 'SELEC nonsense', mapping);
    assert.equal(parse.status, 400);
    assert.equal((parse.body as QueryBody).exceptions[0]!.errorCode, 150);
    assert.equal((await query(url, sql, mapping)).status, 200);
    const noSql = await call(`${url}/query/sql`, 'POST', { query: sql });
    assert.equal((noSql.body as QueryBody).exceptions.length, 1);
    const controllerSql = await call(`${url}/sql`, 'POST', { sql });
    assert.deepEqual((controllerSql.body as QueryBody).resultTable!.rows, [[AIRLINE_ROWS]]);
  });

  test('LONG values beyond 2^53 stay exact in JSON and Arrow', async () => {
    const schema = {
      schemaName: 'bigs',
      dimensionFieldSpecs: [{ name: 'k', dataType: 'STRING' }],
      metricFieldSpecs: [{ name: 'v', dataType: 'LONG' }],
    };
    assert.equal((await call(`${url}/schemas`, 'POST', schema)).status, 200);
    const table = {
      tableName: 'bigs',
      tableType: 'OFFLINE',
      segmentsConfig: {},
      tableIndexConfig: {},
    };
    const created = await call(`${url}/tables`, 'POST', table);
    assert.equal(created.status, 200, created.text);
    const form = new FormData();
    form.append('file', new Blob(['{"k": "a", "v": 9007199254740993}\n']), 'rows.json');
    const ingest = await call(`${url}/ingestFromFile?tableNameWithType=bigs_OFFLINE`, 'POST', form);
    assert.equal(ingest.status, 200, ingest.text);
    const reply = await query(url, 'SELECT k, v FROM bigs');
    assert.match(reply.text, /\[\["a",9007199254740993\]\]/);
    const arrow = await fetch(`${url}/query/sql`, {
      method: 'POST',
      headers: { accept: 'application/vnd.apache.arrow.stream' },
      body: JSON.stringify({ sql: 'SELECT k, v FROM bigs' }),
    });
    const decoded = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    assert.equal(decoded.getChild('v')!.get(0), 9007199254740993n);
    const badRows = new FormData();
    badRows.append('file', new Blob(['{"k": "a", "v": "many"}\n']), 'rows.json');
    const refused = await call(
      `${url}/ingestFromFile?tableNameWithType=bigs_OFFLINE`,
      'POST',
      badRows,
    );
    assert.equal(refused.status, 400, refused.text);
    const download = await fetch(`${url}/segments/airlineStats/${segmentName}`);
    const tarPath = join(node.dataDir, 'other.tar.gz');
    await writeFile(tarPath, Buffer.from(await download.arrayBuffer()));
    const foreign = await call(
      `${url}/v2/segments?tableName=bigs&tableType=OFFLINE`,
      'POST',
      await fileForm(tarPath, 'other.tar.gz'),
    );
    assert.equal(foreign.status, 400, foreign.text);
    assert.match(foreign.text, /belongs to table airlineStats_OFFLINE/);
    await rm(tarPath);
    assert.equal(await countStar(url, 'bigs'), 1);
    const dropped = await call(`${url}/tables/bigs`, 'DELETE');
    assert.deepEqual(dropped.body, { status: 'Tables: [bigs_OFFLINE] deleted' });
    const left = await readdir(join(node.dataDir, 'deepstore', 'bigs_OFFLINE')).catch(() => []);
    assert.deepEqual(left, [], 'the deep store keeps nothing of a deleted table');
    assert.deepEqual((await call(`${url}/tables`)).body, { tables: ['airlineStats'] });
  });

  test('Arrow replies decode to the same rows as JSON', async () => {
    const sql =
      'SELECT Carrier, DayOfWeek, ArrDelay, Distance, DivAirports FROM airlineStats ' +
      'ORDER BY Carrier, FlightNum, DayOfWeek LIMIT 50';
    const json = (await query(url, sql)).body as QueryBody;
    assert.deepEqual(json.exceptions, []);
    const arrow = await fetch(`${url}/query/sql`, {
      method: 'POST',
      headers: {
        accept: 'application/vnd.apache.arrow.stream',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ sql }),
    });
    assert.equal(arrow.headers.get('content-type'), 'application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    assert.deepEqual(
      table.schema.fields.map((field) => field.name),
      json.resultTable!.dataSchema.columnNames,
    );
    const columnNames = json.resultTable!.dataSchema.columnNames;
    const rows = table.toArray().map((row: Record<string, unknown>) =>
      columnNames.map((name) => {
        const value = row[name];
        if (value !== null && typeof value === 'object' && 'toArray' in value) {
          return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray());
        }
        return value;
      }),
    );
    assert.equal(rows.length, 50);
    // FLOAT cells travel as float32 in Arrow: compare them at that precision.
    const types = json.resultTable!.dataSchema.columnDataTypes;
    const expected = json.resultTable!.rows.map((row) =>
      row.map((cell, index) =>
        types[index] === 'FLOAT' && typeof cell === 'number' ? Math.fround(cell) : cell,
      ),
    );
    assert.deepEqual(rows, expected);
  });

  test('/metrics is Prometheus text with queries, latency, docs and per-table gauges', async () => {
    await query(url, 'SELECT COUNT(*) FROM airlineStats');
    const reply = await call(`${url}/metrics`);
    assert.equal(reply.status, 200);
    const samples = new Map<string, number>();
    for (const line of reply.text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
      assert.ok(match !== null, `not an exposition line: ${line}`);
      samples.set(match[1]!, Number(match[2]));
    }
    assert.ok(samples.get('cuvee_queries_total{table="airlineStats",outcome="success"}')! >= 1);
    assert.ok(samples.get('cuvee_docs_scanned_total{table="airlineStats"}')! >= AIRLINE_ROWS);
    assert.ok(samples.get('cuvee_query_latency_seconds_count')! >= 1);
    assert.equal(samples.get('cuvee_table_docs{table="airlineStats_OFFLINE"}'), AIRLINE_ROWS);
    assert.equal(samples.get('cuvee_table_segments{table="airlineStats_OFFLINE"}'), 1);
    assert.ok(samples.get('cuvee_table_size_bytes{table="airlineStats_OFFLINE"}')! > 0);
  });

  test('console: / redirects, no directory traversal, unknown routes 404/405', async () => {
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console/');
    assert.equal((await call(`${url}/console/..%2F..%2Fpackage.json`)).status, 404);
    assert.equal((await call(`${url}/console/%2e%2e/server.ts`)).status, 404);
    assert.equal((await call(`${url}/nothing`)).status, 404);
    assert.equal((await call(`${url}/schemas/%E0%A4%A`)).status, 400);
    assert.equal((await call(`${url}/schemas`, 'PATCH')).status, 405);
  });

  test('deleting a segment removes it from queries and the deep store', async () => {
    const stored = join(node.dataDir, 'deepstore', 'airlineStats_OFFLINE', `${segmentName}.tar.gz`);
    assert.equal(existsSync(stored), true);
    const deleted = await call(`${url}/segments/airlineStats/${segmentName}`, 'DELETE');
    assert.deepEqual(deleted.body, { status: `Segment ${segmentName} deleted` });
    assert.equal(existsSync(stored), false);
    assert.equal(await countStar(url), 0);
    assert.equal((await call(`${url}/segments/airlineStats/${segmentName}`, 'DELETE')).status, 404);
  });
});

describe('server: restart, split ports, limits and drain', () => {
  test('a restart brings back schemas, tables and segments; lost files come from the deep store', async () => {
    const first = await startNode();
    try {
      await loadAirline(first.server.url);
    } finally {
      await first.stop();
    }
    const second = await startNode(first.dataDir);
    try {
      const url = second.server.url;
      assert.deepEqual((await call(`${url}/schemas`)).body, ['airlineStats']);
      assert.deepEqual((await call(`${url}/tables`)).body, { tables: ['airlineStats'] });
      assert.equal(await countStar(url), AIRLINE_ROWS);
    } finally {
      await second.stop();
    }
    // A lost disk: the segment files are gone, the deep store still holds the tars.
    await rm(join(first.dataDir, 'segments', 'airlineStats_OFFLINE'), { recursive: true });
    const third = await startNode(first.dataDir);
    try {
      assert.equal(await countStar(third.server.url), AIRLINE_ROWS);
    } finally {
      await third.stop();
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });

  test('split ports: controller routes on one, broker routes on the other', async () => {
    const node = await startNode(undefined, { controllerPort: 0, brokerPort: 0 });
    try {
      const { controllerUrl, brokerUrl } = node.server;
      assert.notEqual(controllerUrl, brokerUrl);
      await loadAirline(controllerUrl);
      assert.equal(await countStar(brokerUrl), AIRLINE_ROWS);
      assert.equal((await call(`${brokerUrl}/schemas`)).status, 404);
      assert.equal((await query(controllerUrl, 'SELECT 1 FROM airlineStats')).status, 404);
      assert.equal((await call(`${brokerUrl}/health`)).text, 'OK');
      const brokers = (await call(`${controllerUrl}/v2/brokers/tables`)).body as Record<
        string,
        { port: number }[]
      >;
      assert.equal(brokers.airlineStats![0]!.port, Number(new URL(brokerUrl).port));
    } finally {
      await node.stop();
      await rm(node.dataDir, { recursive: true, force: true });
    }
  });

  test('past the concurrency and queue bounds a query gets 429, not a stall', async () => {
    const node = await startNode(undefined, {
      limits: { maxConcurrentQueries: 1, maxQueuedQueries: 0, jsonBodyBytes: 1024 },
    });
    try {
      const url = node.server.url;
      await node.cuvee.createSchema(airlineJson('schema'));
      await node.cuvee.createTable(airlineJson('offline_table_config'));
      await node.cuvee.ingestFiles('airlineStats_OFFLINE', [AIRLINE_AVRO_PATH]);
      const held = await holdQuery(url, 'SELECT COUNT(*) FROM airlineStats');
      const refused = await query(url, 'SELECT COUNT(*) FROM airlineStats');
      assert.equal(refused.status, 200);
      assert.equal((refused.body as QueryBody).exceptions[0]!.errorCode, 429);
      const mapped = await query(url, 'SELECT COUNT(*) FROM airlineStats', {
        'Pinot-Use-Http-Status-For-Errors': 'true',
      });
      assert.equal(mapped.status, 429);
      const finished = await held.finish();
      assert.equal(finished.status, 200);
      assert.equal((JSON.parse(finished.text) as QueryBody).exceptions.length, 0);
      const big = await query(
        url,
        `SELECT COUNT(*) FROM airlineStats WHERE Carrier IN (${"'AA',".repeat(300)}'AA')`,
      );
      assert.equal(big.status, 413);
      assert.equal(await countStar(url), AIRLINE_ROWS);
    } finally {
      await node.stop();
      await rm(node.dataDir, { recursive: true, force: true });
    }
  });

  test('close() drains an in-flight query, then refuses new connections', async () => {
    const node = await startNode();
    const url = node.server.url;
    try {
      await loadAirline(url);
      const held = await holdQuery(url, 'SELECT COUNT(*) FROM airlineStats');
      let closed = false;
      const closing = node.server.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(closed, false, 'close waits for the query in flight');
      const reply = await held.finish();
      assert.equal(reply.status, 200);
      assert.deepEqual((JSON.parse(reply.text) as QueryBody).resultTable!.rows, [[AIRLINE_ROWS]]);
      await closing;
      await assert.rejects(fetch(`${url}/health`));
    } finally {
      await node.stop();
      await rm(node.dataDir, { recursive: true, force: true });
    }
  });
});
