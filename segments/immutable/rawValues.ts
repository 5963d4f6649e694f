// Raw (no-dictionary) SV values in the shared memory: a fixed-width little-endian array, or the
// var-width layout of dictionaries (docCount + 1 u32 offsets, then the bytes).
import type { ScalarValue, StoredType } from '../../host/config/types.js';
import type { ForwardIndexLocator } from '../spi/columnReader.js';

/** Each offset of the variable-width layout is a u32. */
const OFFSET_BYTES = 4;

const utf8 = new TextDecoder();

export interface RawValues {
  get(docId: number): ScalarValue;
  readonly locator: ForwardIndexLocator;
}

type FixedArray = Int32Array | BigInt64Array | Float32Array | Float64Array;

class FixedRawValues implements RawValues {
  constructor(
    private readonly values: FixedArray,
    readonly locator: ForwardIndexLocator,
  ) {}
  get(docId: number): ScalarValue {
    return this.values[docId]!;
  }
}

class VarLengthRawValues implements RawValues {
  private readonly offsets: Uint32Array;
  private readonly headerBytes: number;
  constructor(
    private readonly storedType: StoredType,
    private readonly bytes: Uint8Array,
    docCount: number,
    readonly locator: ForwardIndexLocator,
  ) {
    this.offsets = new Uint32Array(bytes.buffer, bytes.byteOffset, docCount + 1);
    this.headerBytes = (docCount + 1) * OFFSET_BYTES;
  }
  get(docId: number): ScalarValue {
    const start = this.headerBytes + this.offsets[docId]!;
    const end = this.headerBytes + this.offsets[docId + 1]!;
    const raw = this.bytes.subarray(start, end);
    return this.storedType === 'STRING' ? utf8.decode(raw) : raw.slice();
  }
}

/** The bytes needed for `docCount` fixed-width values, or undefined for var-length types. */
export function rawFixedBytes(storedType: StoredType, docCount: number): number | undefined {
  switch (storedType) {
    case 'INT':
    case 'FLOAT':
      return 4 * docCount;
    case 'LONG':
    case 'DOUBLE':
      return 8 * docCount;
    default:
      return undefined;
  }
}

/** `bytes` is the RAW_VALUES section, a view into the shared memory at byte `ptr`. */
export function rawValuesOf(
  storedType: StoredType,
  bytes: Uint8Array,
  ptr: number,
  docCount: number,
): RawValues {
  const { buffer, byteOffset } = bytes;
  const fixed = (values: FixedArray, valueWidthBytes: number): RawValues =>
    new FixedRawValues(values, { layout: 'rawFixed', valuesPtr: ptr, valueWidthBytes, docCount });
  switch (storedType) {
    case 'INT':
      return fixed(new Int32Array(buffer, byteOffset, docCount), 4);
    case 'LONG':
      return fixed(new BigInt64Array(buffer, byteOffset, docCount), 8);
    case 'FLOAT':
      return fixed(new Float32Array(buffer, byteOffset, docCount), 4);
    case 'DOUBLE':
      return fixed(new Float64Array(buffer, byteOffset, docCount), 8);
    default:
      return new VarLengthRawValues(storedType, bytes, docCount, {
        layout: 'rawVarLength',
        offsetsPtr: ptr,
        bytesPtr: ptr + (docCount + 1) * OFFSET_BYTES,
        docCount,
      });
  }
}
