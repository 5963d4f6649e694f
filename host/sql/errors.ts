// Parse errors carry Pinot's SQL parsing error code (150) and the exact place of the problem,
// so every way in (library, HTTP, CLI) can point at it.
import { CuveeError, ErrorCode } from '../errors/errors.js';
import type { SourcePosition } from './ast.js';

/** The query text is not valid SQL for Pinot's dialect; `position` is where parsing stopped. */
export class SqlParseError extends CuveeError {
  constructor(
    readonly position: SourcePosition,
    message: string,
  ) {
    super(ErrorCode.SQL_PARSING, message);
  }
}

/** `line 1, column 8`, the way Calcite names a place in its messages. */
export function describePosition(position: SourcePosition): string {
  return `line ${position.line}, column ${position.column}`;
}
