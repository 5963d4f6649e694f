// `cuvee start`: one complete node (controller, broker and server) over HTTP on a data
// directory. SIGTERM or SIGINT stops accepting, drains in-flight requests, closes the library
// (every segment is already durable on disk) and exits 0.
import { join } from 'node:path';
import { Cuvee } from '../../cuvee.js';
import { LocalDeepStore } from '../../deepstore/localDeepStore.js';
import { DEFAULT_DATA_DIR, EXIT_OK, parseCommand, UsageError } from '../args.js';
import { startServer, type RunningServer } from '../../server/server.js';

export const START_HELP = `usage: cuvee start --data-dir DIR --port PORT [--host HOST]
                   [--controller-port PORT --broker-port PORT]

Serves Pinot's controller and broker APIs, the query console (/console/), /health and /metrics.
  --data-dir DIR          schemas, tables, segments and the deep store (DIR/deepstore)
  --port PORT             both APIs on one port (default 9000; 0 picks a free port)
  --controller-port PORT  split the APIs as Pinot does: controller here (e.g. 9000) ...
  --broker-port PORT      ... and the broker here (e.g. 8099)
  --host HOST             interface to listen on (default 127.0.0.1; 0.0.0.0 for all)
SIGTERM or SIGINT drains in-flight queries and exits.`;

interface StartOptions {
  readonly dataDir: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly controllerPort: number | undefined;
  readonly brokerPort: number | undefined;
}

function portOf(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--${name} must be a port number 0-65535, got ${value}`);
  }
  return port;
}

/** The options of `cuvee start ARGS`; undefined after printing --help. */
export function parseStartArgs(args: readonly string[]): StartOptions | undefined {
  const parsed = parseCommand(
    'start',
    args,
    {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'controller-port': { type: 'string' },
      'broker-port': { type: 'string' },
      host: { type: 'string' },
    },
    START_HELP,
  );
  if (parsed === undefined) return undefined;
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    throw new UsageError(`cuvee start takes no arguments, got ${positionals.join(' ')}`);
  }
  return {
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    host: values.host,
    port: portOf('port', values.port),
    controllerPort: portOf('controller-port', values['controller-port']),
    brokerPort: portOf('broker-port', values['broker-port']),
  };
}

function announce(server: RunningServer, split: boolean): void {
  if (split) {
    console.log(`cuvee: controller on ${server.controllerUrl}`);
    console.log(`cuvee: broker on ${server.brokerUrl}`);
  }
  console.log(`cuvee: serving on ${server.url}`);
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

/** Runs `cuvee start ARGS` until a stop signal; returns the exit code. */
export async function startCommand(args: string[]): Promise<number> {
  const options = parseStartArgs(args);
  if (options === undefined) return EXIT_OK;
  const stopped = nextStopSignal();
  // One deep store for both ways segments get committed: uploads here, real-time commits there.
  const deepStore = new LocalDeepStore(join(options.dataDir, 'deepstore'));
  const cuvee = await Cuvee.open({ dataDir: options.dataDir, deepStore });
  let server: RunningServer;
  try {
    server = await startServer({
      cuvee,
      host: options.host,
      port: options.port,
      controllerPort: options.controllerPort,
      brokerPort: options.brokerPort,
      deepStore,
      log: (line) => console.error(line),
    });
  } catch (error) {
    await cuvee.close();
    throw error;
  }
  announce(server, options.controllerPort !== undefined || options.brokerPort !== undefined);
  const signal = await stopped;
  console.log(`cuvee: ${signal}: draining in-flight queries`);
  await server.close();
  await cuvee.close();
  console.log('cuvee: stopped');
  return EXIT_OK;
}
