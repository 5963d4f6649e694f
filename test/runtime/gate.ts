// A worker operation that holds its worker until the main thread opens a gate in the shared
// memory: tests use it to keep later tasks queued for exactly as long as they need, instead of
// guessing how long busy work takes on a loaded machine.
import type { KernelRuntime } from '../../host/runtime/runtime.js';
import { defineOperation } from '../../host/runtime/tasks.js';

/** Bytes of the gate cell: one int32, 0 closed, 1 open. */
const GATE_BYTES = 4;

interface WaitArgs {
  readonly ptr: number;
  readonly timeoutMs: number;
}

/** Blocks the worker until the cell at `ptr` is no longer 0 (or `timeoutMs` passed). */
export const waitAtGate = defineOperation<WaitArgs, string>(
  import.meta.url,
  'test.waitAtGate',
  (context, { ptr, timeoutMs }) => {
    const cell = new Int32Array(context.memory.buffer, ptr, 1);
    return Atomics.wait(cell, 0, 0, timeoutMs);
  },
);

export class Gate {
  private readonly ptr: number;
  private readonly held: Promise<unknown>;

  /** Holds every worker of `runtime` (at most `timeoutMs`) until open() is called. */
  constructor(
    private readonly runtime: KernelRuntime,
    timeoutMs: number,
  ) {
    this.ptr = runtime.allocator.allocate(GATE_BYTES);
    new Int32Array(runtime.memory.buffer, this.ptr, 1)[0] = 0;
    const args = Array.from({ length: runtime.workerCount }, () => ({ ptr: this.ptr, timeoutMs }));
    this.held = Promise.allSettled(runtime.startAll(waitAtGate, args));
  }

  /** Lets the workers go and waits until they have; the cell is given back. */
  async open(): Promise<void> {
    const cell = new Int32Array(this.runtime.memory.buffer, this.ptr, 1);
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
    await this.held;
    this.runtime.allocator.release(this.ptr);
  }
}
