// KernelRuntime: real kernel programs give the same results on the calling thread and in the
// workers, a failing status stops a program with a KernelError naming the kernel, bad programs
// and bad options are refused before anything runs, errors thrown in a worker keep their code,
// and small work stays local.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ConfigError,
  CuveeError,
  DataError,
  ErrorCode,
  KernelError,
  MemoryExhaustedError,
} from '../../host/errors/errors.js';
import { threadInfo } from '../../host/runtime/diagnostics.js';
import type { KernelProgram } from '../../host/runtime/operations.js';
import { KernelRuntime } from '../../host/runtime/runtime.js';
import { KernelStatus } from '../../host/runtime/status.js';
import type { Operation } from '../../host/runtime/tasks.js';
import { AssertionError } from '../../host/util/assert.js';
import { packedSizeBytes } from '../../kernels/reference/bitpack.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

/** Small scratch keeps the test memory small; the size itself is not under test here. */
const TEST_SCRATCH_BYTES = 64 * 1024;
/** scanIdsRange's `output` argument for a selection vector (kernels/BITPACK.md). */
const OUTPUT_SELECTION = 1;
/** Bytes per u32 doc id or value. */
const U32_BYTES = 4;

/** One "segment": ids in shared memory, and the program that packs and range-scans them. */
interface ScanCase {
  readonly program: KernelProgram;
  readonly selectionPtr: number;
  readonly expectedSelection: number[];
  readonly ptrs: readonly number[];
}

function prepareScan(runtime: KernelRuntime, random: SeededRandom): ScanCase {
  const count = random.length(3000);
  const bitWidth = random.int(1, 32);
  const maxId = bitWidth === 32 ? 0xffffffff : 2 ** bitWidth - 1;
  const valuesPtr = runtime.allocator.allocate(Math.max(count, 1) * U32_BYTES);
  const packedPtr = runtime.allocator.allocate(packedSizeBytes(count, bitWidth));
  const selectionPtr = runtime.allocator.allocate(Math.max(count, 1) * U32_BYTES);
  const values = new Uint32Array(runtime.memory.buffer, valuesPtr, count);
  for (let i = 0; i < count; i++) values[i] = random.int(0, maxId);
  const loId = random.int(0, maxId);
  const hiId = random.int(loId, maxId);
  const expectedSelection: number[] = [];
  for (let doc = 0; doc < count; doc++) {
    if (values[doc]! >= loId && values[doc]! <= hiId) expectedSelection.push(doc);
  }
  const program: KernelProgram = [
    { kernel: 'pack', args: [valuesPtr, count, bitWidth, packedPtr] },
    {
      kernel: 'scanIdsRange',
      args: [packedPtr, bitWidth, 0, count, loId, hiId, OUTPUT_SELECTION, selectionPtr],
    },
  ];
  return { program, selectionPtr, expectedSelection, ptrs: [valuesPtr, packedPtr, selectionPtr] };
}

function selectionOf(runtime: KernelRuntime, scan: ScanCase, matchCount: number): number[] {
  return [...new Uint32Array(runtime.memory.buffer, scan.selectionPtr, matchCount)];
}

function release(runtime: KernelRuntime, scan: ScanCase): void {
  for (const ptr of scan.ptrs) runtime.allocator.release(ptr);
}

describe('kernel runtime', () => {
  let runtime: KernelRuntime;
  before(async () => {
    runtime = await KernelRuntime.open({
      workerCount: 2,
      scratchBytesPerWorker: TEST_SCRATCH_BYTES,
    });
  });
  after(async () => {
    await runtime.close();
  });

  test('a real kernel program gives equal results locally and in a worker', async () => {
    const scans: ScanCase[] = [];
    forEachSeed(12, (random) => scans.push(prepareScan(runtime, random)));
    for (const scan of scans) {
      const expected = [KernelStatus.OK, scan.expectedSelection.length];
      const local = await runtime.run(scan.program, { estimatedRows: 0 });
      assert.deepEqual(local, expected);
      assert.deepEqual(selectionOf(runtime, scan, local[1]!), scan.expectedSelection);
      new Uint32Array(runtime.memory.buffer, scan.selectionPtr, local[1]!).fill(0);
      const pooled = await runtime.run(scan.program, { estimatedRows: runtime.localRowsMax + 1 });
      assert.deepEqual(pooled, local);
      assert.deepEqual(selectionOf(runtime, scan, pooled[1]!), scan.expectedSelection);
      release(runtime, scan);
    }
  });

  test('runAll spreads independent programs and returns them in order', async () => {
    const scans: ScanCase[] = [];
    forEachSeed(16, (random) => scans.push(prepareScan(runtime, random)));
    const results = await runtime.runAll(scans.map((scan) => scan.program));
    for (const [index, scan] of scans.entries()) {
      assert.deepEqual(results[index], [KernelStatus.OK, scan.expectedSelection.length]);
      assert.deepEqual(selectionOf(runtime, scan, results[index]![1]!), scan.expectedSelection);
      release(runtime, scan);
    }
  });

  test('a negative status stops the program with a KernelError naming the kernel', async () => {
    const valuesPtr = runtime.allocator.allocate(64);
    const packedPtr = runtime.allocator.allocate(64);
    const sentinel = 0x5a;
    const packed = (): Uint8Array => new Uint8Array(runtime.memory.buffer, packedPtr, 64);
    const program: KernelProgram = [
      { kernel: 'heapBase', args: [] },
      // Width 33 does not exist: pack answers BAD_ARGUMENT.
      { kernel: 'pack', args: [valuesPtr, 4, 33, packedPtr] },
      // Must not run: it would overwrite the sentinel bytes.
      { kernel: 'pack', args: [valuesPtr, 4, 8, packedPtr] },
    ];
    for (const estimatedRows of [0, undefined]) {
      packed().fill(sentinel);
      await assert.rejects(runtime.run(program, { estimatedRows }), (error: unknown) => {
        assert.ok(error instanceof KernelError, `a KernelError, got ${String(error)}`);
        assert.equal(error.kernel, 'pack');
        assert.equal(error.status, KernelStatus.BAD_ARGUMENT);
        assert.equal(error.errorCode, ErrorCode.QUERY_EXECUTION);
        assert.match(error.message, /kernel pack failed: an argument is outside/);
        return true;
      });
      assert.ok(packed().every((byte) => byte === sentinel), 'the program stopped at pack');
    }
    runtime.allocator.release(valuesPtr);
    runtime.allocator.release(packedPtr);
  });

  test('an operation loaded on demand in a worker keeps its CuveeError code and name', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'cuvee-runtime-'));
    try {
      const tasksUrl = new URL('../../host/runtime/tasks.js', import.meta.url).href;
      const errorsUrl = new URL('../../host/errors/errors.js', import.meta.url).href;
      const modulePath = join(directory, 'reject.mjs');
      const message = (row: number): string => `row ${row} has no value; fill it or drop the row`;
      writeFileSync(modulePath, [
        `import { defineOperation } from ${JSON.stringify(tasksUrl)};`,
        `import { DataError } from ${JSON.stringify(errorsUrl)};`,
        `defineOperation(import.meta.url, 'test.rejectRow', (_context, row) => {`,
        `  throw new DataError(\`row \${row} has no value; fill it or drop the row\`);`,
        `});`,
      ].join('\n'));
      const rejectRow: Operation<number, never> = {
        name: 'test.rejectRow',
        moduleUrl: pathToFileURL(modulePath).href,
        body: (_context, row) => {
          throw new DataError(message(row));
        },
      };
      for (const estimatedRows of [0, undefined]) {
        await assert.rejects(runtime.execute(rejectRow, 7, { estimatedRows }), (error: unknown) => {
          assert.ok(error instanceof CuveeError);
          assert.equal(error.errorCode, ErrorCode.QUERY_EXECUTION);
          assert.equal(error.name, 'DataError');
          assert.equal(error.message, message(7));
          return true;
        });
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a bad program is refused before it runs anywhere', async () => {
    await assert.rejects(
      runtime.run([{ kernel: 'noSuchKernel', args: [] }]),
      (error: unknown) => error instanceof AssertionError && /not a kernel export/.test(error.message),
    );
    await assert.rejects(
      runtime.run([{ kernel: 'pack', args: [1, 2] }]),
      (error: unknown) => error instanceof AssertionError && /takes 4 arguments, got 2/.test(error.message),
    );
    await assert.rejects(runtime.runAll([[{ kernel: 'heapBase', args: [Number.NaN] }]]), AssertionError);
  });

  test('work up to localRowsMax rows runs on the calling thread, larger work in a worker', async () => {
    const atThreshold = await runtime.execute(threadInfo, null, {
      estimatedRows: runtime.localRowsMax,
    });
    assert.equal(atThreshold.threadId, 0);
    const above = await runtime.execute(threadInfo, null, {
      estimatedRows: runtime.localRowsMax + 1,
    });
    assert.notEqual(above.threadId, 0);
    const unknown = await runtime.execute(threadInfo, null);
    assert.notEqual(unknown.threadId, 0, 'an unknown size counts as large');
  });
});

describe('kernel runtime options', () => {
  test('the default worker count is the available parallelism', async () => {
    const runtime = await KernelRuntime.open({ scratchBytesPerWorker: TEST_SCRATCH_BYTES });
    try {
      assert.equal(runtime.workerCount, availableParallelism());
      assert.equal(runtime.threadCount, availableParallelism());
    } finally {
      await runtime.close();
    }
  });

  test('invalid options are a ConfigError that names the option', async () => {
    await assert.rejects(KernelRuntime.open({ workerCount: 0 }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /workerCount must be an integer >= 1, got 0/);
      return true;
    });
    await assert.rejects(KernelRuntime.open({ maximumMemoryBytes: 2 ** 33 }), /maximumMemoryBytes/);
    await assert.rejects(KernelRuntime.open({ maxQueuedTasks: -1 }), ConfigError);
    await assert.rejects(KernelRuntime.open({ scratchBytesPerWorker: 0.5 }), ConfigError);
  });

  test('scratch that does not fit the maximum memory is a MemoryExhaustedError', async () => {
    await assert.rejects(
      KernelRuntime.open({
        workerCount: 4,
        maximumMemoryBytes: 1024 * 1024,
        scratchBytesPerWorker: 1024 * 1024,
      }),
      MemoryExhaustedError,
    );
  });
});
