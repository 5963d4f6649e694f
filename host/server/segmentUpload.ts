// Segments that arrive over the controller API: uploaded tars (POST /v2/segments) and files to
// ingest (POST /ingestFromFile). Every segment added this way is committed to the deep store as
// `<tableNameWithType>/<segmentName>.tar.gz` before the reply, so a replacement node can fetch it.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cuvee } from '../cuvee.js';
import type { DeepStore } from '../deepstore/deepStore.js';
import { formatFromPath, isRecordFormat, type RecordFormat } from '../ingest/readers/index.js';
import type { TableData } from '../table/tableData.js';
import {
  packSegmentTar,
  SEGMENT_TAR_SUFFIX,
  unpackSegmentTar,
} from '../../segments/tar/segmentTar.js';
import { HttpError } from './http.js';
import { receiveMultipart, type MultipartFile } from './multipart.js';
import type { IncomingMessage } from 'node:http';

/** The deep-store key of a committed segment. */
export function deepStoreKey(tableNameWithType: string, segmentName: string): string {
  return `${tableNameWithType}/${segmentName}${SEGMENT_TAR_SUFFIX}`;
}

function singleFile(files: readonly MultipartFile[]): MultipartFile {
  if (files.length !== 1) {
    throw new HttpError(
      400,
      `Found ${files.length} files in the multi-part form; send exactly one`,
    );
  }
  return files[0]!;
}

/**
 * Receives an uploaded segment tar for `table`, serves it (replacing a segment of the same
 * name) and commits the tar to the deep store. Returns the segment name.
 */
export async function uploadSegmentTar(
  request: IncomingMessage,
  table: TableData,
  deepStore: DeepStore,
  limitBytes: number,
): Promise<string> {
  // Staged inside the table directory so that the final rename stays on one file system.
  const staging = join(table.directory, `.upload-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { recursive: true });
  try {
    const form = await receiveMultipart(request, staging, limitBytes);
    const tar = singleFile(form.files);
    const unpacked = await unpackSegmentTar(tar.filePath, join(staging, 'unpacked'));
    const segment = await table.installSegmentFile(unpacked.segmentFile, async (checked) => {
      const key = deepStoreKey(table.config.tableNameWithType, checked.metadata.segmentName);
      await deepStore.put(key, tar.filePath);
    });
    return segment.metadata.segmentName;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Reads Pinot's batchConfigMapStr (a JSON object of strings) for the input format. */
export function inputFormatOf(batchConfigMapStr: string | null): RecordFormat | undefined {
  if (batchConfigMapStr === null || batchConfigMapStr === '') return undefined;
  let config: unknown;
  try {
    config = JSON.parse(batchConfigMapStr);
  } catch {
    throw new HttpError(400, 'batchConfigMapStr is not JSON; send {"inputFormat": "avro"}');
  }
  if (typeof config !== 'object' || config === null) {
    throw new HttpError(400, 'batchConfigMapStr must be a JSON object');
  }
  const format = (config as Record<string, unknown>).inputFormat;
  if (format === undefined) return undefined;
  const lower = typeof format === 'string' ? format.toLowerCase() : JSON.stringify(format);
  if (!isRecordFormat(lower)) {
    throw new HttpError(400, `inputFormat ${lower} is not one of avro, json, csv, parquet, arrow`);
  }
  return lower;
}

/** Ingests an uploaded file into `table`, commits the new segments; returns their names. */
export async function ingestUploadedFile(
  request: IncomingMessage,
  cuvee: Cuvee,
  table: TableData,
  format: RecordFormat | undefined,
  deepStore: DeepStore,
  limitBytes: number,
): Promise<string[]> {
  const staging = await mkdtemp(join(tmpdir(), 'cuvee-ingest-'));
  try {
    const form = await receiveMultipart(request, staging, limitBytes);
    const file = singleFile(form.files);
    const result = await cuvee.ingestFiles(table.config.tableNameWithType, [file.filePath], {
      format: format ?? formatFromName(file.fileName),
    });
    for (const segmentName of result.segmentNames) {
      await commitSegment(table, segmentName, deepStore, staging);
    }
    return [...result.segmentNames];
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function formatFromName(fileName: string): RecordFormat {
  const format = formatFromPath(fileName);
  if (format === undefined) {
    throw new HttpError(
      400,
      `cannot tell the format of ${fileName}; pass batchConfigMapStr={"inputFormat":"avro"}`,
    );
  }
  return format;
}

/** Packs a served segment's file as a tar and puts it in the deep store. */
export async function commitSegment(
  table: TableData,
  segmentName: string,
  deepStore: DeepStore,
  workDirectory: string,
): Promise<void> {
  const tarFile = await packSegmentTar(
    table.segmentFilePath(segmentName),
    workDirectory,
    segmentName,
  );
  try {
    await deepStore.put(deepStoreKey(table.config.tableNameWithType, segmentName), tarFile);
  } finally {
    await rm(tarFile, { force: true });
  }
}

/**
 * Brings back OFFLINE segments that the deep store holds but this node's disk lacks (a
 * replacement node, a lost disk): each tar is fetched, checked and served. REALTIME tables are
 * left to their consumers, whose committed offsets already account for their segments.
 * Returns the names restored.
 */
export async function restoreFromDeepStore(cuvee: Cuvee, deepStore: DeepStore): Promise<string[]> {
  const restored: string[] = [];
  for (const table of cuvee.tables()) {
    if (table.config.tableType !== 'OFFLINE') continue;
    const prefix = `${table.config.tableNameWithType}/`;
    const served = new Set([...table.segmentNames(), ...table.broken.map((b) => b.segmentName)]);
    for (const entry of await deepStore.list(prefix)) {
      const segmentName = entry.key.slice(prefix.length, -SEGMENT_TAR_SUFFIX.length);
      if (!entry.key.endsWith(SEGMENT_TAR_SUFFIX) || served.has(segmentName)) continue;
      const staging = join(table.directory, `.restore-${randomBytes(6).toString('hex')}`);
      await mkdir(staging, { recursive: true });
      try {
        const tarFile = join(staging, 'segment.tar.gz');
        await deepStore.get(entry.key, tarFile);
        const unpacked = await unpackSegmentTar(tarFile, join(staging, 'unpacked'));
        await table.installSegmentFile(unpacked.segmentFile);
        restored.push(segmentName);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    }
  }
  return restored;
}
