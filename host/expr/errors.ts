// Errors a user can cause with an expression (a query, an ingestion transform, a filterConfig).
import { CuveeError, ErrorCode } from '../errors/errors.js';
import type { SourcePosition } from '../sql/ast.js';
import { describePosition } from '../sql/errors.js';

function at(position: SourcePosition | undefined): string {
  return position === undefined ? '' : ` at ${describePosition(position)}`;
}

/** A function name the registry does not know, or known but not with that many arguments. */
export class UnknownFunctionError extends CuveeError {
  constructor(
    readonly functionName: string,
    readonly position: SourcePosition | undefined,
    detail: string,
  ) {
    super(ErrorCode.QUERY_VALIDATION, `Unsupported function: ${functionName}${at(position)}; ${detail}`);
  }
}

/** An identifier that names no column of the table or schema. */
export class UnknownColumnError extends CuveeError {
  constructor(
    readonly columnName: string,
    readonly position: SourcePosition | undefined,
  ) {
    super(
      ErrorCode.UNKNOWN_COLUMN,
      `Unknown column: ${columnName}${at(position)}; check the spelling against the schema ` +
        '(names are case-sensitive; reserved words such as "Year" need double quotes)',
    );
  }
}

/** An expression that is well formed but cannot be evaluated as written (bad literal, type). */
export class ExpressionError extends CuveeError {
  constructor(
    message: string,
    readonly position?: SourcePosition,
  ) {
    super(
      ErrorCode.QUERY_EXECUTION,
      position === undefined ? message : `${message} (at ${describePosition(position)})`,
    );
  }
}
