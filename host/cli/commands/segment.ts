// `cuvee segment create` builds segment tars offline from files, as Pinot's batch ingestion job
// does (host/ingest/batchSegments.ts); `cuvee segment upload` pushes tars to a running node's
// `POST /v2/segments`, as Pinot's segment push does (a name that exists is replaced there).
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CONTROLLER_ENV, parseCommand, required, targetOf, UsageError } from '../args.js';
import { checkAnswer, uploadFile } from '../http.js';
import { readJsonFile } from '../local.js';
import { ProgressLine } from '../progress.js';
import { DEFAULT_MAX_ROWS_PER_SEGMENT } from '../../cuvee.js';
import { parseSchema } from '../../config/schema.js';
import { parseTableConfig, validateTableAgainstSchema } from '../../config/tableConfig.js';
import { buildBatchSegments } from '../../ingest/batchSegments.js';
import { isRecordFormat } from '../../ingest/readers/index.js';
import { SEGMENT_TAR_SUFFIX } from '../../../segments/tar/segmentTar.js';

export const SEGMENT_HELP = `usage: cuvee segment create|upload ...

  segment create   build segment tars offline from data files (Pinot's batch ingestion job)
  segment upload   push segment tars to a running node (POST /v2/segments)
See cuvee segment create --help and cuvee segment upload --help.`;

export const SEGMENT_CREATE_HELP = `usage: cuvee segment create --schema FILE --table-config FILE --input FILE... --out DIR
                           [--format FORMAT] [--max-rows-per-segment N]

Builds one segment per input file (split past N rows) as DIR/<segmentName>.tar.gz. Names follow
the table config: ingestionConfig.batchIngestionConfig.batchConfigMaps[0]'s
segmentNameGenerator.type (simple, normalizedDate, fixed) and segmentNameGenerator.configs.*
(segment.name.prefix, segment.name.postfix, exclude.sequence.id, segment.name); by default
<table>_<type>_<minTime>_<maxTime>_<sequence>. A rerun on the same inputs gives the same names.
  --format FORMAT            avro, json, csv, parquet or arrow (default: from the extension)
  --max-rows-per-segment N   default ${DEFAULT_MAX_ROWS_PER_SEGMENT}`;

export const SEGMENT_UPLOAD_HELP = `usage: cuvee segment upload --table TABLE [--controller URL] DIR|FILE...

Uploads segment tars (each FILE, and every *${SEGMENT_TAR_SUFFIX} in each DIR) to TABLE. A segment whose
name the table holds is replaced, so uploading the same tars again changes nothing.
  --table TABLE       a raw name (OFFLINE) or a name with type (airlineStats_REALTIME)
  --controller URL    the node (default: $${CONTROLLER_ENV})`;

const CREATE_OPTIONS = {
  schema: { type: 'string' },
  'table-config': { type: 'string' },
  input: { type: 'string', multiple: true },
  out: { type: 'string' },
  format: { type: 'string' },
  'max-rows-per-segment': { type: 'string' },
} as const;

const UPLOAD_OPTIONS = {
  table: { type: 'string' },
  controller: { type: 'string' },
} as const;

/** Pinot's table type suffixes. */
const TYPE_SUFFIX = /_(OFFLINE|REALTIME)$/;

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`${flag} must be a positive whole number, got ${text}`);
  }
  return value;
}

async function createSegments(args: string[]): Promise<number> {
  const parsed = parseCommand('segment create', args, CREATE_OPTIONS, SEGMENT_CREATE_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const command = 'segment create';
  const inputs = [...(values.input ?? []), ...positionals];
  if (inputs.length === 0) throw new UsageError(`${command} needs --input FILE; see --help`);
  const format = values.format;
  if (format !== undefined && !isRecordFormat(format)) {
    throw new UsageError(`unknown --format ${format}: use avro, json, csv, parquet or arrow`);
  }
  const warn = (message: string) => console.error(`cuvee: warning: ${message}`);
  const schema = parseSchema(
    await readJsonFile(required(values.schema, '--schema', command)),
    warn,
  );
  const tableJson = await readJsonFile(required(values['table-config'], '--table-config', command));
  const tableConfig = parseTableConfig(tableJson, warn);
  validateTableAgainstSchema(tableConfig, schema);
  const lines = new Map<string, ProgressLine>();
  const result = await buildBatchSegments({
    schema,
    tableConfig,
    inputFiles: inputs,
    outputDir: required(values.out, '--out', command),
    format,
    maxRowsPerSegment:
      positiveInteger(values['max-rows-per-segment'], '--max-rows-per-segment') ??
      DEFAULT_MAX_ROWS_PER_SEGMENT,
    onProgress: (file, rowsRead, done) => {
      let line = lines.get(file);
      if (line === undefined) {
        line = new ProgressLine(process.stdout, basename(file), 'rows', undefined);
        lines.set(file, line);
      }
      if (!done) return line.update(rowsRead);
      line.finish(rowsRead, 'read');
      lines.delete(file);
    },
  });
  for (const segment of result.segments) {
    console.log(`${segment.tarFile} (${segment.docCount} rows from ${segment.inputFile})`);
  }
  console.log(
    `created ${result.segments.length} segments of ${result.rowCount} rows ` +
      `(${result.filteredCount} filtered)`,
  );
  return 0;
}

/** The tar files named: files as given, directories expanded to their `*.tar.gz`, sorted. */
async function tarFilesOf(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if (!(await stat(path)).isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((name) => name.endsWith(SEGMENT_TAR_SUFFIX));
    if (names.length === 0) throw new UsageError(`${path} holds no *${SEGMENT_TAR_SUFFIX} files`);
    files.push(...names.sort().map((name) => join(path, name)));
  }
  return files;
}

async function uploadSegments(args: string[]): Promise<number> {
  const parsed = parseCommand('segment upload', args, UPLOAD_OPTIONS, SEGMENT_UPLOAD_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const table = required(values.table, '--table', 'segment upload');
  if (positionals.length === 0)
    throw new UsageError('segment upload needs DIR or FILE; see --help');
  const target = targetOf(values.controller, undefined, CONTROLLER_ENV);
  if (target.kind !== 'remote') {
    throw new UsageError(`segment upload needs --controller URL (or $${CONTROLLER_ENV})`);
  }
  const typeMatch = TYPE_SUFFIX.exec(table);
  const rawName = typeMatch === null ? table : table.slice(0, typeMatch.index);
  const tableType = typeMatch?.[1] ?? 'OFFLINE';
  const uploadUrl = `${target.url}/v2/segments?tableName=${encodeURIComponent(rawName)}&tableType=${tableType}`;
  for (const file of await tarFilesOf(positionals)) {
    const name = basename(file);
    const segmentName = name.endsWith(SEGMENT_TAR_SUFFIX)
      ? name.slice(0, -SEGMENT_TAR_SUFFIX.length)
      : name;
    const sizeBytes = (await stat(file)).size;
    const line = new ProgressLine(process.stdout, name, 'bytes', sizeBytes);
    // Pinot's FileUploadDownloadClient names the multipart part after the segment.
    const answer = await uploadFile(
      uploadUrl,
      { fieldName: segmentName, fileName: segmentName, filePath: file },
      (sentBytes) => line.update(Math.min(sentBytes, sizeBytes)),
      { UPLOAD_TYPE: 'SEGMENT' },
    );
    checkAnswer('POST', uploadUrl, answer);
    line.finish(sizeBytes, `uploaded ${segmentName} to ${rawName}_${tableType}`);
  }
  return 0;
}

export async function segmentCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'create':
      return createSegments(rest);
    case 'upload':
      return uploadSegments(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(SEGMENT_HELP);
      return subcommand === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown segment command ${subcommand}: use create or upload`);
  }
}
