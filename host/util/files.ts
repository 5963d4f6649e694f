// Durable file writes: a crash leaves either the old file or the new one, never a torn one.
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** fsyncs a directory so that a rename inside it survives a power loss. */
export async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to `filePath` atomically: a temporary file in the same directory (so the rename
 * never crosses file systems), fsync, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(filePath: string, data: Uint8Array | string): Promise<void> {
  const directory = dirname(filePath);
  const temporary = join(directory, `.${basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporary, filePath);
  await fsyncDirectory(directory);
}
