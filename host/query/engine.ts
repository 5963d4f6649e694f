// The broker and server of one process: parse, resolve the table, plan, prune, run each
// segment (on the calling thread or spread over the worker pool: parallel.ts), combine and
// reduce into Pinot's broker response. Errors a user can cause come back as Pinot exceptions in
// the response (never thrown), as Pinot's broker does.
import type { Schema, TableConfig } from '../config/types.js';
import { CuveeError, ErrorCode } from '../errors/errors.js';
import type { KernelRuntime } from '../runtime/runtime.js';
import { AssertionError } from '../util/assert.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { Expr } from '../sql/ast.js';
import { parseSql } from '../sql/parser.js';
import { compileQuery } from './compiledQuery.js';
import { explainPlan } from './explain.js';
import type { KernelContext } from './kernelPaths.js';
import { parseQueryOptions } from './options.js';
import {
  executeParts,
  kernelsFor,
  warmWorkers,
  withFilter,
  type QueryPart,
} from './parallel.js';
import { brokerPrune } from './brokerPrune.js';
import { applyTimestampIndex } from './timestampIndex.js';
import { planQuery } from './plan.js';
import { reduceResults } from './reduce.js';
import { emptyResponse, toQueryException, type BrokerResponse } from './response.js';

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
   * every segment runs on the host's row-at-a-time paths. `runtime`: the worker pool on that
   * same memory; with it, queries over more than `runtime.localQueryDocsMax` docs of immutable
   * segments spread those segments over the workers (host/query/parallel.ts).
   */
  constructor(
    private readonly tables: TableResolver,
    private readonly kernels?: KernelContext,
    private readonly brokerId = 'cuvee-broker',
    private readonly runtime?: KernelRuntime,
  ) {
    if (runtime !== undefined) warmWorkers(runtime);
  }

  /** Runs one SQL statement; errors a user can cause come back in `exceptions`. */
  async query(sql: string, request: QueryRequestOptions = {}): Promise<BrokerResponse> {
    const startMs = performance.now();
    const response = emptyResponse(String(++requestCounter), this.brokerId);
    try {
      await this.run(sql, request, response, startMs);
    } catch (error) {
      // A broken invariant is the program's fault and must not pass for a query error.
      if (error instanceof AssertionError) throw error;
      response.exceptions.push(toQueryException(error));
      delete response.resultTable;
    }
    response.timeUsedMs = Math.round(performance.now() - startMs);
    return response;
  }

  private async run(
    sql: string,
    request: QueryRequestOptions,
    response: BrokerResponse,
    startMs: number,
  ): Promise<void> {
    const statement = parseSql(sql);
    const queryOptions = request.queryOptions ?? {};
    const options = parseQueryOptions({ ...queryOptions, ...statement.queryOptions });
    const tables = this.tables.resolve(statement.query.from.name);
    if (tables.length === 0) throw new TableNotFoundError(statement.query.from.name);
    // One snapshot of each table's segments: replacements after this point are not seen.
    const parts: QueryPart[] = tables.map((table) => {
      const snapshot = table.segments();
      const planned = planQuery(withFilter(statement, table.queryFilter), table.schema, options);
      const plan = applyTimestampIndex(planned, table.config, snapshot);
      const { segments, prunedCount } = brokerPrune(table, plan, snapshot);
      response.numSegmentsPrunedByBroker += prunedCount;
      return { table, compiled: compileQuery(plan), segments };
    });
    const { compiled } = parts[0]!;
    const plan = compiled.plan;
    const segments: Segment[] = [];
    for (const part of parts) for (const segment of part.segments) segments.push(segment);
    reportUnavailable(tables, response);
    response.numServersQueried = 1;
    response.numServersResponded = 1;
    response.numSegmentsQueried = segments.length;
    for (const segment of segments) response.totalDocs += segment.docCount();
    if (plan.explain) {
      const targets = { kernels: this.kernels, runtime: this.runtime };
      response.resultTable = explainPlan(compiled, segments, (segment) =>
        kernelsFor(targets, segment),
      );
      return;
    }
    // Every table's plan has the same outputs, groups and order (only WHERE differs), so one
    // reduce merges them.
    const deadline = { atMs: startMs + options.timeoutMs, timeoutMs: options.timeoutMs };
    const results = await executeParts(
      { kernels: this.kernels, runtime: this.runtime },
      { sql, queryOptions, parts, deadline, response },
    );
    const reduceStartMs = performance.now();
    const outcome = reduceResults(compiled, results);
    response.resultTable = outcome.resultTable;
    response.numGroupsLimitReached = outcome.numGroupsLimitReached;
    response.partialResult ||= outcome.numGroupsLimitReached;
    response.numRowsResultSet = outcome.resultTable.rows.length;
    response.brokerReduceTimeMs = Math.round(performance.now() - reduceStartMs);
  }
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
