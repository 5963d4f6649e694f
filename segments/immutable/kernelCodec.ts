// Encoding with the kernels for the segment writer: sorted dictionaries (kernels/DICTIONARY.md),
// bit-packed ids (kernels/BITPACK.md) and serialized doc-id bitmaps (kernels/BITMAP.md). The
// TypeScript references in kernels/reference define these bytes but are slow by design (the
// bitmap reference materializes every container as 65,536 bits); the kernels produce the same
// bytes (checked by test/segments/immutable/kernelCodec.test.ts). They run on a private kernel
// memory that one segment build owns and drops, so its peak size goes back to the heap after
// the build. Host-side bitmap decoding for readers follows the documented layout directly.
import type { StoredType } from '../../host/config/types.js';
import { MemoryAllocator } from '../../host/runtime/allocator.js';
import { instantiateKernels, type KernelInstance } from '../../host/runtime/kernelModule.js';
import {
  createSharedMemory,
  WASM32_MAX_PAGES,
  WASM_PAGE_BYTES,
} from '../../host/runtime/memory.js';
import { checkStatus } from '../../host/runtime/status.js';
import {
  bitmapFromDocIdsMaxBytes,
  BITMAP_DESCRIPTOR_BYTES,
  BITMAP_HEADER_BYTES,
  BITMAP_OFFSET_BYTES,
  ContainerType,
  CONTAINER_SPAN,
  CONTAINER_WORDS,
} from '../../kernels/reference/bitmap.js';
import { packedSizeBytes } from '../../kernels/reference/bitpack.js';
import {
  encodeVariableWidth,
  FIXED_WIDTH_BYTES,
  dictionaryBuildScratchBytes,
  type FixedValues,
} from '../../kernels/reference/dictionary.js';

/** The private memory starts at 1 MiB (16 pages) and grows with the largest input encoded. */
const ENCODER_INITIAL_PAGES = 16;
/** Each offset of the variable-width layout is a u32. */
const OFFSET_BYTES = 4;

/** A dictionary built by the kernels: sorted unique values and one id per input value. */
export interface KernelDictionary {
  readonly type: StoredType;
  readonly bytes: Uint8Array;
  readonly cardinality: number;
  readonly ids: Uint32Array;
}

/** Scratch buffers of one build, by role; each grows to the largest request and is reused. */
type BufferRole = 'input' | 'output' | 'ids' | 'scratch';

/** One kernels instance on a private memory, owned by one segment build. */
export class KernelEncoder {
  private readonly kernels: KernelInstance;
  private readonly allocator: MemoryAllocator;
  private readonly buffers = new Map<BufferRole, { ptr: number; capacityBytes: number }>();

  constructor() {
    const memory = createSharedMemory({ initialPages: ENCODER_INITIAL_PAGES });
    this.kernels = instantiateKernels(memory);
    this.allocator = new MemoryAllocator(
      memory,
      this.kernels.exports.heapBase(),
      WASM32_MAX_PAGES * WASM_PAGE_BYTES,
    );
  }

  private reserve(role: BufferRole, sizeBytes: number): number {
    const buffer = this.buffers.get(role);
    if (buffer !== undefined && buffer.capacityBytes >= sizeBytes) return buffer.ptr;
    if (buffer !== undefined) this.allocator.release(buffer.ptr);
    const capacityBytes = Math.max(sizeBytes, 2 * (buffer?.capacityBytes ?? 0));
    const ptr = this.allocator.allocate(capacityBytes);
    this.buffers.set(role, { ptr, capacityBytes });
    return ptr;
  }

  /** Copies `bytes` into the input buffer; returns its pointer. */
  private copyIn(bytes: Uint8Array): number {
    const ptr = this.reserve('input', bytes.byteLength);
    new Uint8Array(this.kernels.memory.buffer, ptr, bytes.byteLength).set(bytes);
    return ptr;
  }

  private copyOut(ptr: number, sizeBytes: number): Uint8Array {
    return new Uint8Array(this.kernels.memory.buffer, ptr, sizeBytes).slice();
  }

  /** The serialized bitmap of strictly ascending doc ids (below 2^31). */
  bitmap(docIds: Uint32Array): Uint8Array {
    const idsPtr = this.copyIn(bytesOf(docIds));
    const capacityBytes = bitmapFromDocIdsMaxBytes(docIds.length);
    const outPtr = this.reserve('output', capacityBytes);
    const exports = this.kernels.exports;
    const result = exports.bitmapFromDocIds(idsPtr, docIds.length, outPtr, capacityBytes);
    return this.copyOut(outPtr, checkStatus('bitmapFromDocIds', result));
  }

  /** `ids` bit-packed at `bitWidth` bits, padded size (packedSizeBytes) included. */
  pack(ids: Uint32Array, bitWidth: number): Uint8Array {
    const idsPtr = this.copyIn(bytesOf(ids));
    const sizeBytes = packedSizeBytes(ids.length, bitWidth);
    const outPtr = this.reserve('output', sizeBytes);
    checkStatus('pack', this.kernels.exports.pack(idsPtr, ids.length, bitWidth, outPtr));
    return this.copyOut(outPtr, sizeBytes);
  }

  /**
   * The sorted dictionary of `values` (fixed width: their typed array; STRING/BYTES: one
   * UTF-8 or byte string each) and every value's id.
   */
  dictionary(type: StoredType, values: FixedValues | readonly Uint8Array[]): KernelDictionary {
    const width = FIXED_WIDTH_BYTES[type];
    const count = values.length;
    const input =
      width > 0 ? bytesOf(values as FixedValues) : encodeVariableWidth(values as Uint8Array[]);
    const valuesPtr = this.copyIn(input);
    const capacityBytes = Math.max(input.byteLength, OFFSET_BYTES);
    const dictPtr = this.reserve('output', capacityBytes);
    const idsPtr = this.reserve('ids', count * 4);
    const scratchBytes = dictionaryBuildScratchBytes(type, count);
    const scratchPtr = this.reserve('scratch', scratchBytes);
    const build = this.buildKernel(type);
    const cardinality = checkStatus(
      `dictBuild ${type}`,
      build(valuesPtr, count, dictPtr, capacityBytes, idsPtr, scratchPtr, scratchBytes),
    );
    const memory = this.kernels.memory.buffer;
    const sizeBytes =
      width > 0
        ? width * cardinality
        : OFFSET_BYTES * (cardinality + 1) +
          new Uint32Array(memory, dictPtr, cardinality + 1)[cardinality]!;
    const ids = new Uint32Array(memory, idsPtr, count).slice();
    return { type, bytes: this.copyOut(dictPtr, sizeBytes), cardinality, ids };
  }

  private buildKernel(type: StoredType) {
    const exports = this.kernels.exports;
    switch (type) {
      case 'INT':
        return exports.dictBuildI32.bind(exports);
      case 'LONG':
        return exports.dictBuildI64.bind(exports);
      case 'FLOAT':
        return exports.dictBuildF32.bind(exports);
      case 'DOUBLE':
        return exports.dictBuildF64.bind(exports);
      case 'STRING':
      case 'BYTES':
        return exports.dictBuildBytes.bind(exports);
    }
  }
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Adds the set bits of one bitset container to `out` from `at`; returns the new end. */
function decodeBitset(view: DataView, offset: number, base: number, out: Uint32Array, at: number) {
  let end = at;
  for (let word = 0; word < CONTAINER_WORDS; word++) {
    let bits = view.getUint32(offset + word * 4, true);
    while (bits !== 0) {
      const low = bits & -bits;
      out[end++] = base + word * 32 + 31 - Math.clz32(low);
      bits ^= low;
    }
  }
  return end;
}

/** The ascending doc ids of a valid serialized bitmap (checked once at load). */
export function decodeDocIdBitmap(bytes: Uint8Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const offsetsAt = BITMAP_HEADER_BYTES + count * BITMAP_DESCRIPTOR_BYTES;
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += view.getUint16(BITMAP_HEADER_BYTES + i * BITMAP_DESCRIPTOR_BYTES + 4, true) + 1;
  }
  const out = new Uint32Array(total);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const descriptor = BITMAP_HEADER_BYTES + i * BITMAP_DESCRIPTOR_BYTES;
    const base = view.getUint16(descriptor, true) * CONTAINER_SPAN;
    const type = view.getUint16(descriptor + 2, true);
    const cardinality = view.getUint16(descriptor + 4, true) + 1;
    const offset = view.getUint32(offsetsAt + i * BITMAP_OFFSET_BYTES, true);
    if (type === ContainerType.ARRAY) {
      for (let k = 0; k < cardinality; k++) out[at++] = base + view.getUint16(offset + 2 * k, true);
    } else if (type === ContainerType.BITSET) {
      at = decodeBitset(view, offset, base, out, at);
    } else {
      const runCount = view.getUint16(descriptor + 6, true);
      for (let r = 0; r < runCount; r++) {
        const start = base + view.getUint16(offset + 4 * r, true);
        const length = view.getUint16(offset + 4 * r + 2, true) + 1;
        for (let k = 0; k < length; k++) out[at++] = start + k;
      }
    }
  }
  return out;
}
