import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig, validateTableAgainstSchema } from '../../host/config/tableConfig.js';
import { ConfigError } from '../../host/errors/errors.js';

const fixtures = new URL('../../../test/fixtures/airlineStats/', import.meta.url);

function readJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as Record<string, unknown>;
}

function collect(): { warnings: string[]; warn: (message: string) => void } {
  const warnings: string[] = [];
  return { warnings, warn: (message) => warnings.push(message) };
}

const schema = parseSchema(readJson('airlineStats_schema.json'));

test('the airline OFFLINE config parses unchanged', () => {
  const { warnings, warn } = collect();
  const json = readJson('airlineStats_offline_table_config.json');
  const table = parseTableConfig(json, warn);
  assert.equal(table.tableName, 'airlineStats');
  assert.equal(table.tableType, 'OFFLINE');
  assert.equal(table.tableNameWithType, 'airlineStats_OFFLINE');
  assert.deepEqual(table.segmentsConfig, {
    replication: 1, timeColumnName: 'DaysSinceEpoch', timeType: 'DAYS', segmentPushType: 'APPEND',
  });
  assert.deepEqual(table.fieldConfigList, [
    { name: 'ts', encodingType: 'DICTIONARY', indexTypes: ['TIMESTAMP'], timestampGranularities: ['DAY', 'WEEK', 'MONTH'] },
    { name: 'ArrTimeBlk', encodingType: 'DICTIONARY', indexTypes: ['INVERTED'], timestampGranularities: [] },
  ]);
  assert.equal(table.tableIndexConfig.starTreeIndexConfigs.length, 2);
  assert.deepEqual(table.tableIndexConfig.starTreeIndexConfigs[0], {
    dimensionsSplitOrder: ['AirlineID', 'Origin', 'Dest'],
    skipStarNodeCreationForDimensions: [],
    functionColumnPairs: ['COUNT__*', 'MAX__ArrDelay'],
    maxLeafRecords: 10,
  });
  assert.equal(table.tableIndexConfig.loadMode, 'MMAP');
  assert.deepEqual(table.ingestionConfig.transformConfigs, [
    { columnName: 'ts', transformFunction: 'fromEpochDays(DaysSinceEpoch)' },
    { columnName: 'tsRaw', transformFunction: 'fromEpochDays(DaysSinceEpoch)' },
  ]);
  assert.equal(table.nullHandlingEnabled, false);
  assert.deepEqual(table.json, json);
  assert.deepEqual(warnings.sort(), [
    'fieldConfigList[1].tierOverwrites: storage tiers are not supported; ignored',
    'tableIndexConfig.tierOverwrites: storage tiers are not supported; ignored',
    'tableSamplers: table samplers are not supported; ignored',
    'tierConfigs: storage tiers are not supported (one node keeps every segment); ignored',
  ]);
  validateTableAgainstSchema(table, schema);
});

test('the airline REALTIME config parses unchanged', () => {
  const { warnings, warn } = collect();
  const table = parseTableConfig(readJson('airlineStats_realtime_table_config.json'), warn);
  assert.equal(table.tableNameWithType, 'airlineStats_REALTIME');
  assert.equal(table.segmentsConfig.retentionTimeUnit, 'DAYS');
  assert.equal(table.segmentsConfig.retentionTimeValue, '5');
  assert.equal(table.ingestionConfig.streamConfigMaps.length, 1);
  assert.equal(table.ingestionConfig.streamConfigMaps[0]?.['stream.kafka.topic.name'], 'flights-realtime');
  assert.equal(table.ingestionConfig.streamConfigMaps[0]?.['realtime.segment.flush.threshold.size'], '50000');
  assert.deepEqual(warnings, []);
  validateTableAgainstSchema(table, schema);
});

test('the older tableIndexConfig.streamConfigs is read too', () => {
  const table = parseTableConfig({
    tableName: 't_REALTIME',
    tableType: 'REALTIME',
    tableIndexConfig: {
      streamConfigs: { streamType: 'kafka', 'stream.kafka.topic.name': 'x', 'realtime.segment.flush.threshold.rows': 1000 },
      nullHandlingEnabled: true,
    },
  });
  assert.equal(table.tableName, 't');
  assert.deepEqual(table.tableIndexConfig.streamConfigs, {
    streamType: 'kafka', 'stream.kafka.topic.name': 'x', 'realtime.segment.flush.threshold.rows': '1000',
  });
  assert.deepEqual(table.ingestionConfig.streamConfigMaps, [table.tableIndexConfig.streamConfigs]);
  assert.equal(table.nullHandlingEnabled, true);
});

test('index lists, sorted column, partitioning, filter config', () => {
  const table = parseTableConfig({
    tableName: 't',
    tableType: 'OFFLINE',
    segmentsConfig: { replication: 2 },
    tableIndexConfig: {
      invertedIndexColumns: ['a'],
      rangeIndexColumns: ['b'],
      sortedColumn: 'c',
      noDictionaryColumns: ['d'],
      bloomFilterColumns: ['e'],
      loadMode: 'HEAP',
      segmentPartitionConfig: { columnPartitionMap: { a: { functionName: 'Murmur', numPartitions: 4 } } },
    },
    fieldConfigList: [{ name: 'f', encodingType: 'RAW', indexes: { range: {}, bloom: { enabled: false } } }],
    ingestionConfig: { filterConfig: { filterFunction: "strcmp(a, 'x') = 0" } },
  });
  assert.equal(table.segmentsConfig.replication, 2);
  assert.deepEqual(table.tableIndexConfig.sortedColumn, ['c']);
  assert.equal(table.tableIndexConfig.loadMode, 'HEAP');
  assert.deepEqual(table.tableIndexConfig.segmentPartitionConfig, {
    columnPartitionMap: { a: { functionName: 'Murmur', numPartitions: 4 } },
  });
  assert.deepEqual(table.fieldConfigList[0]?.indexTypes, ['RANGE']);
  assert.equal(table.ingestionConfig.filterFunction, "strcmp(a, 'x') = 0");
});

test('invalid values name the field path', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ tableType: 'BATCH' }, /^tableType: "BATCH" is not OFFLINE or REALTIME/],
    [{ tableName: 'has space' }, /^tableName: "has space" may only hold/],
    [{ segmentsConfig: { replication: 'two' } }, /^segmentsConfig\.replication: expected an integer/],
    [{ tableIndexConfig: { loadMode: 'DISK' } }, /^tableIndexConfig\.loadMode: "DISK" is not MMAP or HEAP/],
    [{ tableIndexConfig: { invertedIndexColumns: [1] } },
      /^tableIndexConfig\.invertedIndexColumns\[0\]: expected a non-empty string/],
    [{ tableIndexConfig: { starTreeIndexConfigs: [{ dimensionsSplitOrder: ['a'], functionColumnPairs: ['SUM'] }] } },
      /^tableIndexConfig\.starTreeIndexConfigs\[0\]\.functionColumnPairs\[0\]: "SUM" is not FUNCTION__column/],
    [{ fieldConfigList: [{ name: 'a', encodingType: 'LZ4' }] }, /^fieldConfigList\[0\]\.encodingType/],
    [{ ingestionConfig: { transformConfigs: [{ columnName: 'a' }] } },
      /^ingestionConfig\.transformConfigs\[0\]\.transformFunction: is required/],
    [{ ingestionConfig: { filterConfig: { filterFunction: 'Groovy({x > 1}, x)' } } },
      /^ingestionConfig\.filterConfig\.filterFunction: Groovy scripts are not supported/],
    [{ ingestionConfig: { transformConfigs: [{ columnName: 'a', transformFunction: 'groovy({1}, b)' }] } },
      /Groovy scripts are not supported/],
  ];
  for (const [extra, message] of cases) {
    const json = { tableName: 't', tableType: 'OFFLINE', ...extra };
    assert.throws(() => parseTableConfig(json, () => undefined),
      (error: unknown) => error instanceof ConfigError && message.test(error.message),
      JSON.stringify(extra));
  }
  assert.throws(() => parseTableConfig({ tableName: 't', tableType: 'REALTIME' }),
    /a REALTIME table needs a stream config/);
});

test('unknown keys become warnings naming the key', () => {
  const { warnings, warn } = collect();
  parseTableConfig({ tableName: 't', tableType: 'OFFLINE', colour: 1, segmentsConfig: { shards: 3 } }, warn);
  assert.deepEqual(warnings.sort(), ['colour: unknown key, ignored', 'segmentsConfig.shards: unknown key, ignored']);
});

test('validateTableAgainstSchema names every missing column', () => {
  const table = parseTableConfig({
    tableName: 'airlineStats',
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'Days' },
    tableIndexConfig: {
      invertedIndexColumns: ['Carrier', 'Carier'],
      starTreeIndexConfigs: [{ dimensionsSplitOrder: ['Origin'], functionColumnPairs: ['COUNT__*', 'SUM__Miles'] }],
    },
    ingestionConfig: { transformConfigs: [{ columnName: 'hour', transformFunction: 'toEpochHours(ts)' }] },
  });
  assert.throws(() => validateTableAgainstSchema(table, schema), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /segmentsConfig\.timeColumnName: "Days"/);
    assert.match(error.message, /tableIndexConfig\.invertedIndexColumns\[1\]: "Carier"/);
    assert.match(error.message, /starTreeIndexConfigs\[0\]\.functionColumnPairs\[1\]: "Miles"/);
    assert.match(error.message, /transformConfigs\[0\]\.columnName: "hour"/);
    assert.doesNotMatch(error.message, /"Carrier"|"\*"/);
    return true;
  });
  const notTime = parseTableConfig({ tableName: 't', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'Carrier' } });
  assert.throws(() => validateTableAgainstSchema(notTime, schema), /timeColumnName: "Carrier" must be a dateTimeFieldSpecs/);
});
