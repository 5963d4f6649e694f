// Segments spread over the worker pool (host/query/parallel.ts): the same answers and stats as
// on the calling thread (Pinot's 200 queries, both null modes), placement by size, timeouts in
// the workers and in the engine's wait, segments released while a query reads them, and worker
// failures that come back as Pinot exceptions without taking the pool down.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cuvee } from '../../host/cuvee.js';
import { CuveeError, ErrorCode } from '../../host/errors/errors.js';
import {
  arenaBytesFor,
  balanceBatches,
  segmentBatch,
  type SegmentBatchArgs,
} from '../../host/query/parallel.js';
import { QueryEngine } from '../../host/query/engine.js';
import { ImmutableSegment } from '../../segments/immutable/segment.js';
import { MutableSegment } from '../../segments/mutable/mutableSegment.js';
import {
  AIRLINE_AVRO_PATH,
  airlineJson,
  airlineRows,
  airlineSchema,
  duckDbWithRows,
  type DuckDbTable,
} from '../support/airline.js';
import {
  comparableResponse,
  conformanceQueries,
  renamed,
  runConformance,
} from '../support/conformance.js';
import { Gate } from '../runtime/gate.js';

/** Five segments of the 9,746 airline rows: batches of several segments per worker. */
const ROWS_PER_SEGMENT = 2_000;
/** Two workers: placement across workers is visible on a 2-core machine. */
const WORKER_COUNT = 2;
const NULLS = 'SET enableNullHandling=true; ';

async function airlineCuvee(
  localQueryDocsMax?: number,
  workerCount = WORKER_COUNT,
): Promise<Cuvee> {
  const cuvee = await Cuvee.open({
    maxRowsPerSegment: ROWS_PER_SEGMENT,
    runtime: { workerCount, localQueryDocsMax },
    onWarning: () => {},
  });
  await cuvee.createSchema(renamed(airlineJson('schema'), 'schemaName'));
  await cuvee.createTable(renamed(airlineJson('offline_table_config'), 'tableName'));
  await cuvee.ingestFiles('mytable', [AIRLINE_AVRO_PATH]);
  return cuvee;
}

/** Long enough for any test step on a loaded machine; the gate opens far earlier. */
const GATE_TIMEOUT_MS = 60_000;

/** Lets callbacks queued by a finished query (its segments' release) run. */
async function settled(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('pool execution answers as the calling thread does', () => {
  let local: Cuvee;
  let pooled: Cuvee;

  before(async () => {
    local = await airlineCuvee();
    // localQueryDocsMax 0: every immutable segment goes to a worker.
    pooled = await airlineCuvee(0);
  });

  after(async () => {
    await local.close();
    await pooled.close();
  });

  for (const nullHandling of [false, true]) {
    test(`200 queries, identical responses (${nullHandling ? 'SQL nulls' : 'default nulls'})`, async () => {
      const prefix = nullHandling ? NULLS : '';
      for (const { sql } of conformanceQueries()) {
        const ours = await pooled.query(prefix + sql);
        const theirs = await local.query(prefix + sql);
        assert.deepEqual(comparableResponse(ours), comparableResponse(theirs), sql);
      }
    });
  }

  test('traceInfo names the worker of each segment; a tiny query stays on the caller', async () => {
    const sql = "SET trace = true; SELECT COUNT(*) FROM mytable WHERE Carrier = 'AA'";
    const spread = await pooled.query(sql);
    const traces = Object.values(spread.traceInfo);
    assert.equal(traces.length, 5);
    for (const trace of traces) assert.match(trace, /thread: worker \d+ \(task [12] of 2\)/);
    const workers = new Set(traces.map((trace) => /worker (\d+)/.exec(trace)![1]));
    assert.equal(workers.size, WORKER_COUNT);
    const tiny = await local.query(sql);
    for (const trace of Object.values(tiny.traceInfo)) assert.match(trace, /thread: caller$/);
  });
});

test('a consuming segment stays on the calling thread beside pooled immutable ones', async () => {
  const cuvee = await airlineCuvee(0);
  try {
    const table = cuvee.table('mytable');
    const consuming = new MutableSegment({
      schema: table.schema,
      tableConfig: table.config,
      segmentName: 'mytable__0__0__consuming',
    });
    for (const row of (await airlineRows()).slice(0, 100)) consuming.append(row);
    const resolver = {
      resolve: () => [
        {
          config: table.config,
          schema: table.schema,
          segments: () => [...table.segments(), consuming],
        },
      ],
    };
    const kernels = { kernels: cuvee.runtime.local, allocator: cuvee.runtime.allocator };
    const pooled = new QueryEngine(resolver, kernels, 'test', cuvee.runtime);
    const local = new QueryEngine(resolver, kernels, 'test');
    const sql =
      'SET trace = true; SELECT Carrier, COUNT(*), SUM(ArrDelay) FROM mytable GROUP BY Carrier';
    const response = await pooled.query(sql);
    assert.deepEqual(comparableResponse(response), comparableResponse(await local.query(sql)));
    assert.equal(response.totalDocs, 9746 + 100);
    assert.match(response.traceInfo['mytable__0__0__consuming']!, /thread: caller$/);
    const onWorkers = Object.values(response.traceInfo).filter((trace) => /worker/.test(trace));
    assert.equal(onWorkers.length, 5);
  } finally {
    await cuvee.close();
  }
});

describe('pool execution against DuckDB', () => {
  let cuvee: Cuvee;
  let duck: DuckDbTable;

  before(async () => {
    cuvee = await airlineCuvee(0);
    duck = await duckDbWithRows(airlineSchema(), await airlineRows(), 'mytable', false);
  });

  after(async () => {
    duck.close();
    await cuvee.close();
  });

  test("Pinot's 200 queries with every segment on a worker", async () => {
    const failures = await runConformance((sql) => cuvee.query(sql), duck, false);
    assert.deepEqual(failures, [], `${failures.length} of 200 disagree:\n${failures.join('\n')}`);
  });
});

describe('timeouts, releases and failures with the pool', () => {
  let cuvee: Cuvee;

  before(async () => {
    cuvee = await airlineCuvee(0, 1);
  });

  after(async () => {
    await cuvee.close();
  });

  function firstSegment(): ImmutableSegment {
    const segment = cuvee.table('mytable').segments()[0];
    assert.ok(segment instanceof ImmutableSegment);
    return segment;
  }

  function batchArgs(deadlineEpochMs: number, arenaBytes: number): SegmentBatchArgs {
    const table = cuvee.table('mytable');
    return {
      sql: "SELECT COUNT(*) FROM mytable WHERE Carrier = 'AA'",
      queryOptions: {},
      schema: table.schema,
      tableConfig: table.config,
      segments: [firstSegment().descriptor()],
      deadlineEpochMs,
      timeoutMs: 5,
      arenaPtr: 0,
      arenaBytes,
    };
  }

  test('a worker past the deadline answers 250', async () => {
    const [task] = cuvee.runtime.startAll(segmentBatch, [batchArgs(Date.now() - 1, 0)]);
    await assert.rejects(task!, (error: unknown) => {
      assert.ok(error instanceof CuveeError);
      assert.equal(error.errorCode, ErrorCode.EXECUTION_TIMEOUT);
      return true;
    });
  });

  test('a segment whose temporaries exceed the arena comes back for the caller', async () => {
    const arenaBytes = 64;
    const arenaPtr = cuvee.runtime.allocator.allocate(arenaBytes);
    try {
      const args = { ...batchArgs(Date.now() + 60_000, arenaBytes), arenaPtr };
      const [task] = cuvee.runtime.startAll(segmentBatch, [args]);
      const result = await task!;
      assert.deepEqual(result.outcomes, [null]);
    } finally {
      cuvee.runtime.allocator.release(arenaPtr);
    }
    assert.ok(arenaBytesFor(1000) > arenaBytesFor(10));
  });

  test('the engine answers 250 on time while the workers are busy', async () => {
    const gate = new Gate(cuvee.runtime, GATE_TIMEOUT_MS);
    const startMs = performance.now();
    const response = await cuvee.query('SET timeoutMs = 30; SELECT COUNT(*) FROM mytable');
    const elapsedMs = performance.now() - startMs;
    assert.deepEqual(
      response.exceptions.map((exception) => exception.errorCode),
      [ErrorCode.EXECUTION_TIMEOUT],
    );
    assert.ok(elapsedMs < 1000, `answered after ${elapsedMs} ms`);
    await gate.open();
    const after = await cuvee.query('SELECT COUNT(*) FROM mytable');
    assert.deepEqual(after.resultTable!.rows, [[9746]]);
  });

  test('a segment deleted while a query reads it stays until the query is done', async () => {
    const table = cuvee.table('mytable');
    const victim = firstSegment();
    const victimDocs = victim.docCount();
    const liveBefore = cuvee.runtime.allocator.stats().allocationCount;
    const gate = new Gate(cuvee.runtime, GATE_TIMEOUT_MS);
    const pending = cuvee.query('SELECT COUNT(*), SUM(ArrDelay) FROM mytable');
    await table.deleteSegment(victim.metadata.segmentName);
    assert.equal(victim.isLive, true, 'the in-flight query still holds the segment');
    await gate.open();
    const response = await pending;
    await settled();
    assert.deepEqual(response.exceptions, []);
    assert.equal(response.resultTable!.rows[0]![0], 9746);
    assert.equal(victim.isLive, false);
    assert.ok(cuvee.runtime.allocator.stats().allocationCount < liveBefore);
    const now = await cuvee.query('SELECT COUNT(*) FROM mytable');
    assert.deepEqual(now.resultTable!.rows, [[9746 - victimDocs]]);
  });

  test('a segment replaced during a slow query: the query sees the old one, then it is freed', async () => {
    const table = cuvee.table('mytable');
    const old = firstSegment();
    const name = old.metadata.segmentName;
    const before = await cuvee.query('SELECT COUNT(*) FROM mytable');
    const gate = new Gate(cuvee.runtime, GATE_TIMEOUT_MS);
    const pending = cuvee.query('SELECT COUNT(*) FROM mytable');
    const rows = (await airlineRows()).slice(0, 10);
    await table.addSegment({ segmentName: name, rows });
    assert.equal(old.isLive, true, 'the replaced segment outlives its replacement');
    await gate.open();
    const response = await pending;
    await settled();
    assert.deepEqual(response.resultTable!.rows, before.resultTable!.rows);
    assert.equal(old.isLive, false);
    const now = await cuvee.query('SELECT COUNT(*) FROM mytable');
    const expected = Number(before.resultTable!.rows[0]![0]) - old.docCount() + rows.length;
    assert.deepEqual(now.resultTable!.rows, [[expected]]);
  });

  test('a failing worker task is exception 200 and the pool keeps serving', async () => {
    const segment = cuvee.table('mytable').segments()[0] as ImmutableSegment;
    const descriptor = segment.descriptor() as unknown as { ptr: number; id: number };
    const { ptr, id } = descriptor;
    // A fresh descriptor id, so no worker has it cached; a pointer past the memory's end.
    const broken = { ...segment.descriptor(), ptr: 2 ** 32, id: 0x7ffffff0 };
    const [task] = cuvee.runtime.startAll(segmentBatch, [
      { ...batchArgs(Date.now() + 60_000, 0), segments: [broken] },
    ]);
    await assert.rejects(task!, (error: unknown) => !(error instanceof CuveeError));
    descriptor.ptr = 2 ** 32;
    descriptor.id = 0x7ffffff1;
    const response = await cuvee.query('SELECT COUNT(*) FROM mytable');
    descriptor.ptr = ptr;
    descriptor.id = id;
    assert.equal(response.exceptions[0]?.errorCode, ErrorCode.QUERY_EXECUTION);
    assert.equal(cuvee.runtime.threadCount, 1);
    const healthy = await cuvee.query('SELECT COUNT(*) FROM mytable');
    assert.deepEqual(healthy.exceptions, []);
  });
});

test('balanced batches: largest first into the lightest, each batch in segment order', () => {
  // 5 → A, 4 → B, 3 → B (7), 2 → A (7), 1 → A (the first of equals): 8 and 7.
  assert.deepEqual(balanceBatches([5, 1, 4, 2, 3], 2), [
    [0, 1, 3],
    [2, 4],
  ]);
  assert.deepEqual(balanceBatches([7], 4), [[0]]);
  assert.deepEqual(balanceBatches([], 2), []);
  const counts = [9, 8, 7, 6, 5, 4, 3, 2, 1];
  const sums = balanceBatches(counts, 3).map((batch) =>
    batch.reduce((sum, index) => sum + counts[index]!, 0),
  );
  // Greedy is within 4/3 of the best split (15 each): here 16, 15, 14.
  assert.deepEqual(sums, [16, 15, 14]);
});
