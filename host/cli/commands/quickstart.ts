// `cuvee quickstart`: Pinot's quickstart in one command. Creates the airline schema and offline
// table, ingests the 9,746 flights (once: a rerun on the same data directory keeps them), adds
// the real-time table on an in-process stream, starts the node, prints sample queries and the
// console URL, and serves until SIGINT or SIGTERM, then closes everything and exits 0.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATA_DIR, parseCommand, UsageError } from '../args.js';
import { readJsonFile } from '../local.js';
import { ProgressLine } from '../progress.js';
import { formatResultTable } from '../table.js';
import { Cuvee } from '../../cuvee.js';
import type { DeepStore } from '../../deepstore/deepStore.js';
import { LocalDeepStore } from '../../deepstore/localDeepStore.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { addQuickstartRealtime } from './quickstartRealtime.js';

/** The airline example, shipped with the package (Apache Pinot's, Apache License 2.0). */
const AIRLINE_DIR = fileURLToPath(
  new URL('../../../../test/fixtures/airlineStats/', import.meta.url),
);
/** Pinot's quickstart serves its controller on 9000. */
const DEFAULT_PORT = 9000;
/** The offline table the quickstart loads. */
const OFFLINE_TABLE = 'airlineStats_OFFLINE';

export const QUICKSTART_HELP = `usage: cuvee quickstart [--data-dir DIR] [--port PORT] [--host HOST]

Loads Pinot's airline example: an offline table, and a real-time table fed from an in-process
stream (no Kafka needed). Starts a node and serves until Ctrl-C.
  --data-dir DIR   where the data lives (default ./${DEFAULT_DATA_DIR}; a rerun reuses it)
  --port PORT      both APIs and the console (default ${DEFAULT_PORT}; 0 picks a free port)
  --host HOST      interface to listen on (default 127.0.0.1)`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
} as const;

const SAMPLE_QUERIES = [
  'SELECT COUNT(*) FROM airlineStats_OFFLINE',
  'SELECT COUNT(*) AS consumedSoFar FROM airlineStats_REALTIME',
  'SET enableNullHandling=true; SELECT Carrier, COUNT(*) AS flights, AVG(ArrDelay) AS avgArrDelay ' +
    'FROM airlineStats_OFFLINE GROUP BY Carrier ORDER BY flights DESC LIMIT 5',
  "SELECT Origin, Dest, ArrDelay FROM airlineStats_OFFLINE WHERE Carrier = 'AA' AND ArrDelay > 120 " +
    'ORDER BY ArrDelay DESC LIMIT 5',
];

function portOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number 0-65535, got ${text}`);
  }
  return port;
}

/** Resolves on the first SIGTERM or SIGINT, then stops listening for them. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function loadOffline(cuvee: Cuvee): Promise<void> {
  await cuvee.createSchema(await readJsonFile(join(AIRLINE_DIR, 'airlineStats_schema.json')), {
    override: true,
  });
  const tableFile = join(AIRLINE_DIR, 'airlineStats_offline_table_config.json');
  await cuvee.createTable(await readJsonFile(tableFile), { override: true });
  if (cuvee.table(OFFLINE_TABLE).segments().length > 0) return;
  const line = new ProgressLine(process.stdout, 'airlineStats_data.avro', 'rows', undefined);
  const result = await cuvee.ingestFiles(
    OFFLINE_TABLE,
    [join(AIRLINE_DIR, 'airlineStats_data.avro')],
    {
      onProgress: (rowsRead) => line.update(rowsRead),
    },
  );
  line.finish(result.rowCount, `-> ${result.segmentNames.join(', ')}`);
}

async function printSampleQueries(cuvee: Cuvee): Promise<void> {
  for (const sql of SAMPLE_QUERIES) {
    console.log(`\n> ${sql}`);
    const response = await cuvee.query(sql);
    for (const exception of response.exceptions) {
      console.error(`error ${exception.errorCode}: ${exception.message}`);
    }
    if (response.resultTable !== undefined) console.log(formatResultTable(response.resultTable));
  }
}

async function serve(
  cuvee: Cuvee,
  port: number,
  host: string | undefined,
  deepStore: DeepStore,
) {
  const stopped = nextStopSignal();
  await loadOffline(cuvee);
  const realtime = await addQuickstartRealtime(cuvee, AIRLINE_DIR);
  console.log(`${realtime.tableNameWithType} consumes the flights from an in-process stream`);
  let server: RunningServer | undefined;
  try {
    server = await startServer({ cuvee, port, host, deepStore });
    console.log(`cuvee: serving on ${server.url}`);
    await printSampleQueries(cuvee);
    console.log(`\ncuvee: query console at ${server.url}/console/`);
    console.log(`try: cuvee query --broker ${server.url} "SELECT COUNT(*) FROM airlineStats"`);
    console.log('press Ctrl-C to stop');
    const signal = await stopped;
    console.log(`cuvee: ${signal}: stopping`);
  } finally {
    await server?.close();
    await realtime.stop();
  }
}

export async function quickstartCommand(args: string[]): Promise<number> {
  const parsed = parseCommand('quickstart', args, OPTIONS, QUICKSTART_HELP);
  if (parsed === undefined) return 0;
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    throw new UsageError(`quickstart takes no arguments, got ${positionals.join(' ')}`);
  }
  const port = portOf(values.port);
  const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
  // The bundled example's configs use Pinot features Cuvée ignores (tiers, samplers): warnings
  // about them give a newcomer nothing to act on.
  // One deep store for both: real-time commits and uploads land in the same place.
  const deepStore = new LocalDeepStore(join(dataDir, 'deepstore'));
  const cuvee = await Cuvee.open({ dataDir, deepStore, onWarning: () => {} });
  try {
    await serve(cuvee, port, values.host, deepStore);
  } finally {
    await cuvee.close();
  }
  console.log('cuvee: stopped');
  return 0;
}
