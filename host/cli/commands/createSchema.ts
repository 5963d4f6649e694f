// `cuvee create-schema FILE`: adds a Pinot schema to a local data directory or, with
// --controller, to a running node (`POST /schemas?override=`), as Pinot's AddSchema does.
import { CONTROLLER_ENV, parseCommand, targetOf, UsageError } from '../args.js';
import { requestJson } from '../http.js';
import { jsonString, readJsonFile, withCuvee } from '../local.js';

export const CREATE_SCHEMA_HELP = `usage: cuvee create-schema FILE [--override] [--data-dir DIR | --controller URL]

Adds the Pinot schema in FILE (JSON).
  --override          replace a schema of the same name (default: refuse it)
  --data-dir DIR      the local data directory (default ./cuvee-data)
  --controller URL    a running node instead (default: $${CONTROLLER_ENV} when set)`;

const OPTIONS = {
  override: { type: 'boolean' },
  'data-dir': { type: 'string' },
  controller: { type: 'string' },
} as const;

/** The `status` line of a Pinot controller answer, or a fallback. */
export function statusOf(answer: unknown, fallback: string): string {
  return jsonString(answer, 'status') ?? fallback;
}

export async function createSchemaCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('create-schema', args, OPTIONS, CREATE_SCHEMA_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError('create-schema takes exactly one FILE; see cuvee create-schema --help');
  }
  const json = await readJsonFile(file);
  const override = values.override ?? false;
  const target = targetOf(values.controller, values['data-dir'], CONTROLLER_ENV);
  if (target.kind === 'remote') {
    const answer = await requestJson('POST', `${target.url}/schemas?override=${override}`, json);
    console.log(statusOf(answer, `created schema ${jsonString(json, 'schemaName') ?? file}`));
    return 0;
  }
  const schema = await withCuvee(target.dataDir, (cuvee) => cuvee.createSchema(json, { override }));
  console.log(`created schema ${schema.schemaName}`);
  return 0;
}
