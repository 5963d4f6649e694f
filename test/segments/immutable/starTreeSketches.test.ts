// The star-tree's sketch slots built by the kernels equal the host loop's: every record's HLL
// registers exactly; every record's t-digest holds the same count, min and max, and answers
// within FORMAT.md's rank bound of the record's exact values (bit-equal to the host's where a
// record's values are distinct and one compress covers them). SV and MV, over the dense and the
// sort path of the build, with a raw column falling back to the host loop.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldSpec, ScalarValue, StarTreeIndexConfig } from '../../../host/config/types.js';
import { deserializeSketch } from '../../../host/query/sketches/aggregate.js';
import {
  hllAdd,
  hllAddHash,
  hllNew,
  hllSerialize,
  type HllState,
  tdigestCount,
  tdigestQuantile,
  type TDigestState,
} from '../../../host/query/sketches/index.js';
import { bitsNeeded, pack, packedSizeBytes } from '../../../kernels/reference/bitpack.js';
import { STAR_ID } from '../../../kernels/reference/starTree.js';
import type { ColumnMetadata } from '../../../segments/spi/metadata.js';
import { buildStarTree, type StarTreeColumn } from '../../../segments/immutable/starTreeBuilder.js';
import type { StarTreeParts } from '../../../segments/immutable/starTreeLayout.js';
import {
  HllRecords,
  starTreeSketchCounters,
} from '../../../segments/immutable/starTreeSketches.js';
import { forEachSeed, type SeededRandom } from '../../support/random.js';
import { field } from './support.js';

/** Docs per generated segment: records of ~10 docs, many star and aggregated records. */
const DOC_COUNT = 3000;
/** Quantiles checked per digest. */
const QUANTILES = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
/** FORMAT.md: at compression 100 a t-digest's rank is within 1% of n. */
const RANK_ERROR = 0.01;
/** The digest column whose values never tie (random doubles). */
const DISTINCT_VALUES_COLUMN = 'latency';
/** Values a host digest buffers before its first compress (5 × compression 100). */
const HOST_BUFFERED_VALUES = 500;

interface ColumnData {
  readonly field: FieldSpec;
  readonly entries: ScalarValue[];
  readonly mvOffsets: Uint32Array | undefined;
}

function compareValues(a: ScalarValue, b: ScalarValue): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number(a) - Number(b);
}

/** The column as the writer hands it over: a sorted dictionary's packed ids, or raw. */
function starTreeColumn(data: ColumnData, docCount: number, dictionary = true): StarTreeColumn {
  const distinct = [...new Set(data.entries)].sort(compareValues);
  const idOf = new Map(distinct.map((value, id) => [value, id]));
  const ids = Uint32Array.from(data.entries, (value) => idOf.get(value)!);
  const bits = bitsNeeded(Math.max(1, distinct.length - 1));
  const packed = new Uint8Array(packedSizeBytes(ids.length, bits));
  pack(ids, bits, packed);
  const metadata: ColumnMetadata = {
    name: data.field.name,
    dataType: data.field.dataType,
    storedType: data.field.storedType,
    singleValue: data.field.singleValueField,
    hasDictionary: dictionary,
    cardinality: distinct.length,
    bitsPerValue: dictionary ? bits : 0,
    isSorted: false,
    hasInvertedIndex: false,
    hasRangeIndex: false,
    minValue: distinct[0],
    maxValue: distinct[distinct.length - 1],
    totalNumberOfEntries: data.entries.length,
    maxNumberOfMultiValues: 1,
    nullCount: 0,
  };
  const forwardIds = dictionary ? packed : undefined;
  assert.ok(data.mvOffsets === undefined || data.mvOffsets.length === docCount + 1);
  const { entries, mvOffsets } = data;
  return { field: data.field, metadata, forwardIds, entries, mvOffsets };
}

function svColumn(name: string, type: FieldSpec['storedType'], draw: () => ScalarValue) {
  const entries = Array.from({ length: DOC_COUNT }, draw);
  return { field: field(name, type, entries[0]!), entries, mvOffsets: undefined };
}

function mvColumn(name: string, type: FieldSpec['storedType'], draw: () => ScalarValue) {
  const mvOffsets = new Uint32Array(DOC_COUNT + 1);
  const entries: ScalarValue[] = [];
  for (let doc = 0; doc < DOC_COUNT; doc++) {
    const length = doc % 7 === 0 ? 0 : 1 + (doc % 3);
    for (let i = 0; i < length; i++) entries.push(draw());
    mvOffsets[doc + 1] = entries.length;
  }
  const spec = field(name, type, draw(), { singleValue: false });
  return { field: spec, entries, mvOffsets };
}

/** A segment's columns: small dims (dense path), wide dims (sort path), sketch columns. */
function generatedColumns(random: SeededRandom): Map<string, ColumnData> {
  const int = (bound: number) => () => random.int(0, bound - 1);
  const columns: ColumnData[] = [
    svColumn('region', 'INT', int(5)),
    svColumn('device', 'STRING', () => `d${random.int(0, 7)}`),
    svColumn('browser', 'LONG', () => BigInt(random.int(0, 5))),
    svColumn('city', 'STRING', () => `c${random.int(0, 399)}`),
    svColumn('shop', 'INT', int(400)),
    svColumn('user', 'LONG', () => BigInt(random.int(0, 299) * 1_000_003)),
    svColumn('userName', 'STRING', () => `u${random.int(0, 199)}`),
    svColumn('latency', 'DOUBLE', () => random.next() * 1000),
    svColumn('score', 'INT', int(20)),
    svColumn('ratio', 'FLOAT', () => Math.fround(random.int(0, 49) / 8)),
    mvColumn('tags', 'STRING', () => `t${random.int(0, 59)}`),
    mvColumn('sizes', 'INT', int(40)),
  ];
  return new Map(columns.map((column) => [column.field.name, column]));
}

const SKETCH_PAIRS = [
  'COUNT__*',
  'DISTINCTCOUNTHLL__user',
  'DISTINCTCOUNTHLL__userName',
  'DISTINCTCOUNTHLL__ratio',
  'PERCENTILETDIGEST__latency',
  'PERCENTILETDIGEST__score',
  'PERCENTILETDIGEST__ratio',
  'DISTINCTCOUNTHLLMV__tags',
  'PERCENTILETDIGESTMV__sizes',
];

function treeConfig(dims: string[], skip: string[] = []): StarTreeIndexConfig {
  return {
    dimensionsSplitOrder: dims,
    skipStarNodeCreationForDimensions: skip,
    functionColumnPairs: SKETCH_PAIRS,
    maxLeafRecords: 4,
  };
}

function buildBoth(config: StarTreeIndexConfig, columns: ReadonlyMap<string, StarTreeColumn>) {
  const before = { ...starTreeSketchCounters };
  const kernels = buildStarTree(config, columns, DOC_COUNT, 'test');
  const kernelSlots = starTreeSketchCounters.kernelSlots - before.kernelSlots;
  const host = buildStarTree(config, columns, DOC_COUNT, 'test', { sketchKernels: false });
  return { kernels, host, kernelSlots };
}

function recordBytes(parts: StarTreeParts, slot: number, record: number): Uint8Array {
  const { offsets, bytes } = parts.sketches[slot]!;
  return bytes.subarray(offsets[record]!, offsets[record + 1]!);
}

/** The values of the docs a record aggregates (its non-STAR dims match). */
function recordValues(
  parts: StarTreeParts,
  record: number,
  dimIds: readonly Uint32Array[],
  column: ColumnData,
): ScalarValue[] {
  const dimCount = dimIds.length;
  const key = parts.dims.subarray(record * dimCount, (record + 1) * dimCount);
  const values: ScalarValue[] = [];
  for (let doc = 0; doc < DOC_COUNT; doc++) {
    let match = true;
    for (let d = 0; d < dimCount && match; d++) {
      match = key[d] === STAR_ID || key[d] === dimIds[d]![doc];
    }
    if (!match) continue;
    if (column.mvOffsets === undefined) values.push(column.entries[doc]!);
    else {
      for (let i = column.mvOffsets[doc]!; i < column.mvOffsets[doc + 1]!; i++) {
        values.push(column.entries[i]!);
      }
    }
  }
  return values;
}

/** The digest answers every quantile within the rank bound (ties widen it by their share). */
function checkDigest(digest: TDigestState, values: readonly number[], context: string): void {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  assert.equal(tdigestCount(digest), n, `${context}: count`);
  if (n === 0) return;
  assert.equal(digest.min, sorted[0], `${context}: min`);
  assert.equal(digest.max, sorted[n - 1], `${context}: max`);
  let maxTies = 1;
  for (let i = 1, run = 1; i < n; i++) {
    run = sorted[i] === sorted[i - 1] ? run + 1 : 1;
    maxTies = Math.max(maxTies, run);
  }
  const tolerance = RANK_ERROR * n + 1 + maxTies;
  for (const q of QUANTILES) {
    const answer = tdigestQuantile(digest, q);
    const below = sorted.filter((value) => value < answer).length;
    const atMost = sorted.filter((value) => value <= answer).length;
    const target = q * n;
    const distance = target < below ? below - target : target > atMost ? target - atMost : 0;
    assert.ok(distance <= tolerance, `${context}: q ${q} → ${answer}, rank off by ${distance}`);
  }
}

function checkTree(config: StarTreeIndexConfig, data: Map<string, ColumnData>, raw = '') {
  const columns = new Map(
    [...data].map(([name, column]) => [name, starTreeColumn(column, DOC_COUNT, name !== raw)]),
  );
  const { kernels, host, kernelSlots } = buildBoth(config, columns);
  const slotNames = kernels.description.sketches ?? [];
  assert.ok(slotNames.length > 0);
  assert.equal(kernels.recordCount, host.recordCount);
  assert.deepEqual(kernels.dims, host.dims);
  const dimIds = config.dimensionsSplitOrder.map((name) => {
    const column = data.get(name)!;
    const distinct = [...new Set(column.entries)].sort(compareValues);
    const idOf = new Map(distinct.map((value, id) => [value, id]));
    return Uint32Array.from(column.entries, (value) => idOf.get(value)!);
  });
  let exactDigests = 0;
  slotNames.forEach((name, slot) => {
    const [, kind, columnName] = /^(\w+)\(\d+\):(\w+)$/.exec(name)!;
    const column = data.get(columnName!)!;
    for (let record = 0; record < kernels.recordCount; record++) {
      const context = `${name} record ${record}`;
      const kernelBytes = recordBytes(kernels, slot, record);
      const hostBytes = recordBytes(host, slot, record);
      const values = recordValues(kernels, record, dimIds, column);
      if (kind === 'hll') {
        assert.deepEqual(kernelBytes, hostBytes, context);
        const exact = hllNew(8);
        for (const value of values) hllAdd(exact, value);
        const built = deserializeSketch('hll', kernelBytes);
        assert.deepEqual(built.sketch === 'hll' && built.registers, exact.registers, context);
        continue;
      }
      const numbers = values.map(Number);
      const digest = deserializeSketch('tdigest', kernelBytes) as TDigestState & object;
      checkDigest(digest, numbers, `kernels ${context}`);
      checkDigest(deserializeSketch('tdigest', hostBytes) as TDigestState, numbers, context);
      const leaf = kernels.dims
        .subarray(record * dimIds.length, (record + 1) * dimIds.length)
        .every((id) => id !== STAR_ID);
      // Without ties the entries' order is the host's, so merges compress the same sequences.
      if (columnName === DISTINCT_VALUES_COLUMN) {
        assert.deepEqual(kernelBytes, hostBytes, `${context}: the host's merges`);
      }
      const oneCompress = new Set(numbers).size === numbers.length;
      if (leaf && oneCompress && numbers.length < HOST_BUFFERED_VALUES) {
        assert.deepEqual(kernelBytes, hostBytes, `${context}: one compress of the same values`);
        exactDigests++;
      }
    }
  });
  return { kernelSlots, exactDigests, slotCount: slotNames.length };
}

describe('star-tree sketch slots built by the kernels', () => {
  test('dense path: every record equals the host build (HLL) or its bound (digests)', () => {
    forEachSeed(2, (random) => {
      const data = generatedColumns(random);
      const result = checkTree(treeConfig(['region', 'device', 'browser']), data);
      assert.equal(result.kernelSlots, result.slotCount);
      assert.ok(result.exactDigests > 0, 'some leaf digests compare bit for bit');
    });
  });

  test('sort path and skipped star dims', () => {
    forEachSeed(1, (random) => {
      const data = generatedColumns(random);
      const config = treeConfig(['city', 'shop', 'region'], ['shop']);
      const result = checkTree(config, data);
      assert.equal(result.kernelSlots, result.slotCount);
    });
  });

  test('register blocks serialize and merge as hllSerialize and hllMerge', () => {
    forEachSeed(3, (random) => {
      const log2m = random.int(1, 14);
      const states: HllState[] = Array.from({ length: random.int(1, 20) }, () => {
        const state = hllNew(log2m);
        const offers = random.int(0, 3000);
        for (let i = 0; i < offers; i++) hllAddHash(state, random.int(0, 0xffff_ffff) | 0);
        return state;
      });
      const block = HllRecords.fromStates(
        log2m,
        states.map((state) => ({ sketch: 'hll', ...state })),
      );
      const perm = Uint32Array.from(states, (_, r) => r).reverse();
      block.mergeRun(perm, 0, perm.length, states.length);
      const merged = hllNew(log2m);
      for (const state of states) {
        state.registers.forEach((rank, i) => {
          merged.registers[i] = Math.max(rank, merged.registers[i]!);
        });
      }
      const column = block.serialize(states.length + 1);
      [...states, merged].forEach((state, r) => {
        const bytes = column.bytes.subarray(column.offsets[r]!, column.offsets[r + 1]!);
        assert.deepEqual(bytes, hllSerialize(state), `log2m ${log2m} record ${r}`);
      });
    });
  });

  test('a raw (no dictionary) column falls back to the host loop', () => {
    forEachSeed(1, (random) => {
      const data = generatedColumns(random);
      const result = checkTree(treeConfig(['region', 'device']), data, 'latency');
      assert.equal(result.kernelSlots, result.slotCount - 1);
    });
  });
});
