// One complete node over HTTP: Pinot's controller API (schemas, tables, segments, uploads) and
// broker API (queries) on node:http, on one port or split like Pinot's 9000 and 8099. The
// library never imports this file; this file drives the library.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Cuvee } from '../cuvee.js';
import type { DeepStore } from '../deepstore/deepStore.js';
import { LocalDeepStore } from '../deepstore/localDeepStore.js';
import { ConfigError, DataError, SegmentFormatError } from '../errors/errors.js';
import { AlreadyExistsError, NotFoundError } from '../catalog/catalog.js';
import { emptyResponse, toQueryException } from '../query/response.js';
import { assert } from '../util/assert.js';
import { handleQuery, type BrokerDeps } from './broker.js';
import { brokerResponseJson } from './brokerJson.js';
import {
  clusterHandlers,
  realtimeHandlers,
  schemaHandlers,
  segmentHandlers,
  tableHandlers,
  type ControllerDeps,
  type Handler,
} from './controller.js';
import { HttpError, sendError, sendJsonText, sendText, type RequestContext } from './http.js';
import { QueryGate, resolveLimits, ShuttingDownError, type ServerLimits } from './limits.js';
import { ServerMetrics } from './metrics.js';
import { registerRealtimeGauges } from './realtimeMetrics.js';
import { restoreFromDeepStore } from './segmentUpload.js';
import { CONSOLE_PREFIX, serveConsoleFile } from './staticFiles.js';

/** Pinot's controller port: the default when no port is given. */
const DEFAULT_PORT = 9000;
/** Pinot's broker port: the default broker port when only the controller port is split. */
const DEFAULT_BROKER_PORT = 8099;

export interface ServerOptions {
  readonly cuvee: Cuvee;
  /** Interface to listen on; default 127.0.0.1 (pass 0.0.0.0 to serve the network). */
  readonly host?: string;
  /** Both APIs on one port (default 9000); 0 picks any free port. */
  readonly port?: number;
  /** With either of these the APIs are split: controller here, broker on brokerPort. */
  readonly controllerPort?: number;
  readonly brokerPort?: number;
  /**
   * Where committed segment tars go; default a LocalDeepStore on deepStoreDir. Pass the same
   * store the Cuvee instance commits real-time segments to.
   */
  readonly deepStore?: DeepStore;
  /** Directory of the default local deep store; default `<cuvee.dataDir>/deepstore`. */
  readonly deepStoreDir?: string;
  readonly limits?: Partial<ServerLimits>;
  /** Where the server logs (errors that are the server's fault); default: nowhere. */
  readonly log?: (line: string) => void;
  /** Extra gauges and counters: pass one to register real-time gauges on it. */
  readonly metrics?: ServerMetrics;
}

export interface RunningServer {
  /** The console and both APIs when not split; the controller's URL when split. */
  readonly url: string;
  readonly controllerUrl: string;
  readonly brokerUrl: string;
  readonly metrics: ServerMetrics;
  /** Stops accepting, drains in-flight requests (queries included), then resolves. */
  close(): Promise<void>;
}

type Api = 'controller' | 'broker' | 'both';

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** The path itself when the template has no `{}` segment. */
  readonly literalPath: string | undefined;
  readonly api: Api;
  readonly handler: Handler;
}

/** A path pattern with `{}` for one path segment. */
function path(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\}/g, '([^/]+)');
  return new RegExp(`^${escaped}/?$`);
}

function makeRoute(method: string, template: string, api: Api, handler: Handler): Route {
  const literalPath = template.includes('{}') ? undefined : template;
  return { method, pattern: path(template), literalPath, api, handler };
}

/**
 * The routes matching each literal route path (with and without its trailing slash), so the
 * paths every query takes are matched with one lookup instead of a test of every pattern.
 */
function routesByLiteralPath(routes: readonly Route[]): Map<string, Route[]> {
  const byPath = new Map<string, Route[]>();
  for (const { literalPath } of routes) {
    if (literalPath === undefined) continue;
    for (const pathname of [literalPath, `${literalPath}/`]) {
      byPath.set(
        pathname,
        routes.filter((route) => route.pattern.test(pathname)),
      );
    }
  }
  return byPath;
}

function controllerRoutes(deps: ControllerDeps, query: Handler): Route[] {
  const schemas = schemaHandlers(deps);
  const tables = tableHandlers(deps);
  const segments = segmentHandlers(deps);
  const cluster = clusterHandlers(deps);
  const realtime = realtimeHandlers(deps);
  const route = (method: string, template: string, handler: Handler): Route =>
    makeRoute(method, template, 'controller', handler);
  return [
    route('GET', '/schemas', schemas.listSchemas!),
    route('POST', '/schemas', schemas.addSchema!),
    route('GET', '/schemas/{}', schemas.getSchema!),
    route('PUT', '/schemas/{}', schemas.updateSchema!),
    route('DELETE', '/schemas/{}', schemas.deleteSchema!),
    route('GET', '/tables', tables.listTables!),
    route('POST', '/tables', tables.addTable!),
    route('GET', '/tables/{}', tables.getTable!),
    route('PUT', '/tables/{}', tables.updateTable!),
    route('DELETE', '/tables/{}', tables.deleteTable!),
    route('GET', '/tables/{}/schema', tables.tableSchema!),
    route('GET', '/tables/{}/size', tables.tableSize!),
    route('GET', '/tables/{}/metadata', tables.tableMetadata!),
    route('POST', '/tables/{}/pauseConsumption', realtime.pauseConsumption!),
    route('POST', '/tables/{}/resumeConsumption', realtime.resumeConsumption!),
    route('POST', '/tables/{}/forceCommit', realtime.forceCommit!),
    route('GET', '/tables/{}/consumingSegmentsInfo', realtime.consumingSegmentsInfo!),
    route('GET', '/segments/{}', segments.listSegments!),
    route('GET', '/segments/{}/{}', segments.downloadSegment!),
    route('DELETE', '/segments/{}/{}', segments.deleteSegment!),
    route('GET', '/segments/{}/{}/metadata', segments.segmentMetadata!),
    route('POST', '/v2/segments', segments.uploadSegment!),
    route('POST', '/segments', segments.uploadSegment!),
    route('POST', '/ingestFromFile', segments.ingestFromFile!),
    route('GET', '/v2/brokers/tables', cluster.brokersForTables!),
    route('GET', '/databases', cluster.databases!),
    route('POST', '/sql', query),
  ];
}

function brokerRoutes(query: Handler): Route[] {
  return ['POST /query/sql', 'GET /query/sql', 'POST /query'].map((entry) => {
    const [method, template] = entry.split(' ') as [string, string];
    return makeRoute(method, template, 'broker', query);
  });
}

/** HTTP status of an error thrown by a controller route (Pinot's 400/404/409/500). */
function statusOfError(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof AlreadyExistsError) return 409;
  if (error instanceof ConfigError || error instanceof DataError) return 400;
  if (error instanceof SegmentFormatError) return 400;
  if (error instanceof ShuttingDownError) return 503;
  return 500;
}

class Node {
  readonly metrics: ServerMetrics;
  readonly limits: ServerLimits;
  readonly gate: QueryGate;
  private readonly routes: Route[];
  private readonly literalRoutes: Map<string, Route[]>;
  private inFlight = 0;
  private closing = false;
  private drained: (() => void) | undefined;
  readonly servers: Server[] = [];
  brokerAddress = { host: '127.0.0.1', port: 0 };
  serverAddress = { host: '127.0.0.1', port: 0 };

  constructor(
    private readonly options: ServerOptions,
    deepStore: DeepStore,
  ) {
    this.metrics = options.metrics ?? new ServerMetrics();
    this.limits = resolveLimits(options.limits);
    this.gate = new QueryGate(this.limits);
    const brokerDeps: BrokerDeps = {
      cuvee: options.cuvee,
      gate: this.gate,
      limits: this.limits,
      metrics: this.metrics,
      brokerId: 'cuvee-broker',
    };
    const query: Handler = (context) => handleQuery(context, brokerDeps);
    const controllerDeps: ControllerDeps = {
      cuvee: options.cuvee,
      deepStore,
      limits: this.limits,
      serverId: () => `Server_${this.serverAddress.host}_${this.serverAddress.port}`,
      broker: () => this.brokerAddress,
    };
    this.routes = [...controllerRoutes(controllerDeps, query), ...brokerRoutes(query)];
    this.literalRoutes = routesByLiteralPath(this.routes);
    registerTableGauges(this.metrics, options.cuvee);
    registerRealtimeGauges(this.metrics, options.cuvee);
  }

  listener(api: Api): (request: IncomingMessage, response: ServerResponse) => void {
    return (request, response) => {
      this.inFlight++;
      response.once('close', () => this.finished());
      if (this.closing) response.setHeader('connection', 'close');
      this.handle(api, request, response).catch((error: unknown) => {
        this.options.log?.(`cuvee: ${request.method} ${request.url}: ${String(error)}`);
        if (!response.headersSent) sendError(response, 500, String(error));
        else response.destroy();
      });
    };
  }

  private finished(): void {
    this.inFlight--;
    if (this.closing) for (const server of this.servers) server.closeIdleConnections();
    if (this.closing && this.inFlight === 0) this.drained?.();
  }

  private async handle(
    api: Api,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    const method = request.method;
    const common = method === 'GET' || method === 'HEAD';
    if (common && (await this.handleCommon(api, response, pathname))) return;
    const matching =
      this.literalRoutes.get(pathname) ??
      this.routes.filter((route) => route.pattern.test(pathname));
    const candidates = api === 'both' ? matching : matching.filter((route) => route.api === api);
    const route = candidates.find((candidate) => candidate.method === request.method);
    if (route === undefined) {
      request.resume();
      if (candidates.length > 0)
        sendError(response, 405, `${request.method} is not allowed on ${pathname}`);
      else sendError(response, 404, `no API at ${pathname}`);
      return;
    }
    if (route.api === 'broker' || pathname === '/sql') {
      if (!this.closing) return route.handler({ request, response, url, params: [] });
      request.resume();
      return this.refuseQuery(response);
    }
    await this.runController(route, { request, response, url, params: [] });
  }

  private async runController(route: Route, context: RequestContext): Promise<void> {
    try {
      if (this.closing) throw new ShuttingDownError();
      const matched = route.pattern.exec(context.url.pathname) ?? [];
      const params = matched.slice(1).map(decodePathSegment);
      await route.handler({ ...context, params });
    } catch (error) {
      const status = statusOfError(error);
      if (status >= 500)
        this.options.log?.(
          `cuvee: ${context.request.method} ${context.url.pathname}: ${String(error)}`,
        );
      context.request.resume();
      if (context.response.headersSent) {
        context.response.destroy();
        return;
      }
      // An upload refused before its body was read: stop reading and let the client know.
      if (!context.request.readableEnded) context.response.setHeader('connection', 'close');
      sendError(context.response, status, error instanceof Error ? error.message : String(error));
    }
  }

  private refuseQuery(response: ServerResponse): void {
    const body = emptyResponse('', 'cuvee-broker');
    body.exceptions.push(toQueryException(new ShuttingDownError()));
    sendJsonText(response, 503, brokerResponseJson(body));
  }

  /** /health, /metrics and the console: on every API's port. */
  private async handleCommon(
    api: Api,
    response: ServerResponse,
    pathname: string,
  ): Promise<boolean> {
    if (pathname === '/health') {
      if (this.closing) sendText(response, 503, 'SHUTTING_DOWN');
      else sendText(response, 200, 'OK');
      return true;
    }
    if (pathname === '/metrics') {
      sendText(
        response,
        200,
        await this.metrics.render(),
        'text/plain; version=0.0.4; charset=utf-8',
      );
      return true;
    }
    if (api === 'broker') return false;
    if (pathname === '/' || pathname === '/console') {
      response.writeHead(302, { location: CONSOLE_PREFIX });
      response.end();
      return true;
    }
    if (pathname.startsWith(CONSOLE_PREFIX)) {
      await serveConsoleFile(response, pathname);
      return true;
    }
    return false;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const listening = this.servers.filter((server) => server.listening);
    const closed = listening.map((server) => once(server, 'close'));
    for (const server of listening) {
      server.close();
      server.closeIdleConnections();
    }
    if (this.inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.limits.drainTimeoutMs);
      });
      await Promise.race([drained, timeout]);
      clearTimeout(timer);
    }
    this.gate.close();
    for (const server of this.servers) server.closeAllConnections();
    await Promise.all(closed);
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `path segment ${segment} is not valid percent-encoding`);
  }
}

function registerTableGauges(metrics: ServerMetrics, cuvee: Cuvee): void {
  metrics.registerGauge('cuvee_table_segments', 'Segments served per table.', () =>
    cuvee.tables().map((table) => ({
      labels: { table: table.config.tableNameWithType },
      value: table.segments().length,
    })),
  );
  metrics.registerGauge('cuvee_table_docs', 'Documents served per table.', () =>
    cuvee.tables().map((table) => ({
      labels: { table: table.config.tableNameWithType },
      value: table.segments().reduce((sum, segment) => sum + segment.docCount(), 0),
    })),
  );
  metrics.registerGauge('cuvee_table_size_bytes', 'Segment file bytes per table.', async () => {
    const samples = [];
    for (const table of cuvee.tables()) {
      let sizeBytes = 0;
      for (const size of (await table.segmentSizesBytes()).values()) sizeBytes += size;
      samples.push({ labels: { table: table.config.tableNameWithType }, value: sizeBytes });
    }
    return samples;
  });
}

async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  server.listen(port, host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  return server.address() as AddressInfo;
}

function urlOf(host: string, address: AddressInfo): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${address.port}`;
}

function defaultDeepStore(options: ServerOptions): DeepStore {
  if (options.deepStore !== undefined) return options.deepStore;
  return new LocalDeepStore(options.deepStoreDir ?? join(options.cuvee.dataDir, 'deepstore'));
}

/**
 * Starts serving; resolves once /health answers 200. OFFLINE segments the deep store holds and
 * the data directory lacks are fetched and served first.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const deepStore = defaultDeepStore(options);
  const restored = await restoreFromDeepStore(options.cuvee, deepStore);
  if (restored.length > 0) {
    options.log?.(`cuvee: restored ${restored.length} segments from ${deepStore.uri}`);
  }
  const node = new Node(options, deepStore);
  const split = options.controllerPort !== undefined || options.brokerPort !== undefined;
  try {
    if (!split) {
      const server = createServer(node.listener('both'));
      node.servers.push(server);
      const address = await listen(server, host, options.port ?? DEFAULT_PORT);
      node.brokerAddress = node.serverAddress = { host, port: address.port };
      const url = urlOf(host, address);
      return running(node, url, url, url);
    }
    const controllerPort = options.controllerPort ?? options.port ?? DEFAULT_PORT;
    const brokerPort = options.brokerPort ?? DEFAULT_BROKER_PORT;
    if (controllerPort === brokerPort && controllerPort !== 0) {
      throw new ConfigError(`controller and broker ports are both ${controllerPort}; pick two`);
    }
    const controller = createServer(node.listener('controller'));
    const broker = createServer(node.listener('broker'));
    node.servers.push(controller, broker);
    const controllerAddress = await listen(controller, host, controllerPort);
    const brokerAddress = await listen(broker, host, brokerPort);
    node.serverAddress = { host, port: controllerAddress.port };
    node.brokerAddress = { host, port: brokerAddress.port };
    const controllerUrl = urlOf(host, controllerAddress);
    return running(node, controllerUrl, controllerUrl, urlOf(host, brokerAddress));
  } catch (error) {
    await node.close();
    throw error;
  }
}

function running(node: Node, url: string, controllerUrl: string, brokerUrl: string): RunningServer {
  assert(node.servers.length > 0, 'a running node listens somewhere');
  return { url, controllerUrl, brokerUrl, metrics: node.metrics, close: () => node.close() };
}

export { ServerMetrics } from './metrics.js';
export type { ServerLimits } from './limits.js';
export { DEFAULT_SERVER_LIMITS } from './limits.js';
