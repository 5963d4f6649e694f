#!/usr/bin/env node
// The `cuvee` command line: the library's operations from a shell.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Cuvee } from '../cuvee.js';
import { CuveeError } from '../errors/errors.js';
import { isRecordFormat } from '../ingest/readers/index.js';
import { responseToJson } from '../query/response.js';
import { formatResultTable } from './table.js';

/** Where `cuvee` keeps its data unless told otherwise: beside the working directory. */
const DEFAULT_DATA_DIR = 'cuvee-data';
/** The airline example, shipped with the package (Apache Pinot's, Apache License 2.0). */
const AIRLINE_DIR = fileURLToPath(new URL('../../../test/fixtures/airlineStats/', import.meta.url));

const HELP: Record<string, string> = {
  '': `cuvee: a real-time OLAP datastore in the architecture of Apache Pinot

usage: cuvee <command> [options]

commands:
  quickstart       load Pinot's airline example and run sample queries
  create-schema    create (or --override) a schema from a Pinot schema JSON file
  create-table     create (or --override) a table from a Pinot table config JSON file
  ingest           ingest files (avro, json, csv, parquet, arrow) into a table
  query            run a SQL query and print the result

every command takes --data-dir DIR (default ./${DEFAULT_DATA_DIR}) and --help`,
  quickstart: `usage: cuvee quickstart [--data-dir DIR]
Creates the airlineStats schema and offline table, ingests 9,746 flights and runs sample queries.`,
  'create-schema': 'usage: cuvee create-schema FILE [--override] [--data-dir DIR]',
  'create-table': 'usage: cuvee create-table FILE [--override] [--data-dir DIR]',
  ingest:
    'usage: cuvee ingest --table TABLE [--format avro|json|csv|parquet|arrow] FILE... [--data-dir DIR]',
  query: 'usage: cuvee query "SQL" [--format table|json] [--data-dir DIR]',
};

const QUICKSTART_QUERIES = [
  'SELECT COUNT(*) FROM airlineStats',
  'SET enableNullHandling=true; SELECT Carrier, COUNT(*) AS flights, AVG(ArrDelay) AS avgArrDelay FROM airlineStats GROUP BY Carrier ORDER BY flights DESC LIMIT 5',
  "SELECT Origin, Dest, ArrDelay FROM airlineStats WHERE Carrier = 'AA' AND ArrDelay > 120 ORDER BY ArrDelay DESC LIMIT 5",
];

interface Options {
  dataDir: string;
  override: boolean;
  table: string | undefined;
  format: string | undefined;
}

async function withCuvee<T>(options: Options, body: (cuvee: Cuvee) => Promise<T>): Promise<T> {
  const cuvee = await Cuvee.open({ dataDir: options.dataDir });
  try {
    return await body(cuvee);
  } finally {
    await cuvee.close();
  }
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

async function printQuery(cuvee: Cuvee, sql: string, format: string | undefined): Promise<boolean> {
  const response = await cuvee.query(sql);
  if (format === 'json') {
    console.log(responseToJson(response));
  } else {
    for (const exception of response.exceptions)
      console.error(`error ${exception.errorCode}: ${exception.message}`);
    if (response.resultTable !== undefined) console.log(formatResultTable(response.resultTable));
    console.log(
      `(${response.numDocsScanned} docs scanned of ${response.totalDocs}, ${response.timeUsedMs} ms)`,
    );
  }
  return response.exceptions.length === 0;
}

async function quickstart(options: Options): Promise<void> {
  await withCuvee(options, async (cuvee) => {
    const schema = await readJson(`${AIRLINE_DIR}airlineStats_schema.json`);
    const table = await readJson(`${AIRLINE_DIR}airlineStats_offline_table_config.json`);
    await cuvee.createSchema(schema, { override: true });
    await cuvee.createTable(table, { override: true });
    if (cuvee.table('airlineStats_OFFLINE').segments().length === 0) {
      const started = performance.now();
      const result = await cuvee.ingestFiles('airlineStats_OFFLINE', [
        `${AIRLINE_DIR}airlineStats_data.avro`,
      ]);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `ingested ${result.rowCount} rows into ${result.segmentNames.join(', ')} in ${seconds.toFixed(1)} s`,
      );
    }
    for (const sql of QUICKSTART_QUERIES) {
      console.log(`\n> ${sql}`);
      await printQuery(cuvee, sql, 'table');
    }
    console.log(
      `\ndata kept in ${options.dataDir}; try: cuvee query --data-dir ${options.dataDir} "SELECT ..."`,
    );
  });
}

async function run(command: string, positionals: string[], options: Options): Promise<number> {
  switch (command) {
    case 'quickstart':
      await quickstart(options);
      return 0;
    case 'create-schema':
    case 'create-table': {
      const file = positionals[0];
      if (file === undefined)
        throw new CuveeError(700, `${command} needs a FILE; see cuvee ${command} --help`);
      await withCuvee(options, async (cuvee) => {
        const json = await readJson(file);
        const created =
          command === 'create-schema'
            ? (await cuvee.createSchema(json, { override: options.override })).schemaName
            : (await cuvee.createTable(json, { override: options.override })).tableNameWithType;
        console.log(`created ${created}`);
      });
      return 0;
    }
    case 'ingest': {
      if (options.table === undefined || positionals.length === 0)
        throw new CuveeError(700, HELP['ingest']!);
      const format = options.format;
      if (format !== undefined && !isRecordFormat(format))
        throw new CuveeError(700, `unknown --format ${format}`);
      await withCuvee(options, async (cuvee) => {
        const result = await cuvee.ingestFiles(
          options.table!,
          positionals,
          format === undefined ? {} : { format },
        );
        console.log(
          `ingested ${result.rowCount} rows (${result.filteredCount} filtered) into ${result.segmentNames.length} segments`,
        );
      });
      return 0;
    }
    case 'query': {
      const sql = positionals.join(' ');
      if (sql.trim() === '') throw new CuveeError(700, HELP['query']!);
      return withCuvee(options, async (cuvee) =>
        (await printQuery(cuvee, sql, options.format)) ? 0 : 1,
      );
    }
    default:
      console.error(HELP['']);
      return 2;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      override: { type: 'boolean' },
      table: { type: 'string' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = '', ...rest] = positionals;
  if (values.help === true || command === '' || command === 'help') {
    console.log(HELP[command] ?? HELP['']);
    return 0;
  }
  const options: Options = {
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    override: values.override ?? false,
    table: values.table,
    format: values.format,
  };
  try {
    return await run(command, rest, options);
  } catch (error) {
    if (!(error instanceof CuveeError)) throw error;
    console.error(`cuvee ${command}: ${error.message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
