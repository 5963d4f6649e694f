// A streaming multipart/form-data reader (RFC 7578) with bounds on everything: file parts go
// straight to temporary files as the bytes arrive, so a 1 GiB segment upload never sits in
// memory; part headers, part count and plain field sizes are capped.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, HttpError } from './http.js';

/** Header block of one part: a few lines; past this it is not a form part. */
const MAX_PART_HEADER_BYTES = 16 * 1024;
/** Parts per request: Pinot's uploads send one file; this leaves room for extra fields. */
const MAX_PARTS = 16;
/** A non-file field is a short string (a name, a flag). */
const MAX_FIELD_BYTES = 64 * 1024;

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

export interface MultipartFile {
  readonly fieldName: string;
  readonly fileName: string;
  readonly contentType: string | undefined;
  readonly filePath: string;
  readonly sizeBytes: number;
}

export interface MultipartForm {
  readonly files: MultipartFile[];
  readonly fields: Map<string, string>;
}

export interface PartHeaders {
  readonly fieldName: string;
  readonly fileName: string | undefined;
  readonly contentType: string | undefined;
}

/** What the parser reports as it goes; the caller decides where bytes go. */
export type MultipartEvent =
  | { readonly kind: 'start'; readonly headers: PartHeaders }
  | { readonly kind: 'data'; readonly bytes: Buffer }
  | { readonly kind: 'end' };

/** The boundary of a multipart/form-data content type; anything else is a 400/415. */
export function multipartBoundary(contentType: string | undefined): string {
  const match = /^multipart\/form-data\s*;(?:.*;)?\s*boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(
    contentType ?? '',
  );
  const boundary = match?.[1] ?? match?.[2];
  if (boundary === undefined) {
    throw new HttpError(415, 'send the file as multipart/form-data (curl -F file=@FILE)');
  }
  if (boundary.length > 70) throw new HttpError(400, 'multipart boundary longer than 70 bytes');
  return boundary;
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';

/**
 * Push chunks in, get events out. The parser keeps at most one delimiter's length of body bytes
 * (or one header block) between pushes, whatever the chunking.
 */
export class MultipartParser {
  private readonly delimiter: Buffer;
  private pending = Buffer.alloc(0);
  private state: State = 'preamble';
  private partCount = 0;

  constructor(boundary: string) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  push(chunk: Buffer): MultipartEvent[] {
    // The preamble starts without CRLF; give it one so every boundary looks the same.
    this.pending =
      this.state === 'preamble' && this.pending.length === 0
        ? Buffer.concat([CRLF, chunk])
        : Buffer.concat([this.pending, chunk]);
    const events: MultipartEvent[] = [];
    while (this.step(events));
    return events;
  }

  /** Advances one state; false when it needs more bytes. */
  private step(events: MultipartEvent[]): boolean {
    switch (this.state) {
      case 'preamble':
        return this.skipPreamble();
      case 'afterBoundary':
        return this.afterBoundary();
      case 'headers':
        return this.readHeaders(events);
      case 'body':
        return this.readBody(events);
      case 'done':
        this.pending = Buffer.alloc(0);
        return false;
    }
  }

  private skipPreamble(): boolean {
    const at = this.pending.indexOf(this.delimiter);
    if (at === -1) {
      if (this.pending.length > MAX_PART_HEADER_BYTES) {
        throw new HttpError(400, 'multipart body does not start with its boundary');
      }
      return false;
    }
    this.pending = this.pending.subarray(at + this.delimiter.length);
    this.state = 'afterBoundary';
    return true;
  }

  private afterBoundary(): boolean {
    if (this.pending.length < 2) return false;
    if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
      this.state = 'done';
      return true;
    }
    // Transport padding (spaces, tabs) may follow a boundary before its CRLF.
    const lineEnd = this.pending.indexOf(CRLF);
    if (lineEnd === -1) return false;
    if (this.pending.subarray(0, lineEnd).toString('latin1').trim() !== '') {
      throw new HttpError(400, 'multipart boundary line has trailing garbage');
    }
    this.pending = this.pending.subarray(lineEnd + CRLF.length);
    if (++this.partCount > MAX_PARTS) {
      throw new HttpError(400, `multipart body has more than ${MAX_PARTS} parts`);
    }
    this.state = 'headers';
    return true;
  }

  private readHeaders(events: MultipartEvent[]): boolean {
    const end = this.pending.indexOf(HEADER_END);
    // A part with no headers at all starts right away with the blank line.
    const emptyHeaders = this.pending.subarray(0, 2).equals(CRLF);
    if (end === -1 && !emptyHeaders) {
      if (this.pending.length > MAX_PART_HEADER_BYTES) {
        throw new HttpError(400, `multipart part headers exceed ${MAX_PART_HEADER_BYTES} bytes`);
      }
      return false;
    }
    const headerBytes = emptyHeaders ? 0 : end;
    const text = this.pending.subarray(0, headerBytes).toString('utf8');
    this.pending = this.pending.subarray(emptyHeaders ? 2 : end + HEADER_END.length);
    events.push({ kind: 'start', headers: parsePartHeaders(text) });
    this.state = 'body';
    return true;
  }

  private readBody(events: MultipartEvent[]): boolean {
    const at = this.pending.indexOf(this.delimiter);
    if (at === -1) {
      // Keep a delimiter's worth back: it may be the start of a boundary split across chunks.
      const safe = this.pending.length - this.delimiter.length + 1;
      if (safe > 0) {
        events.push({ kind: 'data', bytes: this.pending.subarray(0, safe) });
        this.pending = this.pending.subarray(safe);
      }
      return false;
    }
    if (at > 0) events.push({ kind: 'data', bytes: this.pending.subarray(0, at) });
    events.push({ kind: 'end' });
    this.pending = this.pending.subarray(at + this.delimiter.length);
    this.state = 'afterBoundary';
    return true;
  }
}

function parsePartHeaders(text: string): PartHeaders {
  let disposition: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-disposition') disposition = value;
    else if (name === 'content-type') contentType = value;
  }
  if (disposition === undefined || !/^form-data\b/i.test(disposition)) {
    throw new HttpError(400, 'multipart part lacks Content-Disposition: form-data');
  }
  const fieldName = dispositionParam(disposition, 'name');
  if (fieldName === undefined) throw new HttpError(400, 'multipart part has no name');
  return { fieldName, fileName: dispositionParam(disposition, 'filename'), contentType };
}

function dispositionParam(disposition: string, name: string): string | undefined {
  const pattern = new RegExp(`;\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
  const match = pattern.exec(disposition);
  if (match === null) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

/** Where the bytes of the part being read go. */
interface PartSink {
  readonly headers: PartHeaders;
  readonly stream: WriteStream | undefined;
  readonly filePath: string | undefined;
  readonly fieldChunks: Buffer[];
  sizeBytes: number;
}

/**
 * Reads a multipart/form-data request: file parts (those with a filename) are written under
 * `directory` (which the caller creates and removes), other fields kept as strings. The whole
 * body is capped at `limitBytes`.
 */
export async function receiveMultipart(
  request: IncomingMessage,
  directory: string,
  limitBytes: number,
): Promise<MultipartForm> {
  const parser = new MultipartParser(multipartBoundary(request.headers['content-type']));
  const form: MultipartForm = { files: [], fields: new Map() };
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  let receivedBytes = 0;
  let sink: PartSink | undefined;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      receivedBytes += chunk.length;
      if (receivedBytes > limitBytes) throw new BodyTooLargeError(limitBytes);
      for (const event of parser.push(chunk)) {
        sink = await applyEvent(event, sink, form, directory);
      }
    }
  } finally {
    sink?.stream?.destroy();
  }
  if (!parser.finished) throw new HttpError(400, 'multipart body ends before its final boundary');
  return form;
}

async function applyEvent(
  event: MultipartEvent,
  sink: PartSink | undefined,
  form: MultipartForm,
  directory: string,
): Promise<PartSink | undefined> {
  if (event.kind === 'start') {
    const isFile = event.headers.fileName !== undefined;
    const filePath = isFile ? join(directory, `part-${form.files.length}`) : undefined;
    const stream =
      filePath === undefined ? undefined : createWriteStream(filePath, { flags: 'wx' });
    return { headers: event.headers, stream, filePath, fieldChunks: [], sizeBytes: 0 };
  }
  if (sink === undefined) throw new HttpError(400, 'multipart data outside a part');
  if (event.kind === 'data') {
    sink.sizeBytes += event.bytes.length;
    if (sink.stream === undefined) {
      if (sink.sizeBytes > MAX_FIELD_BYTES) {
        throw new HttpError(
          400,
          `form field ${sink.headers.fieldName} exceeds ${MAX_FIELD_BYTES} bytes`,
        );
      }
      sink.fieldChunks.push(Buffer.from(event.bytes));
    } else if (!sink.stream.write(event.bytes)) {
      await once(sink.stream, 'drain');
    }
    return sink;
  }
  await finishPart(sink, form);
  return undefined;
}

async function finishPart(sink: PartSink, form: MultipartForm): Promise<void> {
  const { headers, stream, filePath } = sink;
  if (stream === undefined || filePath === undefined) {
    form.fields.set(headers.fieldName, Buffer.concat(sink.fieldChunks).toString('utf8'));
    return;
  }
  stream.end();
  await once(stream, 'close');
  form.files.push({
    fieldName: headers.fieldName,
    fileName: headers.fileName ?? '',
    contentType: headers.contentType,
    filePath,
    sizeBytes: sink.sizeBytes,
  });
}
