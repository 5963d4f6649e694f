// Errors of the kernel runtime that a user can cause.
import { CuveeError, ErrorCode } from '../errors/errors.js';

/**
 * The worker pool's task queue is full: the server is overloaded. Pinot answers such a query
 * with 429 (TOO_MANY_REQUESTS); the caller should retry later or send fewer concurrent queries.
 */
export class RuntimeBusyError extends CuveeError {
  constructor(message: string) {
    super(ErrorCode.TOO_MANY_REQUESTS, message);
  }
}
