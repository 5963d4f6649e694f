// The worker pool: workers share the one memory (and see it grow), each holds its own scratch,
// a dead worker's slot goes to its replacement, the queue is bounded with a typed 429 error, and
// close() leaves nothing running.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCode } from '../../host/errors/errors.js';
import { threadInfo } from '../../host/runtime/diagnostics.js';
import { RuntimeBusyError } from '../../host/runtime/errors.js';
import { memoryCopy, memoryFill, type KernelProgram } from '../../host/runtime/operations.js';
import { KernelRuntime } from '../../host/runtime/runtime.js';
import type { Operation } from '../../host/runtime/tasks.js';
import { SeededRandom } from '../support/random.js';

/** Small scratch keeps the test memory small; the size itself is not under test here. */
const TEST_SCRATCH_BYTES = 64 * 1024;
/** Enough workers to show distribution, few enough for a 2-core CI machine. */
const TEST_WORKER_COUNT = 3;
const PROBE: KernelProgram = [{ kernel: 'heapBase', args: [] }];

function bytesAt(runtime: KernelRuntime, ptr: number, sizeBytes: number): Uint8Array {
  return new Uint8Array(runtime.memory.buffer, ptr, sizeBytes);
}

describe('kernel pool on one shared memory', () => {
  let runtime: KernelRuntime;
  before(async () => {
    runtime = await KernelRuntime.open({
      workerCount: TEST_WORKER_COUNT,
      scratchBytesPerWorker: TEST_SCRATCH_BYTES,
    });
  });
  after(async () => {
    await runtime.close();
  });

  test('workers read what the main thread wrote and the main thread sees what they wrote', async () => {
    const random = new SeededRandom(0x600d);
    const chunkBytes = 4096;
    const chunkCount = 16;
    const sourcePtr = runtime.allocator.allocate(chunkBytes * chunkCount);
    const targetPtr = runtime.allocator.allocate(chunkBytes * chunkCount);
    const source = bytesAt(runtime, sourcePtr, chunkBytes * chunkCount);
    for (let i = 0; i < source.length; i++) source[i] = random.int(0, 255);
    const copies = Array.from({ length: chunkCount }, (_, chunk) => ({
      sourcePtr: sourcePtr + chunk * chunkBytes,
      targetPtr: targetPtr + chunk * chunkBytes,
      sizeBytes: chunkBytes,
    }));
    const copied = await runtime.executeAll(memoryCopy, copies);
    assert.deepEqual(copied, copies.map(() => chunkBytes));
    assert.deepEqual(bytesAt(runtime, targetPtr, source.length), source);

    await runtime.execute(memoryFill, { ptr: targetPtr + 10, sizeBytes: 5, value: 0xab });
    assert.deepEqual([...bytesAt(runtime, targetPtr + 9, 7)],
      [source[9], 0xab, 0xab, 0xab, 0xab, 0xab, source[15]]);
    runtime.allocator.release(sourcePtr);
    runtime.allocator.release(targetPtr);
  });

  test('tasks run in worker threads, each with its own scratch slot', async () => {
    const infos = await runtime.executeAll(threadInfo, Array.from({ length: 24 }, () => null));
    const scratchByThread = new Map<number, number>();
    for (const info of infos) {
      assert.notEqual(info.threadId, 0, 'ran in a worker, not on the main thread');
      assert.equal(info.scratchBytes, TEST_SCRATCH_BYTES);
      const known = scratchByThread.get(info.threadId);
      if (known !== undefined) assert.equal(info.scratchPtr, known);
      scratchByThread.set(info.threadId, info.scratchPtr);
    }
    assert.ok(scratchByThread.size <= TEST_WORKER_COUNT);
    const ptrs = [...scratchByThread.values(), runtime.localScratch.ptr];
    assert.equal(new Set(ptrs).size, ptrs.length, 'no two threads share a scratch region');
    const local = runtime.executeLocal(threadInfo, null);
    assert.equal(local.threadId, 0);
    assert.equal(local.scratchPtr, runtime.localScratch.ptr);
  });

  test('workers see the memory grow and use the new bytes', async () => {
    const before = runtime.memory.buffer.byteLength;
    // Larger than the whole memory so far: the allocator must grow it.
    const sizeBytes = before + 4096;
    const sourcePtr = runtime.allocator.allocate(sizeBytes);
    const targetPtr = runtime.allocator.allocate(4096);
    const grown = runtime.memory.buffer.byteLength;
    assert.ok(grown > before, `memory grew from ${before} to ${grown}`);
    const tailPtr = sourcePtr + sizeBytes - 4096;
    assert.ok(tailPtr >= before, 'the copied bytes lie beyond the old end');
    const tail = bytesAt(runtime, tailPtr, 4096);
    for (let i = 0; i < tail.length; i++) tail[i] = (i * 7 + 3) & 0xff;

    const infos = await runtime.executeAll(threadInfo, Array.from({ length: 12 }, () => null));
    for (const info of infos) assert.equal(info.memoryBytes, grown);
    await runtime.execute(memoryCopy, { targetPtr, sourcePtr: tailPtr, sizeBytes: 4096 });
    assert.deepEqual(bytesAt(runtime, targetPtr, 4096), tail);
    runtime.allocator.release(targetPtr);
    runtime.allocator.release(sourcePtr);
  });

  test('a memory operation outside the memory is refused in the worker', async () => {
    const outside = runtime.memory.buffer.byteLength;
    await assert.rejects(
      runtime.execute(memoryFill, { ptr: outside - 1, sizeBytes: 2, value: 1 }),
      /memory\.fill: .* lies inside the/,
    );
  });
});

describe('kernel pool recovery', () => {
  test('a worker that dies gives its scratch slot to its replacement', async () => {
    const runtime = await KernelRuntime.open({
      workerCount: 2,
      scratchBytesPerWorker: TEST_SCRATCH_BYTES,
    });
    const directory = mkdtempSync(join(tmpdir(), 'cuvee-pool-'));
    try {
      assert.equal(runtime.scratchSlotsInUse, 2);
      // An operation module that ends its worker thread on import, as a crash would.
      const modulePath = join(directory, 'exit.mjs');
      writeFileSync(modulePath, 'process.exit(3);\n');
      const exitOnLoad: Operation<null, number> = {
        name: 'test.exitOnLoad',
        moduleUrl: pathToFileURL(modulePath).href,
        body: () => 0,
      };
      await assert.rejects(runtime.execute(exitOnLoad, null), /worker exited with code: 3/);
      const infos = await runtime.executeAll(threadInfo, Array.from({ length: 16 }, () => null));
      const scratchByThread = new Map(infos.map((info) => [info.threadId, info.scratchPtr]));
      const ptrs = [...scratchByThread.values()];
      assert.equal(new Set(ptrs).size, ptrs.length, 'no two live workers share a slot');
      assert.equal(runtime.threadCount, 2);
      assert.equal(runtime.scratchSlotsInUse, 2);
    } finally {
      await runtime.close();
      rmSync(directory, { recursive: true, force: true });
    }
    assert.equal(runtime.scratchSlotsInUse, 0, 'every slot is free once the workers exited');
  });
});

describe('kernel pool admission', () => {
  test('a full queue is a RuntimeBusyError (429), and admitted tasks still finish', async () => {
    const runtime = await KernelRuntime.open({
      workerCount: 1,
      maxQueuedTasks: 2,
      scratchBytesPerWorker: TEST_SCRATCH_BYTES,
    });
    try {
      // One runs, two wait: all submitted in the same tick, before the worker can answer.
      const admitted = [runtime.run(PROBE), runtime.run(PROBE), runtime.run(PROBE)];
      const refused = runtime.run(PROBE);
      await assert.rejects(refused, (error: unknown) => {
        assert.ok(error instanceof RuntimeBusyError);
        assert.equal(error.errorCode, ErrorCode.TOO_MANY_REQUESTS);
        assert.match(error.message, /queue is full/);
        return true;
      });
      await assert.rejects(runtime.runAll([PROBE, PROBE]), RuntimeBusyError);
      const heapBase = runtime.local.exports.heapBase();
      assert.deepEqual(await Promise.all(admitted), [[heapBase], [heapBase], [heapBase]]);
      // With the queue drained, a batch that fits (1 running + 2 queued) is admitted whole.
      assert.equal((await runtime.runAll([PROBE, PROBE, PROBE])).length, 3);
      await assert.rejects(runtime.runAll([PROBE, PROBE, PROBE, PROBE]), RuntimeBusyError);
    } finally {
      await runtime.close();
    }
  });
});

describe('kernel pool shutdown', () => {
  test('close() stops every worker, twice is harmless, and use after close is refused', async () => {
    const runtime = await KernelRuntime.open({
      workerCount: 2,
      scratchBytesPerWorker: TEST_SCRATCH_BYTES,
    });
    assert.equal(runtime.threadCount, 2);
    const allocatedOpen = runtime.allocator.stats().allocatedBytes;
    await runtime.close();
    assert.equal(runtime.threadCount, 0);
    assert.ok(runtime.allocator.stats().allocatedBytes < allocatedOpen, 'scratch given back');
    await runtime.close();
    await assert.rejects(runtime.run(PROBE), /kernel (pool|runtime) is open/);
  });

  test('a process that opened, used and closed the runtime exits by itself', () => {
    const runtimeUrl = new URL('../../host/runtime/runtime.js', import.meta.url).href;
    const script = [
      `const { KernelRuntime } = await import(${JSON.stringify(runtimeUrl)});`,
      `const runtime = await KernelRuntime.open({ workerCount: 2, scratchBytesPerWorker: 65536 });`,
      `await runtime.runAll([[{ kernel: 'heapBase', args: [] }], [{ kernel: 'heapBase', args: [] }]]);`,
      `await runtime.close();`,
      // The child's own stdio pipes are the only handles that may remain.
      `const stdio = ['PipeWrap', 'TTYWrap'];`,
      `const left = process.getActiveResourcesInfo().filter((r) => !stdio.includes(r));`,
      `console.log(JSON.stringify(left));`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
      // A hanging handle shows as a timeout here, not as a stuck test run.
      timeout: 30_000,
    });
    assert.equal(child.error, undefined, `child ran: ${String(child.error)}`);
    assert.equal(child.status, 0, `child exited cleanly: ${child.stderr}`);
    assert.deepEqual(JSON.parse(child.stdout.trim()), [], 'no handles left after close()');
  });
});
