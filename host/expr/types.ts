// Values and types of the scalar expression engine.
import type { ScalarValue } from '../config/types.js';

/**
 * What an expression evaluates to: the stored representations of host/config/types.ts
 * (number for INT/FLOAT/DOUBLE, bigint for LONG and TIMESTAMP, string, Uint8Array), a boolean
 * for predicates, an array for multi-value columns, and null for SQL NULL (three-valued logic).
 */
export type ExprValue = ScalarValue | boolean | readonly ScalarValue[] | null;

/** Static result type of an expression, in Pinot's names; UNKNOWN where it depends on data. */
export type ValueType =
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'STRING'
  | 'BYTES'
  | 'UNKNOWN';
