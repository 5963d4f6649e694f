// CRC-32 (IEEE 802.3, zlib's) of the segment files. Node has zlib.crc32 from 20.15 and 22.2;
// older Node 20 releases, which package.json still admits, get the table-driven twin below.
import * as zlib from 'node:zlib';

/** The reflected IEEE polynomial zlib uses. */
const CRC32_POLYNOMIAL = 0xedb88320;

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table !== undefined) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC32_POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** The table-driven CRC-32; equal to zlib.crc32 wherever that exists. */
export function crc32Portable(bytes: Uint8Array, initial = 0): number {
  const lookup = crcTable();
  let crc = ~initial >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = lookup[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `bytes` (zlib's when Node has it: much faster). */
export function crc32(bytes: Uint8Array): number {
  return native === undefined ? crc32Portable(bytes) : native(bytes);
}
