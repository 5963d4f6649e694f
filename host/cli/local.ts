// What the commands that work on a local data directory share: opening the library for the
// length of one command, and reading the JSON files users pass.
import { readFile } from 'node:fs/promises';
import { Cuvee } from '../cuvee.js';
import { ConfigError } from '../errors/errors.js';

/** Opens the node on `dataDir`, runs `body`, and always closes it (segments stay on disk). */
export async function withCuvee<T>(
  dataDir: string,
  body: (cuvee: Cuvee) => Promise<T>,
): Promise<T> {
  // Configs read back from disk warned when they were created: only new warnings are shown.
  let opened = false;
  const cuvee = await Cuvee.open({
    dataDir,
    onWarning: (message) => {
      if (opened) console.error(`cuvee: warning: ${message}`);
    },
  });
  opened = true;
  try {
    return await body(cuvee);
  } finally {
    await cuvee.close();
  }
}

/** A JSON file's content; a file that is not JSON is a ConfigError naming it. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A string member of a JSON object, for messages (`schemaName`, `tableName`). */
export function jsonString(json: unknown, key: string): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = (json as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}
