// Prometheus text exposition (format 0.0.4), written by hand: query counters by table and
// outcome, a latency histogram, docs scanned, and gauges that other parts of the node register
// (segments and bytes per table here; lag and freshness per partition from real-time ingestion).

/** Latency bucket bounds in seconds: 1 ms to 10 s (Pinot's default timeout), roughly x2.5. */
const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

export type Labels = Readonly<Record<string, string>>;

export interface GaugeSample {
  readonly labels: Labels;
  readonly value: number;
}

/** Called at every scrape; returns the gauge's current samples. */
export type GaugeCollector = () => Iterable<GaugeSample> | Promise<Iterable<GaugeSample>>;

interface Gauge {
  readonly help: string;
  readonly collect: GaugeCollector;
}

export type QueryOutcome = 'success' | 'error' | 'rejected';

/** A table's label texts, made once: every query needs two, and escaping them costs. */
type TableLabelTexts = Readonly<Record<QueryOutcome | 'table', string>>;

function tableLabelTexts(table: string): TableLabelTexts {
  return {
    table: labelText({ table }),
    success: labelText({ table, outcome: 'success' }),
    error: labelText({ table, outcome: 'error' }),
    rejected: labelText({ table, outcome: 'rejected' }),
  };
}

export class ServerMetrics {
  private readonly queries = new Map<string, number>();
  private readonly docsScanned = new Map<string, number>();
  private readonly latencyBucketCounts = new Array<number>(LATENCY_BUCKETS_SECONDS.length).fill(0);
  private latencyCount = 0;
  private latencySumSeconds = 0;
  private readonly gauges = new Map<string, Gauge>();
  /** Keyed by the table label; its values are real tables only, so the map stays small. */
  private readonly labelTextsByTable = new Map<string, TableLabelTexts>();

  /** Counts one finished (or refused) query. `table` is '' when the SQL names none. */
  recordQuery(table: string, outcome: QueryOutcome, latencyMs: number, docsScanned: number): void {
    let labels = this.labelTextsByTable.get(table);
    if (labels === undefined) {
      labels = tableLabelTexts(table);
      this.labelTextsByTable.set(table, labels);
    }
    const key = labels[outcome];
    this.queries.set(key, (this.queries.get(key) ?? 0) + 1);
    const tableKey = labels.table;
    this.docsScanned.set(tableKey, (this.docsScanned.get(tableKey) ?? 0) + docsScanned);
    if (outcome === 'rejected') return;
    const seconds = latencyMs / 1000;
    this.latencyCount++;
    this.latencySumSeconds += seconds;
    for (let i = 0; i < LATENCY_BUCKETS_SECONDS.length; i++) {
      if (seconds <= LATENCY_BUCKETS_SECONDS[i]!) this.latencyBucketCounts[i]!++;
    }
  }

  /**
   * Adds a gauge sampled at every scrape. `name` must be a Prometheus metric name (by
   * convention `cuvee_...`); registering a name again replaces its collector.
   */
  registerGauge(name: string, help: string, collect: GaugeCollector): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) {
      throw new TypeError(`metric name ${name} is not a valid Prometheus name`);
    }
    this.gauges.set(name, { help, collect });
  }

  unregisterGauge(name: string): void {
    this.gauges.delete(name);
  }

  /** The exposition text for GET /metrics. */
  async render(): Promise<string> {
    const lines: string[] = [];
    header(lines, 'cuvee_queries_total', 'counter', 'Queries by table and outcome.');
    for (const [labels, value] of this.queries) lines.push(`cuvee_queries_total${labels} ${value}`);
    header(lines, 'cuvee_docs_scanned_total', 'counter', 'Documents scanned by queries.');
    for (const [labels, value] of this.docsScanned) {
      lines.push(`cuvee_docs_scanned_total${labels} ${value}`);
    }
    this.renderLatency(lines);
    for (const [name, gauge] of [...this.gauges].sort(([a], [b]) => (a < b ? -1 : 1))) {
      header(lines, name, 'gauge', gauge.help);
      for (const sample of await gauge.collect()) {
        lines.push(`${name}${labelText(sample.labels)} ${formatValue(sample.value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private renderLatency(lines: string[]): void {
    const name = 'cuvee_query_latency_seconds';
    header(lines, name, 'histogram', 'Query latency from request to reply.');
    LATENCY_BUCKETS_SECONDS.forEach((bound, i) => {
      lines.push(`${name}_bucket{le="${bound}"} ${this.latencyBucketCounts[i]}`);
    });
    lines.push(`${name}_bucket{le="+Inf"} ${this.latencyCount}`);
    lines.push(`${name}_sum ${formatValue(this.latencySumSeconds)}`);
    lines.push(`${name}_count ${this.latencyCount}`);
  }
}

function header(lines: string[], name: string, type: string, help: string): void {
  lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
  lines.push(`# TYPE ${name} ${type}`);
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const parts = entries.map(([key, value]) => {
    const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
    return `${key}="${escaped}"`;
  });
  return `{${parts.join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
