// `cuvee ingest --table T FILE...`: one segment per file into a local data directory, or each
// file uploaded to a running node's `POST /ingestFromFile` (Pinot's file ingestion API). On a
// terminal a progress line shows rows/s (bytes/s when uploading); piped, one line per file.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CONTROLLER_ENV, parseCommand, required, targetOf, UsageError } from '../args.js';
import { checkAnswer, uploadFile } from '../http.js';
import { jsonString, withCuvee } from '../local.js';
import { ProgressLine } from '../progress.js';
import { formatFromPath, isRecordFormat, type RecordFormat } from '../../ingest/readers/index.js';

export const INGEST_HELP = `usage: cuvee ingest --table TABLE [--format FORMAT] FILE... [--data-dir DIR | --controller URL]

Ingests each FILE as one segment (split past 5,000,000 rows) of TABLE.
  --table TABLE       the table: a name with type (airlineStats_OFFLINE) or a raw name
  --format FORMAT     avro, json, csv, parquet or arrow (default: from each file's extension)
  --data-dir DIR      the local data directory (default ./cuvee-data)
  --controller URL    upload to a running node's /ingestFromFile instead
                      (default: $${CONTROLLER_ENV} when set; a raw name means its OFFLINE table)`;

const OPTIONS = {
  table: { type: 'string' },
  format: { type: 'string' },
  'data-dir': { type: 'string' },
  controller: { type: 'string' },
} as const;

/** Pinot's table type suffixes. */
const TYPE_SUFFIX = /_(OFFLINE|REALTIME)$/;

function formatOf(file: string, given: RecordFormat | undefined): RecordFormat {
  const format = given ?? formatFromPath(file);
  if (format === undefined) {
    throw new UsageError(
      `cannot tell the format of ${file}; pass --format avro|json|csv|parquet|arrow`,
    );
  }
  return format;
}

async function ingestLocal(
  dataDir: string,
  table: string,
  files: readonly string[],
  format: RecordFormat | undefined,
): Promise<void> {
  await withCuvee(dataDir, async (cuvee) => {
    let [rowCount, filteredCount, segmentCount] = [0, 0, 0];
    for (const file of files) {
      const line = new ProgressLine(process.stdout, basename(file), 'rows', undefined);
      const result = await cuvee.ingestFiles(table, [file], {
        format: formatOf(file, format),
        onProgress: (rowsRead) => line.update(rowsRead),
      });
      line.finish(result.rowCount, `-> ${result.segmentNames.join(', ')}`);
      rowCount += result.rowCount;
      filteredCount += result.filteredCount;
      segmentCount += result.segmentNames.length;
    }
    console.log(
      `ingested ${rowCount} rows (${filteredCount} filtered) into ${segmentCount} segments`,
    );
  });
}

async function ingestRemote(
  url: string,
  table: string,
  files: readonly string[],
  format: RecordFormat | undefined,
): Promise<void> {
  const tableNameWithType = TYPE_SUFFIX.test(table) ? table : `${table}_OFFLINE`;
  for (const file of files) {
    const batchConfig = JSON.stringify({ inputFormat: formatOf(file, format) });
    const uploadUrl =
      `${url}/ingestFromFile?tableNameWithType=${encodeURIComponent(tableNameWithType)}` +
      `&batchConfigMapStr=${encodeURIComponent(batchConfig)}`;
    const sizeBytes = (await stat(file)).size;
    const line = new ProgressLine(process.stdout, basename(file), 'bytes', sizeBytes);
    const answer = await uploadFile(
      uploadUrl,
      { fieldName: 'file', fileName: basename(file), filePath: file },
      (sentBytes) => line.update(Math.min(sentBytes, sizeBytes)),
    );
    checkAnswer('POST', uploadUrl, answer);
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    line.finish(sizeBytes, jsonString(body, 'status') ?? `ingested into ${tableNameWithType}`);
  }
}

export async function ingestCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('ingest', args, OPTIONS, INGEST_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals: files } = parsed;
  const table = required(values.table, '--table', 'ingest');
  if (files.length === 0)
    throw new UsageError('ingest needs at least one FILE; see cuvee ingest --help');
  const format = values.format;
  if (format !== undefined && !isRecordFormat(format)) {
    throw new UsageError(`unknown --format ${format}: use avro, json, csv, parquet or arrow`);
  }
  const target = targetOf(values.controller, values['data-dir'], CONTROLLER_ENV);
  if (target.kind === 'remote') await ingestRemote(target.url, table, files, format);
  else await ingestLocal(target.dataDir, table, files, format);
  return 0;
}
