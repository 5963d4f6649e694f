// Shared set-up of the real-time tests: a small schema and REALTIME table fed by an
// in-process broker, and a helper that waits until a query sees what was produced.
import type { Cuvee } from '../../host/cuvee.js';

export const EVENTS_SCHEMA = {
  schemaName: 'events',
  dimensionFieldSpecs: [
    { name: 'user', dataType: 'STRING' },
    { name: 'kind', dataType: 'STRING' },
  ],
  metricFieldSpecs: [{ name: 'amount', dataType: 'LONG' }],
  dateTimeFieldSpecs: [
    { name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' },
  ],
};

export function eventsRealtimeTable(
  broker: string,
  topic: string,
  streamSettings: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    tableName: 'events',
    tableType: 'REALTIME',
    segmentsConfig: { timeColumnName: 'ts', replication: '1' },
    tableIndexConfig: { invertedIndexColumns: ['kind'] },
    ingestionConfig: {
      streamIngestionConfig: {
        streamConfigMaps: [
          {
            streamType: 'inprocess',
            'stream.inprocess.topic.name': topic,
            'stream.inprocess.broker.list': broker,
            'stream.inprocess.consumer.prop.auto.offset.reset': 'smallest',
            'stream.inprocess.decoder.class.name':
              'org.apache.pinot.plugin.inputformat.json.JSONMessageDecoder',
            ...streamSettings,
          },
        ],
      },
      ...extra,
    },
  };
}

export function event(index: number): string {
  return JSON.stringify({
    user: `u${index % 7}`,
    kind: index % 2 === 0 ? 'click' : 'view',
    amount: index,
    ts: 1_700_000_000_000 + index,
  });
}

/** Polls `COUNT(*)` until it equals `expected` or `timeoutMs` passes; returns the last count. */
export async function waitForCount(
  cuvee: Cuvee,
  table: string,
  expected: number,
  timeoutMs = 10_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  while (Date.now() < deadline) {
    count = await countOf(cuvee, table);
    if (count === expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return count;
}

export async function countOf(cuvee: Cuvee, table: string): Promise<number> {
  const response = await cuvee.query(`SELECT COUNT(*) FROM ${table}`);
  if (response.exceptions.length > 0) throw new Error(JSON.stringify(response.exceptions));
  return Number(response.resultTable!.rows[0]![0]);
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
