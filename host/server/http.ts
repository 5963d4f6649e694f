// Small HTTP helpers on node:http: bounded body reading, JSON and text replies, and the error
// shape Pinot's controller answers with (`{"code": 404, "error": "..."}`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CuveeError, ErrorCode } from '../errors/errors.js';

/** An error with the HTTP status it answers with; the message says what to do. */
export class HttpError extends CuveeError {
  constructor(
    readonly status: number,
    message: string,
    errorCode: number = status === 429 ? ErrorCode.TOO_MANY_REQUESTS : ErrorCode.QUERY_VALIDATION,
  ) {
    super(errorCode, message);
  }
}

/** A request body is larger than the route allows (HTTP 413). */
export class BodyTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, `request body exceeds ${limitBytes} bytes; send less or raise the server's limit`);
  }
}

/** The parsed request a route handler gets. */
export interface RequestContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly url: URL;
  /** Path parameters of the matched route, decoded. */
  readonly params: readonly string[];
}

/** Reads the whole body, refusing past `limitBytes` without buffering the excess. */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length;
    if (sizeBytes > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, sizeBytes);
}

/** Parses a JSON body; malformed JSON is a 400 naming the parse error. */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const text = (await readBody(request, limitBytes)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, `request body is not valid JSON: ${detail}`, ErrorCode.JSON_PARSING);
  }
}

export function sendText(
  response: ServerResponse,
  status: number,
  body: string | Uint8Array,
  contentType = 'text/plain; charset=utf-8',
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, { 'content-type': contentType, 'content-length': payload.length });
  response.end(payload);
}

/** JSON text already serialized (so bigints stay exact, see responseToJson). */
export function sendJsonText(response: ServerResponse, status: number, json: string): void {
  sendText(response, status, json, 'application/json; charset=utf-8');
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  sendJsonText(response, status, JSON.stringify(value));
}

/** Pinot's controller error body. */
export function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { code: status, error: message });
}

/** A required query parameter; missing is a 400 that names it. */
export function requiredParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (value === null || value === '') {
    throw new HttpError(400, `query parameter ${name} is required`);
  }
  return value;
}

/** Pinot's boolean query parameters: absent gives the default. */
export function booleanParam(url: URL, name: string, defaultValue: boolean): boolean {
  const value = url.searchParams.get(name);
  if (value === null) return defaultValue;
  return value.toLowerCase() === 'true';
}
