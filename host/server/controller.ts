// Pinot's controller API: schemas, tables, segments, uploads and ingestion. Replies and status
// codes follow Pinot's resources (PinotSchemaRestletResource, PinotTableRestletResource,
// PinotSegmentRestletResource, PinotSegmentUploadDownloadRestletResource,
// PinotIngestionRestletResource); errors are `{"code": N, "error": "..."}`.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Cuvee } from '../cuvee.js';
import type { DeepStore } from '../deepstore/deepStore.js';
import { packSegmentTar } from '../../segments/tar/segmentTar.js';
import {
  booleanParam,
  HttpError,
  readBody,
  readJsonBody,
  requiredParam,
  sendJson,
  type RequestContext,
} from './http.js';
import type { ServerLimits } from './limits.js';
import { MultipartParser, multipartBoundary } from './multipart.js';
import {
  deepStoreKey,
  ingestUploadedFile,
  inputFormatOf,
  uploadSegmentTar,
} from './segmentUpload.js';
import {
  existingTables,
  physicalTables,
  segmentMetadataJson,
  splitTableName,
  tableMetadataInfo,
  tableOfSegment,
  tableSizeDetails,
  tableTypeParam,
} from './tables.js';

export interface ControllerDeps {
  readonly cuvee: Cuvee;
  readonly deepStore: DeepStore;
  readonly limits: ServerLimits;
  /** This node as Pinot names a server instance (`Server_<host>_<port>`). */
  readonly serverId: () => string;
  /** Where the broker API answers, for /v2/brokers/tables. */
  readonly broker: () => { host: string; port: number };
}

export type Handler = (context: RequestContext) => Promise<void> | void;

/**
 * A JSON document from the body: plain JSON, or (as `pinot-admin` sends schemas and configs)
 * the single part of a multipart form.
 */
async function readDocument(context: RequestContext, limitBytes: number): Promise<unknown> {
  const contentType = context.request.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/')) {
    return readJsonBody(context.request, limitBytes);
  }
  const parser = new MultipartParser(multipartBoundary(contentType));
  const chunks: Buffer[] = [];
  let parts = 0;
  for (const event of parser.push(await readBody(context.request, limitBytes))) {
    if (event.kind === 'start') parts++;
    else if (event.kind === 'data' && parts === 1) chunks.push(event.bytes);
  }
  if (!parser.finished || parts !== 1) {
    throw new HttpError(400, 'Found not exactly one file from the multi-part fields');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new HttpError(400, `the uploaded document is not valid JSON: ${String(error)}`);
  }
}

function objectName(json: unknown, key: string): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

export function schemaHandlers(deps: ControllerDeps): Record<string, Handler> {
  const { cuvee, limits } = deps;
  return {
    listSchemas: ({ response }) => sendJson(response, 200, cuvee.catalog.schemaNames()),
    getSchema: ({ response, params }) => {
      const schema = cuvee.catalog.schema(params[0]!);
      if (schema === undefined) throw new HttpError(404, 'Schema not found');
      sendJson(response, 200, schema.json);
    },
    addSchema: async (context) => {
      const json = await readDocument(context, limits.jsonBodyBytes);
      const override = booleanParam(context.url, 'override', true);
      const name = objectName(json, 'schemaName');
      if (name === undefined || name === '') {
        throw new HttpError(
          400,
          "Invalid schema. Reason: 'schemaName' should not be null or empty",
        );
      }
      if (!override && cuvee.catalog.schema(name) !== undefined) {
        throw new HttpError(409, `Schema ${name} already exists`);
      }
      const schema = await cuvee.createSchema(json, { override });
      sendJson(context.response, 200, {
        unrecognizedProperties: {},
        status: `${schema.schemaName} successfully added`,
      });
    },
    updateSchema: async (context) => {
      const name = context.params[0]!;
      const json = await readDocument(context, limits.jsonBodyBytes);
      const given = objectName(json, 'schemaName');
      if (given !== name) {
        throw new HttpError(
          400,
          `Schema name mismatch for uploaded schema, tried to add schema with name ${String(given)} as ${name}`,
        );
      }
      if (cuvee.catalog.schema(name) === undefined) {
        throw new HttpError(404, `Failed to find schema ${name}`);
      }
      await cuvee.createSchema(json, { override: true });
      sendJson(context.response, 200, {
        unrecognizedProperties: {},
        status: `${name} successfully added`,
      });
    },
    deleteSchema: async ({ response, params }) => {
      const name = params[0]!;
      if (cuvee.catalog.schema(name) === undefined) {
        throw new HttpError(404, `Schema ${name} not found`);
      }
      const user = cuvee.catalog.tablesOf(name)[0];
      if (user !== undefined) {
        throw new HttpError(
          409,
          `Cannot delete schema ${name}, as it is associated with table ${user.tableNameWithType}`,
        );
      }
      await cuvee.deleteSchema(name);
      sendJson(response, 200, { status: `Schema ${name} deleted` });
    },
  };
}

export function tableHandlers(deps: ControllerDeps): Record<string, Handler> {
  const { cuvee, limits } = deps;
  return {
    listTables: ({ response, url }) => {
      const type = tableTypeParam(url);
      const tables = cuvee
        .tables()
        .filter((table) => type === undefined || table.config.tableType === type);
      const names =
        type === undefined
          ? [...new Set(tables.map((table) => table.config.tableName))]
          : tables.map((table) => table.config.tableNameWithType);
      sendJson(response, 200, { tables: names.sort() });
    },
    addTable: async (context) => {
      const json = await readDocument(context, limits.jsonBodyBytes);
      const table = await cuvee.createTable(json, { override: false });
      sendJson(context.response, 200, {
        unrecognizedProperties: {},
        status: `Table ${table.tableNameWithType} successfully added`,
      });
    },
    getTable: ({ response, params, url }) => {
      const configs: Record<string, unknown> = {};
      for (const table of physicalTables(cuvee, params[0]!, tableTypeParam(url))) {
        configs[table.config.tableType] = table.config.json;
      }
      sendJson(response, 200, configs);
    },
    updateTable: async (context) => {
      const name = context.params[0]!;
      const json = await readDocument(context, limits.jsonBodyBytes);
      const given = objectName(json, 'tableName') ?? '';
      if (splitTableName(given).rawName !== splitTableName(name).rawName) {
        throw new HttpError(400, `Request table ${given} does not match table name ${name}`);
      }
      const type = objectName(json, 'tableType')?.toUpperCase();
      const exists = physicalTables(cuvee, name).some((table) => table.config.tableType === type);
      if (!exists) throw new HttpError(404, `Table ${name}_${String(type)} does not exist`);
      const table = await cuvee.createTable(json, { override: true });
      sendJson(context.response, 200, {
        unrecognizedProperties: {},
        status: `Table config updated for ${table.tableNameWithType}`,
      });
    },
    deleteTable: async ({ response, params, url }) => {
      const name = params[0]!;
      const tables = physicalTables(cuvee, name, tableTypeParam(url));
      if (tables.length === 0) throw new HttpError(404, `Table '${name}' does not exist`);
      const deleted: string[] = [];
      for (const table of tables) {
        const nameWithType = table.config.tableNameWithType;
        await cuvee.deleteTable(nameWithType);
        for (const entry of await deps.deepStore.list(`${nameWithType}/`)) {
          await deps.deepStore.delete(entry.key);
        }
        deleted.push(nameWithType);
      }
      sendJson(response, 200, { status: `Tables: [${deleted.join(', ')}] deleted` });
    },
    tableSchema: ({ response, params }) => {
      const [table] = existingTables(cuvee, params[0]!);
      sendJson(response, 200, table!.schema.json);
    },
    tableSize: async ({ response, params }) => {
      const name = params[0]!;
      const tables = existingTables(cuvee, name);
      sendJson(response, 200, await tableSizeDetails(name, tables, deps.serverId()));
    },
    tableMetadata: async ({ response, params, url }) => {
      const name = params[0]!;
      const tables = existingTables(cuvee, name, tableTypeParam(url));
      sendJson(response, 200, await tableMetadataInfo(name, tables));
    },
  };
}

export function segmentHandlers(deps: ControllerDeps): Record<string, Handler> {
  const { cuvee, deepStore, limits } = deps;
  return {
    listSegments: ({ response, params, url }) => {
      const tables = existingTables(cuvee, params[0]!, tableTypeParam(url));
      sendJson(
        response,
        200,
        tables.map((table) => ({ [table.config.tableType]: table.segmentNames() })),
      );
    },
    segmentMetadata: ({ response, params }) => {
      const table = tableOfSegment(cuvee, params[0]!, params[1]!);
      sendJson(response, 200, segmentMetadataJson(table.segment(params[1]!)!));
    },
    downloadSegment: async ({ response, params }) => {
      const segmentName = params[1]!;
      const table = tableOfSegment(cuvee, params[0]!, segmentName);
      const directory = await mkdtemp(join(tmpdir(), 'cuvee-download-'));
      try {
        const key = deepStoreKey(table.config.tableNameWithType, segmentName);
        const tarFile = join(directory, `${segmentName}.tar.gz`);
        if (await deepStore.exists(key)) await deepStore.get(key, tarFile);
        else await packSegmentTar(table.segmentFilePath(segmentName), directory, segmentName);
        response.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': (await stat(tarFile)).size,
          'content-disposition': `attachment; filename="${segmentName}.tar.gz"`,
        });
        await pipeline(createReadStream(tarFile), response);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
    deleteSegment: async ({ response, params }) => {
      const segmentName = params[1]!;
      const table = tableOfSegment(cuvee, params[0]!, segmentName);
      await table.deleteSegment(segmentName);
      await deepStore.delete(deepStoreKey(table.config.tableNameWithType, segmentName));
      sendJson(response, 200, { status: `Segment ${segmentName} deleted` });
    },
    uploadSegment: async (context) => {
      const name = requiredParam(context.url, 'tableName');
      const typeText = context.url.searchParams.get('tableType') ?? 'OFFLINE';
      const type = typeText.toUpperCase() === 'REALTIME' ? 'REALTIME' : 'OFFLINE';
      const [table] = existingTables(cuvee, name, splitTableName(name).type ?? type);
      const segmentName = await uploadSegmentTar(
        context.request,
        table!,
        deepStore,
        limits.uploadBodyBytes,
      );
      sendJson(context.response, 200, {
        status: `Successfully uploaded segment: ${segmentName} of table: ${table!.config.tableNameWithType}`,
      });
    },
    ingestFromFile: async (context) => {
      const name = requiredParam(context.url, 'tableNameWithType');
      if (splitTableName(name).type === undefined) {
        throw new HttpError(
          400,
          `tableNameWithType must end in _OFFLINE or _REALTIME, got ${name}`,
        );
      }
      const format = inputFormatOf(context.url.searchParams.get('batchConfigMapStr'));
      const [table] = existingTables(cuvee, name);
      const names = await ingestUploadedFile(
        context.request,
        cuvee,
        table!,
        format,
        deepStore,
        limits.uploadBodyBytes,
      );
      sendJson(context.response, 200, {
        status: `Successfully ingested file into table: ${name} as segment: ${names.join(', ')}`,
      });
    },
  };
}

export function clusterHandlers(deps: ControllerDeps): Record<string, Handler> {
  return {
    brokersForTables: ({ response }) => {
      const { host, port } = deps.broker();
      const instance = { instanceName: `Broker_${host}_${port}`, host, port };
      const tables: Record<string, unknown[]> = {};
      for (const table of deps.cuvee.tables()) tables[table.config.tableName] = [instance];
      sendJson(response, 200, tables);
    },
    databases: ({ response }) => sendJson(response, 200, ['default']),
  };
}

/** Pinot's PauseStatusDetails for pause and resume replies. */
function pauseStatus(paused: boolean, consumingSegments: string[]): Record<string, unknown> {
  return {
    pauseFlag: paused,
    consumingSegments,
    reasonCode: 'ADMINISTRATIVE',
    comment: paused
      ? 'Pause flag is set. Consuming segments are committed.'
      : 'Pause flag is cleared. Consuming segments are being created.',
    timestamp: new Date().toISOString(),
  };
}

export function realtimeHandlers(deps: ControllerDeps): Record<string, Handler> {
  const { cuvee } = deps;
  const consumingNames = async (name: string): Promise<string[]> =>
    Object.keys((await cuvee.consumingSegmentsInfo(name))._segmentToConsumingInfoMap);
  return {
    pauseConsumption: async ({ response, params }) => {
      const name = cuvee.realtime(params[0]!).data.config.tableNameWithType;
      const consuming = await consumingNames(name);
      await cuvee.pauseConsumption(name);
      sendJson(response, 200, pauseStatus(true, consuming));
    },
    resumeConsumption: async ({ response, params }) => {
      const name = cuvee.realtime(params[0]!).data.config.tableNameWithType;
      await cuvee.resumeConsumption(name);
      sendJson(response, 200, pauseStatus(false, await consumingNames(name)));
    },
    forceCommit: async ({ response, params }) => {
      const name = cuvee.realtime(params[0]!).data.config.tableNameWithType;
      const committed = await cuvee.forceCommit(name);
      sendJson(response, 200, {
        forceCommitJobId: randomUUID(),
        consumingSegmentsForceCommitted: committed.join(','),
      });
    },
    consumingSegmentsInfo: async ({ response, params }) => {
      const name = cuvee.realtime(params[0]!).data.config.tableNameWithType;
      sendJson(response, 200, await cuvee.consumingSegmentsInfo(name));
    },
  };
}
