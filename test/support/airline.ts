// The airline example (test/fixtures/airlineStats, from Apache Pinot) as prepared rows, and
// loaded into a Cuvée instance or a DuckDB database holding exactly the same values.
import { readFileSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import type {
  FieldSpec,
  Row,
  ScalarValue,
  Schema,
  TableConfig,
  Value,
} from '../../host/config/types.js';
import { RowPreparer } from '../../host/ingest/prepare.js';
import { readerFor } from '../../host/ingest/readers/index.js';

const FIXTURES = new URL('../../../test/fixtures/airlineStats/', import.meta.url);
/** Rows per INSERT statement: keeps each statement's text around a megabyte. */
const INSERT_BATCH_ROWS = 500;

export const AIRLINE_AVRO_PATH = new URL('airlineStats_data.avro', FIXTURES).pathname;

export function airlineJson(
  name: 'schema' | 'offline_table_config' | 'realtime_table_config',
): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`airlineStats_${name}.json`, FIXTURES), 'utf8')) as Record<
    string,
    unknown
  >;
}

const quiet = (): void => {};

export function airlineSchema(): Schema {
  return parseSchema(airlineJson('schema'), quiet);
}

export function airlineOfflineTable(): TableConfig {
  return parseTableConfig(airlineJson('offline_table_config'), quiet);
}

/** Every record of the Avro file, prepared with the offline table's transforms. */
export async function airlineRows(): Promise<Row[]> {
  const preparer = new RowPreparer(airlineSchema(), airlineOfflineTable());
  const rows: Row[] = [];
  for await (const raw of readerFor('avro').open(AIRLINE_AVRO_PATH)) {
    const row = preparer.prepare(raw);
    if (row !== null) rows.push(row);
  }
  return rows;
}

const DUCKDB_TYPES: Record<string, string> = {
  INT: 'INTEGER',
  LONG: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
};

function sqlLiteral(value: ScalarValue | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'::BLOB`;
  if (value === Number.NEGATIVE_INFINITY) return "'-Infinity'";
  if (value === Number.POSITIVE_INFINITY) return "'Infinity'";
  return String(value);
}

/**
 * A value as Pinot stores it: without null handling a null is the field's default value (an
 * absent or empty multi-value is a one-element list of it); with null handling it stays NULL.
 */
function storedLiteral(value: Value | undefined, field: FieldSpec, keepNulls: boolean): string {
  if (field.singleValueField) {
    if (value === null || value === undefined)
      return keepNulls ? 'NULL' : sqlLiteral(field.defaultNullValue);
    return sqlLiteral(value as ScalarValue);
  }
  const list = value as ScalarValue[] | null | undefined;
  if (list === null || list === undefined || list.length === 0) {
    return keepNulls ? 'NULL' : `[${sqlLiteral(field.defaultNullValue)}]`;
  }
  return `[${list.map(sqlLiteral).join(', ')}]`;
}

export interface DuckDbTable {
  readonly connection: DuckDBConnection;
  close(): void;
}

/** A DuckDB database with `tableName` holding `rows` the way Cuvée stores them. */
export async function duckDbWithRows(
  schema: Schema,
  rows: readonly Row[],
  tableName: string,
  keepNulls: boolean,
): Promise<DuckDbTable> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const columns = schema.fields.map((field) => {
    const type = DUCKDB_TYPES[field.storedType]!;
    return `"${field.name}" ${field.singleValueField ? type : `${type}[]`}`;
  });
  await connection.run(`CREATE TABLE ${tableName} (${columns.join(', ')})`);
  for (let start = 0; start < rows.length; start += INSERT_BATCH_ROWS) {
    const values = rows.slice(start, start + INSERT_BATCH_ROWS).map((row) => {
      const cells = schema.fields.map((field) => storedLiteral(row[field.name], field, keepNulls));
      return `(${cells.join(', ')})`;
    });
    await connection.run(`INSERT INTO ${tableName} VALUES ${values.join(', ')}`);
  }
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
