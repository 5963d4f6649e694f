// A CPU profile of the main thread while a piece of the benchmark runs (node:inspector), summed
// by function: the "where the time goes" table of RESULTS.md. Worker threads are not sampled.
import { Session } from 'node:inspector/promises';

export interface ProfileLine {
  readonly functionName: string;
  /** Script path relative to the repository (or node: internals), with the line. */
  readonly location: string;
  readonly selfPercent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Profile entries shown: enough to see the hot path, short enough to read. */
const TOP_LINES = 12;

function shortLocation(url: string, lineNumber: number): string {
  const marker = url.indexOf('/dist/');
  const path = marker >= 0 ? url.slice(marker + 1) : url === '' ? '(native)' : url;
  return `${path}:${lineNumber + 1}`;
}

export async function profileWhile(action: () => Promise<void>): Promise<ProfileLine[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await action();
    const stopped = await session.post('Profiler.stop');
    const { profile } = stopped as unknown as { profile: { nodes: ProfileNode[] } };
    type Entry = { functionName: string; location: string; hits: number };
    const hitsByFunction = new Map<string, Entry>();
    let totalHits = 0;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      totalHits += hits;
      const { functionName, url, lineNumber } = node.callFrame;
      const location = shortLocation(url, lineNumber);
      const key = `${functionName}@${location}`;
      const entry = hitsByFunction.get(key) ?? { functionName: functionName || '(anonymous)',
        location, hits: 0 };
      entry.hits += hits;
      hitsByFunction.set(key, entry);
    }
    return [...hitsByFunction.values()].sort((left, right) => right.hits - left.hits)
      .slice(0, TOP_LINES).map((entry) => ({ functionName: entry.functionName,
        location: entry.location, selfPercent: (100 * entry.hits) / Math.max(1, totalHits) }));
  } finally {
    session.disconnect();
  }
}
