// Cuvée through its library API, the way an application embeds it.
import type { Row } from '../../host/config/types.js';
import { Cuvee } from '../../host/cuvee.js';

/** A Cuvée answer that carried exceptions: the benchmark counts the query as failed. */
export class BenchQueryError extends Error {}

export async function openCuvee(dataDir: string, workerCount: number): Promise<Cuvee> {
  return Cuvee.open({ dataDir, runtime: { workerCount }, onWarning: () => undefined,
    onIngestionLog: (line) => console.log(`  cuvee ingestion: ${line}`) });
}

export async function addChunk(cuvee: Cuvee, tableName: string, rows: readonly Row[]) {
  await cuvee.addRows(cuvee.table(tableName), rows);
}

/** The rows of a complete answer; an exception or a partial answer fails the query. */
export async function cuveeRows(
  cuvee: Cuvee,
  sql: string,
  queryOptions?: Readonly<Record<string, string>>,
): Promise<unknown[][]> {
  const response = await cuvee.query(sql, { queryOptions });
  const exception = response.exceptions[0];
  if (exception !== undefined) {
    throw new BenchQueryError(`${exception.errorCode}: ${exception.message}`);
  }
  if (response.numGroupsLimitReached) {
    throw new BenchQueryError('partial answer: numGroupsLimit reached; raise it for this query');
  }
  if (response.partialResult) throw new BenchQueryError('partial answer (partialResult)');
  return response.resultTable?.rows ?? [];
}

/** Bytes on disk of a table's sealed segments. */
export async function segmentBytes(cuvee: Cuvee, tableName: string): Promise<number> {
  const sizes = await cuvee.table(tableName).segmentSizesBytes();
  let total = 0;
  for (const size of sizes.values()) total += size;
  return total;
}
