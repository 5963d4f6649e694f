// A generated table for the star-tree test and benchmark: three dimensions in the split order
// (STRING, INT, STRING of growing cardinality), one dimension outside it, and INT, LONG and
// DOUBLE metrics, built as dictionary-encoded columns (no row objects), written as immutable
// segments and loaded into a kernels memory, with a query engine over them.
import { join } from 'node:path';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import type { Schema, TableConfig } from '../../host/config/types.js';
import { QueryEngine, type QueryableTable } from '../../host/query/engine.js';
import type { KernelContext } from '../../host/query/kernelMemory.js';
import type { Segment } from '../../segments/spi/segment.js';
import type { ColumnarInput } from '../../segments/spi/builder.js';
import { loadImmutableSegment } from '../../segments/immutable/segment.js';
import { writeImmutableSegment } from '../../segments/immutable/writer.js';

/** The generated table's name in queries. */
export const GENERATED_TABLE = 'starGen';
/** Distinct values per column: small, medium and large dimensions, a free one, metrics. */
const CARDINALITY = { region: 8, store: 60, product: 400, hour: 24, units: 1000, price: 5000 };

const quiet = (): void => {};

export function generatedSchema(): Schema {
  return parseSchema(
    {
      schemaName: GENERATED_TABLE,
      dimensionFieldSpecs: [
        { name: 'region', dataType: 'STRING' },
        { name: 'store', dataType: 'INT' },
        { name: 'product', dataType: 'STRING' },
        { name: 'hour', dataType: 'INT' },
      ],
      metricFieldSpecs: [
        { name: 'units', dataType: 'INT' },
        { name: 'revenue', dataType: 'LONG' },
        { name: 'price', dataType: 'DOUBLE' },
      ],
    },
    quiet,
  );
}

/** The table config; `withStarTree: false` builds the same segments without a tree. */
export function generatedTableConfig(withStarTree: boolean, maxLeafRecords = 100): TableConfig {
  const starTreeIndexConfigs = [
    {
      dimensionsSplitOrder: ['region', 'store', 'product'],
      skipStarNodeCreationForDimensions: [],
      functionColumnPairs: [
        'COUNT__*',
        'SUM__units',
        'MIN__units',
        'MAX__units',
        'AVG__price',
        'SUM__revenue',
        'MAX__price',
      ],
      maxLeafRecords,
    },
  ];
  return parseTableConfig(
    {
      tableName: GENERATED_TABLE,
      tableType: 'OFFLINE',
      segmentsConfig: { replication: '1' },
      tableIndexConfig: { starTreeIndexConfigs: withStarTree ? starTreeIndexConfigs : [] },
    },
    quiet,
  );
}

/** mulberry32: a reproducible stream of u32. */
function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function encoded(values: readonly (string | number | bigint)[], dictIds: Uint32Array) {
  return { kind: 'dictionaryEncoded' as const, values, dictIds, nullDocIds: new Uint32Array(0) };
}

/** `docCount` rows; skewed store and product ids, so groups differ in size. */
export function generatedColumns(docCount: number, seed: number): ColumnarInput {
  const next = randomStream(seed);
  const ids = Object.fromEntries(
    Object.keys(CARDINALITY).map((name) => [name, new Uint32Array(docCount)]),
  ) as Record<keyof typeof CARDINALITY, Uint32Array>;
  for (let doc = 0; doc < docCount; doc++) {
    ids.region[doc] = next() % CARDINALITY.region;
    // Squaring skews toward small ids: some stores and products are much more frequent.
    const store = (next() % 1000) / 1000;
    ids.store[doc] = Math.floor(store * store * CARDINALITY.store);
    const product = (next() % 10000) / 10000;
    ids.product[doc] = Math.floor(product * product * CARDINALITY.product);
    ids.hour[doc] = next() % CARDINALITY.hour;
    ids.units[doc] = next() % CARDINALITY.units;
    ids.price[doc] = next() % CARDINALITY.price;
  }
  const range = (count: number, map: (i: number) => string | number | bigint) =>
    Array.from({ length: count }, (_, i) => map(i));
  return {
    docCount,
    columns: {
      region: encoded(
        range(CARDINALITY.region, (i) => `region-${i}`),
        ids.region,
      ),
      store: encoded(
        range(CARDINALITY.store, (i) => 1000 + i * 7),
        ids.store,
      ),
      product: encoded(
        range(CARDINALITY.product, (i) => `p${String(i).padStart(4, '0')}`),
        ids.product,
      ),
      hour: encoded(
        range(CARDINALITY.hour, (i) => i),
        ids.hour,
      ),
      units: encoded(
        range(CARDINALITY.units, (i) => i - 100),
        ids.units,
      ),
      // Revenue shares the units' ids: a LONG of a larger magnitude.
      revenue: encoded(
        range(CARDINALITY.units, (i) => BigInt(i) * 1_000_003n),
        ids.units,
      ),
      price: encoded(
        range(CARDINALITY.price, (i) => i * 0.25),
        ids.price,
      ),
    },
  };
}

export interface GeneratedTable {
  readonly engine: QueryEngine;
  readonly segments: readonly Segment[];
  /** Milliseconds spent writing the segment files (encoding + star-tree build). */
  readonly writeMs: number;
}

/**
 * Writes `segmentCount` segments of `docsPerSegment` rows to `dir`, loads them into `context`'s
 * memory and returns an engine over them. The caller releases the segments.
 */
export async function generatedTable(
  dir: string,
  docsPerSegment: number,
  segmentCount: number,
  context: KernelContext,
  withStarTree = true,
): Promise<GeneratedTable> {
  const schema = generatedSchema();
  const tableConfig = generatedTableConfig(withStarTree);
  const segments: Segment[] = [];
  let writeMs = 0;
  for (let i = 0; i < segmentCount; i++) {
    const file = join(dir, `${GENERATED_TABLE}_${i}.seg`);
    const columns = generatedColumns(docsPerSegment, i + 1);
    const started = performance.now();
    await writeImmutableSegment({ schema, tableConfig, segmentName: `seg${i}`, columns }, file);
    writeMs += performance.now() - started;
    segments.push(await loadImmutableSegment(file, context.allocator, context.kernels.memory));
  }
  const table: QueryableTable = { config: tableConfig, schema, segments: () => segments };
  const engine = new QueryEngine({ resolve: () => [table] }, context);
  return { engine, segments, writeMs };
}
