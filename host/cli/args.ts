// What every `cuvee` command shares: strict option parsing with --help, the usage error that
// maps to exit code 2, and where a command runs (a local data directory or a node over HTTP).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CuveeError, ErrorCode } from '../errors/errors.js';

/** Exit codes: 0 done, 1 the operation failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where `cuvee` keeps its data unless told otherwise: beside the working directory. */
export const DEFAULT_DATA_DIR = 'cuvee-data';
/** Environment variables naming a node's controller and broker, as Pinot's tools read them. */
export const CONTROLLER_ENV = 'CUVEE_CONTROLLER';
export const BROKER_ENV = 'CUVEE_BROKER';

/** The command line itself is wrong (unknown flag, missing argument); exit code 2. */
export class UsageError extends CuveeError {
  constructor(message: string) {
    super(ErrorCode.QUERY_VALIDATION, message);
  }
}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** Options that every command takes. */
const COMMON_OPTIONS = { help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpecs;

interface CommandConfig<Options extends OptionSpecs> {
  args: string[];
  options: Options & typeof COMMON_OPTIONS;
  allowPositionals: true;
  strict: true;
}

/** parseArgs' typed result for a command's options. */
export type ParsedCommand<Options extends OptionSpecs> = ReturnType<
  typeof parseArgs<CommandConfig<Options>>
>;

/**
 * Parses `args` strictly against `options`. Returns undefined after printing `help` when
 * --help was given; throws a UsageError naming the command for anything parseArgs refuses.
 */
export function parseCommand<const Options extends OptionSpecs>(
  command: string,
  args: readonly string[],
  options: Options,
  help: string,
): ParsedCommand<Options> | undefined {
  const config: CommandConfig<Options> = {
    args: [...args],
    options: { ...options, ...COMMON_OPTIONS },
    allowPositionals: true,
    strict: true,
  };
  let parsed: ParsedCommand<Options>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; see cuvee ${command} --help`);
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    console.log(help);
    return undefined;
  }
  return parsed;
}

/** Where a controller-side command runs: a local data directory or a node's controller. */
export type Target =
  | { readonly kind: 'local'; readonly dataDir: string }
  | { readonly kind: 'remote'; readonly url: string };

/**
 * `--controller URL` (or `--broker URL`) wins; then an explicit `--data-dir`; then the
 * environment variable; then the default data directory.
 */
export function targetOf(
  url: string | undefined,
  dataDir: string | undefined,
  envName: string,
): Target {
  if (url !== undefined && dataDir !== undefined) {
    throw new UsageError('give either a URL or --data-dir, not both');
  }
  const fromEnv = process.env[envName];
  const chosen = url ?? (dataDir === undefined && fromEnv !== '' ? fromEnv : undefined);
  if (chosen !== undefined) return { kind: 'remote', url: checkUrl(chosen) };
  return { kind: 'local', dataDir: dataDir ?? DEFAULT_DATA_DIR };
}

function checkUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${text} is not a URL; give one like http://localhost:9000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${text}: only http:// and https:// URLs are supported`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A required option's value, or a UsageError pointing at the help. */
export function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === '') {
    throw new UsageError(`${command} needs ${flag}; see cuvee ${command} --help`);
  }
  return value;
}
