// Plain TypeScript reference of the bit-packed forward-index layout (kernels/BITPACK.md). The
// wasm kernels in kernels/assembly/bitpack.ts must produce and read exactly these bytes; the
// segment writer may use this module directly to pack ids without a kernels instance.
import { assert } from '../../host/util/assert.js';

/** Widths above 32 bits do not fit the u32 dictionary ids the kernels decode. */
export const MAX_BIT_WIDTH = 32;
/** Scans decode whole 32-doc bitset words, so the data area is sized for a multiple of 32. */
export const PACK_BLOCK_VALUES = 32;
/**
 * Bytes after the data area: a 16-byte SIMD load may start anywhere inside the data area of a
 * 32-value block, and an 8-byte scalar load at byte (j * w) >> 3 of the last value must not run
 * past the buffer either; 16 covers both.
 */
export const PACK_TAIL_PADDING_BYTES = 16;

/** 2^32 as a double: the exclusive upper bound of a u32 value. */
const TWO_POW_32 = 4_294_967_296;

function checkWidth(bitWidth: number): void {
  // The message is built only on failure: this runs once per value in unpackOne.
  if (Number.isInteger(bitWidth) && bitWidth >= 1 && bitWidth <= MAX_BIT_WIDTH) return;
  assert(false, `bit width ${bitWidth} is in 1..${MAX_BIT_WIDTH}`);
}

/** The padded size in bytes of `count` values packed at `bitWidth` bits each. */
export function packedSizeBytes(count: number, bitWidth: number): number {
  checkWidth(bitWidth);
  assert(Number.isInteger(count) && count >= 0, `value count ${count} is a count`);
  const blockCount = Math.ceil(count / PACK_BLOCK_VALUES);
  // A block of 32 values at w bits is exactly 4 * w bytes.
  return blockCount * 4 * bitWidth + PACK_TAIL_PADDING_BYTES;
}

/** The smallest width (at least 1) that holds every value in 0..maxValue. */
export function bitsNeeded(maxValue: number): number {
  assert(
    Number.isInteger(maxValue) && maxValue >= 0 && maxValue < TWO_POW_32,
    `max value ${maxValue} is a u32`,
  );
  return Math.max(1, 32 - Math.clz32(maxValue));
}

/** The largest value a width holds, as a u32-valued number. */
export function maxValueOf(bitWidth: number): number {
  checkWidth(bitWidth);
  return bitWidth === 32 ? TWO_POW_32 - 1 : 2 ** bitWidth - 1;
}

/**
 * Packs `values` LSB-first at `bitWidth` bits each into `out`, which must hold
 * packedSizeBytes(values.length, bitWidth) bytes; the whole padded size is written (padding
 * zeroed) so that equal inputs give equal bytes.
 */
export function pack(values: Uint32Array, bitWidth: number, out: Uint8Array): void {
  const sizeBytes = packedSizeBytes(values.length, bitWidth);
  assert(out.length >= sizeBytes, `pack output holds ${sizeBytes} bytes (has ${out.length})`);
  out.fill(0, 0, sizeBytes);
  const maxValue = maxValueOf(bitWidth);
  for (let j = 0; j < values.length; j++) {
    const value = values[j]!;
    if (value > maxValue) assert(false, `value ${value} at ${j} fits ${bitWidth} bits`);
    const bit = j * bitWidth;
    let byteIndex = Math.floor(bit / 8);
    const shift = bit % 8;
    // Low byte takes the value's low (8 - shift) bits; then whole bytes follow.
    out[byteIndex] = out[byteIndex]! | ((value << shift) & 0xff);
    let rest = Math.floor(value / 2 ** (8 - shift));
    let bitsLeft = bitWidth - (8 - shift);
    while (bitsLeft > 0) {
      byteIndex++;
      out[byteIndex] = rest & 0xff;
      rest = Math.floor(rest / 256);
      bitsLeft -= 8;
    }
  }
}

/** The value at `index` (0-based) of a packed buffer. */
export function unpackOne(packed: Uint8Array, bitWidth: number, index: number): number {
  checkWidth(bitWidth);
  const bit = index * bitWidth;
  const byteIndex = Math.floor(bit / 8);
  const shift = bit % 8;
  if (byteIndex + Math.ceil((shift + bitWidth) / 8) > packed.length) {
    assert(false, `index ${index} lies inside the ${packed.length} packed bytes`);
  }
  // Up to 5 bytes hold the value: 7 bits of offset + 32 bits of value.
  const low =
    (packed[byteIndex]! |
      (packed[byteIndex + 1]! << 8) |
      (packed[byteIndex + 2]! << 16) |
      (packed[byteIndex + 3]! << 24)) >>>
    0;
  const high = shift === 0 ? 0 : packed[byteIndex + 4]! << (32 - shift);
  const value = ((low >>> shift) | high) >>> 0;
  return bitWidth === 32 ? value : value & (2 ** bitWidth - 1);
}

/** Decodes the first `count` values into `out`. */
export function unpack(
  packed: Uint8Array,
  bitWidth: number,
  count: number,
  out: Uint32Array,
): void {
  assert(out.length >= count, `unpack output holds ${count} values (has ${out.length})`);
  for (let j = 0; j < count; j++) out[j] = unpackOne(packed, bitWidth, j);
}
