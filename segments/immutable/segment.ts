// Loads an immutable segment file into one allocation of the shared kernel memory and serves
// its columns as views into it (Pinot's ImmutableSegmentLoader). The whole file is validated
// (magic, version, length, CRC, section bounds) before any reader is built.
import { open, type FileHandle } from 'node:fs/promises';
import { SegmentFormatError } from '../../host/errors/errors.js';
import type { MemoryAllocator } from '../../host/runtime/allocator.js';
import { assert } from '../../host/util/assert.js';
import type { Segment } from '../spi/segment.js';
import type { SegmentMetadata } from '../spi/metadata.js';
import { buildColumnReader } from './columnLoader.js';
import { ImmutableColumnReader } from './immutableColumn.js';
import {
  containerCrc,
  decodeContainer,
  SECTION_ALIGN_BYTES,
  SectionKind,
  type SectionEntry,
} from './format.js';
import { decodeMetadataJson } from './metadataJson.js';

export class ImmutableSegment implements Segment {
  private released = false;

  constructor(
    readonly filePath: string,
    readonly metadata: SegmentMetadata,
    private readonly columns: ReadonlyMap<string, ImmutableColumnReader>,
    private readonly allocator: MemoryAllocator,
    /** Where the file image starts in the shared memory, and its size. */
    readonly ptr: number,
    readonly sizeBytes: number,
  ) {}

  docCount(): number {
    return this.metadata.docCount;
  }

  column(name: string): ImmutableColumnReader | undefined {
    assert(!this.released, `segment ${this.metadata.segmentName} is used after release`);
    return this.columns.get(name);
  }

  columnNames(): readonly string[] {
    return [...this.columns.keys()];
  }

  release(): void {
    assert(!this.released, `segment ${this.metadata.segmentName} is released once`);
    this.released = true;
    this.allocator.release(this.ptr);
  }
}

/** Reads the whole file into `target`; a file shorter than its size on open is truncated. */
async function readInto(handle: FileHandle, filePath: string, target: Uint8Array) {
  let done = 0;
  while (done < target.byteLength) {
    const { bytesRead } = await handle.read(target, done, target.byteLength - done, done);
    if (bytesRead === 0) {
      throw new SegmentFormatError(filePath, `truncated while reading at byte ${done}`);
    }
    done += bytesRead;
  }
}

function parseMetadata(file: Uint8Array, entries: SectionEntry[], filePath: string, crc: number) {
  const section = entries.find((entry) => entry.kind === SectionKind.METADATA_JSON);
  if (section === undefined) throw new SegmentFormatError(filePath, 'metadata section missing');
  try {
    const bytes = file.subarray(section.offset, section.offset + section.lengthBytes);
    return decodeMetadataJson(bytes, crc);
  } catch (cause) {
    throw new SegmentFormatError(filePath, `metadata section unreadable: ${String(cause)}`);
  }
}

/** The column readers of a validated file image lying at `ptr` in the shared memory. */
function buildReaders(
  file: Uint8Array,
  ptr: number,
  entries: SectionEntry[],
  metadata: SegmentMetadata,
  filePath: string,
): Map<string, ImmutableColumnReader> {
  const readers = new Map<string, ImmutableColumnReader>();
  [...metadata.columns.values()].forEach((column, columnIndex) => {
    const sections = entries.filter((entry) => entry.column === columnIndex);
    const reader = buildColumnReader({ file, ptr, sections, column, metadata, filePath });
    readers.set(column.name, reader);
  });
  return readers;
}

/**
 * Loads the segment at `filePath` into one allocation of `memory` (owned by `allocator`).
 * `release()` on the result gives the allocation back. A corrupt or truncated file is refused
 * with SegmentFormatError naming the file and the problem.
 */
export async function loadImmutableSegment(
  filePath: string,
  allocator: MemoryAllocator,
  memory: WebAssembly.Memory,
): Promise<ImmutableSegment> {
  const handle = await open(filePath, 'r');
  let ptr: number | undefined;
  try {
    const sizeBytes = (await handle.stat()).size;
    ptr = allocator.allocate(sizeBytes, SECTION_ALIGN_BYTES);
    const file = new Uint8Array(memory.buffer, ptr, sizeBytes);
    await readInto(handle, filePath, file);
    const entries = decodeContainer(file, filePath);
    const metadata = parseMetadata(file, entries, filePath, containerCrc(file));
    const readers = buildReaders(file, ptr, entries, metadata, filePath);
    return new ImmutableSegment(filePath, metadata, readers, allocator, ptr, sizeBytes);
  } catch (error) {
    if (ptr !== undefined) allocator.release(ptr);
    throw error;
  } finally {
    await handle.close();
  }
}
