// Pinot's broker response (BrokerResponseNative), field for field, in Pinot's JSON order.
// LONG values that fit 2^53 are numbers; wider ones are bigints, so nothing loses precision
// (responseToJson writes them as exact JSON numbers).
import { CuveeError, ErrorCode } from '../errors/errors.js';

/** Pinot's result column types (DataSchema.ColumnDataType). */
export type ColumnDataType =
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BIG_DECIMAL'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'STRING'
  | 'JSON'
  | 'BYTES'
  | 'OBJECT'
  | 'INT_ARRAY'
  | 'LONG_ARRAY'
  | 'FLOAT_ARRAY'
  | 'DOUBLE_ARRAY'
  | 'BOOLEAN_ARRAY'
  | 'TIMESTAMP_ARRAY'
  | 'STRING_ARRAY'
  | 'BYTES_ARRAY'
  | 'UNKNOWN';

/** A cell: number, exact bigint (LONG beyond 2^53), string, boolean, array, or null. */
export type ResultCell = number | bigint | string | boolean | null | ResultCell[];

export interface ResultTable {
  dataSchema: { columnNames: string[]; columnDataTypes: ColumnDataType[] };
  rows: ResultCell[][];
}

export interface QueryException {
  errorCode: number;
  message: string;
}

export interface BrokerResponse {
  resultTable?: ResultTable;
  exceptions: QueryException[];
  numServersQueried: number;
  numServersResponded: number;
  numSegmentsQueried: number;
  numSegmentsProcessed: number;
  numSegmentsMatched: number;
  numConsumingSegmentsQueried: number;
  numConsumingSegmentsProcessed: number;
  numConsumingSegmentsMatched: number;
  numDocsScanned: number;
  numEntriesScannedInFilter: number;
  numEntriesScannedPostFilter: number;
  numGroupsLimitReached: boolean;
  maxRowsInJoinReached: boolean;
  partialResult: boolean;
  totalDocs: number;
  timeUsedMs: number;
  minConsumingFreshnessTimeMs: number;
  numSegmentsPrunedByBroker: number;
  numSegmentsPrunedByServer: number;
  numSegmentsPrunedInvalid: number;
  numSegmentsPrunedByLimit: number;
  numSegmentsPrunedByValue: number;
  numRowsResultSet: number;
  brokerReduceTimeMs: number;
  offlineThreadCpuTimeNs: number;
  realtimeThreadCpuTimeNs: number;
  requestId: string;
  brokerId: string;
  traceInfo: Record<string, string>;
}

export function emptyResponse(requestId: string, brokerId: string): BrokerResponse {
  return {
    exceptions: [],
    numServersQueried: 0,
    numServersResponded: 0,
    numSegmentsQueried: 0,
    numSegmentsProcessed: 0,
    numSegmentsMatched: 0,
    numConsumingSegmentsQueried: 0,
    numConsumingSegmentsProcessed: 0,
    numConsumingSegmentsMatched: 0,
    numDocsScanned: 0,
    numEntriesScannedInFilter: 0,
    numEntriesScannedPostFilter: 0,
    numGroupsLimitReached: false,
    maxRowsInJoinReached: false,
    partialResult: false,
    totalDocs: 0,
    timeUsedMs: 0,
    minConsumingFreshnessTimeMs: 0,
    numSegmentsPrunedByBroker: 0,
    numSegmentsPrunedByServer: 0,
    numSegmentsPrunedInvalid: 0,
    numSegmentsPrunedByLimit: 0,
    numSegmentsPrunedByValue: 0,
    numRowsResultSet: 0,
    brokerReduceTimeMs: 0,
    offlineThreadCpuTimeNs: 0,
    realtimeThreadCpuTimeNs: 0,
    requestId,
    brokerId,
    traceInfo: {},
  };
}

/** An exception entry for any error: CuveeErrors keep their code, the rest are 200. */
export function toQueryException(error: unknown): QueryException {
  if (error instanceof CuveeError) return { errorCode: error.errorCode, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { errorCode: ErrorCode.QUERY_EXECUTION, message: `QueryExecutionError: ${message}` };
}

/**
 * JSON text of a response with bigints written as exact numbers (JSON.stringify refuses
 * bigints; Pinot's Java longs are plain JSON numbers).
 */
export function responseToJson(response: BrokerResponse): string {
  const marker = '\u0000bigint:';
  const text = JSON.stringify(response, (_key, value: unknown) =>
    typeof value === 'bigint' ? `${marker}${value.toString()}` : value,
  );
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
