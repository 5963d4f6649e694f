// Loads both data sets into both engines, chunk by chunk (one Cuvée segment per chunk), so
// that 10M rows never sit in the JS heap at once.
import { performance } from 'node:perf_hooks';
import type { Row } from '../../host/config/types.js';
import type { BenchContext } from '../context.js';
import { addChunk } from '../engines/cuvee.js';
import { schemaColumns } from '../engines/duckdb.js';
import {
  AIRLINE_TABLE, AirlineResampler, airlineSchemaJson, airlineTableJson,
} from '../data/airline.js';
import {
  PROFILE_VIEWS_TABLE, ProfileViewGenerator, profileViewsSchemaJson, profileViewsTableJson,
} from '../data/profileViews.js';

interface TableSource {
  readonly table: string;
  readonly schemaJson: Record<string, unknown>;
  readonly tableJson: Record<string, unknown>;
  readonly rowCount: number;
  chunk(start: number, count: number): Row[];
}

async function loadTable(context: BenchContext, source: TableSource): Promise<void> {
  const { cuvee, duckdb, settings } = context;
  await cuvee.createSchema(source.schemaJson);
  await cuvee.createTable(source.tableJson);
  const columns = schemaColumns(source.schemaJson);
  await duckdb.createTable(source.table, columns);
  let generateMs = 0;
  let cuveeMs = 0;
  let duckdbMs = 0;
  for (let start = 0; start < source.rowCount; start += settings.chunkRowCount) {
    const count = Math.min(settings.chunkRowCount, source.rowCount - start);
    let before = performance.now();
    const rows = source.chunk(start, count);
    generateMs += performance.now() - before;
    before = performance.now();
    await addChunk(cuvee, source.table, rows);
    cuveeMs += performance.now() - before;
    before = performance.now();
    await duckdb.appendRows(source.table, columns, rows);
    duckdbMs += performance.now() - before;
    context.log(`  ${source.table}: ${start + count} of ${source.rowCount} rows loaded`);
  }
  context.results.loads.push({ table: source.table, rowCount: source.rowCount, generateMs,
    cuveeMs, duckdbMs });
}

export async function loadData(context: BenchContext): Promise<void> {
  const { settings } = context;
  const generator = new ProfileViewGenerator(settings.rowCount, settings.seed);
  context.vieweeCount = generator.vieweeCount;
  await loadTable(context, {
    table: PROFILE_VIEWS_TABLE, schemaJson: profileViewsSchemaJson(),
    tableJson: profileViewsTableJson(), rowCount: settings.rowCount,
    chunk: (start, count) => generator.chunk(start, count),
  });
  const resampler = await AirlineResampler.open(settings.seed);
  await loadTable(context, {
    table: AIRLINE_TABLE, schemaJson: airlineSchemaJson(), tableJson: airlineTableJson(),
    rowCount: settings.airlineRowCount, chunk: (start, count) => resampler.chunk(start, count),
  });
}
