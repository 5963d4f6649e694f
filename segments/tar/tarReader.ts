// Reads gzip-compressed (or plain) tar archives: ustar, GNU long names and pax paths. Streams
// member data, verifies every header checksum, and refuses members that would escape the
// target directory (layout and rules in segments/tar/README.md).
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import {
  decodeHeader,
  isZeroBlock,
  paddingBytes,
  paxPath,
  TAR_BLOCK_BYTES,
  TarFormatError,
  UnsafeTarPathError,
  type TarHeader,
} from './tarHeader.js';

/** gzip's two magic bytes: archives without them are read as plain tar. */
const GZIP_MAGIC = [0x1f, 0x8b] as const;
/** Member data reaches a sink in pieces of at most this size, whatever the member's size. */
const DATA_CHUNK_BYTES = 1 << 20;
/** GNU long-name and pax headers are metadata; anything past 1 MiB is a corrupt archive. */
const MAX_METADATA_BYTES = 1 << 20;

export interface TarEntryInfo {
  readonly path: string;
  readonly type: 'file' | 'directory';
  readonly sizeBytes: number;
}

export interface TarEntry extends TarEntryInfo {
  readonly data: Uint8Array;
}

/** Pulls exact byte counts out of a chunked stream. */
class ByteReader {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  offsetBytes = 0;
  constructor(
    private readonly archive: string,
    private readonly source: AsyncIterator<Buffer>,
  ) {}

  /** Up to `count` bytes; fewer only at the end of the stream. */
  async read(count: number): Promise<Buffer> {
    while (this.bufferedBytes < count) {
      const next = await this.nextChunk();
      if (next === null) break;
      this.chunks.push(next);
      this.bufferedBytes += next.length;
    }
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const taken = all.subarray(0, Math.min(count, all.length));
    const rest = all.subarray(taken.length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    this.offsetBytes += taken.length;
    return taken;
  }

  async readExactly(count: number, what: string): Promise<Buffer> {
    const bytes = await this.read(count);
    if (bytes.length < count) {
      throw new TarFormatError(
        this.archive,
        `truncated: the archive ends inside ${what} (byte ${this.offsetBytes}); copy it again`,
      );
    }
    return bytes;
  }

  private async nextChunk(): Promise<Buffer | null> {
    try {
      const next = await this.source.next();
      return next.done === true ? null : next.value;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new TarFormatError(this.archive, `gzip stream is corrupt or truncated: ${detail}`);
    }
  }
}

async function openArchive(archive: string): Promise<AsyncIterator<Buffer>> {
  const head = await new Promise<Buffer>((accept, reject) => {
    const stream = createReadStream(archive, { start: 0, end: 1 });
    const parts: Buffer[] = [];
    stream.on('data', (part: Buffer | string) => {
      parts.push(Buffer.from(part));
    });
    stream.on('error', reject);
    stream.on('end', () => accept(Buffer.concat(parts)));
  });
  const gzipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  const raw = createReadStream(archive);
  const stream = gzipped ? raw.pipe(createGunzip()) : raw;
  if (gzipped) raw.on('error', (error) => stream.destroy(error));
  return (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
}

/** What the walker hands each member to: a sink for its data, or null to skip the data. */
type DataSink = (chunk: Buffer) => Promise<void>;
type EntryVisitor = (entry: TarEntryInfo) => Promise<DataSink | null> | DataSink | null;

async function readMetadata(reader: ByteReader, archive: string, header: TarHeader) {
  if (header.sizeBytes > MAX_METADATA_BYTES) {
    throw new TarFormatError(archive, `extended header of ${header.sizeBytes} bytes is implausible`);
  }
  const data = await reader.readExactly(header.sizeBytes, 'an extended header');
  await reader.readExactly(paddingBytes(header.sizeBytes), 'padding');
  return data;
}

async function passData(reader: ByteReader, sizeBytes: number, sink: DataSink | null) {
  let remaining = sizeBytes;
  while (remaining > 0) {
    const chunk = await reader.readExactly(Math.min(remaining, DATA_CHUNK_BYTES), 'member data');
    if (sink !== null) await sink(chunk);
    remaining -= chunk.length;
  }
  await reader.readExactly(paddingBytes(sizeBytes), 'member padding');
}

/** Reads to the end so that gzip verifies its CRC and length trailer. */
async function drain(reader: ByteReader): Promise<void> {
  while ((await reader.read(DATA_CHUNK_BYTES)).length > 0);
}

/** Walks every member in order; pax and GNU long-name records rename the member they precede. */
async function walkTar(archive: string, visit: EntryVisitor): Promise<void> {
  const reader = new ByteReader(archive, await openArchive(archive));
  let pendingPath: string | undefined;
  for (;;) {
    const headerOffset = reader.offsetBytes;
    const block = await reader.read(TAR_BLOCK_BYTES);
    if (block.length === 0) {
      throw new TarFormatError(archive, 'truncated: the end-of-archive marker is missing');
    }
    if (block.length < TAR_BLOCK_BYTES) {
      throw new TarFormatError(archive, `truncated: partial header at byte ${headerOffset}`);
    }
    if (isZeroBlock(block)) {
      await drain(reader);
      return;
    }
    const header = decodeHeader(archive, block, headerOffset);
    if (header.type === 'gnuLongName') {
      const name = await readMetadata(reader, archive, header);
      pendingPath = name.toString('utf8').replace(/\0+$/, '');
    } else if (header.type === 'paxHeader') {
      pendingPath = paxPath(archive, await readMetadata(reader, archive, header)) ?? pendingPath;
    } else if (header.type === 'paxGlobalHeader') {
      await readMetadata(reader, archive, header);
    } else if (header.type === 'unsupported') {
      throw new UnsafeTarPathError(
        archive,
        `member ${pendingPath ?? header.path} has type '${header.typeflag}' (link or special ` +
          'file); only regular files and directories are accepted',
      );
    } else {
      const path = pendingPath ?? header.path;
      pendingPath = undefined;
      const sizeBytes = header.type === 'directory' ? 0 : header.sizeBytes;
      const sink = await visit({ path, type: header.type, sizeBytes });
      await passData(reader, header.sizeBytes, sink);
    }
  }
}

/** Lists the members of an archive (checksums and structure verified, data skipped). */
export async function listTar(archive: string): Promise<TarEntryInfo[]> {
  const entries: TarEntryInfo[] = [];
  await walkTar(archive, (entry) => {
    entries.push(entry);
    return null;
  });
  return entries;
}

/** Reads every member into memory: for small archives and tests; use unpackTar for segments. */
export async function readTar(archive: string): Promise<TarEntry[]> {
  const members: { info: TarEntryInfo; parts: Buffer[] }[] = [];
  await walkTar(archive, (info) => {
    const parts: Buffer[] = [];
    members.push({ info, parts });
    return (chunk) => {
      parts.push(Buffer.from(chunk));
      return Promise.resolve();
    };
  });
  return members.map(({ info, parts }) => ({
    ...info,
    data: new Uint8Array(Buffer.concat(parts)),
  }));
}

/** Where a member lands under `root`, or an UnsafeTarPathError for `..` and absolute paths. */
export function safeMemberPath(archive: string, root: string, memberPath: string): string {
  const parts = memberPath.split('/');
  if (
    memberPath === '' ||
    memberPath.includes('\0') ||
    memberPath.includes('\\') ||
    isAbsolute(memberPath) ||
    /^[A-Za-z]:/.test(memberPath) ||
    parts.includes('..')
  ) {
    throw new UnsafeTarPathError(
      archive,
      `member path ${JSON.stringify(memberPath)} would escape the target directory; ` +
        'the archive is unsafe and was not unpacked',
    );
  }
  const target = resolve(root, memberPath);
  const fromRoot = relative(root, target);
  if (fromRoot.startsWith(`..${sep}`) || fromRoot === '..' || isAbsolute(fromRoot)) {
    throw new UnsafeTarPathError(archive, `member path ${memberPath} resolves outside ${root}`);
  }
  return target;
}

async function writeChunk(stream: WriteStream, chunk: Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/**
 * Unpacks an archive under `targetDirectory` (created if missing); returns the member paths
 * written. Every path is checked before anything is written for it. Unpack into a fresh
 * directory (a link already there would be followed); after an error it may hold the members
 * before the bad one, so remove it.
 */
export async function unpackTar(archive: string, targetDirectory: string): Promise<string[]> {
  const root = resolve(targetDirectory);
  await mkdir(root, { recursive: true });
  const written: string[] = [];
  let open: WriteStream | null = null;
  const closeOpen = async () => {
    if (open === null) return;
    const stream = open;
    open = null;
    stream.end();
    await once(stream, 'close');
  };
  try {
    await walkTar(archive, async (entry) => {
      await closeOpen();
      const target = safeMemberPath(archive, root, entry.path);
      written.push(entry.path);
      if (entry.type === 'directory') {
        await mkdir(target, { recursive: true });
        return null;
      }
      await mkdir(dirname(target), { recursive: true });
      const stream = createWriteStream(target);
      open = stream;
      return (chunk) => writeChunk(stream, chunk);
    });
  } finally {
    await closeOpen();
  }
  return written.map((path) => join(root, path));
}
