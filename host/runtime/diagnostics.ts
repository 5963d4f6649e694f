// Diagnostic operations: what a thread sees of the runtime. Not imported by the worker at start;
// a worker loads this module the first time a task names one of its operations.
import { threadId } from 'node:worker_threads';
import { defineOperation } from './tasks.js';

export interface ThreadInfo {
  /** 0 on the main thread, the worker's id otherwise. */
  readonly threadId: number;
  readonly scratchPtr: number;
  readonly scratchBytes: number;
  /** The shared memory's size as this thread sees it (after growth by the main thread). */
  readonly memoryBytes: number;
}

/** Reports which thread ran the task, its scratch region and the memory size it sees. */
export const threadInfo = defineOperation<null, ThreadInfo>(
  import.meta.url,
  'runtime.threadInfo',
  (context) => ({
    threadId,
    scratchPtr: context.scratchPtr,
    scratchBytes: context.scratchBytes,
    memoryBytes: context.views.capacityBytes,
  }),
);
