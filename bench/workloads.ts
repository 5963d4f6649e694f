// The queries of issue 7's five workloads, as text both engines run unchanged (Pinot SQL that
// is also DuckDB SQL). Every ORDER BY breaks ties on the group key, so the two engines' answers
// can be compared row for row.
import { SeededRandom } from '../test/support/random.js';
import { AIRLINE_TABLE } from './data/airline.js';
import { PROFILE_VIEWS_TABLE as P, REGIONS, TS_END_MS, TS_SPAN_MS } from './data/profileViews.js';

export type Workload = 'user-facing' | 'dashboard' | 'scan' | 'high-cardinality' | 'star-tree';

export interface BenchQuery {
  /** Short stable name: the JSON key and the chart label's row. */
  readonly name: string;
  readonly workload: Workload;
  readonly description: string;
  /** The query text for the i-th run: most ignore the index; user-facing ones vary the id. */
  sql(runIndex: number): string;
  /** Pinot query options Cuvée gets beside the SQL (request-level; DuckDB has no such limits). */
  readonly cuveeQueryOptions?: Readonly<Record<string, string>>;
}

/**
 * hc-viewee-day groups by every viewee seen in a day: ~97k at 10M rows, ~970k at 100M (--big),
 * past Pinot's default numGroupsLimit (100,000), where Pinot and Cuvée stop adding groups and
 * flag the answer partial. A Pinot user raises the limit for such a query; so does the bench,
 * with room for 4x the --big count.
 */
const VIEWEE_DAY_GROUPS_LIMIT = 4_000_000;

/** A user-facing query looks at the viewee's last week. */
const USER_FACING_WINDOW_MS = 7 * 24 * 3_600_000;

/** The instant that leaves `fraction` of the (uniform) ts range after it. */
function tsCut(fraction: number): number {
  return TS_END_MS - Math.round(fraction * TS_SPAN_MS);
}

/** Random viewee ids, the same sequence for both engines (one list per seed). */
export function vieweeIds(vieweeCount: number, count: number, seed: number): number[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => random.int(1, vieweeCount));
}

/** The user-facing query for one viewee: who viewed my profile, by industry, last week. */
export function userFacingSql(vieweeId: number): string {
  return `SELECT industry, COUNT(*) AS views FROM ${P} WHERE vieweeId = ${vieweeId} ` +
    `AND ts > ${TS_END_MS - USER_FACING_WINDOW_MS} ` +
    'GROUP BY industry ORDER BY COUNT(*) DESC, industry LIMIT 10';
}

function fixed(name: string, workload: Workload, description: string, text: string): BenchQuery {
  return { name, workload, description, sql: () => text };
}

export function benchQueries(ids: readonly number[]): BenchQuery[] {
  const week = tsCut(0.25);
  return [
    { name: 'uf-viewee-industry', workload: 'user-facing',
      description: 'vieweeId = ? AND ts > last week, views by industry, top 10 (random ids)',
      sql: (runIndex) => userFacingSql(ids[runIndex % ids.length]!) },
    fixed('dash-region-week', 'dashboard', 'last 25% of the time range: views and time spent by region',
      `SELECT region, COUNT(*), SUM(timeSpentMs) FROM ${P} WHERE ts >= ${week} ` +
      'GROUP BY region ORDER BY COUNT(*) DESC, region LIMIT 10'),
    fixed('dash-industry-device', 'dashboard', 'two regions, last 25% of time: by industry and device',
      `SELECT industry, device, COUNT(*), MAX(sectionsViewed) FROM ${P} WHERE region IN ` +
      `('${REGIONS[1]!}', '${REGIONS[2]!}') AND ts >= ${week} GROUP BY industry, device ` +
      'ORDER BY COUNT(*) DESC, industry, device LIMIT 10'),
    fixed('dash-airline-carrier', 'dashboard', 'airline: flights and mean delay by carrier',
      `SELECT Carrier, COUNT(*), AVG(ArrDelay) FROM ${AIRLINE_TABLE} WHERE Cancelled = 0 ` +
      'GROUP BY Carrier ORDER BY COUNT(*) DESC, Carrier LIMIT 10'),
    fixed('dash-airline-state-day', 'dashboard', 'airline: departure delay by state and weekday',
      `SELECT OriginState, DayOfWeek, SUM(DepDelay) FROM ${AIRLINE_TABLE} WHERE Distance > 500 ` +
      'GROUP BY OriginState, DayOfWeek ORDER BY SUM(DepDelay) DESC, OriginState, DayOfWeek ' +
      'LIMIT 10'),
    ...[0.01, 0.1, 0.5].map((fraction) => fixed(`scan-${fraction * 100}pct`, 'scan',
      `COUNT and SUM, ts range selecting ${fraction * 100}% of rows`,
      `SELECT COUNT(*), SUM(timeSpentMs) FROM ${P} WHERE ts >= ${tsCut(fraction)}`)),
    fixed('scan-airline-delay', 'scan', 'airline: COUNT and SUM over a delay range',
      `SELECT COUNT(*), SUM(Distance) FROM ${AIRLINE_TABLE} WHERE ArrDelay BETWEEN 15 AND 120`),
    fixed('hc-company-top', 'high-cardinality', '10,000 companies: top 10 by time spent',
      `SELECT viewerCompany, COUNT(*), SUM(timeSpentMs) FROM ${P} GROUP BY viewerCompany ` +
      'ORDER BY SUM(timeSpentMs) DESC, viewerCompany LIMIT 10'),
    { ...fixed('hc-viewee-day', 'high-cardinality', 'last day: most viewed members (vieweeId groups)',
      `SELECT vieweeId, COUNT(*) FROM ${P} WHERE ts >= ${tsCut(1 / 30)} GROUP BY vieweeId ` +
      'ORDER BY COUNT(*) DESC, vieweeId LIMIT 10'),
    cuveeQueryOptions: { numGroupsLimit: String(VIEWEE_DAY_GROUPS_LIMIT) } },
    fixed('st-region', 'star-tree', 'whole table by region (star-tree covered)',
      `SELECT region, COUNT(*), SUM(timeSpentMs) FROM ${P} GROUP BY region ` +
      'ORDER BY SUM(timeSpentMs) DESC, region LIMIT 10'),
    fixed('st-region-industry-device', 'star-tree', 'one region by industry, device (star-tree)',
      `SELECT industry, device, COUNT(*), MAX(timeSpentMs) FROM ${P} WHERE region = ` +
      `'${REGIONS[0]!}' GROUP BY industry, device ORDER BY COUNT(*) DESC, industry, device ` +
      'LIMIT 10'),
  ];
}
