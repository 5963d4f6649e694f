// Pinot's segment partition functions (PartitionFunctionFactory): Murmur (Kafka's murmur2 of
// the value's string form, so a table partitioned like its Kafka topic lines up), Modulo and
// HashCode. The writer records which partitions a segment's values fall in; the broker computes
// the partition of an `=`/`IN` literal with the same function and skips segments without it.
import type { ScalarValue, StoredType, TableConfig } from '../config/types.js';
import type { ColumnPartitions } from '../../segments/spi/metadata.js';
import { ConfigError } from '../errors/errors.js';
import {
  javaDoubleHashCode,
  javaHashCode,
  javaLongHashCode,
  javaStringHashCode,
  kafkaMurmur2,
  utf8,
} from './sketches/hash.js';

export type PartitionFunctionName = 'Murmur' | 'Modulo' | 'HashCode';

export interface PartitionFunction {
  readonly name: PartitionFunctionName;
  readonly numPartitions: number;
  /** The partition of a value of the column's stored type. */
  partitionOf(value: ScalarValue): number;
}

const floatView = new Float32Array(1);
const floatBits = new Int32Array(floatView.buffer);

/** Java's toString of a stored value: integral FLOAT/DOUBLE values print as `3.0`. */
function javaString(value: ScalarValue, storedType: StoredType): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if ((storedType === 'FLOAT' || storedType === 'DOUBLE') && typeof value === 'number') {
    if (Number.isInteger(value) && Math.abs(value) < 1e7) return `${value}.0`;
  }
  return String(value);
}

/** The Java hashCode of the boxed stored value (Integer, Long, Float, Double, String). */
function storedHashCode(value: ScalarValue, storedType: StoredType): number {
  if (typeof value === 'number') {
    if (storedType === 'FLOAT') {
      floatView[0] = value;
      return Number.isNaN(value) ? 0x7fc00000 : floatBits[0]!;
    }
    if (storedType === 'DOUBLE') return javaDoubleHashCode(value);
    if (storedType === 'LONG') return javaLongHashCode(BigInt(value));
  }
  if (typeof value === 'string') return javaStringHashCode(value);
  return javaHashCode(value);
}

/** Java's `%` on ints then Pinot's toNonNegative. */
function nonNegative(remainder: number, numPartitions: number): number {
  return remainder < 0 ? remainder + numPartitions : remainder;
}

function moduloPartition(value: ScalarValue, numPartitions: number): number {
  if (typeof value === 'bigint')
    return nonNegative(Number(value % BigInt(numPartitions)), numPartitions);
  if (typeof value === 'number' && Number.isInteger(value)) {
    return nonNegative(value % numPartitions, numPartitions);
  }
  const text = typeof value === 'string' ? value.trim() : '';
  if (!/^[-+]?\d+$/.test(text)) {
    throw new ConfigError(
      `Modulo partitioning needs integer values, got ${String(value)}; use Murmur or HashCode`,
    );
  }
  return nonNegative(Number(BigInt(text) % BigInt(numPartitions)), numPartitions);
}

/** The function a `columnPartitionMap` entry names (case-insensitive, as Pinot). */
export function partitionFunction(
  functionName: string,
  numPartitions: number,
  storedType: StoredType,
): PartitionFunction {
  switch (functionName.toLowerCase()) {
    case 'murmur':
      return {
        name: 'Murmur',
        numPartitions,
        partitionOf: (value) =>
          (kafkaMurmur2(utf8(javaString(value, storedType))) & 0x7fffffff) % numPartitions,
      };
    case 'modulo':
      return {
        name: 'Modulo',
        numPartitions,
        partitionOf: (value) => moduloPartition(value, numPartitions),
      };
    case 'hashcode':
      return {
        name: 'HashCode',
        numPartitions,
        // Java's Math.abs leaves Integer.MIN_VALUE negative; `| 0` reproduces that.
        partitionOf: (value) => (Math.abs(storedHashCode(value, storedType)) | 0) % numPartitions,
      };
    default:
      throw new ConfigError(
        `Partition function "${functionName}" is not supported; use Murmur, Modulo or HashCode`,
      );
  }
}

/** A column as the writer has it: its stored type and every entry (nulls as defaults). */
interface PartitionSource {
  readonly field: { readonly name: string; readonly storedType: StoredType };
  readonly entries: readonly ScalarValue[];
  readonly encoded?: { readonly values: readonly ScalarValue[] } | undefined;
}

/**
 * The partitions each `columnPartitionMap` column's values fall in, for the segment metadata;
 * undefined when the table is not partitioned.
 */
export function segmentPartitions(
  tableConfig: TableConfig,
  columns: readonly PartitionSource[],
): Map<string, ColumnPartitions> | undefined {
  const map = tableConfig.tableIndexConfig.segmentPartitionConfig?.columnPartitionMap;
  if (map === undefined) return undefined;
  const partitions = new Map<string, ColumnPartitions>();
  for (const column of columns) {
    const config = map[column.field.name];
    if (config === undefined) continue;
    const { functionName, numPartitions } = config;
    const fn = partitionFunction(functionName, numPartitions, column.field.storedType);
    const seen = new Set<number>();
    // Distinct values when the input came dictionary-encoded: one call per value, not per row.
    for (const value of column.encoded?.values ?? column.entries) {
      seen.add(fn.partitionOf(value));
      if (seen.size === fn.numPartitions) break;
    }
    partitions.set(column.field.name, {
      functionName: config.functionName,
      numPartitions: config.numPartitions,
      partitionIds: [...seen].sort((a, b) => a - b),
    });
  }
  return partitions;
}
