// Loads an immutable segment file into one allocation of the shared kernel memory and serves
// its columns as views into it (Pinot's ImmutableSegmentLoader). The whole file is validated
// (magic, version, length, CRC, section bounds) before any reader is built.
import { open, type FileHandle } from 'node:fs/promises';
import { SegmentFormatError } from '../../host/errors/errors.js';
import type { MemoryAllocator } from '../../host/runtime/allocator.js';
import { publishRelease } from '../../host/runtime/releaseLog.js';
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
  type SectionKindValue,
} from './format.js';
import { decodeMetadataJson } from './metadataJson.js';
import { withBloomFilters } from './bloomFilter.js';
import { withStarTrees } from './starTreeReader.js';

/** Last segment id handed out; ids are process-unique and never reused (release log keys). */
let lastSegmentId = 0;

/**
 * What a worker needs to serve a loaded segment from the shared memory without copying it:
 * where the validated file image lies, and its section directory packed as numbers (offset,
 * lengthBytes, kind, column per section) so that the task message stays one typed array.
 */
export interface SegmentDescriptor {
  /** Process-unique; a worker caches the attached segment under it. */
  readonly id: number;
  readonly filePath: string;
  readonly ptr: number;
  readonly sizeBytes: number;
  readonly directory: Float64Array;
  readonly crc: number;
}

/** Numbers per section in SegmentDescriptor.directory. */
const DIRECTORY_FIELDS = 4;

export class ImmutableSegment implements Segment {
  /** The table's reference plus one per in-flight query (acquire/release). */
  private refCount = 1;
  private cachedDescriptor: SegmentDescriptor | undefined;

  constructor(
    readonly filePath: string,
    readonly metadata: SegmentMetadata,
    private readonly columns: ReadonlyMap<string, ImmutableColumnReader>,
    /** The owner of the file image's allocation; undefined for a worker's attached view. */
    private readonly allocator: MemoryAllocator | undefined,
    /** The shared memory the file image lies in (the runtime may hold several). */
    readonly memory: WebAssembly.Memory,
    /** Where the file image starts in the shared memory, and its size. */
    readonly ptr: number,
    readonly sizeBytes: number,
    private readonly sections: readonly SectionEntry[] = [],
    readonly id: number = ++lastSegmentId,
  ) {}

  docCount(): number {
    return this.metadata.docCount;
  }

  column(name: string): ImmutableColumnReader | undefined {
    assert(this.refCount > 0, `segment ${this.metadata.segmentName} is used after release`);
    return this.columns.get(name);
  }

  columnNames(): readonly string[] {
    return [...this.columns.keys()];
  }

  /** False once the last reference is gone (the memory is then free). */
  get isLive(): boolean {
    return this.refCount > 0;
  }

  /** One more holder (an in-flight query): the memory stays until every holder released it. */
  acquire(): this {
    assert(this.refCount > 0, `segment ${this.metadata.segmentName} is acquired after release`);
    this.refCount++;
    return this;
  }

  /** Drops one reference; the last one gives the memory back and tells the workers. */
  release(): void {
    assert(this.refCount > 0, `segment ${this.metadata.segmentName} is released once per hold`);
    if (--this.refCount > 0 || this.allocator === undefined) return;
    this.allocator.release(this.ptr);
    publishRelease(this.id);
  }

  /** Where a worker finds this segment (see attachImmutableSegment). */
  descriptor(): SegmentDescriptor {
    this.cachedDescriptor ??= {
      id: this.id,
      filePath: this.filePath,
      ptr: this.ptr,
      sizeBytes: this.sizeBytes,
      directory: packDirectory(this.sections),
      crc: this.metadata.crc,
    };
    return this.cachedDescriptor;
  }
}

function packDirectory(sections: readonly SectionEntry[]): Float64Array {
  const packed = new Float64Array(sections.length * DIRECTORY_FIELDS);
  sections.forEach((section, i) => {
    const fields = [section.offset, section.lengthBytes, section.kind, section.column];
    packed.set(fields, i * DIRECTORY_FIELDS);
  });
  return packed;
}

function unpackDirectory(packed: Float64Array): SectionEntry[] {
  const entries: SectionEntry[] = [];
  for (let at = 0; at < packed.length; at += DIRECTORY_FIELDS) {
    entries.push({
      offset: packed[at]!,
      lengthBytes: packed[at + 1]!,
      kind: packed[at + 2]! as SectionKindValue,
      column: packed[at + 3]!,
    });
  }
  return entries;
}

/**
 * Serves a segment that the main thread loaded (and validated: CRC, bounds) from the shared
 * memory it already lies in: no copy, no second CRC pass, only the column readers are built.
 * The result does not own the memory (its release() frees nothing); the main thread's segment
 * must stay acquired while it is used.
 */
export function attachImmutableSegment(
  descriptor: SegmentDescriptor,
  memory: WebAssembly.Memory,
): ImmutableSegment {
  const { filePath, ptr, sizeBytes, crc, id } = descriptor;
  assert(ptr + sizeBytes <= memory.buffer.byteLength, `segment ${filePath} lies in the memory`);
  const file = new Uint8Array(memory.buffer, ptr, sizeBytes);
  const entries = unpackDirectory(descriptor.directory);
  const parsed = parseMetadata(file, entries, filePath, crc);
  const metadata = withBloomFilters(parsed, file, entries, filePath);
  const readers = buildReaders(file, ptr, entries, metadata, filePath);
  const segment = new ImmutableSegment(
    filePath, metadata, readers, undefined, memory, ptr, sizeBytes, entries, id,
  );
  return withStarTrees(segment, file, ptr, entries, filePath);
}

function assertMemory(): never {
  assert(false, 'loadImmutableSegment with an allocator is given its memory');
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

/** Where a segment image goes: a range, the allocator that owns it, and its memory. */
export interface PlacedImage {
  readonly ptr: number;
  readonly allocator: MemoryAllocator;
  readonly memory: WebAssembly.Memory;
}

/** Chooses a memory for each segment image (the runtime's placement across its memories). */
export interface SegmentPlacement {
  allocateImage(sizeBytes: number, alignBytes: number): PlacedImage;
}

/** Every image in one memory, owned by `allocator` (tools, tests, a single-memory runtime). */
export function singleMemory(
  allocator: MemoryAllocator,
  memory: WebAssembly.Memory,
): SegmentPlacement {
  return {
    allocateImage: (sizeBytes, alignBytes) => ({
      ptr: allocator.allocate(sizeBytes, alignBytes),
      allocator,
      memory,
    }),
  };
}

/**
 * Loads the segment at `filePath` into one allocation, in `memory` (owned by `allocator`) or
 * wherever `placement` puts it. `release()` on the result gives the allocation back. A corrupt
 * or truncated file is refused with SegmentFormatError naming the file and the problem.
 */
export async function loadImmutableSegment(
  filePath: string,
  where: MemoryAllocator | SegmentPlacement,
  memory?: WebAssembly.Memory,
): Promise<ImmutableSegment> {
  const placement =
    'allocateImage' in where ? where : singleMemory(where, memory ?? assertMemory());
  const handle = await open(filePath, 'r');
  let image: PlacedImage | undefined;
  try {
    const sizeBytes = (await handle.stat()).size;
    image = placement.allocateImage(sizeBytes, SECTION_ALIGN_BYTES);
    const { ptr, allocator } = image;
    const file = new Uint8Array(image.memory.buffer, ptr, sizeBytes);
    await readInto(handle, filePath, file);
    const entries = decodeContainer(file, filePath);
    const parsed = parseMetadata(file, entries, filePath, containerCrc(file));
    const metadata = withBloomFilters(parsed, file, entries, filePath);
    const readers = buildReaders(file, ptr, entries, metadata, filePath);
    const segment = new ImmutableSegment(
      filePath, metadata, readers, allocator, image.memory, ptr, sizeBytes, entries,
    );
    return withStarTrees(segment, file, ptr, entries, filePath);
  } catch (error) {
    if (image !== undefined) image.allocator.release(image.ptr);
    throw error;
  } finally {
    await handle.close();
  }
}
