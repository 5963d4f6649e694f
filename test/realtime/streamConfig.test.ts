// Stream config keys as Pinot writes them (both config locations), decoders by Pinot class
// name, the hybrid time boundary, and createTable refusing a stream it cannot read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import avsc from 'avsc';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import { parseSchema } from '../../host/config/schema.js';
import { ConfigError, DataError } from '../../host/errors/errors.js';
import { Cuvee } from '../../host/cuvee.js';
import { messageDecoder } from '../../host/realtime/decoders.js';
import { readStreamConfig } from '../../host/realtime/streamConfig.js';
import { computeTimeBoundary } from '../../host/realtime/timeBoundary.js';
import type { Segment } from '../../segments/spi/segment.js';
import { airlineJson } from '../support/airline.js';
import { EVENTS_SCHEMA, eventsRealtimeTable } from './support.js';

const quiet = (): void => {};

function realtime(map: Record<string, string>, legacy = false) {
  const base = { tableName: 't', tableType: 'REALTIME', segmentsConfig: {} };
  const json = legacy
    ? { ...base, tableIndexConfig: { streamConfigs: map } }
    : { ...base, ingestionConfig: { streamIngestionConfig: { streamConfigMaps: [map] } } };
  return readStreamConfig(parseTableConfig(json, quiet));
}

const KAFKA = {
  streamType: 'kafka',
  'stream.kafka.topic.name': 'flights',
  'stream.kafka.broker.list': 'a:9092, b:9092',
};

describe('stream config', () => {
  test('Pinot keys in both locations; thresholds and offset reset', () => {
    for (const legacy of [false, true]) {
      const config = realtime({
        ...KAFKA,
        'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
        'realtime.segment.flush.threshold.rows': '1234',
        'realtime.segment.flush.threshold.time': '6h',
        'realtime.segment.flush.threshold.segment.size': '150M',
      }, legacy);
      assert.equal(config.topic, 'flights');
      assert.deepEqual(config.brokerList, ['a:9092', 'b:9092']);
      assert.equal(config.offsetReset, 'smallest');
      assert.equal(config.flushThresholdRows, 1234);
      assert.equal(config.flushThresholdTimeMs, 6 * 3_600_000);
      assert.equal(config.flushThresholdSegmentSizeBytes, 150 * 1024 * 1024);
      assert.equal(config.decoder, 'json');
    }
    const defaults = realtime({ ...KAFKA, 'realtime.segment.flush.threshold.size': '50000',
      'realtime.segment.flush.threshold.time': '3600000' });
    assert.equal(defaults.offsetReset, 'largest');
    assert.equal(defaults.flushThresholdRows, 50_000);
    assert.equal(defaults.flushThresholdTimeMs, 3_600_000);
  });

  test('bad values name the key and what to do', () => {
    assert.throws(() => realtime({ ...KAFKA, 'stream.kafka.consumer.prop.auto.offset.reset':
      'middle' }), /auto.offset.reset: "middle" is not smallest or largest/);
    assert.throws(() => realtime({ ...KAFKA, 'realtime.segment.flush.threshold.time': 'soon' }),
      ConfigError);
    assert.throws(() => realtime({ ...KAFKA, 'stream.kafka.decoder.class.name': 'x.Y' }),
      /decoder "x.Y" is not supported/);
    assert.throws(() => realtime({ streamType: 'kafka' }), /topic.name: is required/);
  });

  test('decoders by Pinot class name: JSON and Avro', () => {
    const json = messageDecoder(realtime({ ...KAFKA, 'stream.kafka.decoder.class.name':
      'org.apache.pinot.plugin.inputformat.json.JSONMessageDecoder' }));
    assert.deepEqual(json(Buffer.from('{"a": 12345678901234567890}')),
      { a: 12345678901234567890n });
    assert.throws(() => json(Buffer.from('{"a":')), DataError);
    assert.throws(() => json(Buffer.from('[1]')), DataError);
    const schema = { type: 'record', name: 'r', fields: [{ name: 'a', type: 'int' },
      { name: 'b', type: ['null', 'string'] }] };
    const avro = messageDecoder(realtime({ ...KAFKA, 'stream.kafka.decoder.class.name':
      'org.apache.pinot.plugin.inputformat.avro.SimpleAvroMessageDecoder',
      'stream.kafka.decoder.prop.schema': JSON.stringify(schema) }));
    const body = avsc.Type.forSchema(schema as avsc.Schema).toBuffer({ a: 7, b: 'x' });
    assert.deepEqual({ ...avro(body) }, { a: 7, b: 'x' });
    assert.throws(() => avro(Buffer.from([0xff])), DataError);
    const confluent = messageDecoder(realtime({ ...KAFKA, 'stream.kafka.decoder.class.name':
      'org.apache.pinot.plugin.inputformat.avro.confluent.KafkaConfluentSchemaRegistryAvroMessageDecoder',
      'stream.kafka.decoder.prop.schema': JSON.stringify(schema) }));
    assert.deepEqual({ ...confluent(Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), body])) },
      { a: 7, b: 'x' });
  });
});

describe('hybrid time boundary', () => {
  const schema = parseSchema(airlineJson('schema'), quiet);
  const offline = parseTableConfig(airlineJson('offline_table_config'), quiet);
  const segmentEndingOn = (day: number): Segment => ({
    metadata: { timeRange: { endTimeMs: day * 86_400_000 } },
  }) as unknown as Segment;

  test('the last offline day minus one day, in the column format', () => {
    const boundary = computeTimeBoundary({ config: offline, schema },
      [segmentEndingOn(16_100), segmentEndingOn(16_120), segmentEndingOn(16_110)]);
    assert.equal(boundary?.timeColumn, 'DaysSinceEpoch');
    assert.equal(boundary?.literal, '16119');
    assert.equal(computeTimeBoundary({ config: offline, schema }, []), undefined);
  });
});

test('createTable refuses a REALTIME table whose topic does not exist', async () => {
  const cuvee = await Cuvee.open({ runtime: { workerCount: 1 }, onWarning: quiet });
  try {
    await cuvee.createSchema(EVENTS_SCHEMA);
    await assert.rejects(cuvee.createTable(eventsRealtimeTable('nobody', 'missing')),
      /cannot read topic missing.*create the topic first/);
    assert.equal(cuvee.catalog.table('events_REALTIME'), undefined);
  } finally {
    await cuvee.close();
  }
});
