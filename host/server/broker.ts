// Pinot's broker query API: POST /query/sql, GET /query/sql?sql=, POST /query, and the
// controller's POST /sql. Answers HTTP 200 with `exceptions` in the body, as Pinot does, unless
// the client sends `Pinot-Use-Http-Status-For-Errors: true`.
import type { Cuvee } from '../cuvee.js';
import { ErrorCode } from '../errors/errors.js';
import { emptyResponse, toQueryException, type BrokerResponse } from '../query/response.js';
import { ARROW_STREAM_CONTENT_TYPE, resultTableToArrow } from './arrowResult.js';
import { brokerResponseJson } from './brokerJson.js';
import { HttpError, readJsonBody, sendJsonText, sendText, type RequestContext } from './http.js';
import type { QueryGate, ServerLimits } from './limits.js';
import type { ServerMetrics } from './metrics.js';

/** The header with which Pinot clients ask for HTTP status codes on query errors. */
const STATUS_FOR_ERRORS_HEADER = 'pinot-use-http-status-for-errors';

/** HTTP status per Pinot error code when the client asks for status mapping. */
const STATUS_BY_ERROR_CODE: ReadonlyMap<number, number> = new Map([
  [ErrorCode.JSON_PARSING, 400],
  [ErrorCode.SQL_PARSING, 400],
  [ErrorCode.QUERY_VALIDATION, 400],
  [ErrorCode.UNKNOWN_COLUMN, 400],
  [ErrorCode.QUERY_PLANNING, 400],
  [ErrorCode.TABLE_DOES_NOT_EXIST, 404],
  [ErrorCode.EXECUTION_TIMEOUT, 408],
  [ErrorCode.TOO_MANY_REQUESTS, 429],
  [ErrorCode.SERVER_NOT_RESPONDING, 503],
]);

export interface QueryRequest {
  readonly sql: string;
  readonly queryOptions: Record<string, string>;
}

export interface BrokerDeps {
  readonly cuvee: Cuvee;
  readonly gate: QueryGate;
  readonly limits: ServerLimits;
  readonly metrics: ServerMetrics;
  readonly brokerId: string;
}

/** Pinot sends queryOptions as `k=v;k2=v2` or, from some clients, as a JSON object. */
export function parseQueryOptionsParam(value: unknown): Record<string, string> {
  const options: Record<string, string> = {};
  if (value === undefined || value === null || value === '') return options;
  if (typeof value === 'string') {
    for (const entry of value.split(';')) {
      const equals = entry.indexOf('=');
      if (entry.trim() === '') continue;
      if (equals <= 0) throw new HttpError(400, `queryOptions entry '${entry}' is not key=value`);
      options[entry.slice(0, equals).trim()] = entry.slice(equals + 1).trim();
    }
    return options;
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, option] of Object.entries(value as Record<string, unknown>)) {
      options[key] = String(option);
    }
    return options;
  }
  throw new HttpError(400, 'queryOptions must be a "k=v;k2=v2" string or an object');
}

function requestFromFields(sql: unknown, queryOptions: unknown, trace: unknown): QueryRequest {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new HttpError(400, 'the request needs "sql": the query text');
  }
  const options = parseQueryOptionsParam(queryOptions);
  if (trace === true || trace === 'true') options.trace = 'true';
  return { sql, queryOptions: options };
}

async function readQueryRequest(
  context: RequestContext,
  limits: ServerLimits,
): Promise<QueryRequest> {
  if (context.request.method === 'GET') {
    const params = context.url.searchParams;
    return requestFromFields(params.get('sql'), params.get('queryOptions'), params.get('trace'));
  }
  const body = await readJsonBody(context.request, limits.jsonBodyBytes);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'the request body must be a JSON object: {"sql": "SELECT ..."}');
  }
  const fields = body as Record<string, unknown>;
  return requestFromFields(fields.sql, fields.queryOptions, fields.trace);
}

/** Candidates for the table a query reads: every identifier after FROM. */
const FROM_NAME = /\bfrom\s+"?([A-Za-z_][\w.$-]*)"?/gi;

/**
 * The table a query reads, for the metrics label: the first name after a FROM that is a table
 * of this node, '' otherwise. A scan instead of a second parse (a parse costs tens of
 * microseconds, a point query not much more), and only real tables become label values, so
 * a client cannot grow the metrics without bound with made-up names.
 */
export function metricsTableOf(sql: string, cuvee: Cuvee): string {
  // exec on the shared global regex: matchAll would clone the regex for every query.
  FROM_NAME.lastIndex = 0;
  try {
    for (let match = FROM_NAME.exec(sql); match !== null; match = FROM_NAME.exec(sql)) {
      const name = match[1]!;
      if (cuvee.catalog.table(name) !== undefined || cuvee.catalog.tablesOf(name).length > 0) {
        return name;
      }
    }
    return '';
  } finally {
    FROM_NAME.lastIndex = 0;
  }
}

function statusFor(context: RequestContext, response: BrokerResponse): number {
  const mapping = context.request.headers[STATUS_FOR_ERRORS_HEADER];
  if (String(mapping).toLowerCase() !== 'true') return 200;
  const first = response.exceptions[0];
  if (first === undefined) return 200;
  return STATUS_BY_ERROR_CODE.get(first.errorCode) ?? 500;
}

function wantsArrow(context: RequestContext): boolean {
  return (context.request.headers.accept ?? '').includes(ARROW_STREAM_CONTENT_TYPE);
}

function reply(context: RequestContext, response: BrokerResponse): void {
  const status = statusFor(context, response);
  if (
    response.resultTable !== undefined &&
    response.exceptions.length === 0 &&
    wantsArrow(context)
  ) {
    sendText(
      context.response,
      status,
      resultTableToArrow(response.resultTable),
      ARROW_STREAM_CONTENT_TYPE,
    );
    return;
  }
  sendJsonText(context.response, status, brokerResponseJson(response));
}

/** Answers one query request; every failure becomes a Pinot exception body. */
export async function handleQuery(context: RequestContext, deps: BrokerDeps): Promise<void> {
  const startMs = performance.now();
  let release: (() => void) | undefined;
  let table = '';
  try {
    // A free slot is taken without a promise: most requests find one, and each await costs.
    release = deps.gate.tryAcquire() ?? (await deps.gate.acquire());
    const request = await readQueryRequest(context, deps.limits);
    table = metricsTableOf(request.sql, deps.cuvee);
    const response = await deps.cuvee.query(request.sql, { queryOptions: request.queryOptions });
    const outcome = response.exceptions.length === 0 ? 'success' : 'error';
    deps.metrics.recordQuery(table, outcome, performance.now() - startMs, response.numDocsScanned);
    reply(context, response);
  } catch (error) {
    const response = emptyResponse('', deps.brokerId);
    response.exceptions.push(toQueryException(error));
    const rejected = release === undefined;
    deps.metrics.recordQuery(
      table,
      rejected ? 'rejected' : 'error',
      performance.now() - startMs,
      0,
    );
    if (error instanceof HttpError && error.status === 413) {
      sendJsonText(context.response, 413, brokerResponseJson(response));
    } else {
      reply(context, response);
    }
  } finally {
    release?.();
  }
}
