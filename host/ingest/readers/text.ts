// Text input for the line-oriented readers (JSON, CSV): decoded UTF-8 in chunks, so that a
// 1 GB file never becomes one string.
import { createReadStream } from 'node:fs';
import type { RecordSource } from './types.js';

/** Bytes per read: large enough to amortise the per-chunk work, small enough to stay in cache. */
export const TEXT_CHUNK_BYTES = 1 << 20;

const BYTE_ORDER_MARK = '\uFEFF'; // written by some Windows tools at the start of UTF-8 files

function* bufferChunks(bytes: Uint8Array): Generator<string> {
  const decoder = new TextDecoder('utf-8');
  for (let offset = 0; offset < bytes.byteLength; offset += TEXT_CHUNK_BYTES) {
    const end = Math.min(offset + TEXT_CHUNK_BYTES, bytes.byteLength);
    yield decoder.decode(bytes.subarray(offset, end), { stream: end < bytes.byteLength });
  }
}

async function* fileChunks(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: TEXT_CHUNK_BYTES });
  for await (const chunk of stream) yield chunk as string;
}

/** The source's text in chunks, without a leading byte-order mark. */
export async function* textChunks(source: RecordSource): AsyncGenerator<string> {
  let first = true;
  const chunks = typeof source === 'string' ? fileChunks(source) : bufferChunks(source);
  for await (const chunk of chunks) {
    const text = first && chunk.startsWith(BYTE_ORDER_MARK) ? chunk.slice(1) : chunk;
    first = false;
    if (text.length > 0) yield text;
  }
}
