// The deep store on a local (or mounted network) directory, as Pinot's LocalPinotFS: each key is
// a file under the root. Puts copy to a temporary file beside the target, fsync it, and rename
// it over the target, so a reader or a crash sees the old object or the new one, never part.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, CuveeError, ErrorCode } from '../errors/errors.js';
import { fsyncDirectory } from '../util/files.js';
import type { DeepStore, DeepStoreEntry } from './deepStore.js';

/** Temporary files carry this ending so `list` never reports a put in progress. */
const TEMPORARY_SUFFIX = '.tmp';

/** A key the store does not hold (Pinot's segment-missing code: the object is gone). */
export class DeepStoreKeyNotFoundError extends CuveeError {
  constructor(uri: string, key: string) {
    super(ErrorCode.SERVER_SEGMENT_MISSING, `deep store ${uri} has no object ${key}`);
  }
}

export class LocalDeepStore implements DeepStore {
  readonly uri: string;
  private readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
    this.uri = pathToFileURL(this.root).href;
  }

  async put(key: string, sourceFile: string): Promise<void> {
    const target = this.pathOf(key);
    const directory = dirname(target);
    await mkdir(directory, { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}${TEMPORARY_SUFFIX}`;
    try {
      await copyFile(sourceFile, temporary);
      const handle = await open(temporary, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await fsyncDirectory(directory);
  }

  async get(key: string, targetFile: string): Promise<void> {
    if (!(await this.exists(key))) throw new DeepStoreKeyNotFoundError(this.uri, key);
    await copyFile(this.pathOf(key), targetFile);
  }

  async exists(key: string): Promise<boolean> {
    const info = await stat(this.pathOf(key)).catch(() => undefined);
    return info?.isFile() ?? false;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(prefix: string): Promise<DeepStoreEntry[]> {
    const entries: DeepStoreEntry[] = [];
    await this.walk(this.root, entries);
    return entries
      .filter((entry) => entry.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private async walk(directory: string, into: DeepStoreEntry[]): Promise<void> {
    const names = await readdir(directory, { withFileTypes: true }).catch(() => []);
    for (const entry of names) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        await this.walk(path, into);
      } else if (entry.isFile() && !entry.name.endsWith(TEMPORARY_SUFFIX)) {
        const key = relative(this.root, path).split(sep).join('/');
        into.push({ key, sizeBytes: (await stat(path)).size });
      }
    }
  }

  /** The file of a key; keys that would leave the root (`..`, absolute) are refused. */
  private pathOf(key: string): string {
    const parts = key.split('/');
    if (key === '' || parts.some((part) => part === '' || part === '.' || part === '..')) {
      throw new ConfigError(`deep store key ${JSON.stringify(key)} is not a relative path`);
    }
    if (key.includes('\\') || key.includes('\0')) {
      throw new ConfigError(`deep store key ${JSON.stringify(key)} holds \\ or NUL`);
    }
    const path = resolve(this.root, ...parts);
    if (!path.startsWith(this.root + sep)) {
      throw new ConfigError(`deep store key ${JSON.stringify(key)} leaves ${this.uri}`);
    }
    return path;
  }
}
