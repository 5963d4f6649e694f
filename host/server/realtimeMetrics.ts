// Per-partition ingestion gauges of REALTIME tables for /metrics: records lag, availability lag
// (freshness) and the partition's counters, read from the same consumingSegmentsInfo that
// GET /tables/{t}/consumingSegmentsInfo answers with.
import type { Cuvee } from '../cuvee.js';
import type { GaugeSample, ServerMetrics } from './metrics.js';

interface PartitionSample {
  readonly table: string;
  readonly partition: string;
  readonly recordsLag: number;
  readonly availabilityLagMs: number;
  readonly recordsConsumed: number;
  readonly rowsIndexed: number;
  readonly recordsInvalid: number;
}

async function partitionSamples(cuvee: Cuvee): Promise<PartitionSample[]> {
  const samples: PartitionSample[] = [];
  for (const data of cuvee.tables()) {
    const table = data.config.tableNameWithType;
    if (data.config.tableType !== 'REALTIME') continue;
    const info = await cuvee.consumingSegmentsInfo(table);
    for (const entries of Object.values(info._segmentToConsumingInfoMap)) {
      for (const entry of entries) {
        const offsets = entry.partitionOffsetInfo;
        for (const partition of Object.keys(offsets.recordsLagMap)) {
          samples.push({
            table,
            partition,
            recordsLag: Number(offsets.recordsLagMap[partition]),
            availabilityLagMs: Number(offsets.availabilityLagMsMap[partition] ?? 0),
            recordsConsumed: entry.ingestionCounters.recordsConsumed,
            rowsIndexed: entry.ingestionCounters.rowsIndexed,
            recordsInvalid: entry.ingestionCounters.recordsInvalid,
          });
        }
      }
    }
  }
  return samples;
}

const GAUGES: readonly [string, string, (sample: PartitionSample) => number][] = [
  ['cuvee_realtime_records_lag', 'Records behind the stream head.', (s) => s.recordsLag],
  [
    'cuvee_realtime_availability_lag_ms',
    'Milliseconds since the newest indexed record was produced, while behind.',
    (s) => s.availabilityLagMs,
  ],
  ['cuvee_realtime_records_consumed', 'Records read from the partition.', (s) => s.recordsConsumed],
  ['cuvee_realtime_rows_indexed', 'Rows indexed from the partition.', (s) => s.rowsIndexed],
  [
    'cuvee_realtime_records_invalid',
    'Records skipped because they could not be decoded or coerced.',
    (s) => s.recordsInvalid,
  ],
];

/** Registers the per-partition gauges; REALTIME tables created later are picked up too. */
export function registerRealtimeGauges(metrics: ServerMetrics, cuvee: Cuvee): void {
  for (const [name, help, value] of GAUGES) {
    metrics.registerGauge(
      name,
      help,
      async (): Promise<GaugeSample[]> =>
        (await partitionSamples(cuvee)).map((sample) => ({
          labels: { table: sample.table, partition: sample.partition },
          value: value(sample),
        })),
    );
  }
}
