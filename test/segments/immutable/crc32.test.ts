// The portable CRC-32 equals zlib's, so files written on any Node 20 verify on any other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { crc32, crc32Portable } from '../../../segments/crc32.js';
import { forEachSeed } from '../../support/random.js';

test('crc32Portable matches the known check value and zlib', () => {
  // The standard CRC-32 check value of the ASCII digits 1..9.
  assert.equal(crc32Portable(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32Portable(new Uint8Array(0)), 0);
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  forEachSeed(20, (random) => {
    const bytes = new Uint8Array(random.length(5000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
    assert.equal(crc32(bytes), crc32Portable(bytes));
    if (native !== undefined) assert.equal(native(bytes), crc32Portable(bytes));
  });
});
