// What a real-time table keeps besides its segments (host/realtime/FORMAT.md): per partition
// the offset its first consuming segment started at, and whether consumption is paused. The
// committed offsets themselves live inside the sealed segments, so this file only matters
// before a partition's first commit (and for the pause flag).
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SegmentFormatError } from '../errors/errors.js';
import { writeFileAtomic } from '../util/files.js';
import { isPlainObject } from '../config/warnings.js';

/** Version of the state file layout; a reader refuses other versions. */
export const STATE_FORMAT_VERSION = 1;

export interface RealtimeState {
  /** Start offset of each partition's first consuming segment, by partition id. */
  readonly startOffsets: Readonly<Record<string, number>>;
  readonly paused: boolean;
}

const EMPTY_STATE: RealtimeState = { startOffsets: {}, paused: false };

export async function readRealtimeState(filePath: string): Promise<RealtimeState> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_STATE;
    throw error;
  }
  const json = JSON.parse(text) as unknown;
  if (!isPlainObject(json) || json.version !== STATE_FORMAT_VERSION) {
    throw new SegmentFormatError(filePath, `not a version ${STATE_FORMAT_VERSION} state file; ` +
      'restore it from a backup or delete it to consume from the offset reset policy');
  }
  const offsets = isPlainObject(json.startOffsets) ? json.startOffsets : {};
  const startOffsets: Record<string, number> = {};
  for (const [partition, offset] of Object.entries(offsets)) {
    if (typeof offset === 'number' && Number.isSafeInteger(offset)) startOffsets[partition] = offset;
  }
  return { startOffsets, paused: json.paused === true };
}

export async function writeRealtimeState(filePath: string, state: RealtimeState): Promise<void> {
  await mkdir(dirname(filePath), { recursive: true });
  const json = { version: STATE_FORMAT_VERSION, ...state };
  await writeFileAtomic(filePath, `${JSON.stringify(json, null, 2)}\n`);
}
