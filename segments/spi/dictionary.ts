// A column's dictionary: distinct values ↔ dense ids. An immutable segment keeps it sorted, so
// a value predicate becomes an id range by binary search; a mutable segment keeps insertion
// order, so predicates become id sets. The query engine rewrites every value predicate into an
// id predicate here before it scans dictionary ids.
import type { ScalarValue, StoredType } from '../../host/config/types.js';

/** One end of a value range; `inclusive` distinguishes <= from <. */
export interface RangeBound {
  readonly value: ScalarValue;
  readonly inclusive: boolean;
}

/** A value range; a missing bound is unbounded. `=` is lower = upper, both inclusive. */
export interface ValueRange {
  readonly lower?: RangeBound;
  readonly upper?: RangeBound;
}

/** Dictionary ids [startId, endId); empty when startId >= endId. */
export interface IdRange {
  readonly startId: number;
  /** Exclusive. */
  readonly endId: number;
}

/**
 * How the dictionary lies in the shared memory, for kernels:
 * - `fixed`: `cardinality` values of `valueWidthBytes` each at `valuesPtr` (INT → i32,
 *   LONG → i64, FLOAT → f32, DOUBLE → f64, little endian), ascending when sorted.
 * - `varLength`: STRING (UTF-8) and BYTES; value i is bytes [offsets[i], offsets[i+1]) of the
 *   region at `bytesPtr`, with `cardinality + 1` u32 offsets at `offsetsPtr`.
 */
export type DictionaryLocator =
  | {
      readonly layout: 'fixed';
      readonly valuesPtr: number;
      readonly valueWidthBytes: number;
    }
  | {
      readonly layout: 'varLength';
      readonly offsetsPtr: number;
      readonly bytesPtr: number;
      readonly bytesLength: number;
    };

export interface Dictionary {
  readonly storedType: StoredType;
  readonly cardinality: number;
  /** True when ids ascend with values (immutable segments); false for insertion order. */
  readonly isSorted: boolean;
  /** The value of id `dictId` (0 <= dictId < cardinality). */
  get(dictId: number): ScalarValue;
  /**
   * The id of `value`; when absent: for a sorted dictionary `-(insertionPoint) - 1` (Java's
   * binarySearch convention), for an unsorted one -1.
   */
  indexOf(value: ScalarValue): number;
  /** Ids whose values fall in `range`; only sorted dictionaries (undefined otherwise). */
  idRange(range: ValueRange): IdRange | undefined;
  /** Ids whose values fall in `range`, ascending; works for every dictionary. */
  idsInRange(range: ValueRange): Uint32Array;
  /** Ids of those of `values` present in the dictionary, ascending, without duplicates. */
  idsOf(values: readonly ScalarValue[]): Uint32Array;
  /** The dictionary in the shared memory, when it lies there contiguously. */
  readonly locator: DictionaryLocator | undefined;
}
