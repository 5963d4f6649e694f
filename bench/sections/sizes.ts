// Bytes per row at rest: Cuvée's sealed segment files (indexes and star-tree included) beside
// DuckDB's checkpointed database file holding the same two tables.
import type { BenchContext } from '../context.js';
import { segmentBytes } from '../engines/cuvee.js';

export async function measureSizes(context: BenchContext): Promise<void> {
  let cuveeSegmentBytes = 0;
  let rowCount = 0;
  for (const load of context.results.loads) {
    cuveeSegmentBytes += await segmentBytes(context.cuvee, load.table);
    rowCount += load.rowCount;
  }
  const duckdbFileBytes = await context.duckdb.fileSizeBytes();
  context.results.sizes.push({ cuveeSegmentBytes, duckdbFileBytes, rowCount });
  context.log(`  ${(cuveeSegmentBytes / rowCount).toFixed(1)} bytes/row in cuvee segments, ` +
    `${(duckdbFileBytes / rowCount).toFixed(1)} in the duckdb file`);
}
