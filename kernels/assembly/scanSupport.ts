// What the scan kernels share (scan.ts and the generated scanLanes.ts): output modes, writing
// one bitset word of matches, and lane constants for ids at odd bit offsets.

/** Output mode: u32 bitset words, bit d % 32 of word d >> 5 is doc d (BITPACK.md). */
export const OUTPUT_BITSET: i32 = 0;
/** Output mode: ascending u32 doc ids of the matches. */
export const OUTPUT_SELECTION: i32 = 1;
/** Output mode: only the number of matches. */
export const OUTPUT_COUNT: i32 = 2;
/** All 32 docs of a bitset word. */
export const ALL_DOCS: u32 = 0xffffffff;

/** Writes the matches `bits` of word `wordIndex` restricted to `keep`; returns the new count. */
// @ts-ignore: decorator
@inline export function emitWord(
  output: i32,
  outPtr: usize,
  wordIndex: u32,
  bits: u32,
  keep: u32,
  count: u32,
): u32 {
  const kept = bits & keep;
  if (output == OUTPUT_BITSET) {
    const wordPtr = outPtr + (<usize>wordIndex << 2);
    // Straddling words keep the bits of docs outside the range (BITPACK.md, "Scan outputs").
    store<u32>(wordPtr, keep == ALL_DOCS ? bits : (load<u32>(wordPtr) & ~keep) | kept);
  } else if (output == OUTPUT_SELECTION) {
    let remaining = kept;
    let dst = outPtr + (<usize>count << 2);
    const firstDoc = wordIndex << 5;
    while (remaining != 0) {
      store<u32>(dst, firstDoc + ctz(remaining));
      dst += 4;
      remaining &= remaining - 1;
    }
  }
  return count + popcnt(kept);
}

/** The docs of word `wordIndex` inside [startDoc, endDoc). */
// @ts-ignore: decorator
@inline export function keepMask(wordIndex: u32, startDoc: u32, endDoc: u32): u32 {
  const firstDoc = wordIndex << 5;
  const fromStart = startDoc > firstDoc ? ALL_DOCS << (startDoc - firstDoc) : ALL_DOCS;
  const untilEnd = endDoc - firstDoc < 32 ? ~(ALL_DOCS << (endDoc - firstDoc)) : ALL_DOCS;
  return fromStart & untilEnd;
}

/** What a lane-constant vector holds per lane. */
export const LANE_SHUFFLE: i32 = 0;
/** Lane constant: the width's value mask at the lane's bit offset. */
export const LANE_VALUE_MASK: i32 = 1;
/** Lane constant: a caller value (bound) at the lane's bit offset. */
export const LANE_SHIFTED: i32 = 2;

/** Lane constant for a value starting at `bit` of a 16-byte load, in a lane of `laneBytes`. */
// @ts-ignore: decorator
@inline export function laneConstant(kind: i32, laneBytes: u32, bit: u32, value: u32): u32 {
  const offset = bit & 7;
  if (kind == LANE_SHUFFLE) {
    const firstByte = bit >> 3;
    // Bytes firstByte, firstByte + 1, ... in little-endian lane order.
    return laneBytes == 2
      ? firstByte * 0x0101 + 0x0100
      : firstByte * 0x01010101 + 0x03020100;
  }
  return value << offset;
}

/** 4 lanes of 32 bits for values starting at bits base, base + w, ..., base + 3w. */
export function lanes32(kind: i32, baseBit: u32, bitWidth: u32, value: u32): v128 {
  let lanes = i32x4.splat(<i32>laneConstant(kind, 4, baseBit, value));
  lanes = i32x4.replace_lane(lanes, 1, <i32>laneConstant(kind, 4, baseBit + bitWidth, value));
  lanes = i32x4.replace_lane(lanes, 2, <i32>laneConstant(kind, 4, baseBit + 2 * bitWidth, value));
  return i32x4.replace_lane(lanes, 3, <i32>laneConstant(kind, 4, baseBit + 3 * bitWidth, value));
}

/** The largest id a width holds. */
// @ts-ignore: decorator
@inline export function maxIdOf(bitWidth: u32): u32 {
  return <u32>((<u64>1 << bitWidth) - 1);
}

/** 16 bits from two 8-lane compare results (narrowing keeps all-ones lanes all-ones). */
// @ts-ignore: decorator
@inline export function bitmask16x2(low: v128, high: v128): u32 {
  return <u32>i8x16.bitmask(i8x16.narrow_i16x8_s(low, high));
}

/** 16 bits from four 4-lane compare results. */
// @ts-ignore: decorator
@inline export function bitmask32x4(a: v128, b: v128, c: v128, d: v128): u32 {
  return bitmask16x2(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}


/** The per-width vectors of the 32-bit-lane range test: value masks and shifted bounds. */
// @ts-ignore: decorator
@inline export function match4x32(ids: v128, valueMask: v128, loV: v128, spanV: v128): v128 {
  return i32x4.le_u(i32x4.sub(v128.and(ids, valueMask), loV), spanV);
}
