// The real-time half of the quickstart (Pinot's RealtimeQuickStart without a broker to run):
// a REALTIME airline table, Pinot's airlineStats_realtime_table_config.json on the in-process
// stream, fed by a producer loop that replays the airline records at a modest rate, so that
// counts grow while one watches.
import { join } from 'node:path';
import { readJsonFile } from '../local.js';
import type { Cuvee } from '../../cuvee.js';
import { readerFor } from '../../ingest/readers/index.js';
import type { RawRecord } from '../../ingest/readers/index.js';
import { InProcessBroker } from '../../realtime/inProcessStream.js';

/** The in-process broker and topic of the quickstart's stream. */
const BROKER_NAME = 'quickstart';
const TOPIC = 'flights-realtime';
/** Partitions of the quickstart topic: more than one, so partition-level consumers show. */
const PARTITION_COUNT = 2;
/** Records produced per tick and the tick: 500 records a second, the data lasts ~20 s. */
const RECORDS_PER_TICK = 50;
const TICK_MS = 100;
/** A low row threshold, so that segments seal during the quickstart. */
const FLUSH_THRESHOLD_ROWS = '2000';
const TABLE_NAME_WITH_TYPE = 'airlineStats_REALTIME';

function realtimeConfig(json: Record<string, unknown>): Record<string, unknown> {
  const ingestion = (json.ingestionConfig ?? {}) as Record<string, unknown>;
  return {
    ...json,
    ingestionConfig: {
      ...ingestion,
      streamIngestionConfig: {
        streamConfigMaps: [
          {
            streamType: 'inprocess',
            'stream.inprocess.topic.name': TOPIC,
            'stream.inprocess.broker.list': BROKER_NAME,
            'stream.inprocess.decoder.class.name':
              'org.apache.pinot.plugin.inputformat.json.JSONMessageDecoder',
            'stream.inprocess.consumer.prop.auto.offset.reset': 'smallest',
            'realtime.segment.flush.threshold.rows': FLUSH_THRESHOLD_ROWS,
            'realtime.segment.flush.threshold.time': '3600000',
          },
        ],
      },
    },
  };
}

/** JSON with big integers kept exact (the JSON decoder reads them back as LONG). */
function jsonText(record: RawRecord): string {
  const marked = JSON.stringify(record, (_key, value: unknown) =>
    typeof value === 'bigint' ? `\u0000big:${value.toString()}` : value);
  return marked.replace(/"\\u0000big:(-?\d+)"/g, '$1');
}

/**
 * Creates the REALTIME airline table (a new one each time: the in-process stream does not
 * outlive the process, so offsets committed by an earlier run mean nothing) and starts the
 * producer loop. `stop` ends the loop; the table stays.
 */
export async function addQuickstartRealtime(
  cuvee: Cuvee,
  airlineDir: string,
): Promise<{ tableNameWithType: string; stop(): Promise<void> }> {
  const schema = await readJsonFile(join(airlineDir, 'airlineStats_schema.json'));
  await cuvee.createSchema(schema, { override: true });
  if (cuvee.catalog.table(TABLE_NAME_WITH_TYPE) !== undefined) {
    await cuvee.deleteTable(TABLE_NAME_WITH_TYPE);
  }
  InProcessBroker.drop(BROKER_NAME);
  const broker = InProcessBroker.named(BROKER_NAME);
  broker.createTopic(TOPIC, PARTITION_COUNT);
  const json = await readJsonFile(join(airlineDir, 'airlineStats_realtime_table_config.json'));
  await cuvee.createTable(realtimeConfig(json as Record<string, unknown>), { override: true });
  const records: string[] = [];
  for await (const record of readerFor('avro').open(join(airlineDir, 'airlineStats_data.avro'))) {
    records.push(jsonText(record));
  }
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    const end = Math.min(records.length, next + RECORDS_PER_TICK);
    for (; next < end; next++) {
      broker.produce(TOPIC, records[next]!, { partition: next % PARTITION_COUNT });
    }
    timer = next < records.length ? setTimeout(tick, TICK_MS) : undefined;
  };
  tick();
  return {
    tableNameWithType: TABLE_NAME_WITH_TYPE,
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      return Promise.resolve();
    },
  };
}
