// Timestamp index: segments of a table with timestampConfig granularities carry `$ts$DAY`-style
// columns, DATETRUNC in select, group-by, filter and order-by is rewritten to read them, and the
// answers equal those of the same query over a table without the index.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../../host/config/types.js';
import { Cuvee } from '../../host/cuvee.js';
import { compileQuery } from '../../host/query/compiledQuery.js';
import { parseQueryOptions } from '../../host/query/options.js';
import { planQuery } from '../../host/query/plan.js';
import { reduceResults } from '../../host/query/reduce.js';
import { executeSegment } from '../../host/query/segmentExec.js';
import { applyTimestampIndex } from '../../host/query/timestampIndex.js';
import { parseSql } from '../../host/sql/parser.js';
import type { TableData } from '../../host/table/tableData.js';
import { SeededRandom } from '../support/random.js';

/** 2024-01-01T00:00:00Z. */
const BASE_MS = 1_704_067_200_000;
/** Rows spread over about three months, so DAY, WEEK and MONTH all have several buckets. */
const SPAN_MS = 95 * 86_400_000;
const ROW_COUNT = 6000;
const ROWS_PER_SEGMENT = 1000;

function schema(name: string): object {
  return {
    schemaName: name,
    dimensionFieldSpecs: [{ name: 'country', dataType: 'STRING' }],
    metricFieldSpecs: [{ name: 'clicks', dataType: 'LONG' }],
    dateTimeFieldSpecs: [
      {
        name: 'ts',
        dataType: 'TIMESTAMP',
        format: '1:MILLISECONDS:TIMESTAMP',
        granularity: '1:MILLISECONDS',
      },
    ],
  };
}

function table(name: string, indexed: boolean): object {
  return {
    tableName: name,
    tableType: 'OFFLINE',
    segmentsConfig: { timeColumnName: 'ts', replication: '1' },
    tableIndexConfig: {},
    fieldConfigList: indexed
      ? [
          {
            name: 'ts',
            encodingType: 'DICTIONARY',
            indexTypes: ['TIMESTAMP'],
            timestampConfig: { granularities: ['DAY', 'WEEK', 'MONTH'] },
          },
        ]
      : [],
  };
}

function rows(): Row[] {
  const random = new SeededRandom(0x7157);
  return Array.from({ length: ROW_COUNT }, () => ({
    country: random.pick(['FR', 'DE', 'US', 'JP']),
    clicks: BigInt(random.int(0, 100)),
    ts: BigInt(BASE_MS + Math.floor(random.next() * SPAN_MS)),
  }));
}

const QUERIES = [
  "SELECT DATETRUNC('DAY', ts), COUNT(*), SUM(clicks) FROM %t GROUP BY DATETRUNC('DAY', ts) " +
    "ORDER BY DATETRUNC('DAY', ts) LIMIT 200",
  "SELECT DATETRUNC('WEEK', ts) AS week, country, MAX(clicks) FROM %t " +
    "GROUP BY DATETRUNC('WEEK', ts), country ORDER BY week DESC, country LIMIT 100",
  "SELECT DATETRUNC('MONTH', ts), COUNT(*) FROM %t WHERE DATETRUNC('MONTH', ts) >= " +
    `${BASE_MS + 31 * 86_400_000} GROUP BY DATETRUNC('MONTH', ts) ORDER BY 1 LIMIT 10`,
  `SELECT COUNT(*) FROM %t WHERE DATETRUNC('DAY', ts) = ${BASE_MS + 10 * 86_400_000}`,
  "SELECT DATETRUNC('HOUR', ts), COUNT(*) FROM %t GROUP BY DATETRUNC('HOUR', ts) " +
    'ORDER BY COUNT(*) DESC, 1 LIMIT 5',
];

describe('timestamp index', () => {
  let cuvee: Cuvee;
  let indexed: TableData;

  before(async () => {
    cuvee = await Cuvee.open({
      runtime: { workerCount: 1 },
      onWarning: () => {},
      maxRowsPerSegment: ROWS_PER_SEGMENT,
    });
    const data = rows();
    for (const [name, withIndex] of [
      ['tsIndexed', true],
      ['tsPlain', false],
    ] as const) {
      await cuvee.createSchema(schema(name));
      await cuvee.createTable(table(name, withIndex));
      await cuvee.addRows(cuvee.table(name), data);
    }
    indexed = cuvee.table('tsIndexed');
  });

  after(async () => {
    await cuvee.close();
  });

  /** Runs `sql` on the indexed table through the timestamp-index rewrite, segment by segment. */
  function runRewritten(sql: string): {
    rows: unknown[][];
    types: string[];
    rewritten: boolean;
    filterKind: string | undefined;
  } {
    const plan = planQuery(parseSql(sql), indexed.schema, parseQueryOptions({}));
    const segments = indexed.segments();
    const rewrittenPlan = applyTimestampIndex(plan, indexed.config, segments);
    const compiled = compileQuery(rewrittenPlan);
    const deadline = { atMs: performance.now() + 60_000, timeoutMs: 60_000 };
    const results = segments.map((segment) => executeSegment(compiled, segment, deadline).result);
    const { resultTable } = reduceResults(compiled, results);
    return {
      rows: resultTable.rows,
      types: resultTable.dataSchema.columnDataTypes,
      rewritten: rewrittenPlan !== plan,
      filterKind: rewrittenPlan.filter?.kind,
    };
  }

  test('segments carry one derived column per granularity', () => {
    const segments = indexed.segments();
    assert.equal(segments.length, ROW_COUNT / ROWS_PER_SEGMENT);
    for (const segment of segments) {
      for (const name of ['$ts$DAY', '$ts$WEEK', '$ts$MONTH']) {
        assert.ok(segment.metadata.columns.has(name), `${segment.metadata.segmentName} ${name}`);
      }
    }
  });

  test('DATETRUNC reads the granularity column and answers as without the index', async () => {
    for (const sql of QUERIES) {
      const plain = await cuvee.query(sql.replace('%t', 'tsPlain'));
      assert.deepEqual(plain.exceptions, [], sql);
      const viaIndex = runRewritten(sql.replace('%t', 'tsIndexed'));
      assert.equal(viaIndex.rewritten, !sql.includes("'HOUR'"), sql);
      assert.deepEqual(viaIndex.rows, plain.resultTable!.rows, sql);
      // A filter on the truncation becomes a predicate on the dictionary column.
      if (sql.includes('WHERE')) assert.equal(viaIndex.filterKind, 'column', sql);
      assert.deepEqual(viaIndex.types, plain.resultTable!.dataSchema.columnDataTypes, sql);
      assert.ok(plain.resultTable!.rows.length > 0, sql);
      const unrewritten = await cuvee.query(sql.replace('%t', 'tsIndexed'));
      assert.deepEqual(unrewritten.resultTable!.rows, plain.resultTable!.rows, sql);
    }
  });

  test('no rewrite when a segment lacks the column', () => {
    const sql = "SELECT DATETRUNC('DAY', ts), COUNT(*) FROM tsPlain GROUP BY DATETRUNC('DAY', ts)";
    const plain = cuvee.table('tsPlain');
    const plan = planQuery(parseSql(sql), plain.schema, parseQueryOptions({}));
    assert.equal(applyTimestampIndex(plan, indexed.config, plain.segments()), plan);
  });
});
