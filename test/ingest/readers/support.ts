// Helpers shared by the reader tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { RawRecord, ReaderOptions, RecordReader, RecordSource } from '../../../host/ingest/readers/types.js';

export async function readAll(
  reader: RecordReader,
  source: RecordSource,
  options?: ReaderOptions,
): Promise<RawRecord[]> {
  const records: RawRecord[] = [];
  for await (const record of reader.open(source, options)) records.push(record);
  return records;
}

/** A temporary directory removed when the test file ends. */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), `cuvee-${prefix}-`));
  after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** Repository-relative fixture path (tests run from dist/test/…). */
export function fixturePath(relative: string): string {
  return new URL(`../../../../test/fixtures/${relative}`, import.meta.url).pathname;
}
