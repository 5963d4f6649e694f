// EXPLAIN PLAN FOR: Pinot's operator tree as rows (Operator, Operator_Id, Parent_Id), with one
// PLAN_START per group of segments that chose the same access paths, so a sealed segment's
// inverted index and a consuming segment's scan both show.
import type { Segment } from '../../segments/spi/segment.js';
import { formatExpr } from '../sql/format.js';
import type { CompiledQuery } from './compiledQuery.js';
import { allDocs } from './docSelection.js';
import { evaluateFilter } from './filterExec.js';
import type { ResultTable } from './response.js';
import type { KernelContext } from './kernelPaths.js';
import { explainStarTree } from './starTreeExec.js';

function accessPathsOf(
  query: CompiledQuery,
  segment: Segment,
  kernels: KernelContext | undefined,
): string[] {
  const starTree = explainStarTree(query, segment);
  if (starTree !== undefined) return [starTree];
  const paths: string[] = [];
  if (query.plan.filter === undefined) return ['all docs (no filter)'];
  const docCount = segment.docCount();
  evaluateFilter(
    query.plan.filter,
    {
      kernels,
      segment,
      docCount,
      nullHandling: query.plan.options.enableNullHandling,
      compile: (leaf) => query.compileFilterExpression(leaf),
      entriesScanned: 0,
      accessPaths: paths,
    },
    allDocs(docCount),
  );
  return paths;
}

export function explainPlan(
  query: CompiledQuery,
  segments: readonly Segment[],
  kernelsFor: (segment: Segment) => KernelContext | undefined,
): ResultTable {
  const plan = query.plan;
  const rows: (string | number)[][] = [];
  let nextId = 0;
  const add = (operator: string, parentId: number): number => {
    const id = nextId++;
    rows.push([operator, id, parentId]);
    return id;
  };
  const root = add(`BROKER_REDUCE(limit:${plan.limit})`, -1);
  const combine = add(`COMBINE_${plan.kind.toUpperCase()}`, root);
  const byPaths = new Map<string, { kind: string; count: number; paths: string[] }>();
  for (const segment of segments) {
    const paths = accessPathsOf(query, segment, kernelsFor(segment));
    const kind = segment.metadata.crc === 0 ? 'consuming' : 'sealed';
    const key = `${kind}|${paths.join('|')}`;
    const entry = byPaths.get(key) ?? { kind, count: 0, paths };
    entry.count++;
    byPaths.set(key, entry);
  }
  const outputs = plan.outputs.map((output) => formatExpr(output.expr)).join(', ');
  for (const entry of byPaths.values()) {
    rows.push([
      `PLAN_START(numSegmentsForThisPlan:${entry.count}, segmentKind:${entry.kind})`,
      -1,
      -1,
    ]);
    const operator = add(`${plan.kind.toUpperCase()}(${outputs})`, combine);
    const filter = add('FILTER', operator);
    for (const path of entry.paths) add(`FILTER_PREDICATE(${path})`, filter);
  }
  return {
    dataSchema: {
      columnNames: ['Operator', 'Operator_Id', 'Parent_Id'],
      columnDataTypes: ['STRING', 'INT', 'INT'],
    },
    rows,
  };
}
