#!/usr/bin/env node
// The `cuvee` command line: dispatches to one module per command (host/cli/commands/), loaded
// only when run, so `cuvee query` does not pay for the HTTP server's code. Exit codes: 0 done,
// 1 the operation failed, 2 the command line was wrong.
import { CuveeError } from '../errors/errors.js';
import {
  BROKER_ENV,
  CONTROLLER_ENV,
  DEFAULT_DATA_DIR,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
} from './args.js';

type CommandMain = (args: string[]) => Promise<number>;

interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandMain>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  start: {
    summary: 'run a node: controller, broker, server and the query console',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  quickstart: {
    summary: "start a node with Pinot's airline example loaded",
    load: async () => (await import('./commands/quickstart.js')).quickstartCommand,
  },
  'create-schema': {
    summary: 'add a schema from a Pinot schema JSON file',
    load: async () => (await import('./commands/createSchema.js')).createSchemaCommand,
  },
  'create-table': {
    summary: 'add a table from a Pinot table config JSON file',
    load: async () => (await import('./commands/createTable.js')).createTableCommand,
  },
  ingest: {
    summary: 'ingest files (avro, json, csv, parquet, arrow) into a table',
    load: async () => (await import('./commands/ingest.js')).ingestCommand,
  },
  segment: {
    summary: 'build segment tars offline (create) and push them to a node (upload)',
    load: async () => (await import('./commands/segment.js')).segmentCommand,
  },
  query: {
    summary: 'run a SQL query; print a table, JSON, CSV or Arrow',
    load: async () => (await import('./commands/query.js')).queryCommand,
  },
};

const HELP = `cuvee: a real-time OLAP datastore in the architecture of Apache Pinot

usage: cuvee <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, entry]) => `  ${name.padEnd(15)}${entry.summary}`)
  .join('\n')}

Commands work on a local data directory (--data-dir, default ./${DEFAULT_DATA_DIR}) or on a
running node: --controller URL (or $${CONTROLLER_ENV}), --broker URL (or $${BROKER_ENV}).
Every command takes --help.`;

/** Node's system errors a user causes (a missing file, a refused connection): no stack. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const name = command === 'help' ? args[0] : command;
  const entry = name === undefined ? undefined : COMMANDS[name];
  if (command === 'help' && entry === undefined) {
    console.log(HELP);
    return name === undefined ? EXIT_OK : EXIT_USAGE;
  }
  if (entry === undefined) {
    console.error(`cuvee: unknown command ${command}; see cuvee --help`);
    return EXIT_USAGE;
  }
  try {
    const run = await entry.load();
    return await run(command === 'help' ? ['--help'] : args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`cuvee ${name}: ${error.message}`);
      return EXIT_USAGE;
    }
    if (!(error instanceof CuveeError) && !isSystemError(error)) throw error;
    console.error(`cuvee ${name}: ${error.message}`);
    return EXIT_FAILED;
  }
}

process.exitCode = await main(process.argv.slice(2));
