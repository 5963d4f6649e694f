// The piscina worker: instantiates the kernels module on the process's first shared memory (and
// on any later one the first time a task names it), claims its scratch slot, and runs tasks
// that name a registered operation. It imports nothing but the kernels, the registry and the
// built-in operations; other operations arrive by importing the module that defines them, once,
// on first use.
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
const scratch = claimScratch(init.scratch, threadId);

function contextOn(memory: WebAssembly.Memory, scratchPtr: number): ExecutionContext {
  return {
    kernels: instantiateKernels(memory, init.module).exports,
    memory,
    views: new MemoryViews(memory),
    scratchPtr,
    scratchBytes: scratch.sizeBytes,
  };
}

/** By memory index: memory 0 from the start, others on the first task that names them. */
const contexts = new Map<number, ExecutionContext>([[0, contextOn(init.memory, scratch.ptr)]]);

function contextFor(request: TaskRequest): ExecutionContext {
  const target = request.target;
  if (target === undefined) return contexts.get(0)!;
  let context = contexts.get(target.index);
  if (context === undefined) {
    // This worker's slot sits at the same offset in every memory's scratch block.
    const slotPtr = target.workerScratchPtr + (scratch.ptr - init.scratch.basePtr);
    context = contextOn(target.memory, slotPtr);
    contexts.set(target.index, context);
  }
  return context;
}

async function loadOperation(request: TaskRequest): Promise<Operation<unknown, unknown>> {
  await import(request.moduleUrl);
  const loaded = findOperation(request.operation);
  assert(
    loaded !== undefined,
    `operation ${request.operation} is not defined by ${request.moduleUrl}`,
  );
  return loaded;
}

function execute(operation: Operation<unknown, unknown>, request: TaskRequest): TaskOutcome {
  try {
    return { ok: true, value: executeOperation(contextFor(request), operation, request.args) };
  } catch (error) {
    const serialized = serializeError(error);
    if (serialized === undefined) throw error;
    return { ok: false, error: serialized };
  }
}

/** The piscina handler: synchronous once the operation is known (the common case). */
export default function runTask(request: TaskRequest): TaskOutcome | Promise<TaskOutcome> {
  const known = findOperation(request.operation);
  if (known !== undefined) return execute(known, request);
  return loadOperation(request).then((loaded) => execute(loaded, request));
}
