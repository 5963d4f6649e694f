// A deep store on any S3-compatible object store (AWS S3, MinIO, Ceph, moto), spoken to with
// plain `fetch` and AWS Signature Version 4 from node:crypto: no SDK to install. Path-style URLs
// (`endpoint/bucket/key`) so that one code path serves AWS and self-hosted stores alike.
//
// Object bodies are streamed from and to disk, never held in memory whole: a file up to
// `partSizeBytes` goes up in one PUT; a larger one as a multipart upload of parts that size,
// each streamed from its byte range of the file. Every body is signed with its SHA-256 (read in
// a first streaming pass), so the store rejects a body damaged on the way.
import { createHash, createHmac } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ConfigError, CuveeError, ErrorCode } from '../errors/errors.js';
import { assert } from '../util/assert.js';
import type { DeepStore, DeepStoreEntry } from './deepStore.js';

/** S3's smallest allowed part (all but the last part of a multipart upload). */
export const S3_MIN_PART_SIZE_BYTES = 5 * 1024 * 1024;
/** S3's largest part number: a part size is raised so that a file fits in this many. */
export const S3_MAX_PART_COUNT = 10_000;
/**
 * Default part size, and the size past which a file goes up as a multipart upload: large enough
 * that a segment tar of a few hundred MB takes few requests, small enough that a failed part
 * costs little to resend.
 */
export const DEFAULT_PART_SIZE_BYTES = 64 * 1024 * 1024;
/** Parts in flight at once: enough to fill a link, few enough to leave sockets for queries. */
export const DEFAULT_PART_CONCURRENCY = 4;
/** One request's time limit; a 64 MiB part at 2 MB/s still fits. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** Attempts per request: throttling (503 SlowDown) and dropped connections are retried. */
export const DEFAULT_MAX_ATTEMPTS = 4;
/** First retry delay, doubled per attempt. */
const RETRY_BASE_DELAY_MS = 100;
/** Keys per ListObjectsV2 page: S3's own maximum. */
export const DEFAULT_LIST_PAGE_KEYS = 1000;
/** Region when neither options nor AWS_REGION / AWS_DEFAULT_REGION name one (S3's default). */
const DEFAULT_REGION = 'us-east-1';
/** SigV4 hash of an empty body. */
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (STS) also carry a session token. */
  readonly sessionToken?: string;
}

export interface S3DeepStoreOptions {
  readonly bucket: string;
  /** Keys live under this `/`-separated prefix in the bucket; default: the bucket's root. */
  readonly prefix?: string;
  /**
   * The store's base URL, such as `http://127.0.0.1:9000`. Default: AWS_ENDPOINT_URL_S3, then
   * AWS_ENDPOINT_URL, then `https://s3.<region>.amazonaws.com`.
   */
  readonly endpoint?: string;
  /** Default: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
  readonly region?: string;
  /** Default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. */
  readonly credentials?: S3Credentials;
  readonly partSizeBytes?: number;
  readonly partConcurrency?: number;
  readonly requestTimeoutMs?: number;
  readonly maxAttempts?: number;
  /** Keys per ListObjectsV2 page (at most 1000, S3's own bound). */
  readonly listPageKeys?: number;
  /** Where the environment defaults come from; default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The store answered with an error, or could not be reached; the message says which. */
export class S3DeepStoreError extends CuveeError {
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly s3Code: string,
    errorCode: number = ErrorCode.INTERNAL,
  ) {
    super(errorCode, message);
  }
}

// ---------------------------------------------------------------------------------------------
// Signature Version 4 (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html)

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (which are added). */
  readonly headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  readonly payloadHash: string;
  readonly credentials: S3Credentials;
  readonly region: string;
  readonly date: Date;
  /** Default `s3`. */
  readonly service?: string;
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters is escaped. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function hmac(key: Buffer | string, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** The path as S3 signs it: each segment encoded exactly once, whatever the URL kept as is. */
function canonicalPath(url: URL): string {
  return url.pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([key, value]) => [uriEncode(key), uriEncode(value)]);
  pairs.sort(([keyA, valueA], [keyB, valueB]) =>
    keyA! < keyB! ? -1 : keyA! > keyB! ? 1 : valueA! < valueB! ? -1 : valueA! > valueB! ? 1 : 0,
  );
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/**
 * Signs a request: returns every header to send (the given ones, host excepted, plus x-amz-date,
 * x-amz-content-sha256, the session token if any, and Authorization).
 */
export function signRequest(input: SignInput): Record<string, string> {
  const timestamp = amzDate(input.date);
  const day = timestamp.slice(0, 8);
  const service = input.service ?? 's3';
  const signed: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) signed[name.toLowerCase()] = value;
  signed['host'] = input.url.host;
  signed['x-amz-date'] = timestamp;
  signed['x-amz-content-sha256'] = input.payloadHash;
  if (input.credentials.sessionToken !== undefined) {
    signed['x-amz-security-token'] = input.credentials.sessionToken;
  }
  const names = Object.keys(signed).sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${signed[name]!.trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method,
    canonicalPath(input.url),
    canonicalQuery(input.url),
    canonicalHeaders,
    signedHeaders,
    input.payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    timestamp,
    scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const dayKey = hmac(`AWS4${input.credentials.secretAccessKey}`, day);
  const signingKey = hmac(hmac(hmac(dayKey, input.region), service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  const headers: Record<string, string> = { ...signed };
  delete headers['host'];
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, ` +
    `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

// ---------------------------------------------------------------------------------------------
// Small XML reading: S3's answers are flat documents with known element names.

const XML_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

function xmlDecode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_match, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return XML_ENTITIES[name]!;
  });
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Text of every `<tag>…</tag>` in `xml`, decoded. */
function xmlElements(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1]!);
}

function xmlText(xml: string, tag: string): string | undefined {
  const first = xmlElements(xml, tag)[0];
  return first === undefined ? undefined : xmlDecode(first);
}

// ---------------------------------------------------------------------------------------------
// The store

/** A request body: a small XML document, or a byte range of a file. */
type RequestBody =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'file';
      readonly path: string;
      readonly start: number;
      readonly sizeBytes: number;
    };

interface S3Request {
  readonly method: 'GET' | 'PUT' | 'POST' | 'HEAD' | 'DELETE';
  /** The object key in the bucket (store prefix included); absent: the bucket itself. */
  readonly objectKey?: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** What the request does, for error messages: `put airline/seg.tar.gz`. */
  readonly what: string;
}

/** 5xx answers worth another try: S3 asks for one with 500 and 503 (SlowDown). */
function isRetryableStatus(status: number): boolean {
  return status === 500 || status === 502 || status === 503 || status === 504;
}

/** An error and its cause (fetch hides the socket error there) in one line. */
function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error as string);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function fileRange(path: string, start: number, sizeBytes: number): Readable {
  assert(sizeBytes > 0, 'an empty body is sent as text, not a file range');
  return createReadStream(path, { start, end: start + sizeBytes - 1 });
}

async function sha256Of(body: RequestBody | undefined): Promise<string> {
  if (body === undefined) return EMPTY_SHA256;
  if (body.kind === 'text') return createHash('sha256').update(body.text, 'utf8').digest('hex');
  const hash = createHash('sha256');
  for await (const chunk of fileRange(body.path, body.start, body.sizeBytes)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

function bodySizeBytes(body: RequestBody): number {
  return body.kind === 'text' ? Buffer.byteLength(body.text, 'utf8') : body.sizeBytes;
}

function fetchBody(body: RequestBody): BodyInit {
  if (body.kind === 'text') return body.text;
  return Readable.toWeb(fileRange(body.path, body.start, body.sizeBytes)) as unknown as BodyInit;
}

/** A key must name one object: no empty, `.` or `..` segments, which URLs would rewrite. */
function checkKey(key: string): void {
  const segments = key.split('/');
  if (key.length === 0 || segments.some((part) => part === '' || part === '.' || part === '..')) {
    throw new S3DeepStoreError(
      `deep store key "${key}" is not valid: use /-separated names without empty, . or .. parts`,
      400,
      'InvalidKey',
      ErrorCode.QUERY_VALIDATION,
    );
  }
}

function trimSlashes(text: string): string {
  return text.replace(/^\/+|\/+$/g, '');
}

function credentialsFrom(
  options: S3DeepStoreOptions,
  env: S3DeepStoreOptions['env'],
): S3Credentials {
  if (options.credentials !== undefined) return options.credentials;
  const accessKeyId = env?.['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env?.['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError(
      'the S3 deep store needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
        '(and AWS_SESSION_TOKEN for temporary ones) or pass options.credentials',
    );
  }
  const sessionToken = env?.['AWS_SESSION_TOKEN'];
  return sessionToken
    ? { accessKeyId, secretAccessKey, sessionToken }
    : { accessKeyId, secretAccessKey };
}

/** A deep store in an S3 bucket; see the file comment for how bodies travel. */
export class S3DeepStore implements DeepStore {
  readonly uri: string;
  private readonly endpoint: URL;
  private readonly region: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly credentials: S3Credentials;
  private readonly partSizeBytes: number;
  private readonly partConcurrency: number;
  private readonly requestTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly listPageKeys: number;

  constructor(options: S3DeepStoreOptions) {
    const env = options.env ?? process.env;
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(options.bucket)) {
      throw new ConfigError(
        `S3 bucket name "${options.bucket}" is not valid: use 3 to 63 lowercase letters, digits, ` +
          'dots and hyphens',
      );
    }
    this.bucket = options.bucket;
    this.prefix = trimSlashes(options.prefix ?? '');
    this.region =
      options.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? DEFAULT_REGION;
    const endpoint =
      options.endpoint ??
      env['AWS_ENDPOINT_URL_S3'] ??
      env['AWS_ENDPOINT_URL'] ??
      `https://s3.${this.region}.amazonaws.com`;
    this.endpoint = new URL(endpoint.replace(/\/+$/, ''));
    this.credentials = credentialsFrom(options, env);
    this.partSizeBytes = options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES;
    if (this.partSizeBytes < S3_MIN_PART_SIZE_BYTES) {
      throw new ConfigError(
        `S3 part size ${this.partSizeBytes} bytes is below S3's minimum of ` +
          `${S3_MIN_PART_SIZE_BYTES}: raise partSizeBytes`,
      );
    }
    this.partConcurrency = options.partConcurrency ?? DEFAULT_PART_CONCURRENCY;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.listPageKeys = options.listPageKeys ?? DEFAULT_LIST_PAGE_KEYS;
    assert(
      this.listPageKeys >= 1 && this.listPageKeys <= DEFAULT_LIST_PAGE_KEYS,
      'listPageKeys in 1..1000',
    );
    assert(this.partConcurrency >= 1 && this.maxAttempts >= 1, 'concurrency and attempts >= 1');
    this.uri = `s3://${this.bucket}${this.prefix === '' ? '' : `/${this.prefix}`}`;
  }

  /** A store from a Pinot-style URI, `s3://bucket/prefix`; other settings from `options`. */
  static fromUri(
    uri: string,
    options: Omit<S3DeepStoreOptions, 'bucket' | 'prefix'> = {},
  ): S3DeepStore {
    const match = /^s3:\/\/([^/]+)(\/.*)?$/.exec(uri);
    if (match === null) {
      throw new ConfigError(`deep store URI "${uri}" is not an S3 URI: write s3://bucket/prefix`);
    }
    return new S3DeepStore({ ...options, bucket: match[1]!, prefix: match[2] ?? '' });
  }

  /** Creates the bucket; one that exists and is ours already is fine. */
  async createBucket(): Promise<void> {
    const body: RequestBody | undefined =
      this.region === DEFAULT_REGION
        ? undefined
        : {
            kind: 'text',
            text:
              '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
              `<LocationConstraint>${xmlEscape(this.region)}</LocationConstraint>` +
              '</CreateBucketConfiguration>',
          };
    const what = `create bucket ${this.bucket}`;
    const response = await this.send({ method: 'PUT', body, what });
    if (response.ok) return void (await response.arrayBuffer());
    const error = await this.errorFrom(response, what);
    if (error.s3Code !== 'BucketAlreadyOwnedByYou') throw error;
  }

  async put(key: string, sourceFile: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const sizeBytes = (await stat(sourceFile)).size;
    if (sizeBytes <= this.partSizeBytes) {
      const body: RequestBody =
        sizeBytes === 0
          ? { kind: 'text', text: '' }
          : { kind: 'file', path: sourceFile, start: 0, sizeBytes };
      await this.expectOk({ method: 'PUT', objectKey, body, what: `put ${key}` });
      return;
    }
    await this.multipartPut(key, objectKey, sourceFile, sizeBytes);
  }

  async get(key: string, targetFile: string): Promise<void> {
    const what = `get ${key}`;
    const response = await this.send({ method: 'GET', objectKey: this.objectKey(key), what });
    if (!response.ok) throw await this.errorFrom(response, what);
    assert(response.body !== null, 'a GET answer has a body');
    // Written beside the target and renamed: a reader never sees half an object.
    const partialFile = `${targetFile}.${process.pid}.${Date.now()}.partial`;
    try {
      const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      await pipeline(source, createWriteStream(partialFile));
      const expectedBytes = response.headers.get('content-length');
      const writtenBytes = (await stat(partialFile)).size;
      if (expectedBytes !== null && Number(expectedBytes) !== writtenBytes) {
        throw new S3DeepStoreError(
          `${this.uri}: ${what} ended after ${writtenBytes} of ${expectedBytes} bytes; retry`,
          response.status,
          'IncompleteBody',
        );
      }
      await rename(partialFile, targetFile);
    } catch (error) {
      await rm(partialFile, { force: true });
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    const what = `head ${key}`;
    const response = await this.send({ method: 'HEAD', objectKey: this.objectKey(key), what });
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw await this.errorFrom(response, what);
  }

  async delete(key: string): Promise<void> {
    await this.expectOk({
      method: 'DELETE',
      objectKey: this.objectKey(key),
      what: `delete ${key}`,
    });
  }

  async list(prefix: string): Promise<DeepStoreEntry[]> {
    const storePrefix = this.prefix === '' ? '' : `${this.prefix}/`;
    const entries: DeepStoreEntry[] = [];
    let continuationToken: string | undefined;
    do {
      const query: Record<string, string> = {
        'list-type': '2',
        prefix: storePrefix + prefix,
        'max-keys': String(this.listPageKeys),
      };
      if (continuationToken !== undefined) query['continuation-token'] = continuationToken;
      const xml = await this.expectOk({ method: 'GET', query, what: `list ${prefix}` });
      for (const contents of xmlElements(xml, 'Contents')) {
        const key = xmlText(contents, 'Key') ?? '';
        entries.push({
          key: key.slice(storePrefix.length),
          sizeBytes: Number(xmlText(contents, 'Size')),
        });
      }
      const truncated = xmlText(xml, 'IsTruncated') === 'true';
      continuationToken = truncated ? xmlText(xml, 'NextContinuationToken') : undefined;
    } while (continuationToken !== undefined);
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  /** Initiate, upload the parts (a few at a time), complete; abort on any failure. */
  private async multipartPut(
    key: string,
    objectKey: string,
    sourceFile: string,
    sizeBytes: number,
  ): Promise<void> {
    const partSizeBytes = Math.max(this.partSizeBytes, Math.ceil(sizeBytes / S3_MAX_PART_COUNT));
    const partCount = Math.ceil(sizeBytes / partSizeBytes);
    const initiated = await this.expectOk({
      method: 'POST',
      objectKey,
      query: { uploads: '' },
      what: `start multipart put ${key}`,
    });
    const uploadId = xmlText(initiated, 'UploadId');
    assert(uploadId !== undefined, 'InitiateMultipartUpload answers with an UploadId');
    try {
      const etags = await this.uploadParts(key, objectKey, uploadId, sourceFile, {
        sizeBytes,
        partSizeBytes,
        partCount,
      });
      const parts = etags.map(
        (etag, index) =>
          `<Part><PartNumber>${index + 1}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`,
      );
      await this.expectOk({
        method: 'POST',
        objectKey,
        query: { uploadId },
        body: {
          kind: 'text',
          text: `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`,
        },
        what: `complete multipart put ${key}`,
      });
    } catch (error) {
      // Best effort: an upload left behind only costs storage until the bucket's lifecycle rule.
      await this.send({ method: 'DELETE', objectKey, query: { uploadId }, what: `abort ${key}` })
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
      throw error;
    }
  }

  private async uploadParts(
    key: string,
    objectKey: string,
    uploadId: string,
    sourceFile: string,
    layout: { sizeBytes: number; partSizeBytes: number; partCount: number },
  ): Promise<string[]> {
    const etags: string[] = new Array<string>(layout.partCount).fill('');
    let nextPart = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && nextPart < layout.partCount) {
        const index = nextPart++;
        const start = index * layout.partSizeBytes;
        const partBytes = Math.min(layout.partSizeBytes, layout.sizeBytes - start);
        const what = `put part ${index + 1}/${layout.partCount} of ${key}`;
        const query = { partNumber: String(index + 1), uploadId };
        const body: RequestBody = { kind: 'file', path: sourceFile, start, sizeBytes: partBytes };
        try {
          const response = await this.send({ method: 'PUT', objectKey, query, body, what });
          if (!response.ok) throw await this.errorFrom(response, what);
          await response.arrayBuffer();
          const etag = response.headers.get('etag');
          assert(etag !== null, 'UploadPart answers with an ETag');
          etags[index] = etag;
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    const workerCount = Math.min(this.partConcurrency, layout.partCount);
    await Promise.all(Array.from({ length: workerCount }, worker));
    return etags;
  }

  /** Sends a request and reads its whole (small) answer; a failure, or an <Error> body, throws. */
  private async expectOk(request: S3Request): Promise<string> {
    const response = await this.send(request);
    if (!response.ok) throw await this.errorFrom(response, request.what);
    const text = await response.text();
    // CompleteMultipartUpload may fail after answering 200: the error is in the body.
    if (text.startsWith('<?xml') && /<Error>/.test(text.slice(0, 200))) {
      throw this.errorFromXml(text, response.status, request.what);
    }
    return text;
  }

  /** One request, retried on throttling, server errors and lost connections. */
  private async send(request: S3Request): Promise<Response> {
    const payloadHash = await sha256Of(request.body);
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await delay(RETRY_BASE_DELAY_MS * 2 ** (attempt - 2));
      try {
        const response = await this.sendOnce(request, payloadHash);
        if (!isRetryableStatus(response.status) || attempt === this.maxAttempts) return response;
        lastFailure = `HTTP ${response.status}`;
        await response.arrayBuffer();
      } catch (error) {
        lastFailure = failureText(error);
      }
    }
    throw new S3DeepStoreError(
      `${this.uri}: ${request.what} failed after ${this.maxAttempts} attempts: ${lastFailure}; ` +
        `check that ${this.endpoint.origin} is reachable`,
      0,
      'NetworkError',
      ErrorCode.SERVER_NOT_RESPONDING,
    );
  }

  private async sendOnce(request: S3Request, payloadHash: string): Promise<Response> {
    const path =
      request.objectKey === undefined
        ? ''
        : `/${request.objectKey.split('/').map(uriEncode).join('/')}`;
    const url = new URL(`${this.endpoint.href.replace(/\/+$/, '')}/${this.bucket}${path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      url.searchParams.set(name, value);
    const extraHeaders: Record<string, string> = {};
    if (request.body !== undefined)
      extraHeaders['content-length'] = String(bodySizeBytes(request.body));
    const headers = signRequest({
      method: request.method,
      url,
      headers: extraHeaders,
      payloadHash,
      credentials: this.credentials,
      region: this.region,
      date: new Date(),
    });
    const init: RequestInit & { duplex?: 'half' } = {
      method: request.method,
      // Objects are stored bytes: no transfer compression, so lengths can be checked.
      headers: { ...headers, 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    };
    if (request.body !== undefined) {
      init.body = fetchBody(request.body);
      init.duplex = 'half';
    }
    return fetch(url, init);
  }

  private async errorFrom(response: Response, what: string): Promise<S3DeepStoreError> {
    const text = await response.text();
    return this.errorFromXml(text, response.status, what);
  }

  private errorFromXml(xml: string, httpStatus: number, what: string): S3DeepStoreError {
    const s3Code = xmlText(xml, 'Code') ?? (httpStatus === 404 ? 'NotFound' : `HTTP${httpStatus}`);
    const detail = xmlText(xml, 'Message') ?? `HTTP ${httpStatus}`;
    if (s3Code === 'NoSuchKey' || (httpStatus === 404 && s3Code === 'NotFound')) {
      return new S3DeepStoreError(
        `${this.uri} has no object for ${what.replace(/^\w+ /, '')} (${s3Code}): ` +
          'check the key; list() shows what the store holds',
        httpStatus,
        s3Code,
        ErrorCode.SERVER_SEGMENT_MISSING,
      );
    }
    return new S3DeepStoreError(
      `${this.uri}: ${what} failed with HTTP ${httpStatus} ${s3Code}: ${detail}`,
      httpStatus,
      s3Code,
    );
  }
}
