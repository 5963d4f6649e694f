// The server's bounds (documented in host/server/README.md) and the admission gate for queries:
// a fixed number run at once, a bounded queue waits, and past the queue a query is refused at
// once with Pinot's 429 exception instead of stalling the client.
import { assert } from '../util/assert.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';

export interface ServerLimits {
  /** Segment tars and ingested files: a segment stays well below wasm32's 4 GiB memory. */
  readonly uploadBodyBytes: number;
  /** Query and config bodies: SQL text and JSON documents. */
  readonly jsonBodyBytes: number;
  /** Query requests served at once (body read, run, reply). */
  readonly maxConcurrentQueries: number;
  /** Query requests waiting for a slot; past it a request is refused with 429. */
  readonly maxQueuedQueries: number;
  /** Longest a queued query waits for a slot before it is refused. */
  readonly queueWaitMs: number;
  /** Longest close() waits for in-flight requests before cutting connections. */
  readonly drainTimeoutMs: number;
}

/** 1 GiB: a segment this size still loads into one wasm32 memory beside others. */
const DEFAULT_UPLOAD_BODY_BYTES = 1024 ** 3;
/**
 * 4 MiB: SQL with long IN lists (thousands of literals) and the largest Pinot table configs fit
 * with room; anything bigger is a mistake or an attack, and it is buffered in memory.
 */
const DEFAULT_JSON_BODY_BYTES = 4 * 1024 ** 2;
/** One query runs at a time per core of a typical small node; the worker pool fans out below. */
const DEFAULT_MAX_CONCURRENT_QUERIES = 8;
/** A short burst queues; a sustained overload is told to back off instead of timing out. */
const DEFAULT_MAX_QUEUED_QUERIES = 64;
/** Pinot's default query timeout (10 s): a query queued longer could not finish in time. */
const DEFAULT_QUEUE_WAIT_MS = 10_000;
/** Long enough for a timed-out query (10 s) to answer, short enough for a deploy. */
const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  uploadBodyBytes: DEFAULT_UPLOAD_BODY_BYTES,
  jsonBodyBytes: DEFAULT_JSON_BODY_BYTES,
  maxConcurrentQueries: DEFAULT_MAX_CONCURRENT_QUERIES,
  maxQueuedQueries: DEFAULT_MAX_QUEUED_QUERIES,
  queueWaitMs: DEFAULT_QUEUE_WAIT_MS,
  drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS,
};

export function resolveLimits(overrides: Partial<ServerLimits> = {}): ServerLimits {
  const limits = { ...DEFAULT_SERVER_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    assert(Number.isInteger(value) && value >= 0, `server limit ${name} must be an integer >= 0`);
  }
  assert(limits.maxConcurrentQueries >= 1, 'maxConcurrentQueries must be at least 1');
  return limits;
}

/** A query refused because the node is at its concurrency and queue bounds. */
export class TooManyQueriesError extends CuveeError {
  constructor(detail: string) {
    super(ErrorCode.TOO_MANY_REQUESTS, `TooManyRequestsError: ${detail}; retry with backoff`);
  }
}

/** A query refused because the node is shutting down. */
export class ShuttingDownError extends CuveeError {
  constructor() {
    super(
      ErrorCode.SERVER_NOT_RESPONDING,
      'ServerShuttingDownError: this node is shutting down; send the query to another node',
    );
  }
}

interface Waiter {
  readonly resolve: (release: () => void) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Counts running queries; `acquire` resolves with the function that gives the slot back. */
export class QueryGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private closed = false;

  constructor(private readonly limits: ServerLimits) {}

  get runningCount(): number {
    return this.running;
  }

  get queuedCount(): number {
    return this.waiting.length;
  }

  /** A slot now, or undefined when every slot is taken (then acquire queues) or the gate closed. */
  tryAcquire(): (() => void) | undefined {
    if (this.closed || this.running >= this.limits.maxConcurrentQueries) return undefined;
    this.running++;
    return this.releaser();
  }

  acquire(): Promise<() => void> {
    if (this.closed) return Promise.reject(new ShuttingDownError());
    if (this.running < this.limits.maxConcurrentQueries) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.limits.maxQueuedQueries) {
      return Promise.reject(
        new TooManyQueriesError(
          `${this.running} queries running and ${this.waiting.length} queued (the limits)`,
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(new TooManyQueriesError(`queued ${this.limits.queueWaitMs} ms without a slot`));
        }, this.limits.queueWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  /** Refuses new queries and every queued one; running ones finish. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new ShuttingDownError());
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      assert(!released, 'a query slot was given back twice');
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) {
        this.running--;
        return;
      }
      clearTimeout(next.timer);
      next.resolve(this.releaser());
    };
  }
}
