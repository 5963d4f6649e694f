// Segment pruning: bloom filters let the server skip segments whose min/max cannot (a value
// inside the range but absent), partition metadata and time ranges let the broker skip
// segments before any server work, and answers stay those of an unpruned table.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../../host/config/types.js';
import { Cuvee } from '../../host/cuvee.js';
import { brokerPrune } from '../../host/query/brokerPrune.js';
import { parseQueryOptions } from '../../host/query/options.js';
import { partitionFunction } from '../../host/query/partitionFunctions.js';
import { planQuery } from '../../host/query/plan.js';
import { parseSql } from '../../host/sql/parser.js';
import type { TableData } from '../../host/table/tableData.js';
import {
  bloomAdd,
  bloomMightContain,
  bloomNew,
  decodeBloomFilter,
  encodeBloomFilter,
} from '../../segments/immutable/bloomFilter.js';

const SEGMENT_COUNT = 8;
const ROWS_PER_SEGMENT = 200;
const PARTITIONS = 4;
const DAY_MS = 86_400_000;
/** 2024-01-01T00:00:00Z. */
const BASE_MS = 1_704_067_200_000;

function schema(name: string): object {
  return {
    schemaName: name,
    dimensionFieldSpecs: [
      { name: 'memberId', dataType: 'INT' },
      { name: 'country', dataType: 'STRING' },
    ],
    metricFieldSpecs: [{ name: 'clicks', dataType: 'LONG' }],
    dateTimeFieldSpecs: [
      {
        name: 'ts',
        dataType: 'TIMESTAMP',
        format: '1:MILLISECONDS:TIMESTAMP',
        granularity: '1:MILLISECONDS',
      },
    ],
  };
}

function table(name: string, indexed: boolean): object {
  const index = indexed
    ? {
        bloomFilterColumns: ['country'],
        bloomFilterConfigs: { country: { fpp: 0.01 } },
        segmentPartitionConfig: {
          columnPartitionMap: { memberId: { functionName: 'Murmur', numPartitions: PARTITIONS } },
        },
      }
    : {};
  return {
    tableName: name,
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'ts', replication: '1' },
    tableIndexConfig: index,
  };
}

const murmur = partitionFunction('Murmur', PARTITIONS, 'INT');

/** Member ids in partition `partition`, in ascending order. */
function membersOf(partition: number, count: number): number[] {
  const members: number[] = [];
  for (let id = 1; members.length < count; id++)
    if (murmur.partitionOf(id) === partition) members.push(id);
  return members;
}

/** Segment s: one day, one partition, and countries 'aaa', 'zzz' plus its own 'm-s-k'. */
function segmentRows(segment: number): Row[] {
  const members = membersOf(segment % PARTITIONS, 20);
  return Array.from({ length: ROWS_PER_SEGMENT }, (_, i) => ({
    memberId: members[i % members.length]!,
    country: i % 10 === 0 ? 'aaa' : i % 10 === 1 ? 'zzz' : `m-${segment}-${i % 7}`,
    clicks: BigInt(i),
    ts: BigInt(BASE_MS + segment * DAY_MS + i * 1000),
  }));
}

describe('segment pruning', () => {
  let cuvee: Cuvee;
  let pruned: TableData;

  before(async () => {
    cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: () => {} });
    for (const [name, indexed] of [
      ['events', true],
      ['plain', false],
    ] as const) {
      await cuvee.createSchema(schema(name));
      await cuvee.createTable(table(name, indexed));
      const data = cuvee.table(name);
      for (let s = 0; s < SEGMENT_COUNT; s++) await cuvee.addRows(data, segmentRows(s));
    }
    pruned = cuvee.table('events');
  });

  after(async () => {
    await cuvee.close();
  });

  test('bloom filters: absent values inside min/max prune on the server', async () => {
    for (const where of [
      "country = 'm-3-5'",
      "country IN ('m-3-5', 'm-6-1')",
      "country = 'm-9-9'",
    ]) {
      const sql = `SELECT COUNT(*), SUM(clicks) FROM %t WHERE ${where}`;
      const withBloom = await cuvee.query(sql.replace('%t', 'events'));
      const without = await cuvee.query(sql.replace('%t', 'plain'));
      assert.deepEqual(withBloom.exceptions, []);
      assert.deepEqual(withBloom.resultTable!.rows, without.resultTable!.rows, where);
      const holders = where.includes('m-6-1') ? 2 : where.includes('m-9') ? 0 : 1;
      // Tiny filters (9 values each at fpp 0.01) may let one absent value through somewhere.
      const falsePositivesAllowed = holders === 0 ? 1 : 0;
      const prunedCount = withBloom.numSegmentsPrunedByServer;
      assert.ok(prunedCount >= SEGMENT_COUNT - holders - falsePositivesAllowed, where);
      assert.ok(prunedCount <= SEGMENT_COUNT - holders, where);
      assert.equal(without.numSegmentsPrunedByServer, 0, `${where}: min/max alone cannot prune`);
    }
    const common = await cuvee.query("SELECT COUNT(*) FROM events WHERE country = 'aaa'");
    assert.equal(common.numSegmentsPrunedByServer, 0);
  });

  function prune(sql: string): number {
    const plan = planQuery(parseSql(sql), pruned.schema, parseQueryOptions({}));
    const segments = pruned.segments();
    assert.equal(segments.length, SEGMENT_COUNT);
    return brokerPrune(pruned, plan, segments).prunedCount;
  }

  test('partition metadata records each segment’s partitions and prunes at the broker', () => {
    for (const segment of pruned.segments()) {
      const partitions = segment.metadata.partitions?.get('memberId');
      assert.equal(partitions?.partitionIds.length, 1);
      assert.equal(partitions?.functionName, 'Murmur');
    }
    const [inOne] = membersOf(1, 1);
    const [inThree] = membersOf(3, 1);
    assert.equal(prune(`SELECT COUNT(*) FROM events WHERE memberId = ${inOne}`), 6);
    assert.equal(prune(`SELECT COUNT(*) FROM events WHERE memberId IN (${inOne}, ${inThree})`), 4);
    assert.equal(prune(`SELECT COUNT(*) FROM events WHERE memberId = ${inOne} OR clicks > 5`), 0);
    assert.equal(prune(`SELECT COUNT(*) FROM events WHERE memberId <> ${inOne}`), 0);
  });

  test('time ranges prune at the broker, alone and with partitions', () => {
    const day = (d: number): number => BASE_MS + d * DAY_MS;
    assert.equal(prune(`SELECT COUNT(*) FROM events WHERE ts >= ${day(3)} AND ts < ${day(5)}`), 6);
    assert.equal(prune(`SELECT COUNT(*) FROM events WHERE ts > ${day(7) + DAY_MS}`), 8);
    const [inOne] = membersOf(1, 1);
    const both = `SELECT COUNT(*) FROM events WHERE ts < ${day(4)} AND memberId = ${inOne}`;
    assert.equal(prune(both), 7);
  });

  test('broker pruning leaves answers unchanged', async () => {
    const [inOne] = membersOf(1, 1);
    const sql = `SELECT COUNT(*), SUM(clicks) FROM events WHERE memberId = ${inOne}`;
    const plan = planQuery(parseSql(sql), pruned.schema, parseQueryOptions({}));
    const kept = brokerPrune(pruned, plan, pruned.segments()).segments;
    assert.equal(kept.length, 2);
    const response = await cuvee.query(sql);
    assert.equal(response.numSegmentsPrunedByBroker, SEGMENT_COUNT - 2);
    assert.equal(response.numSegmentsQueried, 2);
    const expected = [1, 5].flatMap(segmentRows).filter((row) => row['memberId'] === inOne);
    assert.deepEqual(response.resultTable!.rows[0], [
      expected.length,
      expected.reduce((sum, row) => sum + Number(row['clicks']), 0),
    ]);
  });
});

describe('bloom filter and partition functions', () => {
  test('no false negatives; false positives near the configured rate', () => {
    const filter = bloomNew(10_000, 0.01);
    for (let i = 0; i < 10_000; i++) bloomAdd(filter, `value-${i}`);
    const decoded = decodeBloomFilter(encodeBloomFilter(filter), 'test', 'column');
    for (let i = 0; i < 10_000; i++) assert.ok(bloomMightContain(decoded, `value-${i}`));
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++)
      if (bloomMightContain(decoded, `other-${i}`)) falsePositives++;
    assert.ok(falsePositives / 100_000 < 0.02, `${falsePositives} false positives`);
  });

  test("Murmur is Kafka's partitioner; Modulo and HashCode as Pinot", () => {
    const murmurOf = partitionFunction('murmur', 10, 'STRING');
    // (murmur2("21") & 0x7fffffff) % 10 with murmur2("21") = -973932308.
    assert.equal(murmurOf.partitionOf('21'), (-973932308 & 0x7fffffff) % 10);
    const modulo = partitionFunction('Modulo', 4, 'LONG');
    assert.equal(modulo.partitionOf(-5n), 3);
    assert.equal(modulo.partitionOf(10n), 2);
    const hashCode = partitionFunction('HashCode', 7, 'STRING');
    assert.equal(hashCode.partitionOf('hello'), 99162322 % 7);
    assert.throws(() => partitionFunction('Fnv', 4, 'INT'), /Murmur, Modulo or HashCode/);
  });
});
