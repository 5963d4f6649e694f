// `cuvee create-table FILE`: adds a Pinot table config to a local data directory or, with
// --controller, to a running node (`POST /tables`; with --override an existing table is
// updated with `PUT /tables/{name}`, as Pinot's AddTable and UpdateTableConfig do).
import { CONTROLLER_ENV, parseCommand, targetOf, UsageError } from '../args.js';
import { checkAnswer, sendRequest } from '../http.js';
import { jsonString, readJsonFile, withCuvee } from '../local.js';
import { statusOf } from './createSchema.js';

export const CREATE_TABLE_HELP = `usage: cuvee create-table FILE [--override] [--data-dir DIR | --controller URL]

Adds the Pinot table config in FILE (JSON); its schema must exist.
  --override          replace a table of the same name and type (default: refuse it)
  --data-dir DIR      the local data directory (default ./cuvee-data)
  --controller URL    a running node instead (default: $${CONTROLLER_ENV} when set)`;

const OPTIONS = {
  override: { type: 'boolean' },
  'data-dir': { type: 'string' },
  controller: { type: 'string' },
} as const;

/** HTTP status Pinot answers for a table that exists. */
const STATUS_CONFLICT = 409;

async function createRemote(url: string, json: unknown, override: boolean): Promise<string> {
  const postUrl = `${url}/tables`;
  let answer = await sendRequest('POST', postUrl, json);
  const tableName = jsonString(json, 'tableName');
  if (answer.status === STATUS_CONFLICT && override && tableName !== undefined) {
    const putUrl = `${url}/tables/${encodeURIComponent(tableName)}`;
    answer = checkAnswer('PUT', putUrl, await sendRequest('PUT', putUrl, json));
  } else {
    checkAnswer('POST', postUrl, answer);
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    body = undefined;
  }
  return statusOf(body, `created table ${tableName ?? '(unnamed)'}`);
}

export async function createTableCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('create-table', args, OPTIONS, CREATE_TABLE_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError('create-table takes exactly one FILE; see cuvee create-table --help');
  }
  const json = await readJsonFile(file);
  const override = values.override ?? false;
  const target = targetOf(values.controller, values['data-dir'], CONTROLLER_ENV);
  if (target.kind === 'remote') {
    console.log(await createRemote(target.url, json, override));
    return 0;
  }
  const table = await withCuvee(target.dataDir, (cuvee) => cuvee.createTable(json, { override }));
  console.log(`created table ${table.tableNameWithType}`);
  return 0;
}
