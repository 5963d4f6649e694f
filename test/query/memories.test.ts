// Segments across several wasm32 memories (host/runtime/runtime.ts allocateSegment): a memory
// fills to its headroom, then the next one opens; queries read each segment with the kernels of
// its own memory, on the calling thread and on the workers, and answer exactly as with one
// memory (Pinot's 200 queries, both null modes). With no memory left, a segment is refused with
// MemoryExhaustedError and not kept; one that no longer fits at open is reported, not fatal.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Cuvee, type CuveeOptions } from '../../host/cuvee.js';
import { ErrorCode, MemoryExhaustedError } from '../../host/errors/errors.js';
import type { KernelRuntimeOptions } from '../../host/runtime/runtime.js';
import { ImmutableSegment } from '../../segments/immutable/segment.js';
import { AIRLINE_AVRO_PATH, airlineJson } from '../support/airline.js';
import { comparableResponse, conformanceQueries, renamed } from '../support/conformance.js';

const MIB = 1024 * 1024;
/** Ten segments of the 9,746 airline rows, ~300 KB each. */
const ROWS_PER_SEGMENT = 1_000;
/**
 * Memories of 64 MiB keeping 62.5 MiB free for temporaries (a worker arena over 1,000 docs is
 * 16 MiB + 4 KB; the widest conformance group-by takes ~16 MiB on the calling thread): each
 * holds three or four segments, so the ten spread over three or more memories, and queries
 * still find their temporaries in every memory.
 */
const HEADROOM_BYTES = 62.5 * MIB;
const SMALL_MEMORIES: KernelRuntimeOptions = {
  maximumMemoryBytes: 64 * MIB,
  memoryHeadroomBytes: HEADROOM_BYTES,
  scratchBytesPerWorker: 64 * 1024,
  maximumMemoryCount: 16,
};
const NULLS = 'SET enableNullHandling=true; ';

async function airlineCuvee(
  runtime: KernelRuntimeOptions,
  options: CuveeOptions = {},
): Promise<Cuvee> {
  const cuvee = await Cuvee.open({
    maxRowsPerSegment: ROWS_PER_SEGMENT,
    runtime,
    onWarning: () => {},
    ...options,
  });
  if (cuvee.catalog.tableNamesWithType().length > 0) return cuvee;
  await cuvee.createSchema(renamed(airlineJson('schema'), 'schemaName'));
  await cuvee.createTable(renamed(airlineJson('offline_table_config'), 'tableName'));
  await cuvee.ingestFiles('mytable', [AIRLINE_AVRO_PATH]);
  return cuvee;
}

/** Each segment's memory index, in load order. */
function memoryIndexes(cuvee: Cuvee): number[] {
  return cuvee
    .table('mytable')
    .segments()
    .map((segment) => {
      assert.ok(segment instanceof ImmutableSegment);
      const memory = cuvee.runtime.memoryOf(segment.memory);
      assert.ok(memory !== undefined, `${segment.metadata.segmentName} lies in a runtime memory`);
      return memory.index;
    });
}

function servedDocs(cuvee: Cuvee): number {
  let docs = 0;
  for (const segment of cuvee.table('mytable').segments()) docs += segment.docCount();
  return docs;
}

describe('segments spread over several memories', () => {
  let single: Cuvee;
  let spreadLocal: Cuvee;
  let spreadPooled: Cuvee;

  before(async () => {
    single = await airlineCuvee({ workerCount: 1 });
    spreadLocal = await airlineCuvee({ ...SMALL_MEMORIES, workerCount: 1 });
    // localQueryDocsMax 0: every immutable segment goes to a worker.
    spreadPooled = await airlineCuvee({ ...SMALL_MEMORIES, workerCount: 2, localQueryDocsMax: 0 });
  });

  after(async () => {
    await Promise.all([single.close(), spreadLocal.close(), spreadPooled.close()]);
  });

  test('a memory fills to its headroom before the next one opens', () => {
    assert.deepEqual(memoryIndexes(single), Array(10).fill(0));
    const indexes = memoryIndexes(spreadLocal);
    assert.equal(indexes.length, 10);
    assert.ok(spreadLocal.runtime.memories.length >= 3, `${indexes.join()} spans three memories`);
    assert.deepEqual(indexes, [...indexes].sort((a, b) => a - b), 'first fit, in load order');
    for (const { allocator } of spreadLocal.runtime.memories) {
      const { allocatedBytes, maximumBytes } = allocator.stats();
      assert.ok(allocatedBytes + HEADROOM_BYTES <= maximumBytes, 'the headroom stays free');
    }
  });

  for (const nullHandling of [false, true]) {
    const mode = nullHandling ? 'SQL nulls' : 'default nulls';
    test(`200 queries answer as with one memory, on the caller and the workers (${mode})`, async () => {
      const prefix = nullHandling ? NULLS : '';
      for (const { sql } of conformanceQueries()) {
        const expected = comparableResponse(await single.query(prefix + sql));
        assert.deepEqual(comparableResponse(await spreadLocal.query(prefix + sql)), expected, sql);
        assert.deepEqual(comparableResponse(await spreadPooled.query(prefix + sql)), expected, sql);
      }
    });
  }

  test("one worker runs segments of every memory on that memory's kernels", async () => {
    const cuvee = await airlineCuvee({ ...SMALL_MEMORIES, workerCount: 1, localQueryDocsMax: 0 });
    try {
      const sql =
        'SET trace = true; SELECT Carrier, COUNT(*), SUM(ArrDelay) FROM mytable ' +
        "WHERE Origin IN ('JFK', 'LAX', 'ORD') GROUP BY Carrier ORDER BY Carrier";
      const response = await cuvee.query(sql);
      assert.deepEqual(comparableResponse(response), comparableResponse(await single.query(sql)));
      const traces = Object.values(response.traceInfo);
      assert.equal(traces.length, 10);
      for (const trace of traces) assert.match(trace, /thread: worker \d+ \(task \d+ of \d+\)$/);
      assert.ok(new Set(memoryIndexes(cuvee)).size >= 3);
    } finally {
      await cuvee.close();
    }
  });
});

describe('no memory left', () => {
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cuvee-memories-'));
  });

  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a segment is refused with MemoryExhaustedError and its file not kept', async () => {
    // One memory with room for a few segments: the ingest stops at the first that does not fit.
    const oneMemory = { ...SMALL_MEMORIES, maximumMemoryBytes: 2 * MIB, maximumMemoryCount: 1 };
    const cuvee = await Cuvee.open({
      dataDir,
      maxRowsPerSegment: ROWS_PER_SEGMENT,
      runtime: { ...oneMemory, workerCount: 1 },
      onWarning: () => {},
    });
    try {
      await cuvee.createSchema(renamed(airlineJson('schema'), 'schemaName'));
      await cuvee.createTable(renamed(airlineJson('offline_table_config'), 'tableName'));
      await assert.rejects(cuvee.ingestFiles('mytable', [AIRLINE_AVRO_PATH]), (error: unknown) => {
        assert.ok(error instanceof MemoryExhaustedError);
        assert.match(error.message, /no kernel memory has room for a segment of \d+ bytes/);
        assert.match(error.message, /raise maximumMemoryCount/);
        return true;
      });
      const served = cuvee.table('mytable').segmentNames();
      assert.ok(served.length > 0 && served.length < 10, `${served.length} segments served`);
      const files = (await readdir(join(dataDir, 'segments', 'mytable_OFFLINE'))).sort();
      assert.deepEqual(files, served.map((name) => `${name}.seg`).sort());
      const count = await cuvee.query('SELECT COUNT(*) FROM mytable');
      assert.deepEqual(count.exceptions, []);
      assert.equal(count.resultTable!.rows[0]![0], servedDocs(cuvee));
    } finally {
      await cuvee.close();
    }
  });

  test('a segment that no longer fits at open is reported with each query, not fatal', async () => {
    const smaller = { ...SMALL_MEMORIES, maximumMemoryBytes: MIB, maximumMemoryCount: 1 };
    const cuvee = await Cuvee.open({
      dataDir,
      runtime: { ...smaller, workerCount: 1 },
      onWarning: () => {},
    });
    try {
      const response = await cuvee.query('SELECT COUNT(*) FROM mytable');
      assert.equal(response.partialResult, true);
      const missing = response.exceptions.filter(
        (exception) => exception.errorCode === ErrorCode.SERVER_SEGMENT_MISSING,
      );
      assert.ok(missing.length > 0);
      for (const exception of missing) assert.match(exception.message, /no kernel memory/);
      assert.equal(response.resultTable!.rows[0]![0], servedDocs(cuvee));
    } finally {
      await cuvee.close();
    }
  });
});
