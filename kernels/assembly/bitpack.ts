// Bit-packed dictionary ids (layout: kernels/BITPACK.md; reference: kernels/reference/bitpack.ts).
// Value j of width w occupies bits [j*w, j*w + w) of a little-endian bit stream, and the
// buffer carries 16 bytes of padding so that the 8-byte and 16-byte loads below stay in bounds.
import { STATUS_BAD_ARGUMENT, STATUS_OK } from './status';

/** Dictionary ids are u32: 32 bits is the widest packing. */
const MAX_BIT_WIDTH: u32 = 32;
/** A 32-value block at w bits is 4 * w bytes; the scans decode whole blocks. */
const BLOCK_VALUES: u32 = 32;
/** Zero bytes after the data area, so any load the kernels make stays inside the buffer. */
const TAIL_PADDING_BYTES: usize = 16;
/** Widths that 32-bit SIMD lanes decode: a value at bit offset <= 7 must fit 32 bits. */
const LANE32_MAX_WIDTH: u32 = 25;
/** Values per SIMD step of the 32-bit-lane decoder: 8 values of any width span whole bytes. */
const LANE32_STEP_VALUES: u32 = 8;

/** True for widths in 1..32 (w - 1 wraps for 0). */
// @ts-ignore: decorator
@inline function isValidWidth(bitWidth: u32): bool {
  return bitWidth - 1 < MAX_BIT_WIDTH;
}

/** The padded byte size of `count` values at `bitWidth` bits (see kernels/BITPACK.md). */
// @ts-ignore: decorator
@inline function paddedSizeBytes(count: u32, bitWidth: u32): usize {
  const blockCount = (<usize>count + BLOCK_VALUES - 1) / BLOCK_VALUES;
  return blockCount * 4 * <usize>bitWidth + TAIL_PADDING_BYTES;
}

/** Value j read with one unaligned 8-byte load (the padding keeps it in bounds). */
// @ts-ignore: decorator
@inline function readPacked(packedPtr: usize, bitWidth: u32, mask: u64, index: u32): u32 {
  const bit = <u64>index * bitWidth;
  const word = load<u64>(packedPtr + <usize>(bit >> 3));
  return <u32>((word >> (bit & 7)) & mask);
}

// @ts-ignore: decorator
@inline function widthMask(bitWidth: u32): u64 {
  return (<u64>1 << bitWidth) - 1;
}

/** OR of all values: a value wider than the width shows in the bits above it. */
function orOfValues(valuesPtr: usize, count: u32): u32 {
  let acc = i32x4.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= count; i += 4) acc = v128.or(acc, v128.load(valuesPtr + (<usize>i << 2)));
  let result = i32x4.extract_lane(acc, 0) | i32x4.extract_lane(acc, 1);
  result |= i32x4.extract_lane(acc, 2) | i32x4.extract_lane(acc, 3);
  for (; i < count; i++) result |= load<u32>(valuesPtr + (<usize>i << 2));
  return <u32>result;
}

/** Width 8: narrow 16 u32 values to 16 bytes per step (values already checked to fit). */
function pack8(valuesPtr: usize, count: u32, outPtr: usize): void {
  let i: u32 = 0;
  for (; i + 16 <= count; i += 16) {
    const src = valuesPtr + (<usize>i << 2);
    const low = i16x8.narrow_i32x4_u(v128.load(src), v128.load(src, 16));
    const high = i16x8.narrow_i32x4_u(v128.load(src, 32), v128.load(src, 48));
    v128.store(outPtr + i, i8x16.narrow_i16x8_u(low, high));
  }
  for (; i < count; i++) store<u8>(outPtr + i, <u8>load<u32>(valuesPtr + (<usize>i << 2)));
}

function pack16(valuesPtr: usize, count: u32, outPtr: usize): void {
  let i: u32 = 0;
  for (; i + 8 <= count; i += 8) {
    const src = valuesPtr + (<usize>i << 2);
    v128.store(outPtr + (<usize>i << 1), i16x8.narrow_i32x4_u(v128.load(src), v128.load(src, 16)));
  }
  for (; i < count; i++) {
    store<u16>(outPtr + (<usize>i << 1), <u16>load<u32>(valuesPtr + (<usize>i << 2)));
  }
}

/** Any width: a 64-bit accumulator flushes 32 bits at a time. Returns the end of the bytes. */
function packGeneral(valuesPtr: usize, count: u32, bitWidth: u32, outPtr: usize): usize {
  let acc: u64 = 0;
  let accBits: u32 = 0;
  let out = outPtr;
  for (let i: u32 = 0; i < count; i++) {
    acc |= <u64>load<u32>(valuesPtr + (<usize>i << 2)) << accBits;
    accBits += bitWidth;
    if (accBits >= 32) {
      store<u32>(out, <u32>acc);
      out += 4;
      acc >>= 32;
      accBits -= 32;
    }
  }
  if (accBits > 0) {
    store<u32>(out, <u32>acc);
    out += 4;
  }
  return out;
}

/**
 * Packs `count` u32 values at `bitWidth` bits into `outPtr`, writing the whole padded size
 * (kernels/BITPACK.md). STATUS_BAD_ARGUMENT for a width outside 1..32 or a value that does not
 * fit the width (nothing is written then).
 */
export function pack(valuesPtr: usize, count: u32, bitWidth: u32, outPtr: usize): i32 {
  if (!isValidWidth(bitWidth)) return STATUS_BAD_ARGUMENT;
  if (bitWidth < 32 && orOfValues(valuesPtr, count) >> bitWidth != 0) return STATUS_BAD_ARGUMENT;
  const endPtr = outPtr + paddedSizeBytes(count, bitWidth);
  let written: usize;
  if (bitWidth == 8) {
    pack8(valuesPtr, count, outPtr);
    written = outPtr + count;
  } else if (bitWidth == 16) {
    pack16(valuesPtr, count, outPtr);
    written = outPtr + (<usize>count << 1);
  } else if (bitWidth == 32) {
    memory.copy(outPtr, valuesPtr, <usize>count << 2);
    written = outPtr + (<usize>count << 2);
  } else {
    written = packGeneral(valuesPtr, count, bitWidth, outPtr);
  }
  memory.fill(written, 0, endPtr - written);
  return STATUS_OK;
}

/** Width 8: widen 16 bytes to 16 u32 per step. */
function unpack8(srcPtr: usize, count: u32, outPtr: usize): void {
  let i: u32 = 0;
  for (; i + 16 <= count; i += 16) {
    const bytes = v128.load(srcPtr + i);
    const low = i16x8.extend_low_i8x16_u(bytes);
    const high = i16x8.extend_high_i8x16_u(bytes);
    const dst = outPtr + (<usize>i << 2);
    v128.store(dst, i32x4.extend_low_i16x8_u(low));
    v128.store(dst, i32x4.extend_high_i16x8_u(low), 16);
    v128.store(dst, i32x4.extend_low_i16x8_u(high), 32);
    v128.store(dst, i32x4.extend_high_i16x8_u(high), 48);
  }
  for (; i < count; i++) store<u32>(outPtr + (<usize>i << 2), load<u8>(srcPtr + i));
}

function unpack16(srcPtr: usize, count: u32, outPtr: usize): void {
  let i: u32 = 0;
  for (; i + 8 <= count; i += 8) {
    const halves = v128.load(srcPtr + (<usize>i << 1));
    const dst = outPtr + (<usize>i << 2);
    v128.store(dst, i32x4.extend_low_i16x8_u(halves));
    v128.store(dst, i32x4.extend_high_i16x8_u(halves), 16);
  }
  for (; i < count; i++) {
    store<u32>(outPtr + (<usize>i << 2), load<u16>(srcPtr + (<usize>i << 1)));
  }
}

/** Shuffle lane picking the 4 bytes that hold a value starting at `bit` of the 16 loaded. */
// @ts-ignore: decorator
@inline function lane32Bytes(bit: u32): i32 {
  return <i32>((bit >> 3) * 0x01010101 + 0x03020100);
}

/** Shuffle mask for 4 values starting at `baseBit` of a 16-byte load. */
function lane32Shuffle(baseBit: u32, bitWidth: u32): v128 {
  let mask = i32x4.splat(lane32Bytes(baseBit));
  mask = i32x4.replace_lane(mask, 1, lane32Bytes(baseBit + bitWidth));
  mask = i32x4.replace_lane(mask, 2, lane32Bytes(baseBit + 2 * bitWidth));
  return i32x4.replace_lane(mask, 3, lane32Bytes(baseBit + 3 * bitWidth));
}

/** Per-lane multiplier that shifts a value at bit offset (bit & 7) up to the lane's top. */
// @ts-ignore: decorator
@inline function lane32Lift(bit: u32, bitWidth: u32): i32 {
  return 1 << (32 - (bit & 7) - bitWidth);
}

function lane32Lifts(baseBit: u32, bitWidth: u32): v128 {
  let lifts = i32x4.splat(lane32Lift(baseBit, bitWidth));
  lifts = i32x4.replace_lane(lifts, 1, lane32Lift(baseBit + bitWidth, bitWidth));
  lifts = i32x4.replace_lane(lifts, 2, lane32Lift(baseBit + 2 * bitWidth, bitWidth));
  return i32x4.replace_lane(lifts, 3, lane32Lift(baseBit + 3 * bitWidth, bitWidth));
}

/**
 * Widths up to 25 (other than 8 and 16): 8 values span exactly w bytes, so from a value index
 * that is a multiple of 8 two shuffles place 4 values each into 32-bit lanes; a multiply lifts
 * each to the lane's top and one shift brings it down (wasm has no per-lane shift).
 */
function unpackLane32(packedPtr: usize, bitWidth: u32, start: u32, count: u32, out: usize): void {
  const mask = widthMask(bitWidth);
  const end = start + count;
  let j = start;
  for (; j < end && (j & (LANE32_STEP_VALUES - 1)) != 0; j++, out += 4) {
    store<u32>(out, readPacked(packedPtr, bitWidth, mask, j));
  }
  const secondBit = 4 * bitWidth;
  const secondByte: usize = secondBit >> 3;
  const shuffleA = lane32Shuffle(0, bitWidth);
  const liftA = lane32Lifts(0, bitWidth);
  const shuffleB = lane32Shuffle(secondBit & 7, bitWidth);
  const liftB = lane32Lifts(secondBit & 7, bitWidth);
  const down = 32 - bitWidth;
  for (; j + LANE32_STEP_VALUES <= end; j += LANE32_STEP_VALUES, out += 32) {
    const src = packedPtr + <usize>(j >> 3) * bitWidth;
    const a = i8x16.swizzle(v128.load(src), shuffleA);
    v128.store(out, i32x4.shr_u(i32x4.mul(a, liftA), down));
    const b = i8x16.swizzle(v128.load(src + secondByte), shuffleB);
    v128.store(out, i32x4.shr_u(i32x4.mul(b, liftB), down), 16);
  }
  for (; j < end; j++, out += 4) store<u32>(out, readPacked(packedPtr, bitWidth, mask, j));
}

function unpackScalar(packedPtr: usize, bitWidth: u32, start: u32, count: u32, out: usize): void {
  const mask = widthMask(bitWidth);
  let bit = <u64>start * bitWidth;
  for (let i: u32 = 0; i < count; i++, bit += bitWidth) {
    const word = load<u64>(packedPtr + <usize>(bit >> 3));
    store<u32>(out + (<usize>i << 2), <u32>((word >> (bit & 7)) & mask));
  }
}

/** Decodes values [start, start + count) into u32 at `outPtr`. */
export function unpack(
  packedPtr: usize,
  bitWidth: u32,
  start: u32,
  count: u32,
  outPtr: usize,
): i32 {
  if (!isValidWidth(bitWidth)) return STATUS_BAD_ARGUMENT;
  if (bitWidth == 8) unpack8(packedPtr + start, count, outPtr);
  else if (bitWidth == 16) unpack16(packedPtr + (<usize>start << 1), count, outPtr);
  else if (bitWidth == 32) memory.copy(outPtr, packedPtr + (<usize>start << 2), <usize>count << 2);
  else if (bitWidth <= LANE32_MAX_WIDTH) unpackLane32(packedPtr, bitWidth, start, count, outPtr);
  else unpackScalar(packedPtr, bitWidth, start, count, outPtr);
  return STATUS_OK;
}

/**
 * The value at `index`. The result is a u32 (JS sees an i32: apply `>>> 0`). A width outside
 * 1..32 is a programmer error here (the value range leaves no room for a status): it aborts.
 */
export function unpackOne(packedPtr: usize, bitWidth: u32, index: u32): u32 {
  assert(isValidWidth(bitWidth), 'unpackOne: bit width must be in 1..32');
  return readPacked(packedPtr, bitWidth, widthMask(bitWidth), index);
}

/** Gathers the values at the `count` u32 doc ids at `docIdsPtr` into u32 at `outPtr`. */
export function unpackAt(
  packedPtr: usize,
  bitWidth: u32,
  docIdsPtr: usize,
  count: u32,
  outPtr: usize,
): i32 {
  if (!isValidWidth(bitWidth)) return STATUS_BAD_ARGUMENT;
  if (bitWidth == 8) {
    for (let i: u32 = 0; i < count; i++) {
      const doc = load<u32>(docIdsPtr + (<usize>i << 2));
      store<u32>(outPtr + (<usize>i << 2), load<u8>(packedPtr + doc));
    }
  } else if (bitWidth == 16) {
    for (let i: u32 = 0; i < count; i++) {
      const doc = load<u32>(docIdsPtr + (<usize>i << 2));
      store<u32>(outPtr + (<usize>i << 2), load<u16>(packedPtr + (<usize>doc << 1)));
    }
  } else {
    const mask = widthMask(bitWidth);
    for (let i: u32 = 0; i < count; i++) {
      const doc = load<u32>(docIdsPtr + (<usize>i << 2));
      store<u32>(outPtr + (<usize>i << 2), readPacked(packedPtr, bitWidth, mask, doc));
    }
  }
  return STATUS_OK;
}
