// The runtime's built-in operations: a kernel program (kernel calls run in order on one
// instance) and moving bytes inside the shared memory (filling and copying segment buffers).
// Every worker imports this module at start, so these never need a lazy import.
import { assert } from '../util/assert.js';
import type { KernelExports } from './kernelExports.js';
import { checkStatus, KernelStatus } from './status.js';
import { defineOperation, type ExecutionContext } from './tasks.js';

/** One kernel call: an export of build/kernels.wasm and its numeric (i32/f64) arguments. */
export interface KernelCall {
  readonly kernel: string;
  readonly args: readonly number[];
}

/**
 * Kernel calls executed in order on one instance. Each call returns a status or a count; a
 * negative status stops the program with a KernelError naming the kernel. Kernels taking i64
 * (bigint) arguments need an operation of their own.
 */
export type KernelProgram = readonly KernelCall[];

type KernelFunction = (...args: number[]) => unknown;

function kernelFunction(kernels: KernelExports, name: string): KernelFunction | undefined {
  const candidate = (kernels as unknown as Record<string, unknown>)[name];
  return typeof candidate === 'function' ? (candidate as KernelFunction) : undefined;
}

/**
 * Checks a program against an instance of the module before it is sent anywhere: every kernel
 * exists and gets exactly as many finite numbers as it declares parameters. A bad program is a
 * programmer error.
 */
export function validateProgram(kernels: KernelExports, program: KernelProgram): void {
  for (const [index, call] of program.entries()) {
    const kernel = kernelFunction(kernels, call.kernel);
    assert(kernel !== undefined, `program call ${index}: ${call.kernel} is not a kernel export`);
    assert(
      call.args.length === kernel.length,
      `program call ${index}: ${call.kernel} takes ${kernel.length} arguments, ` +
        `got ${call.args.length}`,
    );
    for (const arg of call.args) {
      assert(Number.isFinite(arg), `program call ${index}: ${call.kernel} argument ${arg}`);
    }
  }
}

function executeProgram(context: ExecutionContext, program: KernelProgram): number[] {
  const results = new Array<number>(program.length);
  for (let index = 0; index < program.length; index++) {
    const call = program[index]!;
    const kernel = kernelFunction(context.kernels, call.kernel);
    assert(kernel !== undefined, `program call ${index}: ${call.kernel} is not a kernel export`);
    const result: unknown = Reflect.apply(kernel, undefined, call.args);
    // A kernel without a result value has no status to report: it succeeded.
    const status = result === undefined ? KernelStatus.OK : result;
    assert(
      typeof status === 'number',
      `${call.kernel} returns a status or count, not ${typeof status}`,
    );
    results[index] = checkStatus(call.kernel, status);
  }
  return results;
}

export const kernelProgram = defineOperation<KernelProgram, number[]>(
  import.meta.url,
  'kernel.program',
  executeProgram,
);

function assertRange(
  context: ExecutionContext,
  ptr: number,
  sizeBytes: number,
  what: string,
): void {
  assert(
    Number.isInteger(ptr) && Number.isInteger(sizeBytes) && ptr >= 0 && sizeBytes >= 0,
    `${what}: pointer ${ptr} and size ${sizeBytes} are non-negative integers`,
  );
  assert(
    ptr + sizeBytes <= context.views.capacityBytes,
    `${what}: [${ptr}, ${ptr + sizeBytes}) lies inside the ${context.views.capacityBytes}-byte memory`,
  );
}

export interface MemoryFillArgs {
  readonly ptr: number;
  readonly sizeBytes: number;
  /** The byte value, 0-255. */
  readonly value: number;
}

/** Sets `sizeBytes` bytes at `ptr` to `value`; returns the number of bytes written. */
export const memoryFill = defineOperation<MemoryFillArgs, number>(
  import.meta.url,
  'memory.fill',
  (context, { ptr, sizeBytes, value }) => {
    assertRange(context, ptr, sizeBytes, 'memory.fill');
    assert(Number.isInteger(value) && value >= 0 && value <= 255, `fill byte ${value}`);
    context.views.bytes.fill(value, ptr, ptr + sizeBytes);
    return sizeBytes;
  },
);

export interface MemoryCopyArgs {
  readonly targetPtr: number;
  readonly sourcePtr: number;
  readonly sizeBytes: number;
}

/** Copies `sizeBytes` bytes (ranges may overlap); returns the number of bytes copied. */
export const memoryCopy = defineOperation<MemoryCopyArgs, number>(
  import.meta.url,
  'memory.copy',
  (context, { targetPtr, sourcePtr, sizeBytes }) => {
    assertRange(context, sourcePtr, sizeBytes, 'memory.copy source');
    assertRange(context, targetPtr, sizeBytes, 'memory.copy target');
    context.views.bytes.copyWithin(targetPtr, sourcePtr, sourcePtr + sizeBytes);
    return sizeBytes;
  },
);
