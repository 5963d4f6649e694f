// Writes gzip-compressed ustar archives (layout in segments/tar/README.md). Streams file data in
// chunks, so a segment larger than memory packs fine; the archive appears atomically.
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { assert } from '../../host/util/assert.js';
import { fsyncDirectory } from '../../host/util/files.js';
import { encodeHeader, paddingBytes, TAR_BLOCK_BYTES, TarFormatError } from './tarHeader.js';

/** One archive member: bytes in memory, or a file streamed from disk. */
export type TarSource =
  | { readonly archivePath: string; readonly data: Uint8Array }
  | { readonly archivePath: string; readonly filePath: string }
  | { readonly archivePath: string; readonly directory: true };

export interface TarWriteOptions {
  /**
   * Modification time stamped on every entry, in seconds. Default 0: the same inputs give the
   * same archive bytes, so a rerun that rebuilds a segment uploads an identical file.
   */
  readonly mtimeSeconds?: number;
}

/** End of archive: two zero blocks (POSIX). */
const END_OF_ARCHIVE_BYTES = 2 * TAR_BLOCK_BYTES;
/** GNU tar pads archives to 20-block records; readers accept any length, we match `tar`. */
const RECORD_BYTES = 20 * TAR_BLOCK_BYTES;
/** gzip level 6: zlib's default balance; segments are mostly already bit-packed. */
const GZIP_LEVEL = 6;

async function* fileChunks(archive: string, filePath: string, expected: number) {
  let seen = 0;
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > expected) break;
    yield chunk;
  }
  if (seen !== expected) {
    throw new TarFormatError(archive, `${filePath} changed size while it was being packed`);
  }
}

async function* tarStream(
  archive: string,
  sources: readonly TarSource[],
  mtimeSeconds: number,
): AsyncGenerator<Uint8Array> {
  let writtenBytes = 0;
  for (const source of sources) {
    if ('directory' in source) {
      const path = source.archivePath.endsWith('/') ? source.archivePath : `${source.archivePath}/`;
      yield encodeHeader(archive, path, 'directory', 0, mtimeSeconds);
      writtenBytes += TAR_BLOCK_BYTES;
      continue;
    }
    const sizeBytes = 'data' in source ? source.data.length : (await stat(source.filePath)).size;
    yield encodeHeader(archive, source.archivePath, 'file', sizeBytes, mtimeSeconds);
    if ('data' in source) yield source.data;
    else yield* fileChunks(archive, source.filePath, sizeBytes);
    const padding = paddingBytes(sizeBytes);
    if (padding > 0) yield new Uint8Array(padding);
    writtenBytes += TAR_BLOCK_BYTES + sizeBytes + padding;
  }
  const tailBytes = END_OF_ARCHIVE_BYTES + paddingToRecord(writtenBytes + END_OF_ARCHIVE_BYTES);
  yield new Uint8Array(tailBytes);
}

function paddingToRecord(lengthBytes: number): number {
  const rest = lengthBytes % RECORD_BYTES;
  return rest === 0 ? 0 : RECORD_BYTES - rest;
}

function checkArchivePath(archive: string, path: string): void {
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || parts.includes('..')) {
    throw new TarFormatError(archive, `refusing to pack unsafe member path ${path}`);
  }
}

/**
 * Writes `sources` in order as a gzip-compressed ustar archive at `outFile`: into a temporary
 * file in the same directory first, fsynced, renamed, directory fsynced, so readers never see
 * half an archive and a crash leaves the old archive or the new one.
 */
export async function writeTarGz(
  outFile: string,
  sources: readonly TarSource[],
  options: TarWriteOptions = {},
): Promise<void> {
  const mtimeSeconds = options.mtimeSeconds ?? 0;
  assert(Number.isInteger(mtimeSeconds) && mtimeSeconds >= 0, 'mtimeSeconds is a whole number');
  for (const source of sources) checkArchivePath(outFile, source.archivePath);
  const suffix = randomBytes(6).toString('hex');
  const temporaryFile = join(dirname(outFile), `.${basename(outFile)}.${suffix}.tmp`);
  try {
    await pipeline(
      Readable.from(tarStream(outFile, sources, mtimeSeconds)),
      createGzip({ level: GZIP_LEVEL }),
      createWriteStream(temporaryFile),
    );
    const handle = await open(temporaryFile, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryFile, outFile);
    await fsyncDirectory(dirname(outFile));
  } catch (error) {
    await rm(temporaryFile, { force: true });
    throw error;
  }
}

/** Lists a directory tree as tar sources under `archiveRoot`, in sorted (stable) order. */
export async function directorySources(
  directory: string,
  archiveRoot: string,
): Promise<TarSource[]> {
  const sources: TarSource[] = [{ archivePath: archiveRoot, directory: true }];
  const names = (await readdir(directory)).sort();
  for (const name of names) {
    const filePath = join(directory, name);
    const archivePath = `${archiveRoot}/${name}`;
    const info = await lstat(filePath);
    if (info.isDirectory()) sources.push(...(await directorySources(filePath, archivePath)));
    else if (info.isFile()) sources.push({ archivePath, filePath });
    else {
      throw new TarFormatError(
        filePath,
        'only regular files and directories can be packed; remove links and special files',
      );
    }
  }
  return sources;
}

/**
 * Packs a directory (Pinot's layout: one top-level folder named after the segment) into
 * `<outDir>/<segmentName>.tar.gz`; returns the archive's path.
 */
export async function packSegmentDirectory(
  segmentDirectory: string,
  outDir: string,
  segmentName: string = basename(segmentDirectory),
): Promise<string> {
  const outFile = join(outDir, `${segmentName}.tar.gz`);
  await writeTarGz(outFile, await directorySources(segmentDirectory, segmentName));
  return outFile;
}

/** Packs individual files as `<segmentName>/<file name>` into `<outDir>/<segmentName>.tar.gz`. */
export async function packSegmentFiles(
  filePaths: readonly string[],
  outDir: string,
  segmentName: string,
): Promise<string> {
  const outFile = join(outDir, `${segmentName}.tar.gz`);
  const sources: TarSource[] = [{ archivePath: segmentName, directory: true }];
  for (const filePath of filePaths) {
    sources.push({ archivePath: `${segmentName}/${basename(filePath)}`, filePath });
  }
  await writeTarGz(outFile, sources);
  return outFile;
}
