// The server's building blocks without sockets: the multipart parser against every chunking of
// random bodies (seeded), the query gate's bounds, the local deep store, console path checks,
// queryOptions parsing and the metrics text.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDeepStore } from '../../host/deepstore/localDeepStore.js';
import type { Cuvee } from '../../host/cuvee.js';
import { metricsTableOf, parseQueryOptionsParam } from '../../host/server/broker.js';
import { QueryGate, resolveLimits, TooManyQueriesError } from '../../host/server/limits.js';
import { ServerMetrics } from '../../host/server/metrics.js';
import {
  MultipartParser,
  multipartBoundary,
  type MultipartEvent,
} from '../../host/server/multipart.js';
import { consoleFilePath } from '../../host/server/staticFiles.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

interface Part {
  readonly name: string;
  readonly fileName: string | undefined;
  readonly data: Buffer;
}

function encodeForm(boundary: string, parts: readonly Part[]): Buffer {
  const chunks: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const part of parts) {
    const file = part.fileName === undefined ? '' : `; filename="${part.fileName}"`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n`,
      ),
      Buffer.from('Content-Type: application/octet-stream\r\n\r\n'),
      part.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\nepilogue`));
  return Buffer.concat(chunks);
}

/** Random bytes that often hold pieces of the delimiter, the parser's hardest input. */
function trickyBytes(random: SeededRandom, boundary: string): Buffer {
  const pieces: Buffer[] = [];
  const length = random.length(3000);
  let size = 0;
  while (size < length) {
    const choice = random.int(0, 3);
    const piece =
      choice === 0
        ? Buffer.from(`\r\n--${boundary}`.slice(0, random.int(1, boundary.length + 3)))
        : choice === 1
          ? Buffer.from('\r\n')
          : Buffer.from(Array.from({ length: random.int(1, 64) }, () => random.int(0, 255)));
    pieces.push(piece);
    size += piece.length;
  }
  return Buffer.concat(pieces);
}

function parseInChunks(body: Buffer, boundary: string, random: SeededRandom): Part[] {
  const parser = new MultipartParser(boundary);
  const parts: Part[] = [];
  let current: { name: string; fileName: string | undefined; chunks: Buffer[] } | undefined;
  const apply = (event: MultipartEvent): void => {
    if (event.kind === 'start') {
      current = { name: event.headers.fieldName, fileName: event.headers.fileName, chunks: [] };
    } else if (event.kind === 'data') {
      current!.chunks.push(Buffer.from(event.bytes));
    } else {
      parts.push({
        name: current!.name,
        fileName: current!.fileName,
        data: Buffer.concat(current!.chunks),
      });
    }
  };
  for (let offset = 0; offset < body.length; ) {
    const size = random.bool(0.2) ? 1 : random.int(1, 700);
    for (const event of parser.push(body.subarray(offset, offset + size))) apply(event);
    offset += size;
  }
  assert.equal(parser.finished, true);
  return parts;
}

describe('multipart parser', () => {
  test('any chunking of random bodies gives back the parts exactly', () => {
    forEachSeed(200, (random) => {
      const boundary = `----cuvee${random.int(0, 1e9)}`;
      const parts: Part[] = Array.from({ length: random.int(0, 4) }, (_, index) => ({
        name: `field${index}`,
        fileName: random.bool() ? `file${index}.bin` : undefined,
        data: trickyBytes(random, boundary),
      }));
      assert.deepEqual(parseInChunks(encodeForm(boundary, parts), boundary, random), parts);
    });
  });

  test('boundaries from content types; malformed forms are refused', () => {
    assert.equal(multipartBoundary('multipart/form-data; boundary=abc'), 'abc');
    assert.equal(multipartBoundary('multipart/form-data; charset=x; boundary="a b"'), 'a b');
    assert.throws(() => multipartBoundary('application/json'), /multipart\/form-data/);
    const noDisposition = new MultipartParser('b');
    assert.throws(
      () => noDisposition.push(Buffer.from('--b\r\nX-Other: 1\r\n\r\ndata')),
      /form-data/,
    );
    const tooManyHeaders = new MultipartParser('b');
    tooManyHeaders.push(Buffer.from('--b\r\n'));
    assert.throws(() => tooManyHeaders.push(Buffer.alloc(20_000, 0x61)), /headers exceed/);
  });
});

describe('query gate', () => {
  test('runs up to the bound, queues up to the bound, refuses past it', async () => {
    const gate = new QueryGate(resolveLimits({ maxConcurrentQueries: 2, maxQueuedQueries: 1 }));
    const first = await gate.acquire();
    const second = await gate.acquire();
    let thirdStarted = false;
    const third = gate.acquire().then((release) => {
      thirdStarted = true;
      return release;
    });
    await assert.rejects(gate.acquire(), TooManyQueriesError);
    assert.equal(gate.queuedCount, 1);
    first();
    const releaseThird = await third;
    assert.equal(thirdStarted, true);
    assert.equal(gate.runningCount, 2);
    second();
    releaseThird();
    assert.equal(gate.runningCount, 0);
    assert.throws(() => releaseThird(), /given back twice/);
  });

  test('a queued query gives up after queueWaitMs', async () => {
    const gate = new QueryGate(resolveLimits({ maxConcurrentQueries: 1, queueWaitMs: 20 }));
    const release = await gate.acquire();
    await assert.rejects(gate.acquire(), /queued 20 ms/);
    release();
    assert.equal(gate.queuedCount, 0);
  });
});

describe('local deep store', () => {
  test('put, get, exists, list, delete; keys stay inside the root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'cuvee-deepstore-'));
    try {
      const store = new LocalDeepStore(join(root, 'store'));
      const source = join(root, 'source.bin');
      await writeFile(source, 'first');
      await store.put('t_OFFLINE/s1.tar.gz', source);
      await writeFile(source, 'second!');
      await store.put('t_OFFLINE/s1.tar.gz', source);
      await store.put('t_OFFLINE/s2.tar.gz', source);
      await store.put('u_OFFLINE/s1.tar.gz', source);
      assert.equal(await store.exists('t_OFFLINE/s1.tar.gz'), true);
      assert.equal(await store.exists('t_OFFLINE/none'), false);
      assert.deepEqual(await store.list('t_OFFLINE/'), [
        { key: 't_OFFLINE/s1.tar.gz', sizeBytes: 7 },
        { key: 't_OFFLINE/s2.tar.gz', sizeBytes: 7 },
      ]);
      const target = join(root, 'copy.bin');
      await store.get('t_OFFLINE/s1.tar.gz', target);
      assert.equal(await readFile(target, 'utf8'), 'second!');
      await assert.rejects(store.get('t_OFFLINE/none', target), /has no object/);
      await store.delete('t_OFFLINE/s1.tar.gz');
      await store.delete('t_OFFLINE/s1.tar.gz');
      assert.equal((await store.list('')).length, 2);
      for (const key of ['../x', '/abs', 'a//b', 'a/./b', '', 'a\\b']) {
        await assert.rejects(store.put(key, source), /deep store key/, key);
      }
      assert.match(store.uri, /^file:\/\//);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('console paths and query options', () => {
  test('console paths stay inside the console folder', () => {
    const root = '/srv/console';
    assert.equal(consoleFilePath(root, '/console/'), '/srv/console/index.html');
    assert.equal(consoleFilePath(root, '/console/console.js'), '/srv/console/console.js');
    assert.equal(consoleFilePath(root, '/console/..%2Fsecret'), undefined);
    assert.equal(consoleFilePath(root, '/console/a/../../secret'), undefined);
    assert.equal(consoleFilePath(root, '/console/%00'), undefined);
    assert.equal(consoleFilePath(root, '/console/%E0%A4%A'), undefined);
  });

  test('the metrics table label: the first FROM name that is a table, else empty', () => {
    const tables = new Set(['airlineStats', 'airlineStats_OFFLINE']);
    const catalog = {
      table: (name: string) => (tables.has(name) && name.endsWith('_OFFLINE') ? {} : undefined),
      tablesOf: (name: string) => (tables.has(name) ? [{}] : []),
    };
    const cuvee = { catalog } as unknown as Cuvee;
    const sql = 'SELECT EXTRACT(YEAR FROM ts) FROM "airlineStats" WHERE a > 1';
    assert.equal(metricsTableOf(sql, cuvee), 'airlineStats');
    assert.equal(
      metricsTableOf('select 1 from airlineStats_OFFLINE', cuvee),
      'airlineStats_OFFLINE',
    );
    assert.equal(metricsTableOf('SELECT * FROM madeUp123', cuvee), '');
    assert.equal(metricsTableOf('not sql at all', cuvee), '');
  });

  test('queryOptions as Pinot sends them', () => {
    assert.deepEqual(parseQueryOptionsParam('timeoutMs=100; enableNullHandling=true'), {
      timeoutMs: '100',
      enableNullHandling: 'true',
    });
    assert.deepEqual(parseQueryOptionsParam({ timeoutMs: 100 }), { timeoutMs: '100' });
    assert.deepEqual(parseQueryOptionsParam(undefined), {});
    assert.throws(() => parseQueryOptionsParam('novalue'), /key=value/);
    assert.throws(() => parseQueryOptionsParam([1]), /string or an object/);
  });
});

describe('metrics', () => {
  test('counters, histogram buckets and registered gauges render as exposition text', async () => {
    const metrics = new ServerMetrics();
    metrics.recordQuery('t', 'success', 3, 100);
    metrics.recordQuery('t', 'error', 30, 0);
    metrics.recordQuery('t', 'rejected', 0, 0);
    metrics.registerGauge('cuvee_lag', 'Lag "per" partition.', () => [
      { labels: { table: 't', partition: '0' }, value: 5 },
    ]);
    const text = await metrics.render();
    assert.match(text, /^cuvee_queries_total\{table="t",outcome="success"\} 1$/m);
    assert.match(text, /^cuvee_queries_total\{table="t",outcome="rejected"\} 1$/m);
    assert.match(text, /^cuvee_docs_scanned_total\{table="t"\} 100$/m);
    assert.match(text, /^cuvee_query_latency_seconds_bucket\{le="0.0025"\} 0$/m);
    assert.match(text, /^cuvee_query_latency_seconds_bucket\{le="0.005"\} 1$/m);
    assert.match(text, /^cuvee_query_latency_seconds_bucket\{le="\+Inf"\} 2$/m);
    assert.match(text, /^cuvee_query_latency_seconds_count 2$/m);
    assert.match(text, /^# TYPE cuvee_lag gauge$/m);
    assert.match(text, /^cuvee_lag\{table="t",partition="0"\} 5$/m);
    assert.throws(() => metrics.registerGauge('bad name', '', () => []), /Prometheus/);
  });
});
