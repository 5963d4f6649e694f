// The immutable segment file container: header, section directory, aligned sections, trailer
// with the CRC. segments/FORMAT.md is the byte table; this file is its single implementation
// (writer: `encodeContainer`, reader: `decodeContainer`).
import { crc32 } from '../crc32.js';
import { SegmentFormatError } from '../../host/errors/errors.js';
import { assert } from '../../host/util/assert.js';

/** "CUVEESEG" in ASCII: identifies a segment file at offset 0. */
export const FILE_MAGIC = 'CUVEESEG';
/** "CUVEEEND" in ASCII: ends the trailer, so a truncated file is recognised as such. */
export const TRAILER_MAGIC = 'CUVEEEND';
/** Bumped on any incompatible layout change; readers refuse versions they do not know. */
export const FORMAT_VERSION = 1;
/** Fixed header size; a multiple of SECTION_ALIGN_BYTES so the directory starts aligned. */
export const HEADER_BYTES = 64;
/** One directory entry: u64 offset, u64 length, u32 kind, u32 column, u64 reserved. */
export const DIRECTORY_ENTRY_BYTES = 32;
/** u32 CRC, u32 reserved, 8-byte magic. */
export const TRAILER_BYTES = 16;
/** Sections start on 64-byte boundaries: a cache line, and enough for aligned v128 loads. */
export const SECTION_ALIGN_BYTES = 64;
/** Column index of a section that belongs to the segment, not to a column. */
export const NO_COLUMN = 0xffff_ffff;

assert(HEADER_BYTES % SECTION_ALIGN_BYTES === 0, 'header keeps the directory aligned');
assert(FILE_MAGIC.length === 8 && TRAILER_MAGIC.length === 8, 'magics are 8 bytes');

/** Section kinds; the numbers are part of the format (FORMAT.md) and never reused. */
export const SectionKind = {
  METADATA_JSON: 1,
  DICTIONARY: 2,
  FORWARD_IDS: 3,
  MV_OFFSETS: 4,
  RAW_VALUES: 5,
  SORTED_STARTS: 6,
  INVERTED_DIRECTORY: 7,
  INVERTED_BITMAPS: 8,
  RANGE_BOUNDS: 9,
  RANGE_DIRECTORY: 10,
  RANGE_BITMAPS: 11,
  NULL_BITMAP: 12,
  RANGE_BUCKET_VALUES: 13,
  /** One star-tree (segments/immutable/starTreeLayout.ts); kinds 20–29 are star-tree's. */
  STAR_TREE: 20,
  /** A column's bloom filter (segments/immutable/bloomFilter.ts); kinds 30–39 are pruning's. */
  BLOOM_FILTER: 30,
} as const;
export type SectionKindValue = (typeof SectionKind)[keyof typeof SectionKind];
const KNOWN_KINDS = new Set<number>(Object.values(SectionKind));

export interface Section {
  readonly kind: SectionKindValue;
  /** Index into the metadata's column list, or NO_COLUMN. */
  readonly column: number;
  readonly bytes: Uint8Array;
}

/** A section as found in a file: where it lies relative to the start of the file. */
export interface SectionEntry {
  readonly kind: SectionKindValue;
  readonly column: number;
  readonly offset: number;
  readonly lengthBytes: number;
}

function alignUp(value: number): number {
  return Math.ceil(value / SECTION_ALIGN_BYTES) * SECTION_ALIGN_BYTES;
}

function writeAscii(view: DataView, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
}

function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

/** Lays out header, directory, sections (64-byte aligned, zero padded) and the CRC trailer. */
export function encodeContainer(sections: readonly Section[]): Uint8Array {
  const directoryEnd = HEADER_BYTES + sections.length * DIRECTORY_ENTRY_BYTES;
  const offsets: number[] = [];
  let end = alignUp(directoryEnd);
  for (const section of sections) {
    offsets.push(end);
    end = alignUp(end + section.bytes.byteLength);
  }
  const fileLength = end + TRAILER_BYTES;
  const file = new Uint8Array(fileLength);
  const view = new DataView(file.buffer);
  writeAscii(view, 0, FILE_MAGIC);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, HEADER_BYTES, true);
  view.setUint32(16, sections.length, true);
  view.setUint32(20, HEADER_BYTES, true);
  view.setBigUint64(24, BigInt(fileLength), true);
  sections.forEach((section, i) => {
    const entry = HEADER_BYTES + i * DIRECTORY_ENTRY_BYTES;
    view.setBigUint64(entry, BigInt(offsets[i]!), true);
    view.setBigUint64(entry + 8, BigInt(section.bytes.byteLength), true);
    view.setUint32(entry + 16, section.kind, true);
    view.setUint32(entry + 20, section.column, true);
    file.set(section.bytes, offsets[i]!);
  });
  view.setUint32(end, crc32(file.subarray(0, end)), true);
  writeAscii(view, end + 8, TRAILER_MAGIC);
  return file;
}

/** The CRC recorded in an encoded file's trailer. */
export function containerCrc(file: Uint8Array): number {
  return new DataView(file.buffer, file.byteOffset).getUint32(
    file.byteLength - TRAILER_BYTES,
    true,
  );
}

/**
 * Validates magic, version, length, trailer, CRC and every section's bounds, and returns the
 * directory. `file` is the whole file (it may be a view into the shared memory).
 */
export function decodeContainer(file: Uint8Array, filePath: string): SectionEntry[] {
  const fail = (detail: string): never => {
    throw new SegmentFormatError(filePath, detail);
  };
  if (file.byteLength < HEADER_BYTES + TRAILER_BYTES) {
    fail(`truncated: ${file.byteLength} bytes is shorter than header and trailer`);
  }
  if (readAscii(file, 0, 8) !== FILE_MAGIC) fail('bad magic: not a Cuvée segment file');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION) {
    fail(`unsupported format version ${version} (this build reads ${FORMAT_VERSION})`);
  }
  const declaredLength = Number(view.getBigUint64(24, true));
  if (declaredLength > file.byteLength) {
    fail(`truncated: header declares ${declaredLength} bytes, file has ${file.byteLength}`);
  }
  if (declaredLength !== file.byteLength) {
    fail(`trailing data: header declares ${declaredLength} bytes, file has ${file.byteLength}`);
  }
  const trailer = file.byteLength - TRAILER_BYTES;
  if (readAscii(file, trailer + 8, 8) !== TRAILER_MAGIC) fail('truncated: trailer missing');
  const actualCrc = crc32(file.subarray(0, trailer));
  const recordedCrc = view.getUint32(trailer, true);
  if (actualCrc !== recordedCrc) {
    fail(`CRC mismatch: recorded ${recordedCrc}, computed ${actualCrc}; the file is corrupt`);
  }
  return readDirectory(view, trailer, fail);
}

function readDirectory(
  view: DataView,
  sectionsEnd: number,
  fail: (detail: string) => never,
): SectionEntry[] {
  const sectionCount = view.getUint32(16, true);
  const directoryOffset = view.getUint32(20, true);
  if (directoryOffset + sectionCount * DIRECTORY_ENTRY_BYTES > sectionsEnd) {
    fail(`section directory of ${sectionCount} entries out of bounds`);
  }
  const entries: SectionEntry[] = [];
  for (let i = 0; i < sectionCount; i++) {
    const at = directoryOffset + i * DIRECTORY_ENTRY_BYTES;
    const offset = Number(view.getBigUint64(at, true));
    const lengthBytes = Number(view.getBigUint64(at + 8, true));
    const kind = view.getUint32(at + 16, true);
    if (!KNOWN_KINDS.has(kind)) fail(`section ${i} has unknown kind ${kind}`);
    if (offset % SECTION_ALIGN_BYTES !== 0 || offset + lengthBytes > sectionsEnd) {
      fail(`section ${i} (kind ${kind}) out of bounds: offset ${offset}, length ${lengthBytes}`);
    }
    const column = view.getUint32(at + 20, true);
    entries.push({ kind: kind as SectionKindValue, column, offset, lengthBytes });
  }
  return entries;
}
