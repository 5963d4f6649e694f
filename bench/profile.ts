// A CPU profile of the main thread while a piece of the benchmark runs (node:inspector), summed
// by function and by part of the system: the "where the time goes" tables of RESULTS.md.
// Worker threads are not sampled.
import { Session } from 'node:inspector/promises';

export interface ProfileLine {
  readonly functionName: string;
  /** Script path relative to the repository (or node: internals), with the line. */
  readonly location: string;
  readonly selfPercent: number;
}

/** Self time summed over one part of the system (PROFILE_PARTS). */
export interface ProfilePart {
  readonly part: string;
  readonly selfPercent: number;
}

export interface CpuProfile {
  /** The hottest functions. */
  readonly top: ProfileLine[];
  /** Every sample, by part: what a request's main-thread time is spent on. */
  readonly parts: ProfilePart[];
}

/** The planning side of host/query (the rest of it executes segments and reduces). */
const PLAN_FILES =
  /^dist\/host\/query\/(plan|compiledQuery|filterPlan|options|timestampIndex|brokerPrune|prune)\./;
/** Node's own HTTP server, sockets, streams and the event loop's bookkeeping. */
const NODE_IO_MODULES =
  /^node:(_http|http|net|stream|internal\/(http|streams?|net|timers|async_hooks|process))/;

/** Native frames of socket I/O (libuv stream writes and reads), which carry no script URL. */
const NATIVE_IO_FUNCTIONS = new Set(['writev', 'writeBuffer', 'writeUtf8String',
  'writeLatin1String', 'writeAsciiString', 'read', 'onStreamRead', 'readStart', 'readStop',
  'shutdown', 'close']);

/**
 * Parts of the system by where a function lives, first match wins. Paths are dist/ paths of
 * this repository or Node's internal module names; V8's pseudo-frames by their names.
 */
const PROFILE_PARTS: readonly (readonly [string, (location: string, name: string) => boolean])[] = [
  ['idle (waiting for requests or workers)', (_, name) => name === '(idle)'],
  ['garbage collection', (_, name) => name === '(garbage collector)'],
  ['SQL lexer and parser', (location) => location.startsWith('dist/host/sql/')],
  ['plan, compile and prune', (location) =>
    PLAN_FILES.test(location) || location.startsWith('dist/host/expr/')],
  ['segment execution and reduce', (location) =>
    location.startsWith('dist/host/query/') || location.startsWith('dist/segments/')],
  ['server: routing, body, JSON writer', (location) => location.startsWith('dist/host/server/')],
  ['Node http, net and streams (socket writes included)', (location, name) =>
    NODE_IO_MODULES.test(location) || (location === '(native):0' && NATIVE_IO_FUNCTIONS.has(name))],
  ['V8 and native (program)', (_, name) => name === '(program)'],
  ['other', () => true],
];

function partOf(location: string, functionName: string): string {
  return PROFILE_PARTS.find(([, matches]) => matches(location, functionName))![0];
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

interface Entry {
  functionName: string;
  location: string;
  hits: number;
}

function summarize(nodes: readonly ProfileNode[]): CpuProfile {
  const hitsByFunction = new Map<string, Entry>();
  const hitsByPart = new Map<string, number>();
  let totalHits = 0;
  for (const node of nodes) {
    const hits = node.hitCount ?? 0;
    totalHits += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const location = shortLocation(url, lineNumber);
    const key = `${functionName}@${location}`;
    const entry = hitsByFunction.get(key) ?? { functionName: functionName || '(anonymous)',
      location, hits: 0 };
    entry.hits += hits;
    hitsByFunction.set(key, entry);
    const part = partOf(location, functionName);
    hitsByPart.set(part, (hitsByPart.get(part) ?? 0) + hits);
  }
  const percent = (hits: number): number => (100 * hits) / Math.max(1, totalHits);
  const top = [...hitsByFunction.values()].sort((left, right) => right.hits - left.hits)
    .slice(0, TOP_LINES).map((entry) => ({ functionName: entry.functionName,
      location: entry.location, selfPercent: percent(entry.hits) }));
  const parts = PROFILE_PARTS
    .map(([part]) => ({ part, selfPercent: percent(hitsByPart.get(part) ?? 0) }))
    .filter((line) => line.selfPercent > 0)
    .sort((left, right) => right.selfPercent - left.selfPercent);
  return { top, parts };
}

export async function profileWhile(action: () => Promise<void>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    await action();
    const stopped = await session.post('Profiler.stop');
    const { profile } = stopped as unknown as { profile: { nodes: ProfileNode[] } };
    return summarize(profile.nodes);
  } finally {
    session.disconnect();
  }
}
