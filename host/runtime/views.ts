// Typed views over the shared kernel memory for the host side of operations. Only the main thread
// grows the memory, but every thread must see the growth: a shared WebAssembly.Memory grows in
// place, yet a view keeps the length it was made with, so views are re-created whenever
// `memory.buffer` reports a new length. refresh() is called once per task (cheap: one length
// compare); operations then use the views without checking again. Index a view by byte offset
// divided by its element size (pointers handed out by the allocator are 16-byte aligned).

interface Views {
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly int32: Int32Array;
  readonly uint32: Uint32Array;
  readonly float32: Float32Array;
  readonly float64: Float64Array;
  readonly bigInt64: BigInt64Array;
}

function createViews(buffer: SharedArrayBuffer): Views {
  return {
    buffer,
    bytes: new Uint8Array(buffer),
    int32: new Int32Array(buffer),
    uint32: new Uint32Array(buffer),
    float32: new Float32Array(buffer),
    float64: new Float64Array(buffer),
    bigInt64: new BigInt64Array(buffer),
  };
}

/** A shared memory's buffer is a SharedArrayBuffer; lib.dom types it as ArrayBuffer. */
function sharedBuffer(memory: WebAssembly.Memory): SharedArrayBuffer {
  return memory.buffer as unknown as SharedArrayBuffer;
}

export class MemoryViews {
  private views: Views;

  constructor(readonly memory: WebAssembly.Memory) {
    this.views = createViews(sharedBuffer(memory));
  }

  /** Re-creates the views if another thread (or this one) grew the memory since the last call. */
  refresh(): void {
    const current = sharedBuffer(this.memory);
    if (current.byteLength !== this.views.buffer.byteLength) this.views = createViews(current);
  }

  /** Capacity in bytes as of the last refresh(). */
  get capacityBytes(): number {
    return this.views.buffer.byteLength;
  }

  // The whole memory as each element type, as of the last refresh().
  get bytes(): Uint8Array {
    return this.views.bytes;
  }
  get int32(): Int32Array {
    return this.views.int32;
  }
  get uint32(): Uint32Array {
    return this.views.uint32;
  }
  get float32(): Float32Array {
    return this.views.float32;
  }
  get float64(): Float64Array {
    return this.views.float64;
  }
  get bigInt64(): BigInt64Array {
    return this.views.bigInt64;
  }
}
