// Ingestion from files: the same CSV file of profile views into a fresh table of each engine
// (Cuvée's ingestFiles, DuckDB's read_csv), rows/s end to end, parsing included.
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../context.js';
import { schemaColumns, type BenchColumn } from '../engines/duckdb.js';
import {
  PROFILE_VIEWS_TABLE, ProfileViewGenerator, profileViewsSchemaJson, profileViewsTableJson,
} from '../data/profileViews.js';

/** The table the file goes into (its own schema of the same columns). */
const FILE_TABLE = `${PROFILE_VIEWS_TABLE}File`;
/** Rows generated and written per step: bounds the heap while the file is written. */
const WRITE_CHUNK_ROWS = 100_000;
/** DuckDB's names for the bench's column types, for read_csv's explicit column list. */
const CSV_TYPES: Readonly<Record<string, string>> = {
  INT: 'INTEGER', LONG: 'BIGINT', DOUBLE: 'DOUBLE', STRING: 'VARCHAR',
};

async function writeCsv(path: string, columns: readonly BenchColumn[], context: BenchContext) {
  const { fileRowCount, seed } = context.settings;
  const generator = new ProfileViewGenerator(fileRowCount, seed + 7);
  const out = createWriteStream(path);
  out.write(`${columns.map((column) => column.name).join(',')}\n`);
  for (let start = 0; start < fileRowCount; start += WRITE_CHUNK_ROWS) {
    const rows = generator.chunk(start, Math.min(WRITE_CHUNK_ROWS, fileRowCount - start));
    const lines = rows.map((row) => columns.map((column) => String(row[column.name])).join(','));
    if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export async function measureFileIngest(context: BenchContext): Promise<void> {
  const schemaJson = { ...profileViewsSchemaJson(), schemaName: FILE_TABLE };
  const columns = schemaColumns(schemaJson);
  const path = join(context.workDir, 'profileViews.csv');
  await writeCsv(path, columns, context);
  await context.cuvee.createSchema(schemaJson);
  await context.cuvee.createTable(profileViewsTableJson(FILE_TABLE));
  let before = performance.now();
  const ingested = await context.cuvee.ingestFiles(FILE_TABLE, [path]);
  const cuveeMs = performance.now() - before;
  const columnTypes = columns.map((column) => `'${column.name}': '${CSV_TYPES[column.dataType]!}'`);
  before = performance.now();
  await context.duckdb.connection.run(`CREATE TABLE "${FILE_TABLE}" AS SELECT * FROM ` +
    `read_csv('${path}', header = true, columns = {${columnTypes.join(', ')}})`);
  const duckdbMs = performance.now() - before;
  const rowCount = ingested.rowCount;
  context.results.fileIngest = { format: 'csv', rowCount, fileBytes: statSync(path).size,
    cuveeRowsPerSec: (rowCount * 1000) / cuveeMs,
    duckdbRowsPerSec: (context.settings.fileRowCount * 1000) / duckdbMs };
  context.log(`  csv ingest: cuvee ${context.results.fileIngest.cuveeRowsPerSec.toFixed(0)} ` +
    `rows/s, duckdb ${context.results.fileIngest.duckdbRowsPerSec.toFixed(0)} rows/s`);
}
