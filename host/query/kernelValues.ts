// Numeric value sources of the aggregation fast paths: where an SV numeric column's values lie
// in the shared memory (raw values, or a fixed-width dictionary plus packed ids) and how one
// block of docs becomes the (values, selection) pair the aggregate kernels read.
import type { StoredType } from '../config/types.js';
import type { ForwardIndexLocator } from '../../segments/spi/columnReader.js';
import type { DictionaryLocator } from '../../segments/spi/dictionary.js';
import { AggValueType, AGG_VALUE_BYTES } from '../runtime/exports/aggregate.js';
import type { KernelInstance } from '../runtime/kernelModule.js';
import { checkStatus } from '../runtime/status.js';
import { U32_BYTES, type DocBlock, type MemoryViews } from './kernelMemory.js';

/** The forward index of an SV dictionary column. */
export type PackedIdsLocator = Extract<ForwardIndexLocator, { layout: 'packedIds' }>;

/** The widest dictionary id the bit-packing kernels read. */
const MAX_BITS_PER_ID = 32;

/** An SV numeric column as the fast paths take it from a ColumnReader. */
export interface NumericColumn {
  readonly forward: ForwardIndexLocator;
  /** Present for dictionary-encoded columns. */
  readonly dictionary?: DictionaryLocator | undefined;
  readonly storedType: StoredType;
}

/** A numeric column resolved for the kernels. */
export interface ValueSource {
  readonly valueType: AggValueType;
  readonly widthBytes: number;
  /** Raw values (one per doc) or dictionary values (one per id). */
  readonly valuesPtr: number;
  /** The packed ids of a dictionary column; undefined for raw values. */
  readonly packed: PackedIdsLocator | undefined;
  /** FLOAT and DOUBLE: MIN/MAX need the NaN and signed-zero rules of the row path. */
  readonly isFloat: boolean;
}

const VALUE_TYPES: Partial<Record<StoredType, AggValueType>> = {
  INT: AggValueType.I32,
  LONG: AggValueType.I64,
  FLOAT: AggValueType.F32,
  DOUBLE: AggValueType.F64,
};

/** True for packed ids the kernels can read. */
export function isPackedIds(locator: ForwardIndexLocator | undefined): locator is PackedIdsLocator {
  return (
    locator?.layout === 'packedIds' &&
    locator.bitsPerValue >= 1 &&
    locator.bitsPerValue <= MAX_BITS_PER_ID
  );
}

/** The kernels' view of `column`; undefined when no fast path applies (MV, STRING, no locator). */
export function valueSourceOf(column: NumericColumn): ValueSource | undefined {
  const valueType = VALUE_TYPES[column.storedType];
  if (valueType === undefined) return undefined;
  const widthBytes = AGG_VALUE_BYTES[valueType]!;
  const isFloat = valueType === AggValueType.F32 || valueType === AggValueType.F64;
  const { forward, dictionary } = column;
  // Host views index values by element, so the values must be aligned to their width.
  const aligned = (ptr: number): boolean => ptr % widthBytes === 0;
  if (dictionary !== undefined) {
    if (!isPackedIds(forward) || dictionary.layout !== 'fixed') return undefined;
    if (dictionary.valueWidthBytes !== widthBytes || !aligned(dictionary.valuesPtr)) {
      return undefined;
    }
    return { valueType, widthBytes, valuesPtr: dictionary.valuesPtr, packed: forward, isFloat };
  }
  if (forward.layout !== 'rawFixed' || forward.valueWidthBytes !== widthBytes) return undefined;
  if (!aligned(forward.valuesPtr)) return undefined;
  return { valueType, widthBytes, valuesPtr: forward.valuesPtr, packed: undefined, isFloat };
}

/** Decodes the dictionary ids of the block's docs into `outPtr` (room for block.count u32). */
export function loadIds(
  kernels: KernelInstance,
  packed: PackedIdsLocator,
  block: DocBlock,
  outPtr: number,
): void {
  const { idsPtr, bitsPerValue } = packed;
  if (block.docsPtr === 0) {
    checkStatus(
      'unpack',
      kernels.exports.unpack(idsPtr, bitsPerValue, block.startDoc, block.count, outPtr),
    );
  } else {
    checkStatus(
      'unpackAt',
      kernels.exports.unpackAt(idsPtr, bitsPerValue, block.docsPtr, block.count, outPtr),
    );
  }
}

/** What an aggregate kernel reads for one block: row r is values[sel[r]] or values[r]. */
export interface BoundBlock {
  valuesPtr: number;
  /** 0: dense rows. */
  selPtr: number;
}

/** Points the kernels at the block's values; dictionary ids go to `idsPtr` first. */
export function bindBlock(
  kernels: KernelInstance,
  source: ValueSource,
  block: DocBlock,
  idsPtr: number,
  out: BoundBlock,
): BoundBlock {
  if (source.packed !== undefined) {
    loadIds(kernels, source.packed, block, idsPtr);
    out.valuesPtr = source.valuesPtr;
    out.selPtr = idsPtr;
  } else if (block.docsPtr === 0) {
    out.valuesPtr = source.valuesPtr + block.startDoc * source.widthBytes;
    out.selPtr = 0;
  } else {
    out.valuesPtr = source.valuesPtr;
    out.selPtr = block.docsPtr;
  }
  return out;
}

/** Row r's value of a bound FLOAT/DOUBLE block, as a double. */
export function floatValueAt(
  views: MemoryViews,
  source: ValueSource,
  bound: BoundBlock,
  row: number,
): number {
  const base = bound.valuesPtr / source.widthBytes;
  const index = bound.selPtr === 0 ? base + row : base + views.u32[bound.selPtr / U32_BYTES + row]!;
  return source.valueType === AggValueType.F32 ? views.f32[index]! : views.f64[index]!;
}
