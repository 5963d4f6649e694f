import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../../host/config/types.js';
import { DataError } from '../../../host/errors/errors.js';
import { loadImmutableSegment } from '../../../segments/immutable/segment.js';
import { SEGMENT_FILE_NAME, unpackSegmentTar } from '../../../segments/tar/segmentTar.js';
import { SegmentNameError } from '../../../segments/writer/names.js';
import {
  SegmentWriter,
  SegmentWriterStateError,
  type FlushedSegment,
  type SegmentWriterConfig,
} from '../../../segments/writer/segmentWriter.js';
import { kernelHarness } from '../../support/kernels.js';
import { SeededRandom } from '../../support/random.js';
import { expectedValue, randomRow, sameValue, testSchema, testTableConfig } from '../mutable/fixtures.js';

const scratchDirectories: string[] = [];
after(async () => {
  for (const dir of scratchDirectories) await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cuvee-writer-'));
  scratchDirectories.push(dir);
  return dir;
}

function config(outputDir: string, extra: Partial<SegmentWriterConfig> = {}): SegmentWriterConfig {
  return { schema: testSchema, tableConfig: testTableConfig(), outputDir, ...extra };
}

function randomRows(count: number, seed = 0x5eed): Row[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => randomRow(random));
}

/** Unpacks every flushed archive and checks its rows against `rows`, in order. */
async function checkSegments(flushed: readonly FlushedSegment[], rows: readonly Row[]) {
  const harness = kernelHarness();
  let next = 0;
  for (const segment of flushed) {
    const unpacked = await unpackSegmentTar(segment.tarFile, await scratch());
    assert.equal(unpacked.segmentName, segment.segmentName);
    const { allocator, memory } = harness;
    const loaded = await loadImmutableSegment(unpacked.segmentFile, allocator, memory);
    try {
      assert.equal(loaded.metadata.segmentName, segment.segmentName);
      for (let docId = 0; docId < loaded.docCount(); docId++, next++) {
        for (const field of testSchema.fields) {
          const reader = loaded.column(field.name)!;
          const actual = field.singleValueField ? reader.getValue(docId) : reader.getValues(docId);
          const expected = expectedValue(field, rows[next]![field.name]);
          assert.ok(sameValue(actual, expected), `${segment.segmentName} ${field.name}[${docId}]`);
        }
      }
    } finally {
      loaded.release();
    }
  }
  assert.equal(next, rows.length, 'every row landed in exactly one segment');
}

test('row threshold flushes automatically; close flushes the rest; rows read back', async () => {
  const outputDir = await scratch();
  const rows = randomRows(25);
  const writer = new SegmentWriter();
  await writer.init(config(outputDir, { bufferFlushMaxRows: 10 }));
  const automatic = await writer.write(rows.slice(0, 5));
  assert.deepEqual(automatic, []);
  for (const row of rows.slice(5)) await writer.write(row);
  assert.equal(writer.flushedSegments().length, 2);
  assert.equal(writer.bufferedRowCount(), 5);
  const last = await writer.close();
  assert.equal(last?.sequenceId, 2);
  const flushed = writer.flushedSegments();
  assert.deepEqual(flushed.map((segment) => segment.metadata.docCount), [10, 10, 5]);
  for (const segment of flushed) {
    const { startTime, endTime } = segment.metadata.timeRange!;
    assert.equal(segment.segmentName, `events_${String(startTime)}_${String(endTime)}_${segment.sequenceId}`);
  }
  await checkSegments(flushed, rows);
  const listing = execFileSync('tar', ['-tzf', flushed[0]!.tarFile], { encoding: 'utf8' });
  assert.equal(listing, `${flushed[0]!.segmentName}/\n${flushed[0]!.segmentName}/${SEGMENT_FILE_NAME}\n`);
  const files = (await readdir(outputDir)).sort();
  assert.deepEqual(files, flushed.map((segment) => `${segment.segmentName}.tar.gz`).sort());
});

test('byte threshold flushes before the row threshold', async () => {
  const outputDir = await scratch();
  const writer = new SegmentWriter();
  await writer.init(config(outputDir, { bufferFlushMaxSizeBytes: 4096 }));
  const rows = randomRows(100);
  const flushed = await writer.write(rows);
  assert.ok(flushed.length >= 2, `${flushed.length} flushes`);
  assert.ok(writer.bufferedSizeBytes() < 4096);
  await writer.close();
  await checkSegments(writer.flushedSegments(), rows);
});

test('a rerun over the same input produces the same names', async () => {
  const rows = randomRows(30);
  const outputDir = await scratch();
  const runNames: string[][] = [];
  for (let run = 0; run < 2; run++) {
    const writer = new SegmentWriter();
    await writer.init(config(outputDir, { bufferFlushMaxRows: 7 }));
    await writer.write(rows);
    await writer.close();
    runNames.push(writer.flushedSegments().map((segment) => segment.segmentName));
  }
  assert.deepEqual(runNames[0], runNames[1]);
  assert.equal((await readdir(outputDir)).length, runNames[0]!.length, 'replaced, not doubled');
});

test('normalizedDate and fixed names; a fixed name is never written twice', async () => {
  const outputDir = await scratch();
  const dated = new SegmentWriter();
  await dated.init(config(outputDir, { segmentName: { type: 'normalizedDate', postfix: 'x' } }));
  await dated.write([{ days: 18000 }, { days: 18002 }]);
  assert.equal((await dated.close())?.segmentName, 'events_2019-04-14_2019-04-16_x_0');

  const fixed = new SegmentWriter();
  await fixed.init(config(outputDir, {
    segmentName: { type: 'fixed', segmentName: 'backfill' },
    bufferFlushMaxRows: 2,
  }));
  await fixed.write([{ days: 1 }, { days: 2 }]);
  await assert.rejects(fixed.write([{ days: 3 }, { days: 4 }]), SegmentNameError);
  assert.equal(fixed.bufferedRowCount(), 2, 'the failed flush keeps its rows');
});

test('state and data errors are typed', async () => {
  const outputDir = await scratch();
  const writer = new SegmentWriter();
  await assert.rejects(writer.write({ days: 1 }), SegmentWriterStateError);
  await writer.init(config(outputDir));
  await assert.rejects(writer.init(config(outputDir)), SegmentWriterStateError);
  await assert.rejects(writer.write([{ days: 1 }, { days: 'x' }]), DataError);
  assert.equal(writer.bufferedRowCount(), 0, 'a rejected batch buffers nothing');
  await assert.rejects(writer.write({ country: ['a'], days: 1 }), /single value/);
  assert.equal(await writer.flush(), undefined, 'an empty buffer flushes nothing');
  await writer.write({ days: 1 });
  await writer.close();
  await assert.rejects(writer.write({ days: 2 }), SegmentWriterStateError);
  await assert.rejects(writer.flush(), SegmentWriterStateError);
  assert.equal(await writer.close(), undefined);
  await assert.rejects(
    new SegmentWriter().init(config(outputDir, { bufferFlushMaxRows: 0 })),
    /bufferFlushMaxRows/,
  );
  assert.ok((await stat(join(outputDir, 'events_1_1_0.tar.gz'))).size > 0);
});
