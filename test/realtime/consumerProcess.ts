// A Cuvée node consuming a Kafka topic into a REALTIME table on a data directory, run as a
// child process by killRestart.test.ts (which kills it with SIGKILL at several points).
// Usage: node consumerProcess.js <dataDir> <topic> <flushRows>   (KAFKA_BROKERS in the env)
// Prints one JSON line per poll: {"count":n,"distinct":d}.
import { Cuvee } from '../../host/cuvee.js';
import { EVENTS_SCHEMA } from './support.js';
import { kafkaBrokers } from './kafkaSupport.js';

/** How often the child reports what a query sees. */
const REPORT_INTERVAL_MS = 25;

const [dataDir, topic, flushRows] = process.argv.slice(2);
if (dataDir === undefined || topic === undefined || flushRows === undefined) {
  throw new Error('usage: consumerProcess.js <dataDir> <topic> <flushRows>');
}

const cuvee = await Cuvee.open({ dataDir, runtime: { workerCount: 1 }, onWarning: () => {} });
if (cuvee.catalog.tablesOf('events').length === 0) {
  await cuvee.createSchema(EVENTS_SCHEMA);
  await cuvee.createTable({
    tableName: 'events',
    tableType: 'REALTIME',
    segmentsConfig: { timeColumnName: 'ts', replication: '1' },
    tableIndexConfig: {
      streamConfigs: {
        streamType: 'kafka',
        'stream.kafka.topic.name': topic,
        'stream.kafka.broker.list': kafkaBrokers().join(','),
        'stream.kafka.consumer.prop.auto.offset.reset': 'smallest',
        'stream.kafka.decoder.class.name':
          'org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder',
        'realtime.segment.flush.threshold.rows': flushRows,
      },
    },
  });
}
for (;;) {
  const response = await cuvee.query('SELECT COUNT(*), COUNT(DISTINCT amount) FROM events');
  const row = response.resultTable?.rows[0];
  if (row !== undefined) {
    process.stdout.write(`${JSON.stringify({ count: Number(row[0]), distinct: Number(row[1]) })}\n`);
  }
  await new Promise((resolve) => setTimeout(resolve, REPORT_INTERVAL_MS));
}
