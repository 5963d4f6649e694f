// Status codes every kernel returns. Negative values are errors; their messages live in one
// place on the host side (host/runtime/status.ts), keyed by these numbers.

/** The kernel did its work. */
export const STATUS_OK: i32 = 0;
/** An argument is outside the range the kernel accepts (a bit width of 33, a negative count). */
export const STATUS_BAD_ARGUMENT: i32 = -1;
/** The output buffer the host handed over is too small for the result. */
export const STATUS_OUTPUT_TOO_SMALL: i32 = -2;
/** The scratch the host handed over is too small for the work. */
export const STATUS_SCRATCH_TOO_SMALL: i32 = -3;
/** A serialized structure (bitmap, dictionary) does not parse. */
export const STATUS_CORRUPT_INPUT: i32 = -4;
/** A group-by produced more groups than the caller's limit. */
export const STATUS_GROUP_LIMIT: i32 = -5;
