// CSV input (RFC 4180): quoted fields with embedded delimiters, quotes ("") and line breaks,
// LF or CRLF line ends, a header row, a configurable delimiter, and Pinot's multiValueDelimiter
// for multi-value columns. An unquoted empty field is null; a quoted one ("") is ''.
import { textChunks } from './text.js';
import {
  RecordReadError,
  type RawRecord,
  type ReaderOptions,
  type RecordReader,
  type RecordSource,
} from './types.js';

/** Pinot's CSVRecordReaderConfig defaults. */
const DEFAULT_DELIMITER = ',';
const DEFAULT_MULTI_VALUE_DELIMITER = ';';

const QUOTE = 0x22;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d; // dropped outside quotes, so CRLF reads as LF

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export type CsvRow = { readonly fields: (string | null)[]; readonly lineNumber: number };

/** An incremental RFC 4180 parser: feed text chunks, get complete rows. */
export class CsvParser {
  private state = State.FieldStart;
  private field = '';
  private fieldQuoted = false;
  private fields: (string | null)[] = [];
  private lineNumber = 1;
  private rowLineNumber = 1;
  private rows: CsvRow[] = [];

  /** Finds the next character that ends an unquoted field (delimiter, LF, CR). */
  private readonly fieldEnd: RegExp;

  constructor(
    private readonly delimiterCode: number,
    private readonly fail: (lineNumber: number, detail: string) => never,
  ) {
    const delimiter = String.fromCharCode(delimiterCode).replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
    this.fieldEnd = new RegExp(`[${delimiter}\\n\\r]`, 'g');
  }

  /** Feeds the next chunk of text; returns the rows it completed. Scans by search, not by char. */
  push(text: string): CsvRow[] {
    let index = 0;
    while (index < text.length) {
      switch (this.state) {
        case State.FieldStart:
          index = this.startField(text, index);
          break;
        case State.Unquoted:
          index = this.scanUnquoted(text, index);
          break;
        case State.Quoted:
          index = this.scanQuoted(text, index);
          break;
        case State.QuoteInQuoted:
          index = this.afterQuote(text, index);
          break;
      }
    }
    return this.takeRows();
  }

  private startField(text: string, index: number): number {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      this.state = State.Quoted;
      this.fieldQuoted = true;
      return index + 1;
    }
    if (this.endsField(code)) return index + 1;
    this.state = State.Unquoted;
    return index;
  }

  private scanUnquoted(text: string, index: number): number {
    this.fieldEnd.lastIndex = index;
    const match = this.fieldEnd.exec(text);
    const end = match === null ? text.length : match.index;
    this.field += text.slice(index, end);
    if (match === null) return end;
    const code = text.charCodeAt(end);
    if (code !== CARRIAGE_RETURN) this.endsField(code);
    return end + 1;
  }

  private scanQuoted(text: string, index: number): number {
    const quoteAt = text.indexOf('"', index);
    const end = quoteAt === -1 ? text.length : quoteAt;
    for (let lineEnd = text.indexOf('\n', index); lineEnd !== -1 && lineEnd < end;
      lineEnd = text.indexOf('\n', lineEnd + 1)) {
      this.lineNumber++;
    }
    this.field += text.slice(index, end);
    if (quoteAt === -1) return end;
    this.state = State.QuoteInQuoted;
    return end + 1;
  }

  private afterQuote(text: string, index: number): number {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      this.field += '"';
      this.state = State.Quoted;
    } else if (!this.endsField(code)) {
      this.fail(this.lineNumber, `unexpected ${JSON.stringify(text[index])} after a closing ` +
        'quote (quote the whole field and double the quotes inside it)');
    }
    return index + 1;
  }

  /** Handles a delimiter, line end or CR at a field boundary; false for any other character. */
  private endsField(code: number): boolean {
    if (code === CARRIAGE_RETURN) return true; // the LF that follows ends the row
    if (code === this.delimiterCode) {
      this.finishField();
      return true;
    }
    if (code === LINE_FEED) {
      this.finishField();
      this.finishRow();
      this.lineNumber++;
      this.rowLineNumber = this.lineNumber;
      return true;
    }
    return false;
  }

  private finishField(): void {
    this.fields.push(this.field === '' && !this.fieldQuoted ? null : this.field);
    this.field = '';
    this.fieldQuoted = false;
    this.state = State.FieldStart;
  }

  private finishRow(): void {
    const blank = this.fields.length === 1 && this.fields[0] === null;
    if (!blank) this.rows.push({ fields: this.fields, lineNumber: this.rowLineNumber });
    this.fields = [];
  }

  private takeRows(): CsvRow[] {
    const rows = this.rows;
    this.rows = [];
    return rows;
  }

  /** Completes the last row (a file need not end with a line break). */
  end(): CsvRow[] {
    if (this.state === State.Quoted) this.fail(this.rowLineNumber, 'a quoted field is not closed');
    if (this.state !== State.FieldStart || this.fields.length > 0) {
      this.finishField();
      this.finishRow();
    }
    return this.takeRows();
  }
}

/** The header's column names, trimmed; refuses unnamed and repeated columns. */
export function checkHeader(
  header: readonly (string | null)[],
  fail: (detail: string) => never,
): string[] {
  const names = header.map((name, index) => {
    if (name === null || name.trim() === '') fail(`header column ${index + 1} has no name`);
    return name.trim();
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) fail(`header names column "${name}" twice`);
    seen.add(name);
  }
  return names;
}

export interface CsvSettings {
  readonly delimiterCode: number;
  readonly multiValueDelimiter: string | null;
  readonly multiValueColumns: ReadonlySet<string> | undefined;
}

export function settingsOf(source: RecordSource, options: ReaderOptions): CsvSettings {
  const delimiter = options.delimiter ?? DEFAULT_DELIMITER;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    const shown = JSON.stringify(delimiter);
    throw new RecordReadError(source, 'options', `delimiter ${shown} must be one ` +
      'character other than a quote or a line break');
  }
  const multiValueDelimiter = options.multiValueDelimiter === undefined
    ? DEFAULT_MULTI_VALUE_DELIMITER : options.multiValueDelimiter;
  const { multiValueColumns } = options;
  return { delimiterCode: delimiter.charCodeAt(0), multiValueDelimiter, multiValueColumns };
}

/** A field's value as a record holds it: text, or a list where it splits on the MV delimiter. */
export function splitValue(column: string, value: string | null, settings: CsvSettings): unknown {
  const { multiValueDelimiter, multiValueColumns } = settings;
  if (value === null || multiValueDelimiter === null) return value;
  const isMultiValue = multiValueColumns === undefined
    ? value.includes(multiValueDelimiter) : multiValueColumns.has(column);
  if (!isMultiValue) return value;
  return value.split(multiValueDelimiter).filter((element) => element !== '');
}

async function* readCsv(source: RecordSource, options: ReaderOptions): AsyncGenerator<RawRecord> {
  const settings = settingsOf(source, options);
  const failAt = (lineNumber: number, detail: string): never => {
    throw new RecordReadError(source, `line ${lineNumber}`, detail);
  };
  const parser = new CsvParser(settings.delimiterCode, failAt);
  let header = options.header === undefined
    ? undefined
    : checkHeader(options.header, (detail) => failAt(1, detail));
  const toRecord = (row: CsvRow): RawRecord | undefined => {
    if (header === undefined) {
      header = checkHeader(row.fields, (detail) => failAt(row.lineNumber, detail));
      return undefined;
    }
    if (row.fields.length !== header.length) {
      failAt(row.lineNumber, `${row.fields.length} fields where the header has ${header.length}`);
    }
    const record: RawRecord = {};
    header.forEach((column, index) => {
      record[column] = splitValue(column, row.fields[index]!, settings);
    });
    return record;
  };
  for await (const chunk of textChunks(source)) {
    for (const row of parser.push(chunk)) {
      const record = toRecord(row);
      if (record !== undefined) yield record;
    }
  }
  for (const row of parser.end()) {
    const record = toRecord(row);
    if (record !== undefined) yield record;
  }
}

export const csvRecordReader: RecordReader = {
  format: 'csv',
  open(source: RecordSource, options: ReaderOptions = {}): AsyncIterable<RawRecord> {
    return readCsv(source, options);
  },
};
