// JSON input: JSON lines (one object per line) or one top-level array of objects, both read
// as a stream. Integers beyond 2^53 stay exact (bigint) so that LONG columns lose nothing.
import { isPlainObject } from '../../config/warnings.js';
import { textChunks } from './text.js';
import {
  RecordReadError,
  type RawRecord,
  type ReaderOptions,
  type RecordReader,
  type RecordSource,
} from './types.js';

/** A run of 16+ digits is the only way a JSON number can exceed 2^53 exactly. */
const LONG_DIGITS = /\d{16}/;
/** Prefix of the placeholder string that carries a big integer through JSON.parse. */
const BIGINT_MARK = '\u0000bigint:';

/** Rewrites integer literals beyond 2^53 (outside strings) as marked strings. */
function protectBigIntegers(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) {
      inString = true;
      continue;
    }
    if (code !== 0x2d && (code < 0x30 || code > 0x39)) continue;
    let end = index + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text[end]!)) end++;
    const token = text.slice(index, end);
    if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
      result += `${text.slice(copiedUpTo, index)}"\\u0000bigint:${token}"`;
      copiedUpTo = end;
    }
    index = end - 1;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

function reviveBigInteger(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(BIGINT_MARK)
    ? BigInt(value.slice(BIGINT_MARK.length))
    : value;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact as bigint (others stay numbers). Also used
 * by stream decoders for JSON messages.
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return JSON.parse(protectBigIntegers(text), reviveBigInteger);
}

function toRecord(source: RecordSource, where: string, text: string): RawRecord {
  let value: unknown;
  try {
    value = parseJsonExact(text);
  } catch (error) {
    const detail = `invalid JSON (${(error as Error).message})`;
    throw new RecordReadError(source, where, detail, { cause: error });
  }
  if (!isPlainObject(value)) throw new RecordReadError(source, where, 'expected a JSON object');
  return value;
}

/** JSON lines: each non-blank line holds one object. */
async function* readLines(
  source: RecordSource,
  chunks: AsyncIterable<string>,
): AsyncGenerator<RawRecord> {
  let carry = '';
  let lineNumber = 0;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lineNumber++;
      const line = text.slice(start, end).trim();
      if (line !== '') yield toRecord(source, `line ${lineNumber}`, line);
      start = end + 1;
    }
    carry = text.slice(start);
  }
  const last = carry.trim();
  if (last !== '') yield toRecord(source, `line ${lineNumber + 1}`, last);
}

/** Splits the elements of one top-level array, chunk by chunk, without parsing them. */
class ArrayElementSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: string[] = [];
  finished = false;
  trailing = '';

  /** Feeds text after the opening `[`; returns the complete elements it closed. */
  push(text: string): string[] {
    const elements: string[] = [];
    let start = 0;
    for (let index = 0; index < text.length && !this.finished; index++) {
      const code = text.charCodeAt(index);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === 0x5c) this.escaped = true;
        else if (code === 0x22) this.inString = false;
      } else if (code === 0x22) {
        this.inString = true;
      } else if (code === 0x7b || code === 0x5b) {
        this.depth++;
      } else if ((code === 0x7d || code === 0x5d) && this.depth > 0) {
        this.depth--;
      } else if (this.depth === 0 && (code === 0x2c || code === 0x5d)) {
        this.pieces.push(text.slice(start, index));
        elements.push(this.pieces.join(''));
        this.pieces = [];
        start = index + 1;
        this.finished = code === 0x5d;
        if (this.finished) this.trailing += text.slice(start);
      }
    }
    if (!this.finished) this.pieces.push(text.slice(start));
    return elements;
  }
}

async function* readArray(
  source: RecordSource,
  chunks: AsyncIterable<string>,
): AsyncGenerator<RawRecord> {
  const splitter = new ArrayElementSplitter();
  let recordNumber = 0;
  let opened = false;
  for await (const chunk of chunks) {
    if (splitter.finished) {
      splitter.trailing += chunk;
      continue;
    }
    let text = chunk;
    if (!opened) {
      const bracketAt = chunk.indexOf('[');
      if (bracketAt === -1) continue; // whitespace before the array
      text = chunk.slice(bracketAt + 1);
      opened = true;
    }
    const elements = splitter.push(text);
    for (const [index, element] of elements.entries()) {
      const isLast = splitter.finished && index === elements.length - 1;
      if (isLast && recordNumber === 0 && element.trim() === '') continue; // `[]`
      recordNumber++;
      yield toRecord(source, `record ${recordNumber}`, element.trim());
    }
  }
  if (!splitter.finished) {
    throw new RecordReadError(source, 'end of file', 'the top-level array is not closed');
  }
  if (splitter.trailing.trim() !== '') {
    throw new RecordReadError(source, 'after the top-level array', 'unexpected text');
  }
}

/** Peeks the first non-blank character to pick JSON lines or a top-level array. */
async function* readJson(source: RecordSource): AsyncGenerator<RawRecord> {
  // Pulled by hand: leaving a for-await loop early would close the generator.
  const chunks = textChunks(source);
  const buffered: string[] = [];
  let firstChar: string | undefined;
  while (firstChar === undefined) {
    const next = await chunks.next();
    if (next.done === true) return;
    buffered.push(next.value);
    firstChar = /\S/.exec(next.value)?.[0];
  }
  async function* replay(): AsyncGenerator<string> {
    yield* buffered;
    yield* chunks;
  }
  yield* firstChar === '[' ? readArray(source, replay()) : readLines(source, replay());
}

export const jsonRecordReader: RecordReader = {
  format: 'json',
  open(source: RecordSource, _options?: ReaderOptions): AsyncIterable<RawRecord> {
    return readJson(source);
  },
};
