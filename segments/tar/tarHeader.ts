// POSIX ustar header encoding and decoding (layout in segments/tar/README.md). Pure functions
// over one 512-byte block; the writer and reader own all I/O.
import { SegmentFormatError } from '../../host/errors/errors.js';

/** Tar moves data in 512-byte blocks: headers, file data padding and the end marker. */
export const TAR_BLOCK_BYTES = 512;
/** ustar's `name` field: paths up to this long need no `prefix`. */
const NAME_FIELD_BYTES = 100;
/** ustar's `prefix` field, joined to `name` with a '/'. */
const PREFIX_FIELD_BYTES = 155;
/** The size field holds 11 octal digits: files up to 8 GiB - 1 without GNU base-256. */
const MAX_OCTAL_SIZE_BYTES = 8 ** 11 - 1;
/** Regular files are written rw-r--r--, as `tar` stores them under umask 022. */
const FILE_MODE = 0o644;
/** Directories are written rwxr-xr-x, as `tar` stores them under umask 022. */
const DIRECTORY_MODE = 0o755;

/** Field offsets and lengths of the ustar header (POSIX.1-1988). */
const FIELD = {
  name: [0, 100],
  mode: [100, 8],
  uid: [108, 8],
  gid: [116, 8],
  size: [124, 12],
  mtime: [136, 12],
  checksum: [148, 8],
  typeflag: [156, 1],
  linkname: [157, 100],
  magic: [257, 6],
  version: [263, 2],
  uname: [265, 32],
  gname: [297, 32],
  prefix: [345, 155],
} as const satisfies Record<string, readonly [number, number]>;

/** Entry kinds the reader understands; everything else is refused (links, devices, fifos). */
export type TarEntryType =
  | 'file'
  | 'directory'
  | 'gnuLongName'
  | 'paxHeader'
  | 'paxGlobalHeader'
  | 'unsupported';

export interface TarHeader {
  readonly path: string;
  readonly type: TarEntryType;
  readonly typeflag: string;
  readonly sizeBytes: number;
  readonly mode: number;
  readonly mtimeSeconds: number;
}

/** A tar archive is broken or unsafe; the message names the archive and what is wrong. */
export class TarFormatError extends SegmentFormatError {}

/** An entry would land outside the target directory (`..`, absolute path, link). */
export class UnsafeTarPathError extends TarFormatError {}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < TAR_BLOCK_BYTES; i++) if (block[i] !== 0) return false;
  return true;
}

/** Blocks of padding after `sizeBytes` of file data. */
export function paddingBytes(sizeBytes: number): number {
  const rest = sizeBytes % TAR_BLOCK_BYTES;
  return rest === 0 ? 0 : TAR_BLOCK_BYTES - rest;
}

/** Splits a path into ustar (prefix, name), or returns null when it cannot fit. */
function splitPath(path: Uint8Array): [Uint8Array, Uint8Array] | null {
  if (path.length <= NAME_FIELD_BYTES) return [new Uint8Array(0), path];
  for (let slash = path.length - 1; slash > 0; slash--) {
    if (path[slash] !== 0x2f) continue;
    const prefixLength = slash;
    const nameLength = path.length - slash - 1;
    if (prefixLength > PREFIX_FIELD_BYTES) continue;
    if (nameLength > NAME_FIELD_BYTES || nameLength === 0) return null;
    return [path.subarray(0, slash), path.subarray(slash + 1)];
  }
  return null;
}

function writeOctal(block: Uint8Array, [offset, length]: readonly [number, number], value: number) {
  const digits = value.toString(8).padStart(length - 1, '0');
  block.set(encoder.encode(digits), offset);
  block[offset + length - 1] = 0;
}

/** Sum of the header bytes with the checksum field counted as spaces (unsigned, as POSIX). */
function headerChecksum(block: Uint8Array, signed: boolean): number {
  const [offset, length] = FIELD.checksum;
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK_BYTES; i++) {
    if (i >= offset && i < offset + length) sum += 0x20;
    else sum += signed ? (block[i]! << 24) >> 24 : block[i]!;
  }
  return sum;
}

/** Encodes a ustar header for a regular file or a directory; `archive` names errors. */
export function encodeHeader(
  archive: string,
  path: string,
  kind: 'file' | 'directory',
  sizeBytes: number,
  mtimeSeconds: number,
): Uint8Array {
  const block = new Uint8Array(TAR_BLOCK_BYTES);
  const split = splitPath(encoder.encode(path));
  if (split === null) {
    throw new TarFormatError(archive, `path ${path} is too long for ustar (100 + 155 bytes)`);
  }
  if (sizeBytes > MAX_OCTAL_SIZE_BYTES) {
    throw new TarFormatError(archive, `${path} is ${sizeBytes} bytes; ustar stops at 8 GiB`);
  }
  block.set(split[1], FIELD.name[0]);
  block.set(split[0], FIELD.prefix[0]);
  writeOctal(block, FIELD.mode, kind === 'file' ? FILE_MODE : DIRECTORY_MODE);
  writeOctal(block, FIELD.uid, 0);
  writeOctal(block, FIELD.gid, 0);
  writeOctal(block, FIELD.size, kind === 'file' ? sizeBytes : 0);
  writeOctal(block, FIELD.mtime, mtimeSeconds);
  block[FIELD.typeflag[0]] = kind === 'file' ? 0x30 : 0x35;
  block.set(encoder.encode('ustar\0'), FIELD.magic[0]);
  block.set(encoder.encode('00'), FIELD.version[0]);
  block.set(encoder.encode('root'), FIELD.uname[0]);
  block.set(encoder.encode('root'), FIELD.gname[0]);
  // Six octal digits, NUL, space: the form POSIX and GNU tar both write.
  const checksum = headerChecksum(block, false).toString(8).padStart(6, '0');
  block.set(encoder.encode(`${checksum}\0 `), FIELD.checksum[0]);
  return block;
}

function readString(block: Uint8Array, [offset, length]: readonly [number, number]): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

/** Parses an octal field; GNU base-256 (high bit set) is accepted for large sizes. */
function readNumber(
  archive: string,
  block: Uint8Array,
  field: readonly [number, number],
  what: string,
): number {
  const [offset, length] = field;
  if ((block[offset]! & 0x80) !== 0) {
    let value = block[offset]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + block[offset + i]!;
    return value;
  }
  const text = readString(block, field).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new TarFormatError(archive, `header field ${what} is not octal: ${JSON.stringify(text)}`);
  }
  return parseInt(text, 8);
}

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case '0':
    case '':
    case '7':
      return 'file';
    case '5':
      return 'directory';
    case 'L':
      return 'gnuLongName';
    case 'x':
      return 'paxHeader';
    case 'g':
      return 'paxGlobalHeader';
    default:
      return 'unsupported';
  }
}

/** Decodes and verifies one header block; `offsetBytes` locates it in error messages. */
export function decodeHeader(archive: string, block: Uint8Array, offsetBytes: number): TarHeader {
  const stored = readNumber(archive, block, FIELD.checksum, 'checksum');
  // Some old tars summed signed bytes; accept either sum as `tar` itself does.
  if (stored !== headerChecksum(block, false) && stored !== headerChecksum(block, true)) {
    throw new TarFormatError(
      archive,
      `header checksum mismatch at byte ${offsetBytes}: the archive is corrupt; re-create it`,
    );
  }
  const magic = readString(block, FIELD.magic);
  const name = readString(block, FIELD.name);
  const prefix = magic.startsWith('ustar') ? readString(block, FIELD.prefix) : '';
  const typeflag = readString(block, FIELD.typeflag);
  return {
    path: prefix === '' ? name : `${prefix}/${name}`,
    type: entryType(typeflag),
    typeflag,
    sizeBytes: readNumber(archive, block, FIELD.size, 'size'),
    mode: readNumber(archive, block, FIELD.mode, 'mode'),
    mtimeSeconds: readNumber(archive, block, FIELD.mtime, 'mtime'),
  };
}

/** Reads the `path` record of a pax extended header (`<len> path=<value>\n` records). */
export function paxPath(archive: string, data: Uint8Array): string | undefined {
  let path: string | undefined;
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? NaN : Number(decoder.decode(data.subarray(offset, space)));
    if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) {
      throw new TarFormatError(archive, `malformed pax header record at ${offset}`);
    }
    const record = decoder.decode(data.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf('=');
    if (record.slice(0, equals) === 'path') path = record.slice(equals + 1);
    offset += length;
  }
  return path;
}
