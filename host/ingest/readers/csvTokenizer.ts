// RFC 4180 on bytes: finds one row's fields in a buffer of UTF-8 without making strings, so
// that a columnar reader can parse numbers and dictionary-encode text straight from the bytes.
// It reads exactly as CsvParser (csv.ts) does: a carriage return outside quotes is dropped
// wherever it stands, an unquoted empty field is null and a quoted one is '', a row of one
// null field is blank, and `""` inside quotes is one quote.
import { assert } from '../../util/assert.js';

/** ASCII codes of the bytes that shape rows and fields. */
const QUOTE = 0x22;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The field was quoted: its content lies between the quotes. */
export const FIELD_QUOTED = 1;
/** The quoted content holds `""` pairs (CRs may stand between them), each one quote. */
export const FIELD_ESCAPED = 2;
/** A quote pair inside quoted content: a closing quote, dropped CRs, a reopening quote. */
const ESCAPED_QUOTE = /"\r*"/g;
/** The unquoted content holds carriage returns, which are not part of the value. */
export const FIELD_HAS_CR = 4;

/** Fields a row starts with room for; more grow the arrays (rows are rarely wider). */
const INITIAL_FIELD_CAPACITY = 64;

/** What `tokenize` found at the position it was given. */
export const enum RowScan {
  /** A row: fields in the tokenizer's arrays, `rowEnd` past its line break. */
  Row,
  /** The buffer ends inside the row: call again with more bytes (or `atEnd`). */
  NeedMore,
  /** Nothing but the end of the input. */
  End,
}

/** An input error: the caller names the source and the line. */
export class CsvSyntaxError extends Error {
  constructor(readonly lineNumber: number, readonly detail: string) {
    super(`line ${lineNumber}: ${detail}`);
  }
}

/** The message CsvParser gives for a character after a closing quote, char as it decodes. */
function afterQuoteDetail(bytes: Uint8Array, at: number): string {
  const char = Buffer.from(bytes.subarray(at, at + 4)).toString('utf8').charAt(0);
  return `unexpected ${JSON.stringify(char)} after a closing quote (quote the whole field ` +
    'and double the quotes inside it)';
}

export class CsvRowTokenizer {
  /** Per field of the last row: content start and end (quotes excluded), FIELD_* flags. */
  fieldStarts = new Int32Array(INITIAL_FIELD_CAPACITY);
  fieldEnds = new Int32Array(INITIAL_FIELD_CAPACITY);
  fieldFlags = new Uint8Array(INITIAL_FIELD_CAPACITY);
  fieldCount = 0;
  /** Where the next row starts. */
  rowEnd = 0;
  /** Line breaks inside the last row, its ending one included. */
  rowLineBreaks = 0;

  constructor(private readonly delimiter: number) {
    assert(delimiter < 0x80 && delimiter !== QUOTE && delimiter !== LINE_FEED &&
      delimiter !== CARRIAGE_RETURN, 'the delimiter is one ASCII byte, not a quote or line end');
  }

  /**
   * Reads the row at `start` of `bytes[0, end)`. `atEnd`: no bytes follow `end`, so a row
   * without a final line break ends there. `lineNumber` is the row's first line (for errors).
   */
  tokenize(bytes: Uint8Array, start: number, end: number, atEnd: boolean,
    lineNumber: number): RowScan {
    this.fieldCount = 0;
    this.rowLineBreaks = 0;
    let position = start;
    for (;;) {
      position = skipCarriageReturns(bytes, position, end);
      if (position === end) {
        if (!atEnd) return RowScan.NeedMore;
        if (this.fieldCount === 0) return RowScan.End;
        this.addField(position, position, 0);
        this.rowEnd = position;
        return RowScan.Row;
      }
      const next = bytes[position] === QUOTE
        ? this.quotedField(bytes, position, end, atEnd, lineNumber)
        : this.unquotedField(bytes, position, end, atEnd);
      if (next === -1) return RowScan.NeedMore;
      // next: past the delimiter, or past the line break (or at the end) with the row done.
      if (next < 0) {
        this.rowEnd = -next - 2;
        return RowScan.Row;
      }
      position = next;
    }
  }

  /** Field end codes: >= 0 continue at; -1 need more; <= -2 row ends at (-code - 2). */
  private unquotedField(bytes: Uint8Array, start: number, end: number, atEnd: boolean): number {
    const delimiter = this.delimiter;
    let flags = 0;
    let position = start;
    while (position < end) {
      const code = bytes[position]!;
      if (code === delimiter) {
        this.addField(start, position, flags);
        return position + 1;
      }
      if (code === LINE_FEED) {
        this.addField(start, position, flags);
        this.rowLineBreaks++;
        return -(position + 1) - 2;
      }
      if (code === CARRIAGE_RETURN) {
        if (position + 1 === end && !atEnd) return -1;
        if (position + 1 < end && bytes[position + 1] === LINE_FEED) {
          this.addField(start, position, flags);
          this.rowLineBreaks++;
          return -(position + 2) - 2;
        }
        flags |= FIELD_HAS_CR;
      }
      position++;
    }
    if (!atEnd) return -1;
    this.addField(start, position, flags);
    return -position - 2;
  }

  private quotedField(bytes: Uint8Array, start: number, end: number, atEnd: boolean,
    lineNumber: number): number {
    const contentStart = start + 1;
    let flags = FIELD_QUOTED;
    let position = contentStart;
    for (;;) {
      const quoteAt = bytes.indexOf(QUOTE, position);
      if (quoteAt === -1 || quoteAt >= end) {
        if (!atEnd) return -1;
        throw new CsvSyntaxError(lineNumber, 'a quoted field is not closed');
      }
      this.rowLineBreaks += countLineFeeds(bytes, position, quoteAt);
      // CsvParser drops CRs after a closing quote too, so `"` CR* `"` is one quote.
      const after = skipCarriageReturns(bytes, quoteAt + 1, end);
      if (after === end && !atEnd) return -1;
      if (after < end && bytes[after] === QUOTE) {
        flags |= FIELD_ESCAPED;
        position = after + 1;
        continue;
      }
      this.addField(contentStart, quoteAt, flags);
      if (after === end) return -end - 2;
      const code = bytes[after]!;
      if (code === this.delimiter) return after + 1;
      if (code === LINE_FEED) {
        this.rowLineBreaks++;
        return -(after + 1) - 2;
      }
      throw new CsvSyntaxError(lineNumber + this.rowLineBreaks, afterQuoteDetail(bytes, after));
    }
  }

  private addField(start: number, end: number, flags: number): void {
    if (this.fieldCount === this.fieldStarts.length) this.growFields();
    this.fieldStarts[this.fieldCount] = start;
    this.fieldEnds[this.fieldCount] = end;
    this.fieldFlags[this.fieldCount] = flags;
    this.fieldCount++;
  }

  private growFields(): void {
    const capacity = this.fieldStarts.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.fieldStarts = grow(this.fieldStarts, new Int32Array(capacity));
    this.fieldEnds = grow(this.fieldEnds, new Int32Array(capacity));
    this.fieldFlags = grow(this.fieldFlags, new Uint8Array(capacity));
  }

  /** A row of one unquoted empty field: CsvParser skips it (a blank line). */
  isBlankRow(): boolean {
    return this.fieldCount === 1 && this.fieldFlags[0] === 0 &&
      this.fieldStarts[0] === this.fieldEnds[0];
  }

  /** Field `index` of the last row as CsvParser gives it: null, or the text. */
  fieldText(bytes: Uint8Array, index: number): string | null {
    const start = this.fieldStarts[index]!;
    const end = this.fieldEnds[index]!;
    const flags = this.fieldFlags[index]!;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if ((flags & FIELD_QUOTED) !== 0) {
      const text = buffer.toString('utf8', start, end);
      return (flags & FIELD_ESCAPED) === 0 ? text : text.replace(ESCAPED_QUOTE, '"');
    }
    if ((flags & FIELD_HAS_CR) === 0) return start === end ? null : buffer.toString('utf8', start, end);
    const text = buffer.toString('utf8', start, end).replaceAll('\r', '');
    return text === '' ? null : text;
  }
}

function skipCarriageReturns(bytes: Uint8Array, start: number, end: number): number {
  let position = start;
  // A CR before LF ends the row with it; elsewhere outside quotes CsvParser drops it too.
  while (position < end && bytes[position] === CARRIAGE_RETURN) position++;
  return position;
}

function countLineFeeds(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(LINE_FEED, start); at !== -1 && at < end;
    at = bytes.indexOf(LINE_FEED, at + 1)) {
    count++;
  }
  return count;
}
