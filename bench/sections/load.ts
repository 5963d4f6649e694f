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

/**
 * Share of the wasm32 memory (4 GiB) segment images may take: the rest holds worker scratch,
 * query temporaries and the allocator's slack.
 */
const SEGMENT_MEMORY_SHARE_MAX = 0.9;

/** The data set does not fit Cuvée's memory: the message says by how much. */
export class BenchCapacityError extends Error {}

/** Bytes of Cuvée's shared memory in use now. */
function allocatedBytes(context: BenchContext): number {
  return context.cuvee.runtime.allocator.stats().allocatedBytes;
}

/**
 * After a table's first chunk: stop at once, with the reason, when the whole table's segment
 * images would not fit one wasm32 memory (the --big run at 100M rows), instead of failing
 * minutes later with the memory exhausted mid-load.
 */
function checkCapacity(context: BenchContext, source: TableSource, before: number): void {
  const { settings } = context;
  const stats = context.cuvee.runtime.allocator.stats();
  const chunkBytes = stats.allocatedBytes - before;
  const chunkCount = Math.ceil(source.rowCount / settings.chunkRowCount);
  const projectedBytes = before + chunkBytes * chunkCount;
  const limitBytes = stats.maximumBytes * SEGMENT_MEMORY_SHARE_MAX;
  if (projectedBytes <= limitBytes) return;
  const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);
  throw new BenchCapacityError(
    `${source.table}: ${source.rowCount} rows need about ${gib(projectedBytes)} GiB of segment ` +
      `images (${(chunkBytes / settings.chunkRowCount).toFixed(1)} bytes/row measured on the ` +
      `first chunk), more than the ${gib(limitBytes)} GiB one wasm32 memory leaves for them; ` +
      'run with fewer --rows (see bench/README.md, "--big")',
  );
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
    const bytesBefore = allocatedBytes(context);
    before = performance.now();
    await addChunk(cuvee, source.table, rows);
    cuveeMs += performance.now() - before;
    if (start === 0) checkCapacity(context, source, bytesBefore);
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
