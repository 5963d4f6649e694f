// The S3 deep store against moto's S3 server (from the test venv) with signature checking on:
// moto verifies every request's SigV4 signature against an IAM access key made for the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3DeepStore,
  S3DeepStoreError,
  S3_MIN_PART_SIZE_BYTES,
  signRequest,
  type S3Credentials,
} from '../../host/deepstore/s3DeepStore.js';
import { ConfigError, ErrorCode } from '../../host/errors/errors.js';
import { freePort, venvProgram } from '../clients/python.js';

/** AWS's documentation example credentials (the SigV4 examples for S3). */
const EXAMPLE_CREDENTIALS: S3Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Requests moto serves before it checks signatures: the IAM calls that make the test's key. */
const UNAUTHENTICATED_SETUP_REQUESTS = 3;
/** How long moto may take to start listening. */
const MOTO_START_TIMEOUT_MS = 30_000;
const REGION = 'us-east-1';

function signatureOf(headers: Record<string, string>): string {
  return /Signature=([0-9a-f]{64})$/.exec(headers['authorization'] ?? '')?.[1] ?? '';
}

describe('signRequest', () => {
  const date = new Date(Date.UTC(2013, 4, 24));
  test("matches AWS's GET Object example", () => {
    const headers = signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { Range: 'bytes=0-9' },
      payloadHash: EMPTY_SHA256,
      credentials: EXAMPLE_CREDENTIALS,
      region: REGION,
      date,
    });
    assert.equal(
      signatureOf(headers),
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    assert.equal(headers['x-amz-date'], '20130524T000000Z');
    assert.match(
      headers['authorization']!,
      /SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,/,
    );
  });
  test("matches AWS's ListObjects example (sorted query)", () => {
    const headers = signRequest({
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2'),
      headers: {},
      payloadHash: EMPTY_SHA256,
      credentials: EXAMPLE_CREDENTIALS,
      region: REGION,
      date,
    });
    assert.equal(
      signatureOf(headers),
      '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    );
  });
  test('encodes keys and query values as botocore does', () => {
    // Expected value computed with botocore's S3SigV4Auth for the same request, body `hello`.
    const headers = signRequest({
      method: 'PUT',
      url: new URL(
        "https://examplebucket.s3.amazonaws.com/a%20b/c+d!'()*.tar.gz?uploadId=x%2By&partNumber=2",
      ),
      headers: { 'content-length': '5' },
      payloadHash: createHash('sha256').update('hello').digest('hex'),
      credentials: EXAMPLE_CREDENTIALS,
      region: REGION,
      date,
    });
    assert.equal(
      signatureOf(headers),
      '3041ad13b28d4144ea6c1f970c5356d0780c54f70882b1d4e4c7f53df1920734',
    );
  });
});

interface Moto {
  readonly endpoint: string;
  readonly process: ChildProcess;
}

async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child = spawn(venvProgram('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: String(UNAUTHENTICATED_SETUP_REQUESTS) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${output}`);
    const ready = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.arrayBuffer().then(() => true),
      () => false,
    );
    if (ready) return { endpoint, process: child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`moto_server did not start in ${MOTO_START_TIMEOUT_MS} ms: ${output}`);
}

/** One IAM query-API call, signed like any AWS request (moto routes it by the signed service). */
async function iamCall(endpoint: string, parameters: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ ...parameters, Version: '2010-05-08' }).toString();
  const url = new URL(`${endpoint}/`);
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payloadHash: createHash('sha256').update(body).digest('hex'),
    credentials: EXAMPLE_CREDENTIALS,
    region: REGION,
    date: new Date(),
    service: 'iam',
  });
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  assert.equal(response.status, 200, `IAM ${parameters['Action']}: ${text}`);
  return text;
}

/** A user allowed s3:* and an access key for it: the only credentials moto will then accept. */
async function createS3User(endpoint: string): Promise<S3Credentials> {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
  };
  await iamCall(endpoint, { Action: 'CreateUser', UserName: 'cuvee' });
  await iamCall(endpoint, {
    Action: 'PutUserPolicy',
    UserName: 'cuvee',
    PolicyName: 's3-all',
    PolicyDocument: JSON.stringify(policy),
  });
  const created = await iamCall(endpoint, { Action: 'CreateAccessKey', UserName: 'cuvee' });
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(created)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)<\/SecretAccessKey>/.exec(created)?.[1];
  assert.ok(accessKeyId !== undefined && secretAccessKey !== undefined, created);
  return { accessKeyId, secretAccessKey };
}

async function rawETag(endpoint: string, credentials: S3Credentials, key: string): Promise<string> {
  const url = new URL(`${endpoint}/cuvee-deepstore/${key}`);
  const headers = signRequest({
    method: 'HEAD',
    url,
    headers: {},
    payloadHash: EMPTY_SHA256,
    credentials,
    region: REGION,
    date: new Date(),
  });
  const response = await fetch(url, { method: 'HEAD', headers });
  assert.equal(response.status, 200);
  return response.headers.get('etag') ?? '';
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('S3DeepStore on moto', () => {
  let moto: Moto;
  let credentials: S3Credentials;
  let workDir: string;
  let store: S3DeepStore;

  before(async () => {
    moto = await startMoto();
    credentials = await createS3User(moto.endpoint);
    workDir = await mkdtemp(join(tmpdir(), 'cuvee-s3-'));
    store = S3DeepStore.fromUri('s3://cuvee-deepstore/segments', {
      endpoint: moto.endpoint,
      region: REGION,
      credentials,
      partSizeBytes: S3_MIN_PART_SIZE_BYTES,
      listPageKeys: 2,
    });
    await store.createBucket();
    await store.createBucket();
  });

  after(async () => {
    moto?.process.kill();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  test('rejects a request signed with the wrong secret', async () => {
    const forged = new S3DeepStore({
      bucket: 'cuvee-deepstore',
      endpoint: moto.endpoint,
      region: REGION,
      credentials: { ...credentials, secretAccessKey: 'not-the-secret' },
      maxAttempts: 1,
    });
    await assert.rejects(forged.exists('anything'), (error: unknown) => {
      assert.ok(error instanceof S3DeepStoreError);
      assert.equal(error.httpStatus, 403);
      return true;
    });
  });

  test('put, exists, get, list, delete', async () => {
    const source = join(workDir, 'small.bin');
    const bytes = randomBytes(10_000);
    await writeFile(source, bytes);
    for (const name of ['b.tar.gz', 'a.tar.gz', 'c.tar.gz']) {
      await store.put(`airline_OFFLINE/${name}`, source);
    }
    await store.put('other_OFFLINE/x.tar.gz', source);
    assert.equal(await store.exists('airline_OFFLINE/a.tar.gz'), true);
    assert.equal(await store.exists('airline_OFFLINE/missing.tar.gz'), false);

    const target = join(workDir, 'small.copy');
    await store.get('airline_OFFLINE/b.tar.gz', target);
    assert.deepEqual(await readFile(target), bytes);

    // Three keys over two-key pages: the continuation token is followed.
    assert.deepEqual(await store.list('airline_OFFLINE/'), [
      { key: 'airline_OFFLINE/a.tar.gz', sizeBytes: 10_000 },
      { key: 'airline_OFFLINE/b.tar.gz', sizeBytes: 10_000 },
      { key: 'airline_OFFLINE/c.tar.gz', sizeBytes: 10_000 },
    ]);
    assert.equal((await store.list('')).length, 4);

    await store.delete('airline_OFFLINE/a.tar.gz');
    await store.delete('airline_OFFLINE/a.tar.gz');
    assert.equal(await store.exists('airline_OFFLINE/a.tar.gz'), false);
    assert.deepEqual(
      (await store.list('airline_OFFLINE/')).map((entry) => entry.key),
      ['airline_OFFLINE/b.tar.gz', 'airline_OFFLINE/c.tar.gz'],
    );
  });

  test('an empty file round-trips', async () => {
    const source = join(workDir, 'empty.bin');
    await writeFile(source, new Uint8Array(0));
    await store.put('empty/zero.tar.gz', source);
    const target = join(workDir, 'empty.copy');
    await store.get('empty/zero.tar.gz', target);
    assert.equal((await readFile(target)).length, 0);
  });

  test('a file larger than the part size goes up in parts', async () => {
    const source = join(workDir, 'large.bin');
    // Two full parts and a short third one.
    const bytes = randomBytes(2 * S3_MIN_PART_SIZE_BYTES + 12_345);
    await writeFile(source, bytes);
    await store.put('large/segment.tar.gz', source);
    const target = join(workDir, 'large.copy');
    await store.get('large/segment.tar.gz', target);
    assert.equal(sha256Hex(await readFile(target)), sha256Hex(bytes));
    assert.deepEqual(await store.list('large/'), [
      { key: 'large/segment.tar.gz', sizeBytes: bytes.length },
    ]);
    // A multipart object's ETag ends in its part count: the upload really went in three parts.
    assert.match(
      await rawETag(moto.endpoint, credentials, 'segments/large/segment.tar.gz'),
      /-3"$/,
    );
  });

  test('a missing key is an error naming it, and leaves no file behind', async () => {
    const target = join(workDir, 'never.bin');
    await assert.rejects(store.get('airline_OFFLINE/nope.tar.gz', target), (error: unknown) => {
      assert.ok(error instanceof S3DeepStoreError);
      assert.equal(error.errorCode, ErrorCode.SERVER_SEGMENT_MISSING);
      assert.equal(error.s3Code, 'NoSuchKey');
      assert.match(
        error.message,
        /s3:\/\/cuvee-deepstore\/segments .*airline_OFFLINE\/nope\.tar\.gz/,
      );
      return true;
    });
    await assert.rejects(readFile(target), { code: 'ENOENT' });
  });

  test('endpoint, region and credentials come from AWS_* variables', async () => {
    const fromEnv = new S3DeepStore({
      bucket: 'cuvee-deepstore',
      prefix: 'segments',
      env: {
        AWS_ENDPOINT_URL_S3: moto.endpoint,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      },
    });
    assert.equal(fromEnv.uri, 's3://cuvee-deepstore/segments');
    const source = join(workDir, 'env.bin');
    await writeFile(source, 'from the environment');
    await fromEnv.put('env/one.tar.gz', source);
    assert.equal(await store.exists('env/one.tar.gz'), true);
    assert.throws(() => new S3DeepStore({ bucket: 'cuvee-deepstore', env: {} }), ConfigError);
  });

  test('a bucket outside us-east-1 is created with its location', async () => {
    const european = new S3DeepStore({
      bucket: 'cuvee-eu',
      endpoint: moto.endpoint,
      region: 'eu-west-1',
      credentials,
    });
    await european.createBucket();
    const source = join(workDir, 'eu.bin');
    await writeFile(source, 'bonjour');
    await european.put('t/one.tar.gz', source);
    assert.deepEqual(await european.list('t/'), [{ key: 't/one.tar.gz', sizeBytes: 7 }]);
  });

  test('keys that URLs would rewrite are refused', async () => {
    await assert.rejects(store.exists('a/../b'), S3DeepStoreError);
    await assert.rejects(store.exists('/leading'), S3DeepStoreError);
  });
});
