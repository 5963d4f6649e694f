// The task protocol between the main thread and the kernel workers, and the registry of
// operations a task can name.
//
// An operation is a synchronous function over an ExecutionContext (a kernels instance on the
// shared memory, views, this thread's scratch) and plain, structured-cloneable arguments — in
// practice numbers: pointers and lengths into the shared memory. The same function runs on the
// calling thread's own instance or in a worker, so results are equal either way.
//
// Defining an operation: in a module WITHOUT side effects beyond definitions (a worker imports
// it), write
//   export const scanSegment = defineOperation<ScanArgs, number>(
//     import.meta.url, 'query.scanSegment', (context, args) => ...);
// and run it with `runtime.execute(scanSegment, args, { estimatedRows })`. The handle carries
// the defining module's URL; a worker that has not seen the operation imports that module once,
// which registers it there too. The worker itself imports nothing but the kernels and this
// registry (plus the built-in operations in operations.ts).
import { CuveeError, KernelError } from '../errors/errors.js';
import { assert } from '../util/assert.js';
import type { KernelExports } from './kernelExports.js';
import { statusMessage } from './status.js';
import type { MemoryViews } from './views.js';

/** What an operation runs on: one thread's kernels instance and its private scratch. */
export interface ExecutionContext {
  readonly kernels: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Refreshed before every operation, so they cover the memory as grown so far. */
  readonly views: MemoryViews;
  /** This thread's scratch region: no other thread writes it. */
  readonly scratchPtr: number;
  readonly scratchBytes: number;
}

export type OperationBody<Args, Result> = (context: ExecutionContext, args: Args) => Result;

/** A registered operation. Args and Result must be structured-cloneable (plain data). */
export interface Operation<Args, Result> {
  readonly name: string;
  /** The module that defines the operation; a worker imports it on first use. */
  readonly moduleUrl: string;
  readonly body: OperationBody<Args, Result>;
}

/**
 * A memory other than the process's first, named in a task that reads it. A worker
 * instantiates the kernels on it the first time it sees `index`; the memory object itself is
 * cloned as a handle (a shared memory is never copied).
 */
export interface MemoryTarget {
  readonly index: number;
  readonly memory: WebAssembly.Memory;
  /** The memory's worker scratch block: a worker's slot lies at the same offset as in memory 0. */
  readonly workerScratchPtr: number;
}

/** The message a worker receives. */
export interface TaskRequest {
  readonly operation: string;
  readonly moduleUrl: string;
  readonly args: unknown;
  /** Absent: memory 0, the one every worker starts with. */
  readonly target?: MemoryTarget;
}

/** A CuveeError flattened for the trip back (structured clone keeps no classes or fields). */
export interface SerializedError {
  readonly name: string;
  readonly errorCode: number;
  readonly message: string;
  readonly kernel?: string;
  readonly status?: number;
}

/**
 * What a worker sends back. User-causable errors (CuveeError) travel as data and are rebuilt
 * with their class and errorCode; anything else (assertions, bugs) is thrown in the worker and
 * reaches the caller as piscina's cloned Error.
 */
export type TaskOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: SerializedError };

const registry = new Map<string, Operation<unknown, unknown>>();

/** Registers an operation on this thread and returns its typed handle. */
export function defineOperation<Args, Result>(
  moduleUrl: string,
  name: string,
  body: OperationBody<Args, Result>,
): Operation<Args, Result> {
  assert(name.length > 0, 'an operation has a name');
  assert(!registry.has(name), `operation ${name} is defined once (again in ${moduleUrl})`);
  const operation: Operation<Args, Result> = Object.freeze({ name, moduleUrl, body });
  registry.set(name, operation as Operation<unknown, unknown>);
  return operation;
}

export function findOperation(name: string): Operation<unknown, unknown> | undefined {
  return registry.get(name);
}

/** Runs an operation on a context; the views are refreshed first (the memory may have grown). */
export function executeOperation<Args, Result>(
  context: ExecutionContext,
  operation: Operation<Args, Result>,
  args: Args,
): Result {
  context.views.refresh();
  return operation.body(context, args);
}

export function taskRequest<Args>(
  operation: Operation<Args, unknown>,
  args: Args,
  target?: MemoryTarget,
): TaskRequest {
  const request = { operation: operation.name, moduleUrl: operation.moduleUrl, args };
  return target === undefined ? request : { ...request, target };
}

export function serializeError(error: unknown): SerializedError | undefined {
  if (error instanceof KernelError) {
    const { name, errorCode, message, kernel, status } = error;
    return { name, errorCode, message, kernel, status };
  }
  if (error instanceof CuveeError) {
    const { name, errorCode, message } = error;
    return { name, errorCode, message };
  }
  return undefined;
}

/** Rebuilds a worker's error: KernelError keeps its class; other CuveeErrors keep code and name. */
export function deserializeError(serialized: SerializedError): CuveeError {
  const error =
    serialized.kernel !== undefined && serialized.status !== undefined
      ? new KernelError(serialized.kernel, serialized.status, statusMessage(serialized.status))
      : new CuveeError(serialized.errorCode, serialized.message);
  error.name = serialized.name;
  error.message = serialized.message;
  return error;
}
