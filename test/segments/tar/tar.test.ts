import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, writeFile, readdir, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { forEachSeed } from '../../support/random.js';
import {
  packSegmentDirectory,
  packSegmentFiles,
  writeTarGz,
  type TarSource,
} from '../../../segments/tar/tarWriter.js';
import { listTar, readTar, unpackTar } from '../../../segments/tar/tarReader.js';
import {
  encodeHeader,
  TarFormatError,
  UnsafeTarPathError,
} from '../../../segments/tar/tarHeader.js';

const scratchDirectories: string[] = [];
after(async () => {
  for (const dir of scratchDirectories) await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cuvee-tar-'));
  scratchDirectories.push(dir);
  return dir;
}

async function makeSegmentDir(root: string): Promise<string> {
  const dir = join(root, 'myTable_0');
  await mkdir(join(dir, 'v3'), { recursive: true });
  await writeFile(join(dir, 'v3', 'columns.psf'), Buffer.alloc(1500, 7));
  await writeFile(join(dir, 'metadata.properties'), 'segment.name=myTable_0\n');
  await writeFile(join(dir, 'empty.bin'), Buffer.alloc(0));
  return dir;
}

test('round trip of random members through writeTarGz and readTar', async () => {
  const dir = await scratch();
  const cases: { sources: TarSource[]; seed: number }[] = [];
  forEachSeed(12, (random) => {
    const count = random.int(0, 6);
    const sources: TarSource[] = [];
    for (let i = 0; i < count; i++) {
      const depth = random.int(0, 3);
      const segments = Array.from({ length: depth }, () => 'd'.repeat(random.int(1, 60)));
      const path = [...segments, `f${i}-${'x'.repeat(random.int(0, 90))}`].join('/');
      const data = new Uint8Array(random.length(3000));
      for (let b = 0; b < data.length; b++) data[b] = random.int(0, 255);
      sources.push({ archivePath: path, data });
    }
    cases.push({ sources, seed: random.seed });
  });
  for (const { sources, seed } of cases) {
    const file = join(dir, `case-${seed}.tar.gz`);
    await writeTarGz(file, sources);
    const entries = await readTar(file);
    assert.equal(entries.length, sources.length, `seed ${seed}`);
    entries.forEach((entry, i) => {
      const source = sources[i]!;
      assert.equal(entry.path, source.archivePath, `seed ${seed}`);
      assert.ok('data' in source);
      assert.deepEqual(entry.data, source.data, `seed ${seed} member ${entry.path}`);
    });
  }
});

test('same inputs give byte-identical archives', async () => {
  const dir = await scratch();
  const segment = await makeSegmentDir(dir);
  const first = await packSegmentDirectory(segment, join(dir));
  const bytesFirst = await readFile(first);
  const second = await packSegmentDirectory(segment, dir);
  assert.deepEqual(await readFile(second), bytesFirst);
  assert.equal(first, join(dir, 'myTable_0.tar.gz'));
});

test('system tar lists and extracts what we pack', async () => {
  const dir = await scratch();
  const segment = await makeSegmentDir(dir);
  const archive = await packSegmentDirectory(segment, dir);
  const listed = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed, [
    'myTable_0/',
    'myTable_0/empty.bin',
    'myTable_0/metadata.properties',
    'myTable_0/v3/',
    'myTable_0/v3/columns.psf',
  ]);
  const out = join(dir, 'out');
  await mkdir(out);
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  assert.deepEqual(
    await readFile(join(out, 'myTable_0', 'v3', 'columns.psf')),
    Buffer.alloc(1500, 7),
  );
});

test('we read archives made by system tar, long names included (gnu and pax)', async () => {
  const dir = await scratch();
  const segment = await makeSegmentDir(dir);
  const longName = `${'n'.repeat(120)}.bin`;
  await writeFile(join(segment, longName), 'long');
  for (const format of ['gnu', 'posix', 'ustar']) {
    const archive = join(dir, `${format}.tar.gz`);
    // ustar cannot hold a 124-byte file name without a directory to split at: leave it out.
    const exclude = format === 'ustar' ? [`--exclude=${longName}`] : [];
    const args = [`--format=${format}`, ...exclude, '-czf', archive, '-C', dir, 'myTable_0'];
    execFileSync('tar', args);
    const entries = await readTar(archive);
    const byPath = new Map(entries.map((entry) => [entry.path, entry]));
    assert.deepEqual(byPath.get('myTable_0/v3/columns.psf')?.data, new Uint8Array(1500).fill(7));
    assert.equal(byPath.get('myTable_0/v3/')?.type ?? byPath.get('myTable_0/v3')?.type, 'directory');
    if (format !== 'ustar') {
      assert.equal(Buffer.from(byPath.get(`myTable_0/${longName}`)!.data).toString(), 'long');
    }
    const out = join(dir, `out-${format}`);
    await unpackTar(archive, out);
    assert.equal(
      (await readFile(join(out, 'myTable_0', 'metadata.properties'))).toString(),
      'segment.name=myTable_0\n',
    );
  }
});

test('packSegmentFiles puts files under the segment folder', async () => {
  const dir = await scratch();
  const segment = await makeSegmentDir(dir);
  const archive = await packSegmentFiles(
    [join(segment, 'metadata.properties'), join(segment, 'v3', 'columns.psf')],
    dir,
    'seg_7',
  );
  const listed = await listTar(archive);
  assert.deepEqual(
    listed.map((entry) => entry.path),
    ['seg_7/', 'seg_7/metadata.properties', 'seg_7/columns.psf'],
  );
  assert.equal(listed[2]!.sizeBytes, 1500);
});

function rawTar(path: string, data: Uint8Array, typeflag?: string): Buffer {
  const header = encodeHeader('test', 'placeholder', 'file', data.length, 0);
  const name = Buffer.alloc(100);
  name.write(path);
  header.set(name, 0);
  if (typeflag !== undefined) header[156] = typeflag.charCodeAt(0);
  // Recompute the checksum for the rewritten fields.
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.set(Buffer.from(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  padded.set(data);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

test('unpack refuses path traversal, absolute paths and links', async () => {
  const dir = await scratch();
  const cases = ['../evil.txt', 'a/../../evil.txt', '/etc/evil.txt', 'C:/evil.txt'];
  for (const path of cases) {
    const archive = join(dir, 'bad.tar.gz');
    writeFileSync(archive, gzipSync(rawTar(path, Buffer.from('boom'))));
    const out = join(dir, 'out-bad');
    await assert.rejects(unpackTar(archive, out), UnsafeTarPathError, path);
  }
  const link = join(dir, 'link.tar.gz');
  writeFileSync(link, gzipSync(rawTar('link', new Uint8Array(0), '2')));
  await assert.rejects(unpackTar(link, join(dir, 'out-link')), UnsafeTarPathError);
  assert.deepEqual(await readdir(dir).then((names) => names.includes('evil.txt')), false);
  await assert.rejects(
    writeTarGz(join(dir, 'w.tar.gz'), [{ archivePath: '../x', data: new Uint8Array(1) }]),
    TarFormatError,
  );
});

test('corrupt headers, truncation and broken gzip are typed errors', async () => {
  const dir = await scratch();
  const segment = await makeSegmentDir(dir);
  const archive = await packSegmentDirectory(segment, dir);
  const tarBytes = gunzipSync(readFileSync(archive));

  const flipped = Buffer.from(tarBytes);
  flipped[512 * 1 + 10]! ^= 0x01;
  const flippedFile = join(dir, 'flipped.tar.gz');
  writeFileSync(flippedFile, gzipSync(flipped));
  await assert.rejects(readTar(flippedFile), /checksum mismatch/);

  const plain = join(dir, 'plain.tar');
  writeFileSync(plain, tarBytes);
  assert.equal((await listTar(plain)).length, 5);

  for (const cut of [100, 512 + 700, 512 * 4]) {
    const truncated = join(dir, `cut-${cut}.tar`);
    writeFileSync(truncated, tarBytes.subarray(0, cut));
    await assert.rejects(listTar(truncated), /truncated/, `cut at ${cut}`);
  }
  const gz = readFileSync(archive);
  const halfGz = join(dir, 'half.tar.gz');
  writeFileSync(halfGz, gz.subarray(0, gz.length - 20));
  await assert.rejects(readTar(halfGz), TarFormatError);
});
