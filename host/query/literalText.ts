// Literal conversions the planner needs beyond host/expr/values: timestamps written as text.
import { CuveeError, ErrorCode } from '../errors/errors.js';
export { hexToBytes, toDouble, toStr } from '../expr/values.js';

/** `2014-01-01`, `2014-01-01 10:00:00[.123]`, ISO-8601 with zone; UTC unless a zone is given. */
const TIMESTAMP_TEXT =
  /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?))?(Z|[+-]\d{2}:?\d{2})?$/;

export function timestampFromText(text: string): bigint {
  const trimmed = text.trim();
  if (/^[-+]?\d+$/.test(trimmed)) return BigInt(trimmed);
  const match = TIMESTAMP_TEXT.exec(trimmed);
  if (match === null) {
    throw new CuveeError(
      ErrorCode.QUERY_VALIDATION,
      `'${text}' is not a timestamp; write epoch milliseconds or 'yyyy-MM-dd HH:mm:ss[.SSS]'`,
    );
  }
  const time = (match[2] ?? '00:00:00').slice(0, 12);
  const millis = Date.parse(`${match[1]}T${time}${match[3] ?? 'Z'}`);
  return BigInt(millis);
}
