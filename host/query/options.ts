// Query options (`SET k = v;`, `OPTION(...)`, or the request's queryOptions), with Pinot's
// names and defaults. Every limit a query can hit is here, with its reason.
import { CuveeError, ErrorCode } from '../errors/errors.js';

/** Pinot's default numGroupsLimit: bounds group-by memory per server. */
export const DEFAULT_NUM_GROUPS_LIMIT = 100_000;
/** Pinot's default broker timeout. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Pinot's default LIMIT for selections and group-bys. */
export const DEFAULT_LIMIT = 10;
/**
 * Rows a selection may return at most (Pinot's broker caps at 1M by default too): beyond it a
 * query gets a 700 exception instead of exhausting the memory.
 */
export const MAX_QUERY_RESPONSE_ROWS = 1_000_000;
/** Values an exact PERCENTILE or DISTINCTCOUNT may hold per group before failing cleanly. */
export const DEFAULT_MAX_DISTINCT_VALUES = 10_000_000;

export interface QueryOptions {
  readonly enableNullHandling: boolean;
  readonly numGroupsLimit: number;
  readonly timeoutMs: number;
  readonly useStarTree: boolean;
  readonly maxRowsInResponse: number;
  readonly trace: boolean;
}

function parseBoolean(name: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new CuveeError(
    ErrorCode.QUERY_VALIDATION,
    `Query option ${name} must be true or false, got '${value}'`,
  );
}

function parsePositiveInt(name: string, value: string): number {
  const parsed = Number(value.trim());
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `Query option ${name} must be a positive integer, got '${value}'`,
    );
  }
  return parsed;
}

/** Option names are matched case-insensitively, as Pinot does. */
export function parseQueryOptions(raw: Readonly<Record<string, string>>): QueryOptions {
  const lower = new Map(Object.entries(raw).map(([key, value]) => [key.toLowerCase(), value]));
  const get = (name: string): string | undefined => lower.get(name.toLowerCase());
  const nullHandling = get('enableNullHandling');
  const groups = get('numGroupsLimit');
  const timeout = get('timeoutMs');
  const starTree = get('useStarTree');
  const trace = get('trace');
  return {
    enableNullHandling:
      nullHandling === undefined ? false : parseBoolean('enableNullHandling', nullHandling),
    numGroupsLimit:
      groups === undefined ? DEFAULT_NUM_GROUPS_LIMIT : parsePositiveInt('numGroupsLimit', groups),
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : parsePositiveInt('timeoutMs', timeout),
    useStarTree: starTree === undefined ? true : parseBoolean('useStarTree', starTree),
    maxRowsInResponse: MAX_QUERY_RESPONSE_ROWS,
    trace: trace === undefined ? false : parseBoolean('trace', trace),
  };
}
