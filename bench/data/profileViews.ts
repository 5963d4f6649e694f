// Seeded profile-view events in the shape of LinkedIn's "who viewed my profile": each row is one
// view of a member's profile (vieweeId) by another member (viewerId), with low- and medium-
// cardinality attributes of the viewer and a few metrics. The data set is ordered by vieweeId,
// as the offline job of a user-facing table writes it (Pinot's advice: sort, and partition, on
// the key every query names): a chunk holds one contiguous range of viewees, so each segment's
// vieweeId column is sorted and its min/max prune every other segment of a lookup.
import type { Row } from '../../host/config/types.js';
import { SeededRandom } from '../../test/support/random.js';

export const PROFILE_VIEWS_TABLE = 'profileViews';
/** Views per viewee on average: a user-facing query touches ~this many rows before its ts cut. */
export const VIEWS_PER_VIEWEE = 100;
/** Viewers per row: most members view a few profiles in the window. */
const VIEWS_PER_VIEWER = 4;
/** Companies a viewer works for: medium cardinality (dictionary ids fit in 14 bits). */
export const COMPANY_COUNT = 10_000;
/** LinkedIn's industry taxonomy has ~150 top-level entries. */
export const INDUSTRY_COUNT = 150;
/** Geographic regions: low cardinality. */
export const REGION_COUNT = 40;
/** Device kinds viewers use. */
const DEVICES = ['desktop', 'ios', 'android', 'mobile-web'] as const;
/** The 30 days of events the table holds, ending at this instant (2026-01-01T00:00Z). */
export const TS_END_MS = 1_767_225_600_000;
/** Thirty days in milliseconds: the retention of a profile-view table. */
export const TS_SPAN_MS = 30 * 24 * 3_600_000;
/** Longest plausible time on a profile: 10 minutes. */
const TIME_SPENT_MS_MAX = 600_000;
/** Profile sections a view can open (summary, experience, skills, ...). */
const SECTIONS_MAX = 12;

/** The Pinot schema of the table. */
export function profileViewsSchemaJson(): Record<string, unknown> {
  return {
    schemaName: PROFILE_VIEWS_TABLE,
    dimensionFieldSpecs: [
      { name: 'viewerId', dataType: 'LONG' },
      { name: 'vieweeId', dataType: 'LONG' },
      { name: 'viewerCompany', dataType: 'STRING' },
      { name: 'industry', dataType: 'STRING' },
      { name: 'region', dataType: 'STRING' },
      { name: 'device', dataType: 'STRING' },
    ],
    metricFieldSpecs: [
      { name: 'timeSpentMs', dataType: 'INT' },
      { name: 'sectionsViewed', dataType: 'INT' },
    ],
    dateTimeFieldSpecs: [
      { name: 'ts', dataType: 'LONG', format: '1:MILLISECONDS:EPOCH', granularity: '1:MILLISECONDS' },
    ],
  };
}

/**
 * The OFFLINE table config: sorted vieweeId (the user-facing lookup), an inverted index on the
 * one attribute dashboards filter on (region), a range index on ts, and one star-tree over
 * region and industry for the pre-aggregated group-bys (workload 5). As Pinot's tuning guide
 * advises, only filtered columns get an inverted index: industry, device and viewerCompany
 * would add 6.6 bytes/row (a sixth of a segment) that no workload reads, and at --big (100M
 * rows) the segments must fit one wasm32 memory (4 GiB). timeSpentMs is a noDictionaryColumn,
 * as Pinot advises for a high-cardinality metric (~450k distinct values per 1M-row segment):
 * scans and sums read its raw INTs instead of looking each id up in a 1.8 MB dictionary. Same
 * size (4 bytes/row either way); measured on 4M rows, the 50% scan 27 -> 16 ms, the company
 * group-by 65 -> 46 ms, answers equal.
 */
export function profileViewsTableJson(tableName = PROFILE_VIEWS_TABLE): Record<string, unknown> {
  return {
    tableName,
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'ts', replication: '1' },
    tableIndexConfig: {
      sortedColumn: ['vieweeId'],
      invertedIndexColumns: ['region'],
      noDictionaryColumns: ['timeSpentMs'],
      rangeIndexColumns: ['ts'],
      starTreeIndexConfigs: [{
        dimensionsSplitOrder: ['region', 'industry', 'device'],
        skipStarNodeCreationForDimensions: [],
        functionColumnPairs: ['COUNT__*', 'SUM__timeSpentMs', 'MAX__timeSpentMs'],
        maxLeafRecords: 10_000,
      }],
    },
  };
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(5, '0')}`);
}

/** Dimension vocabularies, shared by the generator and the query parameters. */
export const COMPANIES = names('company', COMPANY_COUNT);
export const INDUSTRIES = names('industry', INDUSTRY_COUNT);
export const REGIONS = names('region', REGION_COUNT);

/** Skewed pick (a few big companies, a long tail): squaring a uniform draw favours low ids. */
function skewedIndex(random: SeededRandom, count: number): number {
  const uniform = random.next();
  return Math.floor(uniform * uniform * count);
}

export class ProfileViewGenerator {
  readonly vieweeCount: number;
  readonly viewerCount: number;

  constructor(readonly totalRowCount: number, readonly seed: number) {
    this.vieweeCount = Math.max(1, Math.floor(totalRowCount / VIEWS_PER_VIEWEE));
    this.viewerCount = Math.max(1, Math.floor(totalRowCount / VIEWS_PER_VIEWER));
  }

  /**
   * Rows [start, start + count) of the data set, sorted by vieweeId; the same for one seed. The
   * rows draw their viewees uniformly from the chunk's share of them: rows [start, end) of
   * totalRowCount get viewees (start/total, end/total] of vieweeCount, so chunks of any size
   * hold disjoint ranges and every viewee has ~VIEWS_PER_VIEWEE views in all.
   */
  chunk(start: number, count: number): Row[] {
    // Each chunk has its own stream, so chunks can be made in any order and still agree.
    const random = new SeededRandom((this.seed * 1_000_003 + start) >>> 0);
    const share = this.vieweeCount / this.totalRowCount;
    const firstViewee = Math.min(this.vieweeCount, Math.floor(start * share) + 1);
    const lastViewee = Math.max(firstViewee, Math.floor((start + count) * share));
    const vieweeIds = new Float64Array(count);
    for (let index = 0; index < count; index++) {
      vieweeIds[index] = random.int(firstViewee, lastViewee);
    }
    vieweeIds.sort();
    const rows: Row[] = new Array<Row>(count);
    for (let index = 0; index < count; index++) rows[index] = this.row(random, vieweeIds[index]!);
    return rows;
  }

  private row(random: SeededRandom, vieweeId: number): Row {
    return {
      viewerId: BigInt(random.int(1, this.viewerCount)),
      vieweeId: BigInt(vieweeId),
      viewerCompany: COMPANIES[skewedIndex(random, COMPANY_COUNT)]!,
      industry: INDUSTRIES[skewedIndex(random, INDUSTRY_COUNT)]!,
      region: REGIONS[skewedIndex(random, REGION_COUNT)]!,
      device: DEVICES[random.int(0, DEVICES.length - 1)]!,
      timeSpentMs: Math.floor(random.next() * random.next() * TIME_SPENT_MS_MAX),
      sectionsViewed: random.int(1, SECTIONS_MAX),
      ts: BigInt(TS_END_MS - random.int(0, TS_SPAN_MS - 1)),
    };
  }
}
