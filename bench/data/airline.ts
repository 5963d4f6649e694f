// The airline example (Pinot's airlineStats, 9,746 flights) scaled up by resampling: every
// column of a generated row is drawn independently from that column's real values, so each
// column keeps its real distribution and cardinality while the data set grows to any size.
// Sixteen single-value columns: the ones the dashboards and scans below read.
import type { Row, ScalarValue } from '../../host/config/types.js';
import { airlineRows } from '../../test/support/airline.js';
import { SeededRandom } from '../../test/support/random.js';

export const AIRLINE_TABLE = 'airline';

const STRING_COLUMNS = ['Carrier', 'Origin', 'Dest', 'OriginState', 'DestState', 'TailNum'];
const INT_DIMENSIONS = ['Year', 'Month', 'DayOfWeek', 'FlightNum', 'Cancelled'];
const INT_METRICS = ['ArrDelay', 'DepDelay', 'Distance', 'AirTime'];
const TIME_COLUMN = 'DaysSinceEpoch';
export const AIRLINE_COLUMNS = [...STRING_COLUMNS, ...INT_DIMENSIONS, ...INT_METRICS, TIME_COLUMN];

export function airlineSchemaJson(): Record<string, unknown> {
  return {
    schemaName: AIRLINE_TABLE,
    dimensionFieldSpecs: [
      ...STRING_COLUMNS.map((name) => ({ name, dataType: 'STRING' })),
      ...INT_DIMENSIONS.map((name) => ({ name, dataType: 'INT' })),
    ],
    metricFieldSpecs: INT_METRICS.map((name) => ({ name, dataType: 'INT' })),
    dateTimeFieldSpecs: [
      { name: TIME_COLUMN, dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
    ],
  };
}

/** Inverted indexes on the columns dashboards filter on; a range index on the day. */
export function airlineTableJson(): Record<string, unknown> {
  return {
    tableName: AIRLINE_TABLE,
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: TIME_COLUMN, replication: '1' },
    tableIndexConfig: {
      invertedIndexColumns: ['Carrier', 'Origin', 'Dest', 'OriginState', 'DayOfWeek'],
      rangeIndexColumns: [TIME_COLUMN],
    },
  };
}

export class AirlineResampler {
  private constructor(
    private readonly valuesByColumn: ReadonlyMap<string, readonly ScalarValue[]>,
    readonly seed: number,
  ) {}

  /** Reads the 9,746 real rows once and keeps each column's non-null values. */
  static async open(seed: number): Promise<AirlineResampler> {
    const rows = await airlineRows();
    const valuesByColumn = new Map<string, ScalarValue[]>();
    for (const column of AIRLINE_COLUMNS) {
      const values: ScalarValue[] = [];
      for (const row of rows) {
        const value = row[column];
        if (value !== null && value !== undefined && !Array.isArray(value)) values.push(value);
      }
      if (values.length === 0) throw new Error(`airline column ${column} has no values`);
      valuesByColumn.set(column, values);
    }
    return new AirlineResampler(valuesByColumn, seed);
  }

  /** The day range of the real data: scans pick their cut-offs inside it. */
  dayRange(): [number, number] {
    const days = this.valuesByColumn.get(TIME_COLUMN)! as number[];
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const day of days) {
      min = Math.min(min, day);
      max = Math.max(max, day);
    }
    return [min, max];
  }

  /** Rows [start, start + count): the same rows for one seed, whichever order chunks come. */
  chunk(start: number, count: number): Row[] {
    const random = new SeededRandom((this.seed * 1_000_003 + start) >>> 0);
    const columns = [...this.valuesByColumn.entries()];
    const rows: Row[] = new Array<Row>(count);
    for (let index = 0; index < count; index++) {
      const row: Row = {};
      for (const [column, values] of columns) row[column] = random.pick(values);
      rows[index] = row;
    }
    // Sorted by day, as flights arrive in time order: segments prune on their time range.
    rows.sort((left, right) => (left[TIME_COLUMN] as number) - (right[TIME_COLUMN] as number));
    return rows;
  }
}
