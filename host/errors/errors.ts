// Errors a user can cause carry Pinot's errorCode so that every way in (library, HTTP, CLI)
// reports them the way Pinot clients expect. Programmer errors are assertions (host/util/assert).

/** Pinot's query error codes (org.apache.pinot.spi.exception.QueryErrorCode). */
export const ErrorCode = {
  JSON_PARSING: 100,
  SQL_PARSING: 150,
  TABLE_DOES_NOT_EXIST: 190,
  QUERY_EXECUTION: 200,
  SERVER_SEGMENT_MISSING: 235,
  EXECUTION_TIMEOUT: 250,
  BROKER_REQUEST_SEND: 425,
  SERVER_NOT_RESPONDING: 427,
  TOO_MANY_REQUESTS: 429,
  QUERY_VALIDATION: 700,
  UNKNOWN_COLUMN: 710,
  QUERY_PLANNING: 720,
  INTERNAL: 450,
  UNKNOWN: 1000,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base of every error a user can cause. `errorCode` follows Pinot's numbering. */
export class CuveeError extends Error {
  readonly errorCode: number;
  constructor(errorCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.errorCode = errorCode;
  }
}

/** A schema, table config or other JSON document is invalid; the message names the field. */
export class ConfigError extends CuveeError {
  constructor(message: string) {
    super(ErrorCode.QUERY_VALIDATION, message);
  }
}

/** Input data (a row, a file, a Kafka record) cannot be read or coerced to the schema. */
export class DataError extends CuveeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.QUERY_EXECUTION, message, options);
  }
}

/** A segment file is corrupt or truncated; the message names the file and what is wrong. */
export class SegmentFormatError extends CuveeError {
  constructor(readonly filePath: string, detail: string) {
    super(ErrorCode.SERVER_SEGMENT_MISSING, `segment file ${filePath}: ${detail}`);
  }
}

/** The shared kernel memory cannot hold what was asked (wasm32 caps one memory at 4 GiB). */
export class MemoryExhaustedError extends CuveeError {
  constructor(message: string) {
    super(ErrorCode.QUERY_EXECUTION, message);
  }
}

/** A kernel returned an error status; the message comes from host/runtime/status.ts. */
export class KernelError extends CuveeError {
  constructor(readonly kernel: string, readonly status: number, message: string) {
    super(ErrorCode.QUERY_EXECUTION, `kernel ${kernel} failed: ${message} (status ${status})`);
  }
}
