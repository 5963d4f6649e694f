// HyperLogLog as clearspring's `HyperLogLog` (what Pinot's DISTINCTCOUNTHLL uses): 2^log2m
// registers of 5 bits, register index from the hash's top log2m bits, rank from the leading
// zeros of the rest, and clearspring's estimator (linear counting below 2.5m). The state keeps
// one byte per register so updates are a byte max; serialize packs clearspring's word form.
import { CuveeError, ErrorCode } from '../../errors/errors.js';
import { hashValue } from './hash.js';

/** Pinot's default log2m for DISTINCTCOUNTHLL (256 registers, ~6.5% standard error). */
export const DEFAULT_HLL_LOG2M = 8;
/** One register bit is the least that leaves rank bits (Pinot's docs use log2m 1). */
const MIN_LOG2M = 1;
/** Above 2^20 registers a state is 1 MiB per group: more than any query needs. */
const MAX_LOG2M = 20;
/** clearspring's RegisterSet packs six 5-bit registers into each 32-bit word. */
const REGISTERS_PER_WORD = 6;
const REGISTER_BITS = 5;
const REGISTER_MASK = 0x1f;
/** Serialized header: log2m and the register bytes' length, two big-endian ints. */
const HEADER_BYTES = 8;

export interface HllState {
  readonly log2m: number;
  /** One byte per register (rank 0..32). */
  readonly registers: Uint8Array;
}

export function checkLog2m(log2m: number): number {
  if (!Number.isInteger(log2m) || log2m < MIN_LOG2M || log2m > MAX_LOG2M) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `DISTINCTCOUNTHLL log2m must be an integer in [${MIN_LOG2M}, ${MAX_LOG2M}], got ${log2m}`,
    );
  }
  return log2m;
}

export function hllNew(log2m: number = DEFAULT_HLL_LOG2M): HllState {
  return { log2m, registers: new Uint8Array(1 << checkLog2m(log2m)) };
}

/** clearspring's offerHashed. */
export function hllAddHash(state: HllState, hash: number): void {
  const log2m = state.log2m;
  const index = hash >>> (32 - log2m);
  const rank = Math.clz32((hash << log2m) | ((1 << (log2m - 1)) + 1)) + 1;
  if (rank > state.registers[index]!) state.registers[index] = rank;
}

/** Adds one value (number, bigint, string or bytes) hashed as clearspring does. */
export function hllAdd(state: HllState, value: number | bigint | string | Uint8Array): void {
  hllAddHash(state, hashValue(value));
}

/** Register-wise max into `into`; both must have the same log2m (as clearspring requires). */
export function hllMerge(into: HllState, from: HllState): void {
  if (into.log2m !== from.log2m) {
    throw new CuveeError(
      ErrorCode.QUERY_EXECUTION,
      `Cannot merge HyperLogLogs of log2m ${into.log2m} and ${from.log2m}; use one log2m`,
    );
  }
  const target = into.registers;
  const source = from.registers;
  for (let i = 0; i < target.length; i++) if (source[i]! > target[i]!) target[i] = source[i]!;
}

function alphaMM(log2m: number, registerCount: number): number {
  const squared = registerCount * registerCount;
  if (log2m === 4) return 0.673 * squared;
  if (log2m === 5) return 0.697 * squared;
  if (log2m === 6) return 0.709 * squared;
  return (0.7213 / (1 + 1.079 / registerCount)) * squared;
}

/** clearspring's cardinality(): raw estimate, linear counting when it is below 2.5m. */
export function hllCardinality(state: HllState): number {
  const registers = state.registers;
  const count = registers.length;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < count; i++) {
    const rank = registers[i]!;
    sum += 1 / 2 ** rank;
    if (rank === 0) zeros++;
  }
  const estimate = alphaMM(state.log2m, count) / sum;
  // Linear counting needs an empty register; without one clearspring would answer infinity.
  if (estimate <= 2.5 * count && zeros > 0) return Math.round(count * Math.log(count / zeros));
  return Math.round(estimate);
}

/** clearspring's RegisterSet.getSizeForCount: words for `count` registers. */
function packedWords(registerCount: number): number {
  const words = Math.floor(registerCount / REGISTERS_PER_WORD);
  if (words === 0) return 1;
  return words % 32 === 0 ? words : words + 1;
}

/** clearspring's HyperLogLog.getBytes(): log2m, byte length, packed words, all big-endian. */
export function hllSerialize(state: HllState): Uint8Array {
  const words = packedWords(state.registers.length);
  const bytes = new Uint8Array(HEADER_BYTES + words * 4);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, state.log2m);
  view.setInt32(4, words * 4);
  const packed = new Uint32Array(words);
  state.registers.forEach((rank, position) => {
    const word = Math.floor(position / REGISTERS_PER_WORD);
    const shift = REGISTER_BITS * (position - word * REGISTERS_PER_WORD);
    packed[word] = (packed[word]! | (rank << shift)) >>> 0;
  });
  packed.forEach((word, i) => view.setUint32(HEADER_BYTES + i * 4, word));
  return bytes;
}

function corrupt(reason: string): CuveeError {
  return new CuveeError(
    ErrorCode.QUERY_EXECUTION,
    `Not a serialized HyperLogLog (${reason}); DISTINCTCOUNTHLL on a BYTES column expects ` +
      'values written by DISTINCTCOUNTRAWHLL or Pinot',
  );
}

export function hllDeserialize(bytes: Uint8Array): HllState {
  if (bytes.length < HEADER_BYTES) throw corrupt(`${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const log2m = view.getInt32(0);
  if (!(log2m >= MIN_LOG2M && log2m <= MAX_LOG2M)) throw corrupt(`log2m ${log2m}`);
  const registerCount = 1 << log2m;
  const words = packedWords(registerCount);
  if (view.getInt32(4) !== words * 4 || bytes.length !== HEADER_BYTES + words * 4) {
    throw corrupt('length does not match log2m');
  }
  const registers = new Uint8Array(registerCount);
  for (let position = 0; position < registerCount; position++) {
    const word = Math.floor(position / REGISTERS_PER_WORD);
    const shift = REGISTER_BITS * (position - word * REGISTERS_PER_WORD);
    registers[position] = (view.getUint32(HEADER_BYTES + word * 4) >>> shift) & REGISTER_MASK;
  }
  return { log2m, registers };
}
