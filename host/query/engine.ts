// The broker and server of one process: parse, resolve the table, plan, prune, run each
// segment, combine and reduce into Pinot's broker response. Errors a user can cause come back
// as Pinot exceptions in the response (never thrown), as Pinot's broker does.
import type { Schema, TableConfig } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import { AssertionError } from '../util/assert.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { Expr, SqlStatement } from '../sql/ast.js';
import { parseSql } from '../sql/parser.js';
import { compileQuery, type CompiledQuery } from './compiledQuery.js';
import { explainPlan } from './explain.js';
import type { KernelContext } from './kernelPaths.js';
import { parseQueryOptions } from './options.js';
import { planQuery, type QueryPlan } from './plan.js';
import { cannotMatch } from './prune.js';
import { reduceResults } from './reduce.js';
import { emptyResponse, toQueryException, type BrokerResponse } from './response.js';
import {
  checkDeadline,
  executeSegment,
  type SegmentResult,
  type SegmentStats,
} from './segmentExec.js';

/** One physical table (`name_OFFLINE` or `name_REALTIME`) as the engine reads it. */
export interface QueryableTable {
  readonly config: TableConfig;
  readonly schema: Schema;
  /** The segments a query sees now (consuming ones included). */
  segments(): readonly Segment[];
  /** Segments the table should have but cannot serve (a corrupt file): answers are partial. */
  unavailableSegments?(): readonly UnavailableSegment[];
  /**
   * A predicate the broker ANDs into the query's WHERE for this table's segments only: the
   * hybrid table's time boundary (`ts <= boundary` offline, `ts > boundary` real-time).
   */
  readonly queryFilter?: Expr;
}

export interface UnavailableSegment {
  readonly segmentName: string;
  readonly reason: string;
}

/** Finds the physical tables a name in FROM refers to (raw name → its OFFLINE/REALTIME parts). */
export interface TableResolver {
  resolve(name: string): readonly QueryableTable[];
}

export interface QueryRequestOptions {
  /** Pinot's request-level queryOptions; the statement's SET/OPTION entries win. */
  readonly queryOptions?: Readonly<Record<string, string>>;
}

export class TableNotFoundError extends CuveeError {
  constructor(name: string) {
    super(
      ErrorCode.TABLE_DOES_NOT_EXIST,
      `TableDoesNotExistError: table ${name} does not exist; create it first or check the name`,
    );
  }
}

let requestCounter = 0;

export class QueryEngine {
  /**
   * `kernels`: the calling thread's kernels on the memory the segments live in; without it
   * every segment runs on the host's row-at-a-time paths.
   */
  constructor(
    private readonly tables: TableResolver,
    private readonly kernels?: KernelContext,
    private readonly brokerId = 'cuvee-broker',
  ) {}

  /** Runs one SQL statement; errors a user can cause come back in `exceptions`. */
  query(sql: string, request: QueryRequestOptions = {}): BrokerResponse {
    const startMs = performance.now();
    const response = emptyResponse(String(++requestCounter), this.brokerId);
    try {
      this.run(sql, request, response, startMs);
    } catch (error) {
      // A broken invariant is the program's fault and must not pass for a query error.
      if (error instanceof AssertionError) throw error;
      response.exceptions.push(toQueryException(error));
      delete response.resultTable;
    }
    response.timeUsedMs = Math.round(performance.now() - startMs);
    return response;
  }

  private run(
    sql: string,
    request: QueryRequestOptions,
    response: BrokerResponse,
    startMs: number,
  ): void {
    const statement = parseSql(sql);
    const options = parseQueryOptions({ ...request.queryOptions, ...statement.queryOptions });
    const tables = this.tables.resolve(statement.query.from.name);
    if (tables.length === 0) throw new TableNotFoundError(statement.query.from.name);
    const plans = tables.map((table) => {
      const plan = planQuery(withFilter(statement, table.queryFilter), table.schema, options);
      return { table, plan, compiled: compileQuery(plan) };
    });
    const { plan, compiled } = plans[0]!;
    const segments = tables.flatMap((table) => table.segments());
    reportUnavailable(tables, response);
    response.numServersQueried = 1;
    response.numServersResponded = 1;
    response.numSegmentsQueried = segments.length;
    for (const segment of segments) response.totalDocs += segment.docCount();
    if (plan.explain) {
      response.resultTable = explainPlan(compiled, segments, this.kernels);
      return;
    }
    // Every table's plan has the same outputs, groups and order (only WHERE differs), so one
    // reduce merges them.
    const results = plans.flatMap((part) =>
      this.runSegments(part.compiled, part.plan, part.table.segments(), response, startMs),
    );
    const reduceStartMs = performance.now();
    const outcome = reduceResults(compiled, results);
    response.resultTable = outcome.resultTable;
    response.numGroupsLimitReached = outcome.numGroupsLimitReached;
    response.partialResult ||= outcome.numGroupsLimitReached;
    response.numRowsResultSet = outcome.resultTable.rows.length;
    response.brokerReduceTimeMs = Math.round(performance.now() - reduceStartMs);
  }

  private runSegments(
    compiled: CompiledQuery,
    plan: QueryPlan,
    segments: readonly Segment[],
    response: BrokerResponse,
    startMs: number,
  ): SegmentResult[] {
    const deadline = { atMs: startMs + plan.options.timeoutMs, timeoutMs: plan.options.timeoutMs };
    const results: SegmentResult[] = [];
    for (const segment of segments) {
      // Between segments as well as within them: many small segments never reach the
      // in-segment check interval.
      checkDeadline(deadline);
      if (plan.filter !== undefined && cannotMatch(plan.filter, segment.metadata)) {
        response.numSegmentsPrunedByServer++;
        continue;
      }
      const { result, stats } = executeSegment(compiled, segment, deadline, this.kernels);
      addStats(response, stats);
      if (plan.options.trace) {
        response.traceInfo[segment.metadata.segmentName] = stats.accessPaths.join('; ');
      }
      results.push(result);
    }
    return results;
  }
}

function addStats(response: BrokerResponse, stats: SegmentStats): void {
  response.numSegmentsProcessed++;
  if (stats.matched) response.numSegmentsMatched++;
  response.numDocsScanned += stats.docsScanned;
  response.numEntriesScannedInFilter += stats.entriesScannedInFilter;
  response.numEntriesScannedPostFilter += stats.entriesScannedPostFilter;
}

/** Pinot flags answers that miss segments: exception 235 per segment and partialResult. */
function reportUnavailable(tables: readonly QueryableTable[], response: BrokerResponse): void {
  for (const table of tables) {
    for (const missing of table.unavailableSegments?.() ?? []) {
      response.partialResult = true;
      response.exceptions.push({
        errorCode: ErrorCode.SERVER_SEGMENT_MISSING,
        message: `segment ${missing.segmentName} of ${table.config.tableNameWithType} is not served: ${missing.reason}`,
      });
    }
  }
}

/** The statement with `filter` ANDed into its WHERE (unchanged when there is none). */
function withFilter(statement: SqlStatement, filter: Expr | undefined): SqlStatement {
  if (filter === undefined) return statement;
  const { query } = statement;
  const where: Expr =
    query.where === undefined
      ? filter
      : { kind: 'logical', op: 'AND', operands: [query.where, filter], pos: query.where.pos };
  return { ...statement, query: { ...query, where } };
}
