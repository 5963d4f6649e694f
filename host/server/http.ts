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

/** The client closed the connection before its request body was complete. */
class PrematureCloseError extends HttpError {
  constructor() {
    super(400, 'the connection closed before the request body was complete; send it again');
  }
}

/**
 * Reads the whole body, refusing past `limitBytes` without buffering the excess. Listeners, not
 * `for await`: a query body is one chunk, and the async iterator's machinery cost more than the
 * JSON parse. A body over the limit destroys the request (as leaving `for await` early does).
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limitBytes) return Promise.reject(new BodyTooLargeError(limitBytes));
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (request.destroyed) return Promise.reject(new PrematureCloseError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    const settle = (error: Error | undefined): void => {
      request.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (error === undefined) {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, sizeBytes));
      } else {
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      sizeBytes += chunk.length;
      if (sizeBytes <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      settle(new BodyTooLargeError(limitBytes));
      request.destroy();
    };
    const onEnd = (): void => settle(undefined);
    const onClose = (): void => settle(new PrematureCloseError());
    request.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
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

/**
 * One reply with its length. A string body goes to `end` as is: Node then sends the header and
 * the body in one socket write, and no Buffer copy of the body is made.
 */
export function sendText(
  response: ServerResponse,
  status: number,
  body: string | Uint8Array,
  contentType = 'text/plain; charset=utf-8',
): void {
  const sizeBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  response.writeHead(status, { 'content-type': contentType, 'content-length': sizeBytes });
  response.end(body);
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
