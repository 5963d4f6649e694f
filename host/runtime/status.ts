// The one place where kernel status codes (kernels/assembly/status.ts) get their messages.
import { KernelError } from '../errors/errors.js';

export const KernelStatus = {
  OK: 0,
  BAD_ARGUMENT: -1,
  OUTPUT_TOO_SMALL: -2,
  SCRATCH_TOO_SMALL: -3,
  CORRUPT_INPUT: -4,
  GROUP_LIMIT: -5,
} as const;

const MESSAGES: Record<number, string> = {
  [KernelStatus.BAD_ARGUMENT]: 'an argument is outside the accepted range',
  [KernelStatus.OUTPUT_TOO_SMALL]: 'the output buffer is too small for the result',
  [KernelStatus.SCRATCH_TOO_SMALL]: 'the scratch buffer is too small for the work',
  [KernelStatus.CORRUPT_INPUT]: 'a serialized input does not parse',
  [KernelStatus.GROUP_LIMIT]: 'more groups than the limit allows',
};

export function statusMessage(status: number): string {
  return MESSAGES[status] ?? `unknown status ${status}`;
}

/**
 * Kernels return a status or, for kernels that produce a count, a count >= 0. Negative values
 * become a KernelError naming the kernel.
 */
export function checkStatus(kernel: string, result: number): number {
  if (result < 0) throw new KernelError(kernel, result, statusMessage(result));
  return result;
}
