// Exports of kernels/assembly/aggregate.ts, typed for the host, and the layout constants the
// host needs to set up their memory. Contracts: kernels/AGGREGATE.md. Pointers are byte offsets
// into the shared memory; kernels return a row count (>= 0) or a status (host/runtime/status.ts).
// A selPtr of 0 reads rows densely from valuesPtr; otherwise row r reads doc sel[r] - baseDoc.

/** Value type codes of a value source (kernels/assembly/aggregate.ts VALUE_*). */
export const AggValueType = {
  I32: 0,
  I64: 1,
  F32: 2,
  F64: 3,
  U32: 4,
} as const;
export type AggValueType = (typeof AggValueType)[keyof typeof AggValueType];

/** Bytes per value of each value type, indexed by type code. */
export const AGG_VALUE_BYTES: readonly number[] = [4, 8, 4, 8, 4];

/** Double state: count i64 @0, sum f64 @8, min f64 @16, max f64 @24. */
export const AGG_STATE_F64_BYTES = 32;
/**
 * Exact state: count i64 @0, sum i64 @8 (wrapped), min i64 @16, max i64 @24, wraps i32 @32:
 * the exact sum is sum + wraps * 2^64 (it fits a LONG exactly when wraps is 0).
 */
export const AGG_STATE_I64_BYTES = 40;
/** Byte offsets inside both state records. */
export const AggStateOffset = { count: 0, sum: 8, min: 16, max: 24, wraps: 32 } as const;

/** Hash table header: capacity, numGroups, maxGroups, rowsMapped (u32 each). */
export const HASH_HEADER_BYTES = 16;
/** One slot: u64 key, u32 group index + 1 (0 = empty), u32 padding. */
export const HASH_SLOT_BYTES = 16;
/** Byte offsets of the header fields. */
export const HashHeaderOffset = {
  capacity: 0,
  numGroups: 4,
  maxGroups: 8,
  rowsMapped: 12,
} as const;
/** New groups may fill at most 3/4 of the slots (linear probing degrades past that). */
export const HASH_LOAD_NUMERATOR = 3;
/** Denominator of the load bound. */
export const HASH_LOAD_DENOMINATOR = 4;
/** The smallest capacity the kernel accepts. */
export const HASH_MIN_CAPACITY = 4;

/** Most groups groupCountSumI32 takes (its per-chunk unpacking grows with the groups). */
export const PACKED_MAX_GROUPS = 1024;
/** Scratch copies of groupCountSumI32Striped and groupCountSumI32KeysU8 (row r uses r % 4). */
export const PACKED_STRIPES = 4;
/** Most groups groupCountSumI32KeysU8 takes: u8 keys name at most 256 groups. */
export const U8_KEY_MAX_GROUPS = 256;

/** Scratch bytes of groupCountSumI32Striped and groupCountSumI32KeysU8 for numGroups groups. */
export function stripedScratchBytes(numGroups: number): number {
  return numGroups * 8 * PACKED_STRIPES;
}

/** Bytes a hash table of `capacity` slots occupies. */
export function hashTableSizeBytes(capacity: number): number {
  return HASH_HEADER_BYTES + capacity * HASH_SLOT_BYTES;
}

/** The smallest power-of-two capacity whose load bound admits `groupCount` groups. */
export function hashCapacityFor(groupCount: number): number {
  let capacity = HASH_MIN_CAPACITY;
  while (groupCount * HASH_LOAD_DENOMINATOR > capacity * HASH_LOAD_NUMERATOR) capacity *= 2;
  return capacity;
}

// Function-typed properties, not methods: wasm exports are free functions without `this`.
export interface AggregateExports {
  readonly aggStateInitF64: (statePtr: number) => void;
  readonly aggStateInitI64: (statePtr: number) => void;
  /** COUNT/SUM/MIN/MAX of any value type into a double state; accumulates across calls. */
  readonly aggregateF64: (
    valueType: number, valuesPtr: number, selPtr: number, count: number, baseDoc: number,
    statePtr: number,
  ) => number;
  /** Exact COUNT/SUM/MIN/MAX of I32, I64 or U32 values into an exact state. */
  readonly aggregateI64: (
    valueType: number, valuesPtr: number, selPtr: number, count: number, baseDoc: number,
    statePtr: number,
  ) => number;
  /** Folds min and max of dense u32 ids into out[0], out[1]. */
  readonly idMinMax: (idsPtr: number, count: number, outPtr: number) => number;
  /** counts[keys[r]]++ (u32 counts). */
  readonly groupCount: (
    keysPtr: number, count: number, numGroups: number, countsPtr: number,
  ) => number;
  /** Per-group u32 counts (countsPtr 0 skips) and f64 sums. */
  readonly groupSumF64: (
    valueType: number, keysPtr: number, valuesPtr: number, selPtr: number, count: number,
    baseDoc: number, numGroups: number, countsPtr: number, sumsPtr: number,
  ) => number;
  /** Per-group u32 counts (countsPtr 0 skips) and exact i64 sums; LONG wrap sets *overflowPtr. */
  readonly groupSumI64: (
    valueType: number, keysPtr: number, valuesPtr: number, selPtr: number, count: number,
    baseDoc: number, numGroups: number, countsPtr: number, sumsPtr: number, overflowPtr: number,
  ) => number;
  /**
   * COUNT and exact SUM of i32 values for <= PACKED_MAX_GROUPS groups: the results of
   * groupSumI64 with counts, with one memory update per row; scratch is numGroups * 8 bytes.
   */
  readonly groupCountSumI32: (
    keysPtr: number, valuesPtr: number, selPtr: number, count: number, baseDoc: number,
    numGroups: number, countsPtr: number, sumsPtr: number, scratchPtr: number,
  ) => number;
  /**
   * groupCountSumI32 with PACKED_STRIPES scratch copies (stripedScratchBytes(numGroups)):
   * faster on dense rows, above all where neighbouring rows share a key. Same results.
   */
  readonly groupCountSumI32Striped: (
    keysPtr: number, valuesPtr: number, selPtr: number, count: number, baseDoc: number,
    numGroups: number, countsPtr: number, sumsPtr: number, scratchPtr: number,
  ) => number;
  /**
   * groupCountSumI32Striped over u8 keys (a width-8 forward index, advanced to the first row),
   * so the engine skips the unpack; numGroups <= U8_KEY_MAX_GROUPS. Keys are per row (keys[r])
   * with a selection too.
   */
  readonly groupCountSumI32KeysU8: (
    keysPtr: number, valuesPtr: number, selPtr: number, count: number, baseDoc: number,
    numGroups: number, countsPtr: number, sumsPtr: number, scratchPtr: number,
  ) => number;
  /** Per-group f64 mins/maxs (either pointer 0 skips it). */
  readonly groupMinMaxF64: (
    valueType: number, keysPtr: number, valuesPtr: number, selPtr: number, count: number,
    baseDoc: number, numGroups: number, minsPtr: number, maxsPtr: number,
  ) => number;
  /** Per-group exact i64 mins/maxs of integer values (either pointer 0 skips it). */
  readonly groupMinMaxI64: (
    valueType: number, keysPtr: number, valuesPtr: number, selPtr: number, count: number,
    baseDoc: number, numGroups: number, minsPtr: number, maxsPtr: number,
  ) => number;
  /** Packs columnCount dense u32 id blocks into u32 keys (product of cardinalities < 2^32). */
  readonly buildKeysU32: (
    columnCount: number, idPtrsPtr: number, cardinalitiesPtr: number, count: number,
    outPtr: number,
  ) => number;
  /** Packs columnCount dense u32 id blocks into u64 keys (product of cardinalities < 2^64). */
  readonly buildKeysU64: (
    columnCount: number, idPtrsPtr: number, cardinalitiesPtr: number, count: number,
    outPtr: number,
  ) => number;
  readonly hashTableInit: (tablePtr: number, capacity: number, maxGroups: number) => number;
  /** Maps u64 keys to group ids, adding groups; see AGGREGATE.md for the stop contract. */
  readonly hashGroupIds: (
    tablePtr: number, keysPtr: number, count: number, groupIdsPtr: number,
  ) => number;
  /** Maps u64 keys to existing group ids; unseen keys get missingGroupId. */
  readonly hashLookupGroupIds: (
    tablePtr: number, keysPtr: number, count: number, groupIdsPtr: number,
    missingGroupId: number,
  ) => number;
  /** Copies all groups into an initialised, empty, larger table. */
  readonly hashTableRehash: (fromPtr: number, toPtr: number) => number;
  /** keysOut[g] = key of group g (u64); returns numGroups. */
  readonly hashTableKeys: (tablePtr: number, keysOutPtr: number) => number;
}
