// Schemas and table configs, validated with Pinot's rules and persisted (when a data directory
// is given) as the JSON the user sent, one file each, written atomically: a restart parses the
// same documents again.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Schema, TableConfig } from '../config/types.js';
import { parseSchema } from '../config/schema.js';
import { parseTableConfig, validateTableAgainstSchema } from '../config/tableConfig.js';
import type { WarningSink } from '../config/warnings.js';
import { ConfigError, CuveeError, ErrorCode } from '../errors/errors.js';
import { writeFileAtomic } from '../util/files.js';

/** A name the catalog does not hold (Pinot answers 404 for these). */
export class NotFoundError extends CuveeError {
  constructor(what: string) {
    super(ErrorCode.TABLE_DOES_NOT_EXIST, `${what} does not exist`);
  }
}

/** A name the catalog already holds (Pinot answers 409 for these). */
export class AlreadyExistsError extends ConfigError {}

export class Catalog {
  private readonly schemas = new Map<string, Schema>();
  private readonly tables = new Map<string, TableConfig>();

  private constructor(
    private readonly directory: string | undefined,
    private readonly warn: WarningSink,
  ) {}

  /** Opens the catalog under `directory` (undefined: in memory only) and reads what is there. */
  static async open(directory: string | undefined, warn: WarningSink): Promise<Catalog> {
    const catalog = new Catalog(directory, warn);
    if (directory !== undefined) await catalog.load(directory);
    return catalog;
  }

  private async load(directory: string): Promise<void> {
    await mkdir(join(directory, 'schemas'), { recursive: true });
    await mkdir(join(directory, 'tables'), { recursive: true });
    for (const json of await readJsonFiles(join(directory, 'schemas'))) {
      const schema = parseSchema(json, this.warn);
      this.schemas.set(schema.schemaName, schema);
    }
    for (const json of await readJsonFiles(join(directory, 'tables'))) {
      const table = parseTableConfig(json, this.warn);
      this.tables.set(table.tableNameWithType, table);
    }
  }

  schemaNames(): string[] {
    return [...this.schemas.keys()].sort();
  }

  tableNamesWithType(): string[] {
    return [...this.tables.keys()].sort();
  }

  schema(name: string): Schema | undefined {
    return this.schemas.get(name);
  }

  table(nameWithType: string): TableConfig | undefined {
    return this.tables.get(nameWithType);
  }

  /** The physical tables of a raw name (`airlineStats` → its OFFLINE and REALTIME tables). */
  tablesOf(rawName: string): TableConfig[] {
    return [...this.tables.values()].filter((table) => table.tableName === rawName);
  }

  /** The schema a table uses: Pinot names it after the raw table name. */
  schemaOf(table: TableConfig): Schema {
    const schema = this.schemas.get(table.tableName);
    if (schema === undefined) throw new NotFoundError(`schema ${table.tableName}`);
    return schema;
  }

  async putSchema(json: unknown, options: { override: boolean }): Promise<Schema> {
    const schema = parseSchema(json, this.warn);
    if (!options.override && this.schemas.has(schema.schemaName)) {
      throw new AlreadyExistsError(`schema ${schema.schemaName} already exists`);
    }
    for (const table of this.tablesOf(schema.schemaName)) validateTableAgainstSchema(table, schema);
    await this.persist('schemas', schema.schemaName, schema.json);
    this.schemas.set(schema.schemaName, schema);
    return schema;
  }

  async putTable(json: unknown, options: { override: boolean }): Promise<TableConfig> {
    const table = parseTableConfig(json, this.warn);
    if (!options.override && this.tables.has(table.tableNameWithType)) {
      throw new AlreadyExistsError(`table ${table.tableNameWithType} already exists`);
    }
    const schema = this.schemas.get(table.tableName);
    if (schema === undefined) {
      throw new ConfigError(
        `table ${table.tableNameWithType} needs schema ${table.tableName}; create the schema first`,
      );
    }
    validateTableAgainstSchema(table, schema);
    await this.persist('tables', table.tableNameWithType, table.json);
    this.tables.set(table.tableNameWithType, table);
    return table;
  }

  async deleteSchema(name: string): Promise<void> {
    if (!this.schemas.has(name)) throw new NotFoundError(`schema ${name}`);
    if (this.tablesOf(name).length > 0) {
      throw new ConfigError(`schema ${name} is used by a table; delete the table first`);
    }
    await this.unpersist('schemas', name);
    this.schemas.delete(name);
  }

  async deleteTable(nameWithType: string): Promise<void> {
    if (!this.tables.has(nameWithType)) throw new NotFoundError(`table ${nameWithType}`);
    await this.unpersist('tables', nameWithType);
    this.tables.delete(nameWithType);
  }

  private async persist(kind: string, name: string, json: unknown): Promise<void> {
    if (this.directory === undefined) return;
    const text = `${JSON.stringify(json, null, 2)}\n`;
    await writeFileAtomic(join(this.directory, kind, `${name}.json`), text);
  }

  private async unpersist(kind: string, name: string): Promise<void> {
    if (this.directory === undefined) return;
    await rm(join(this.directory, kind, `${name}.json`), { force: true });
  }
}

async function readJsonFiles(directory: string): Promise<unknown[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.json')).sort();
  const documents: unknown[] = [];
  for (const name of names) {
    const path = join(directory, name);
    try {
      documents.push(JSON.parse(await readFile(path, 'utf8')));
    } catch (cause) {
      throw new ConfigError(`${path} is not valid JSON: ${String(cause)}; fix or remove the file`);
    }
  }
  return documents;
}
