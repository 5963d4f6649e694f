// Bloom filters over a column's distinct values (Pinot's bloomFilterColumns): the writer builds
// one BLOOM_FILTER section per configured column, sized for the false-positive probability
// asked (`bloomFilterConfigs.<column>.fpp`, default 0.05 as Pinot), and the server skips a
// segment when the filter says none of an `=`/`IN` predicate's values is present. Layout in
// segments/FORMAT.md (section kind 30); hashing is double hashing over two murmur2 hashes of the
// value's canonical bytes (Kirsch–Mitzenmacher), so writer and reader agree on every value.
import type { ScalarValue, TableConfig } from '../../host/config/types.js';
import { SegmentFormatError } from '../../host/errors/errors.js';
import { murmur2Bytes } from '../../host/query/sketches/hash.js';
import { assert } from '../../host/util/assert.js';
import type { BloomFilterData, ColumnMetadata, SegmentMetadata } from '../spi/metadata.js';
import type { PreparedColumn } from './columnInput.js';
import { SectionKind, type Section, type SectionEntry } from './format.js';

/** Pinot's default false-positive probability. */
export const DEFAULT_BLOOM_FPP = 0.05;
/** Pinot's default cap on one filter (maxSizeInBytes): 1 MiB. */
export const MAX_BLOOM_BYTES = 1 << 20;
/** Bits are allocated in 64-bit words so the bit array stays 8-byte aligned. */
const WORD_BITS = 64;
/** More hash functions than this cost more probes than they save (fpp ~1e-5 needs 17). */
const MAX_HASH_COUNT = 16;
/** Section header: version, hash count, bit count, reserved (u32 each, little endian). */
export const BLOOM_HEADER_BYTES = 16;
const BLOOM_VERSION = 1;
/** Two seeds give two independent 32-bit hashes of the same bytes. */
const SEED_FIRST = 0x5bd1e995;
const SEED_SECOND = 0x1b873593;

assert(MAX_BLOOM_BYTES % (WORD_BITS / 8) === 0, 'the size cap is whole words');

export type BloomFilter = BloomFilterData;

const encoder = new TextEncoder();
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

/** The bytes a value hashes as: integers as int64, other numbers as float64, text as UTF-8. */
function canonicalBytes(value: ScalarValue): Uint8Array {
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'bigint') scratch.setBigInt64(0, BigInt.asIntN(64, value), true);
  else if (Number.isSafeInteger(value)) scratch.setBigInt64(0, BigInt(value), true);
  else scratch.setFloat64(0, Number.isNaN(value) ? Number.NaN : value, true);
  return scratchBytes;
}

/** Bits and hash functions for `distinctCount` values at false-positive rate `fpp`. */
export function bloomShape(
  distinctCount: number,
  fpp: number,
): { bitCount: number; hashCount: number } {
  const n = Math.max(1, distinctCount);
  const ideal = Math.ceil((-n * Math.log(fpp)) / (Math.LN2 * Math.LN2));
  const capped = Math.min(ideal, MAX_BLOOM_BYTES * 8);
  const bitCount = Math.max(WORD_BITS, Math.ceil(capped / WORD_BITS) * WORD_BITS);
  const hashCount = Math.min(MAX_HASH_COUNT, Math.max(1, Math.round((bitCount / n) * Math.LN2)));
  return { bitCount, hashCount };
}

function forEachProbe(
  filter: BloomFilter,
  value: ScalarValue,
  visit: (bit: number) => boolean,
): boolean {
  const bytes = canonicalBytes(value);
  const first = murmur2Bytes(bytes, SEED_FIRST) >>> 0;
  const second = murmur2Bytes(bytes, SEED_SECOND) >>> 0;
  for (let i = 0; i < filter.hashCount; i++) {
    const bit = (first + i * second) % filter.bitCount;
    if (!visit(bit)) return false;
  }
  return true;
}

export function bloomNew(distinctCount: number, fpp: number = DEFAULT_BLOOM_FPP): BloomFilter {
  assert(fpp > 0 && fpp < 1, `bloom filter fpp ${fpp} is within (0, 1)`);
  const { bitCount, hashCount } = bloomShape(distinctCount, fpp);
  return { hashCount, bitCount, bits: new Uint8Array(bitCount / 8) };
}

export function bloomAdd(filter: BloomFilter, value: ScalarValue): void {
  forEachProbe(filter, value, (bit) => {
    filter.bits[bit >>> 3] = filter.bits[bit >>> 3]! | (1 << (bit & 7));
    return true;
  });
}

/** False only when `value` was certainly never added. */
export function bloomMightContain(filter: BloomFilter, value: ScalarValue): boolean {
  return forEachProbe(filter, value, (bit) => (filter.bits[bit >>> 3]! & (1 << (bit & 7))) !== 0);
}

/** The BLOOM_FILTER section: header then the bit array. */
export function encodeBloomFilter(filter: BloomFilter): Uint8Array {
  const bytes = new Uint8Array(BLOOM_HEADER_BYTES + filter.bits.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, BLOOM_VERSION, true);
  view.setUint32(4, filter.hashCount, true);
  view.setUint32(8, filter.bitCount, true);
  bytes.set(filter.bits, BLOOM_HEADER_BYTES);
  return bytes;
}

/** A filter over the section's bytes (a view: no copy). */
export function decodeBloomFilter(
  section: Uint8Array,
  filePath: string,
  column: string,
): BloomFilter {
  const fail = (detail: string): never => {
    throw new SegmentFormatError(filePath, `column ${column}: bloom filter ${detail}`);
  };
  if (section.length < BLOOM_HEADER_BYTES) fail(`of ${section.length} bytes is truncated`);
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  const version = view.getUint32(0, true);
  if (version !== BLOOM_VERSION) fail(`version ${version} is unknown`);
  const hashCount = view.getUint32(4, true);
  const bitCount = view.getUint32(8, true);
  const valid = hashCount >= 1 && hashCount <= MAX_HASH_COUNT && bitCount % WORD_BITS === 0;
  if (!valid || section.length !== BLOOM_HEADER_BYTES + bitCount / 8) {
    fail(
      `header (hashes ${hashCount}, bits ${bitCount}) does not match its ${section.length} bytes`,
    );
  }
  return { hashCount, bitCount, bits: section.subarray(BLOOM_HEADER_BYTES) };
}

/** Builds a column's filter from its entries (duplicates are harmless). */
export function buildBloomFilter(
  entries: readonly ScalarValue[],
  distinctCount: number,
  fpp: number,
): BloomFilter {
  const filter = bloomNew(distinctCount, fpp);
  for (const value of entries) bloomAdd(filter, value);
  return filter;
}

/** True when the table asks for a bloom filter on `column` (either place Pinot accepts). */
export function wantsBloomFilter(tableConfig: TableConfig, column: string): boolean {
  if (tableConfig.tableIndexConfig.bloomFilterColumns.includes(column)) return true;
  const field = tableConfig.fieldConfigList.find((config) => config.name === column);
  return field?.indexTypes.some((type) => type === 'BLOOM' || type === 'BLOOM_FILTER') ?? false;
}

/** `tableIndexConfig.bloomFilterConfigs.<column>.fpp` from the table JSON, or the default. */
export function bloomFppOf(tableConfig: TableConfig, column: string): number {
  const index = tableConfig.json['tableIndexConfig'] as Record<string, unknown> | undefined;
  const configs = index?.['bloomFilterConfigs'] as Record<string, unknown> | undefined;
  const config = configs?.[column] as Record<string, unknown> | undefined;
  const fpp = Number(config?.['fpp'] ?? DEFAULT_BLOOM_FPP);
  return fpp > 0 && fpp < 1 ? fpp : DEFAULT_BLOOM_FPP;
}

/** One BLOOM_FILTER section per configured column that has documents. */
export function encodeBloomSections(
  tableConfig: TableConfig,
  prepared: readonly PreparedColumn[],
  columns: ReadonlyMap<string, ColumnMetadata>,
): Section[] {
  const sections: Section[] = [];
  prepared.forEach((column, columnIndex) => {
    const name = column.field.name;
    if (!wantsBloomFilter(tableConfig, name) || column.docCount === 0) return;
    const values = column.encoded?.values ?? column.entries;
    const filter = buildBloomFilter(
      values,
      columns.get(name)?.cardinality ?? values.length,
      bloomFppOf(tableConfig, name),
    );
    sections.push({
      kind: SectionKind.BLOOM_FILTER,
      column: columnIndex,
      bytes: encodeBloomFilter(filter),
    });
  });
  return sections;
}

/** The metadata with the file's bloom filters attached (unchanged when it has none). */
export function withBloomFilters(
  metadata: SegmentMetadata,
  file: Uint8Array,
  entries: readonly SectionEntry[],
  filePath: string,
): SegmentMetadata {
  const names = [...metadata.columns.keys()];
  const filters = new Map<string, BloomFilterData>();
  for (const entry of entries) {
    if (entry.kind !== SectionKind.BLOOM_FILTER) continue;
    const name = names[entry.column];
    if (name === undefined) throw new SegmentFormatError(filePath, 'bloom filter of no column');
    const bytes = file.subarray(entry.offset, entry.offset + entry.lengthBytes);
    filters.set(name, decodeBloomFilter(bytes, filePath, name));
  }
  return filters.size === 0 ? metadata : { ...metadata, bloomFilters: filters };
}
