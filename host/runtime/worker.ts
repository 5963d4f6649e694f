// The piscina worker: instantiates the kernels module on the process's shared memory, claims its
// scratch slot, and runs tasks that name a registered operation. It imports nothing but the
// kernels, the registry and the built-in operations; other operations arrive by importing the
// module that defines them, once, on first use.
import { threadId, workerData } from 'node:worker_threads';
import { assert } from '../util/assert.js';
import { instantiateKernels } from './kernelModule.js';
import './operations.js';
import type { ReleaseLogInit } from './releaseLog.js';
import { claimScratch, type ScratchLayout } from './scratch.js';
import {
  executeOperation,
  findOperation,
  serializeError,
  type ExecutionContext,
  type Operation,
  type TaskOutcome,
  type TaskRequest,
} from './tasks.js';
import { MemoryViews } from './views.js';

/** What the pool hands every worker (all of it structured-cloneable). */
export interface WorkerInit extends ReleaseLogInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly scratch: ScratchLayout;
}

const init = workerData as WorkerInit;
const instance = instantiateKernels(init.memory, init.module);
const scratch = claimScratch(init.scratch, threadId);
const context: ExecutionContext = {
  kernels: instance.exports,
  memory: init.memory,
  views: new MemoryViews(init.memory),
  scratchPtr: scratch.ptr,
  scratchBytes: scratch.sizeBytes,
};

async function loadOperation(request: TaskRequest): Promise<Operation<unknown, unknown>> {
  await import(request.moduleUrl);
  const loaded = findOperation(request.operation);
  assert(
    loaded !== undefined,
    `operation ${request.operation} is not defined by ${request.moduleUrl}`,
  );
  return loaded;
}

function execute(operation: Operation<unknown, unknown>, args: unknown): TaskOutcome {
  try {
    return { ok: true, value: executeOperation(context, operation, args) };
  } catch (error) {
    const serialized = serializeError(error);
    if (serialized === undefined) throw error;
    return { ok: false, error: serialized };
  }
}

/** The piscina handler: synchronous once the operation is known (the common case). */
export default function runTask(request: TaskRequest): TaskOutcome | Promise<TaskOutcome> {
  const known = findOperation(request.operation);
  if (known !== undefined) return execute(known, request.args);
  return loadOperation(request).then((loaded) => execute(loaded, request.args));
}
