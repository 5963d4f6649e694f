// A damaged file is refused with SegmentFormatError naming the file and the damage, and the
// shared-memory allocation made for it is given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SegmentFormatError } from '../../../host/errors/errors.js';
import { encodeImmutableSegment, loadImmutableSegment } from '../../../segments/immutable/index.js';
import {
  DIRECTORY_ENTRY_BYTES,
  HEADER_BYTES,
  TRAILER_BYTES,
} from '../../../segments/immutable/format.js';
import { crc32 } from '../../../segments/crc32.js';
import { forEachSeed } from '../../support/random.js';
import { generateTable } from './generate.js';
import { schemaOf, tableConfigOf, temporaryDirectory, testMemory } from './support.js';

function segmentBytes(): Uint8Array {
  let bytes: Uint8Array = new Uint8Array(0);
  forEachSeed(1, (random) => {
    const table = generateTable(random, 200);
    bytes = encodeImmutableSegment({
      schema: schemaOf(table.fields),
      tableConfig: tableConfigOf({
        invertedIndexColumns: ['sv_STRING'],
        rangeIndexColumns: ['sv_INT'],
      }),
      segmentName: 'corrupt',
      rows: table.rows,
    }).bytes;
  });
  return bytes;
}

/** Recomputes the trailer CRC, so that a structural error is reached behind a valid CRC. */
function resealed(bytes: Uint8Array): Uint8Array {
  const trailer = bytes.byteLength - TRAILER_BYTES;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(
    trailer,
    crc32(bytes.subarray(0, trailer)),
    true,
  );
  return bytes;
}

async function expectRefused(bytes: Uint8Array, detail: RegExp): Promise<void> {
  const file = join(temporaryDirectory(), 'damaged.cuvee');
  writeFileSync(file, bytes);
  const { memory, allocator } = testMemory();
  await assert.rejects(loadImmutableSegment(file, allocator, memory), (error: unknown) => {
    assert.ok(error instanceof SegmentFormatError, `SegmentFormatError, got ${String(error)}`);
    assert.ok(error.message.includes(file), 'the message names the file');
    assert.match(error.message, detail);
    return true;
  });
  assert.equal(allocator.stats().allocationCount, 0, 'the allocation is given back');
}

test('a flipped byte anywhere fails the CRC', async () => {
  const original = segmentBytes();
  const positions = [
    HEADER_BYTES + 3,
    Math.floor(original.byteLength / 2),
    original.byteLength - TRAILER_BYTES - 1,
  ];
  for (const position of positions) {
    const damaged = original.slice();
    damaged[position]! ^= 0x40;
    await expectRefused(damaged, /CRC mismatch/);
  }
});

test('a truncated file is refused as truncated', async () => {
  const original = segmentBytes();
  for (const length of [
    0,
    10,
    HEADER_BYTES + 8,
    Math.floor(original.byteLength / 2),
    original.byteLength - 1,
  ]) {
    await expectRefused(original.slice(0, length), /truncated/);
  }
});

test('bad magic, unsupported version, trailing data, section out of bounds', async () => {
  const original = segmentBytes();
  const magic = original.slice();
  magic[0] = 0x58;
  await expectRefused(magic, /bad magic/);
  const version = original.slice();
  new DataView(version.buffer).setUint32(8, 99, true);
  await expectRefused(version, /unsupported format version 99/);
  const longer = new Uint8Array(original.byteLength + 8);
  longer.set(original);
  await expectRefused(longer, /trailing data/);
  const outOfBounds = original.slice();
  const firstEntryLength = HEADER_BYTES + 8;
  new DataView(outOfBounds.buffer).setBigUint64(
    firstEntryLength,
    BigInt(original.byteLength),
    true,
  );
  await expectRefused(resealed(outOfBounds), /out of bounds/);
  const unknownKind = original.slice();
  new DataView(unknownKind.buffer).setUint32(HEADER_BYTES + DIRECTORY_ENTRY_BYTES + 16, 999, true);
  await expectRefused(resealed(unknownKind), /unknown kind 999/);
});

test('a missing file is an error, and an intact copy still loads', async () => {
  const { memory, allocator } = testMemory();
  await assert.rejects(
    loadImmutableSegment(join(temporaryDirectory(), 'absent'), allocator, memory),
  );
  const file = join(temporaryDirectory(), 'intact.cuvee');
  const bytes = segmentBytes();
  writeFileSync(file, bytes);
  const segment = await loadImmutableSegment(file, allocator, memory);
  assert.equal(segment.docCount(), 200);
  assert.deepEqual(readFileSync(file), Buffer.from(bytes), 'loading leaves the file alone');
  segment.release();
});
