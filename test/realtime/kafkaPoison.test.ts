// Poison records on the real broker: bad JSON and wrong types are skipped and counted, and the
// good records around them keep flowing into the table.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cuvee } from '../../host/cuvee.js';
import { createTopic, deleteTopic, kafkaBrokers, produceValues } from './kafkaSupport.js';
import { event, EVENTS_SCHEMA, waitForCount, waitUntil } from './support.js';

const PARTITIONS = 3;
const GOOD_RECORDS = 3_000;
/** One bad record after every this many good ones. */
const POISON_EVERY = 50;

describe('poison records from Kafka', () => {
  let cuvee: Cuvee;
  let topic: string;
  const logged: string[] = [];

  before(async () => {
    topic = await createTopic('poison', PARTITIONS);
    cuvee = await Cuvee.open({
      runtime: { workerCount: 1 },
      onWarning: () => {},
      onIngestionLog: (message) => logged.push(message),
    });
    await cuvee.createSchema(EVENTS_SCHEMA);
    await cuvee.createTable({
      tableName: 'events',
      tableType: 'REALTIME',
      segmentsConfig: { timeColumnName: 'ts', replication: '1' },
      ingestionConfig: {
        streamIngestionConfig: {
          streamConfigMaps: [{
            streamType: 'kafka',
            'stream.kafka.topic.name': topic,
            'stream.kafka.broker.list': kafkaBrokers().join(','),
            'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
            'stream.kafka.decoder.class.name':
              'org.apache.pinot.plugin.inputformat.json.JSONMessageDecoder',
            'realtime.segment.flush.threshold.rows': '400',
          }],
        },
      },
    });
  });

  after(async () => {
    await cuvee?.close();
    if (topic !== undefined) await deleteTopic(topic);
  });

  test('bad JSON and wrong types are skipped and counted; good records flow', async () => {
    const values: string[] = [];
    let poison = 0;
    for (let i = 0; i < GOOD_RECORDS; i++) {
      values.push(event(i));
      if (i % POISON_EVERY === 0) {
        values.push(poison % 2 === 0 ? '{"user": "broken' :
          JSON.stringify({ user: 'u', amount: 'not a number', ts: 5 }));
        poison++;
      }
    }
    await produceValues(topic, values, PARTITIONS);
    assert.equal(await waitForCount(cuvee, 'events', GOOD_RECORDS, 60_000), GOOD_RECORDS);
    const table = cuvee.realtime('events_REALTIME');
    await waitUntil(() => table.counters().recordsInvalid === poison, `${poison} invalid`);
    await waitUntil(() => table.counters().segmentsCommitted === 6, '2 commits per partition');
    assert.ok(logged.some((line) => /partition \d offset \d+: record skipped/.test(line)),
      logged.slice(0, 5).join('\n'));
    const sum = await cuvee.query('SELECT SUM(amount) FROM events');
    assert.equal(Number(sum.resultTable!.rows[0]![0]), (GOOD_RECORDS * (GOOD_RECORDS - 1)) / 2);
  });
});
