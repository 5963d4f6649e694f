// The 32-bit hashes Pinot's sketches and partition functions use, bit for bit: clearspring's
// MurmurHash (murmur2 with seed -1 for bytes, its `hashLong` for numbers) feeds HyperLogLog,
// Kafka's murmur2 (seed 0x9747b28c) is Pinot's MurmurPartitionFunction, and Java's hashCode
// feeds DISTINCTCOUNTBITMAP and HashCodePartitionFunction.

/** murmur2's multiplier and shift (Austin Appleby's constants). */
const MURMUR_M = 0x5bd1e995;
const MURMUR_R = 24;
/** clearspring's seed for byte arrays. */
const CLEARSPRING_SEED = -1;
/** Kafka's (and Pinot's MurmurPartitionFunction's) seed. */
const KAFKA_SEED = 0x9747b28c | 0;

const encoder = new TextEncoder();
const doubleBits = new Float64Array(1);
const doubleWords = new Int32Array(doubleBits.buffer);
const floatBits = new Float32Array(1);
const floatWord = new Int32Array(floatBits.buffer);

/** murmur2 over bytes, little-endian words, with Kafka's tail (bytes in order, unsigned). */
export function murmur2Bytes(data: Uint8Array, seed: number): number {
  const length = data.length;
  let h = (seed ^ length) | 0;
  const wordsEnd = length & ~3;
  for (let i = 0; i < wordsEnd; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, MURMUR_M);
    k ^= k >>> MURMUR_R;
    k = Math.imul(k, MURMUR_M);
    h = Math.imul(h, MURMUR_M);
    h ^= k;
  }
  const left = length & 3;
  if (left >= 3) h ^= data[wordsEnd + 2]! << 16;
  if (left >= 2) h ^= data[wordsEnd + 1]! << 8;
  if (left >= 1) {
    h ^= data[wordsEnd]!;
    h = Math.imul(h, MURMUR_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR_M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * clearspring's `MurmurHash.hash(byte[], length, seed)`: murmur2 whose tail differs from
 * Kafka's: the trailing bytes enter in reverse order and as signed Java bytes.
 */
export function clearspringMurmur2(data: Uint8Array, seed: number): number {
  const length = data.length;
  let h = (seed ^ length) | 0;
  const wordsEnd = length & ~3;
  for (let i = 0; i < wordsEnd; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, MURMUR_M);
    k ^= k >>> MURMUR_R;
    k = Math.imul(k, MURMUR_M);
    h = Math.imul(h, MURMUR_M);
    h ^= k;
  }
  const left = length - wordsEnd;
  if (left !== 0) {
    const signed = (index: number): number => (data[index]! << 24) >> 24;
    if (left >= 3) h ^= signed(length - 3) << 16;
    if (left >= 2) h ^= signed(length - 2) << 8;
    h ^= signed(length - 1);
    h = Math.imul(h, MURMUR_M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR_M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's murmur2 (Pinot's MurmurPartitionFunction hashes `value.toString()` with it). */
export function kafkaMurmur2(data: Uint8Array): number {
  return murmur2Bytes(data, KAFKA_SEED);
}

/** clearspring's `MurmurHash.hashLong` over a 64-bit value given as its two 32-bit halves. */
export function hashLongWords(low: number, high: number): number {
  let k = Math.imul(low, MURMUR_M);
  k ^= k >>> MURMUR_R;
  let h = Math.imul(k, MURMUR_M);
  k = Math.imul(high, MURMUR_M);
  k ^= k >>> MURMUR_R;
  h = Math.imul(h, MURMUR_M);
  h ^= Math.imul(k, MURMUR_M);
  h ^= h >>> 13;
  h = Math.imul(h, MURMUR_M);
  h ^= h >>> 15;
  return h | 0;
}

/** hashLong of a bigint (LONG, TIMESTAMP). */
export function hashLong(value: bigint): number {
  const bits = BigInt.asIntN(64, value);
  return hashLongWords(Number(BigInt.asIntN(32, bits)), Number(BigInt.asIntN(32, bits >> 32n)));
}

/** hashLong of a safe integer without going through bigint (INT and small LONG values). */
export function hashInteger(value: number): number {
  const low = value | 0;
  const high = Math.floor(value / 4294967296) | 0;
  return hashLongWords(low, high);
}

/** clearspring hashes a Double as hashLong(doubleToRawLongBits). */
export function hashDouble(value: number): number {
  doubleBits[0] = value;
  return hashLongWords(doubleWords[0]!, doubleWords[1]!);
}

/** clearspring hashes a Float as hashLong(floatToRawIntBits), the int sign-extended. */
export function hashFloat(value: number): number {
  floatBits[0] = value;
  const word = floatWord[0]!;
  return hashLongWords(word, word >> 31);
}

/** UTF-8 scratch for hashString: hashing a row's string allocates nothing. */
let utf8Scratch = new Uint8Array(256);

/** clearspring hashes a String as murmur2 of its UTF-8 bytes with seed -1. */
export function hashString(value: string): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  if (value.length * 3 > utf8Scratch.length) utf8Scratch = new Uint8Array(value.length * 3);
  const { written } = encoder.encodeInto(value, utf8Scratch);
  return clearspringMurmur2(utf8Scratch.subarray(0, written), CLEARSPRING_SEED);
}

export function hashBytes(value: Uint8Array): number {
  return clearspringMurmur2(value, CLEARSPRING_SEED);
}

/**
 * The HLL hash of a value as its column stores it. A JavaScript number does not say whether
 * it came from an INT or a DOUBLE column: integral numbers hash as longs (as INT and LONG do
 * in Pinot), others as doubles. Within one column this is a function of the value, so states
 * from different segments merge exactly.
 */
export function hashValue(value: number | bigint | string | Uint8Array): number {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? hashInteger(value) : hashDouble(value);
  }
  if (typeof value === 'bigint') return hashLong(value);
  if (typeof value === 'string') return hashString(value);
  return hashBytes(value);
}

/** Java's String.hashCode over UTF-16 code units. */
export function javaStringHashCode(value: string): number {
  let h = 0;
  for (let i = 0; i < value.length; i++) h = (Math.imul(h, 31) + value.charCodeAt(i)) | 0;
  return h;
}

/** Java's Long.hashCode: the two halves XORed. */
export function javaLongHashCode(value: bigint): number {
  const bits = BigInt.asIntN(64, value);
  return Number(BigInt.asIntN(32, bits ^ (bits >> 32n)));
}

/** Java's Double.hashCode (doubleToLongBits: every NaN is the canonical one). */
export function javaDoubleHashCode(value: number): number {
  doubleBits[0] = Number.isNaN(value) ? Number.NaN : value;
  return (doubleWords[0]! ^ doubleWords[1]!) | 0;
}

/** Java's Arrays.hashCode(byte[]) over signed bytes. */
export function javaBytesHashCode(value: Uint8Array): number {
  let h = 1;
  for (const byte of value) h = (Math.imul(h, 31) + ((byte << 24) >> 24)) | 0;
  return h;
}

/**
 * Java's hashCode of a value as Pinot's DISTINCTCOUNTBITMAP and HashCodePartitionFunction see
 * it: an int is itself, integral numbers beyond int range hash as Long, others as Double.
 */
export function javaHashCode(value: number | bigint | string | Uint8Array): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value;
    return Number.isSafeInteger(value)
      ? javaLongHashCode(BigInt(value))
      : javaDoubleHashCode(value);
  }
  if (typeof value === 'bigint') return javaLongHashCode(value);
  if (typeof value === 'string') return javaStringHashCode(value);
  return javaBytesHashCode(value);
}

/** UTF-8 bytes of a string, shared so partition functions do not allocate encoders. */
export function utf8(value: string): Uint8Array {
  return encoder.encode(value);
}
