// DuckDB, the peer every Cuvée figure stands beside: a file database (so its size on disk can
// be compared with Cuvée's sealed segments) loaded through the appender with exactly the rows
// Cuvée gets, and queried with the same thread count.
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../../host/config/types.js';

/** Pinot stored types and their DuckDB equivalents (the bench schemas use only these). */
const DUCKDB_TYPES: Readonly<Record<string, string>> = {
  INT: 'INTEGER', LONG: 'BIGINT', DOUBLE: 'DOUBLE', STRING: 'VARCHAR',
};

export interface BenchColumn {
  readonly name: string;
  /** INT, LONG, DOUBLE or STRING. */
  readonly dataType: string;
}

/** The columns of a Pinot schema JSON, in field-spec order. */
export function schemaColumns(schemaJson: Record<string, unknown>): BenchColumn[] {
  const lists = ['dimensionFieldSpecs', 'metricFieldSpecs', 'dateTimeFieldSpecs'];
  return lists.flatMap((list) => (schemaJson[list] as BenchColumn[] | undefined) ?? []);
}

export class DuckDbEngine {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly databasePath: string,
    readonly threadCount: number,
  ) {}

  static async open(directory: string, threadCount: number): Promise<DuckDbEngine> {
    const databasePath = join(directory, 'bench.duckdb');
    const instance = await DuckDBInstance.create(databasePath, { threads: String(threadCount) });
    const connection = await instance.connect();
    await connection.run(`SET threads = ${threadCount}`);
    return new DuckDbEngine(instance, connection, databasePath, threadCount);
  }

  async createTable(tableName: string, columns: readonly BenchColumn[]): Promise<void> {
    const definitions = columns.map((column) => `"${column.name}" ${DUCKDB_TYPES[column.dataType]!}`);
    await this.connection.run(`CREATE TABLE "${tableName}" (${definitions.join(', ')})`);
  }

  /** Appends rows through one appender; values must already have the column's JS type. */
  async appendRows(tableName: string, columns: readonly BenchColumn[], rows: readonly Row[]) {
    const appender = await this.connection.createAppender(tableName);
    const writers = columns.map((column) => columnWriter(appender, column));
    for (const row of rows) {
      for (let index = 0; index < columns.length; index++) {
        writers[index]!(row[columns[index]!.name]);
      }
      appender.endRow();
    }
    appender.closeSync();
  }

  /** A new connection on the same database, for concurrent clients. */
  async connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Checkpoints, then reports the database file's size. */
  async fileSizeBytes(): Promise<number> {
    await this.connection.run('CHECKPOINT');
    return statSync(this.databasePath).size;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function columnWriter(appender: DuckDBAppender, column: BenchColumn): (value: unknown) => void {
  const orNull = (write: (value: unknown) => void) => (value: unknown) => {
    if (value === null || value === undefined) appender.appendNull();
    else write(value);
  };
  switch (column.dataType) {
    case 'INT': return orNull((value) => appender.appendInteger(value as number));
    case 'LONG': return orNull((value) => appender.appendBigInt(value as bigint));
    case 'DOUBLE': return orNull((value) => appender.appendDouble(value as number));
    case 'STRING': return orNull((value) => appender.appendVarchar(value as string));
    default: throw new Error(`no DuckDB appender for ${column.dataType}`);
  }
}
