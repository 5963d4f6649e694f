// Builders of schemas, table configs and shared memories for the immutable-segment tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  DataType,
  FieldSpec,
  FieldType,
  ScalarValue,
  Schema,
  StoredType,
  TableConfig,
  TableIndexConfig,
} from '../../../host/config/types.js';
import { MemoryAllocator } from '../../../host/runtime/allocator.js';
import {
  createSharedMemory,
  WASM32_MAX_PAGES,
  WASM_PAGE_BYTES,
} from '../../../host/runtime/memory.js';

/** Tests keep the first KiB free, as the kernels' static data would be. */
const TEST_HEAP_BASE_BYTES = 1024;

export interface TestMemory {
  readonly memory: WebAssembly.Memory;
  readonly allocator: MemoryAllocator;
}

export function testMemory(): TestMemory {
  const memory = createSharedMemory({ initialPages: 16 });
  const allocator = new MemoryAllocator(
    memory,
    TEST_HEAP_BASE_BYTES,
    WASM32_MAX_PAGES * WASM_PAGE_BYTES,
  );
  return { memory, allocator };
}

let temporaryRoot: string | undefined;

/** A fresh directory under one per-process temp root, which is removed when the process exits. */
export function temporaryDirectory(): string {
  if (temporaryRoot === undefined) {
    const root = mkdtempSync(join(tmpdir(), 'cuvee-segment-test-'));
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    temporaryRoot = root;
  }
  return mkdtempSync(join(temporaryRoot, 'case-'));
}

/** The data type the tests give each stored type (its identity type). */
const STORED: Readonly<Record<StoredType, DataType>> = {
  INT: 'INT',
  LONG: 'LONG',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  STRING: 'STRING',
  BYTES: 'BYTES',
};

export function field(
  name: string,
  storedType: StoredType,
  defaultNullValue: ScalarValue,
  options: { singleValue?: boolean; fieldType?: FieldType; format?: string } = {},
): FieldSpec {
  return {
    name,
    dataType: STORED[storedType],
    storedType,
    fieldType: options.fieldType ?? 'DIMENSION',
    singleValueField: options.singleValue ?? true,
    defaultNullValue,
    ...(options.format === undefined ? {} : { format: options.format, granularity: '1:DAYS' }),
  };
}

export function schemaOf(fields: readonly FieldSpec[]): Schema {
  return {
    schemaName: 'test',
    fields,
    primaryKeyColumns: [],
    enableColumnBasedNullHandling: false,
    json: {},
  };
}

export function tableConfigOf(
  indexes: Partial<TableIndexConfig> = {},
  timeColumnName?: string,
): TableConfig {
  return {
    tableName: 'test',
    tableType: 'OFFLINE',
    tableNameWithType: 'test_OFFLINE',
    segmentsConfig: { replication: 1, ...(timeColumnName === undefined ? {} : { timeColumnName }) },
    tableIndexConfig: {
      invertedIndexColumns: [],
      rangeIndexColumns: [],
      sortedColumn: [],
      noDictionaryColumns: [],
      bloomFilterColumns: [],
      starTreeIndexConfigs: [],
      loadMode: 'MMAP',
      ...indexes,
    },
    fieldConfigList: [],
    ingestionConfig: { transformConfigs: [], streamConfigMaps: [] },
    nullHandlingEnabled: false,
    json: {},
  };
}
