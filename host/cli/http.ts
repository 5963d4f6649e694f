// The CLI's HTTP client for a node's controller and broker (Pinot's REST API): JSON requests
// through fetch, and multipart file uploads streamed from disk with byte progress.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomBytes } from 'node:crypto';
import { CuveeError, ErrorCode } from '../errors/errors.js';

/** Bytes of randomness in a multipart boundary: enough that no file holds it by chance. */
const BOUNDARY_RANDOM_BYTES = 16;
/** HTTP statuses at or above this are failures. */
const FIRST_ERROR_STATUS = 400;

/** A request to a node failed: unreachable, or answered with an error status. */
export class HttpRequestError extends CuveeError {
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(ErrorCode.BROKER_REQUEST_SEND, message, options);
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** The error text of a Pinot controller answer (`{"code": N, "error": "..."}`), or the body. */
function errorText(answer: HttpAnswer): string {
  const text = answer.body.toString('utf8');
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // Not JSON: the text itself says what went wrong.
  }
  return text.trim() === '' ? '(empty answer)' : text.trim();
}

function unreachable(url: string, error: unknown): HttpRequestError {
  const cause = (error as { cause?: { code?: string } }).cause ?? error;
  const code = (cause as { code?: string }).code ?? (error as Error).message;
  return new HttpRequestError(
    `cannot reach ${url} (${code}); is the node running (cuvee start) at that address?`,
    undefined,
    { cause: error },
  );
}

/** Throws an HttpRequestError for an error status, naming the method, URL and Pinot's text. */
export function checkAnswer(method: string, url: string, answer: HttpAnswer): HttpAnswer {
  if (answer.status < FIRST_ERROR_STATUS) return answer;
  throw new HttpRequestError(
    `${method} ${url} answered ${answer.status}: ${errorText(answer)}`,
    answer.status,
  );
}

/** Sends a request (a JSON body when `body` is given); answers whatever status came back. */
export async function sendRequest(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw unreachable(url, error);
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** A JSON request that must succeed; resolves to the parsed answer. */
export async function requestJson(method: string, url: string, body?: unknown): Promise<unknown> {
  const answer = checkAnswer(method, url, await sendRequest(method, url, body));
  const text = answer.body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface UploadFile {
  /** The multipart field name (Pinot's segment upload uses the segment name). */
  readonly fieldName: string;
  readonly fileName: string;
  readonly filePath: string;
}

function quoted(text: string): string {
  return `"${text.replace(/["\\\r\n]/g, '_')}"`;
}

/**
 * POSTs one file as multipart/form-data, streamed from disk with a known Content-Length, and
 * reports bytes sent. Resolves to the answer; error statuses are the caller's to check.
 */
export async function uploadFile(
  url: string,
  file: UploadFile,
  onBytesSent: (sentBytes: number, totalBytes: number) => void = () => {},
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const fileSizeBytes = (await stat(file.filePath)).size;
  const boundary = `----cuvee${randomBytes(BOUNDARY_RANDOM_BYTES).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name=${quoted(file.fieldName)}; ` +
      `filename=${quoted(file.fileName)}\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const totalBytes = head.length + fileSizeBytes + tail.length;
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const request = send(target, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(totalBytes),
      },
    });
    request.on('error', (error) => reject(unreachable(url, error)));
    request.on('response', (response) => {
      void collectAnswer(response).then(resolve, reject);
    });
    let sentBytes = head.length;
    request.write(head);
    const stream = createReadStream(file.filePath);
    stream.on('data', (chunk) => {
      sentBytes += chunk.length;
      onBytesSent(sentBytes, totalBytes);
    });
    stream.on('error', (error) => {
      request.destroy();
      reject(error);
    });
    stream.on('end', () => request.end(tail));
    stream.pipe(request, { end: false });
  });
}

async function collectAnswer(response: IncomingMessage): Promise<HttpAnswer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return {
    status: response.statusCode ?? 0,
    contentType: String(response.headers['content-type'] ?? ''),
    body: Buffer.concat(chunks),
  };
}
