// A node serving the airline example over HTTP, for the tests that drive it from real clients
// (the browser console, Python's pinotdb): the library answers are what the clients must show.
import { Cuvee } from '../../host/cuvee.js';
import type { ResultCell } from '../../host/query/response.js';
import { startServer, type RunningServer } from '../../host/server/server.js';
import { AIRLINE_AVRO_PATH, airlineJson } from '../support/airline.js';

/** One kernel worker: these tests measure clients, not the engine, and share the machine. */
const WORKER_COUNT = 1;

export interface AirlineNode {
  readonly cuvee: Cuvee;
  readonly server: RunningServer;
  stop(): Promise<void>;
}

export async function startAirlineNode(): Promise<AirlineNode> {
  const cuvee = await Cuvee.open({ onWarning: () => {}, runtime: { workerCount: WORKER_COUNT } });
  try {
    await cuvee.createSchema(airlineJson('schema'));
    await cuvee.createTable(airlineJson('offline_table_config'));
    await cuvee.ingestFiles('airlineStats_OFFLINE', [AIRLINE_AVRO_PATH]);
    const server = await startServer({ cuvee, port: 0 });
    return {
      cuvee,
      server,
      stop: async () => {
        await server.close();
        await cuvee.close();
      },
    };
  } catch (error) {
    await cuvee.close();
    throw error;
  }
}

/** A cell as the console prints it: null as `null`, arrays as `[a, b]`, numbers exactly. */
export function cellText(value: ResultCell): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(cellText).join(', ')}]`;
  return String(value);
}
