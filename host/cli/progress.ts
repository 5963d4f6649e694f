// Progress of long CLI operations (ingest, upload): on a terminal one line redrawn in place (a
// bar when the total is known, with the rate per second); when piped, plain lines only when a
// step finishes, so logs stay readable.

/** Redraws at most this often: a terminal needs no more, and drawing costs time. */
const REDRAW_INTERVAL_MS = 100;
/** Characters of the bar between the brackets. */
const BAR_WIDTH = 30;
/** Below this elapsed time a rate is noise, so none is shown. */
const RATE_MIN_ELAPSED_MS = 50;
/** Scale steps for compact numbers (k, M, G). */
const UNIT_STEP = 1000;
const BYTE_STEP = 1024;

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** What is counted: rows (local ingest) or bytes (uploads). */
export type ProgressUnit = 'rows' | 'bytes';

export function formatCount(count: number, unit: ProgressUnit): string {
  if (unit === 'rows') {
    if (count < UNIT_STEP * UNIT_STEP) return `${Math.round(count).toLocaleString('en-US')} rows`;
    return `${(count / UNIT_STEP / UNIT_STEP).toFixed(1)}M rows`;
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let index = 0;
  while (value >= BYTE_STEP && index < units.length - 1) {
    value /= BYTE_STEP;
    index++;
  }
  return `${index === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[index]!}`;
}

export function formatBar(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * BAR_WIDTH);
  const percent = `${Math.floor(clamped * 100)}`.padStart(3);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}%`;
}

/** One task's progress (one file ingested or uploaded). */
export class ProgressLine {
  private readonly startedMs: number;
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private count = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly unit: ProgressUnit,
    private readonly totalCount: number | undefined,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedMs = clock();
  }

  /** The count so far; redraws on a terminal when enough time has passed. */
  update(count: number): void {
    this.count = count;
    if (this.stream.isTTY !== true) return;
    const now = this.clock();
    if (now - this.lastDrawMs < REDRAW_INTERVAL_MS) return;
    this.lastDrawMs = now;
    this.stream.write(`\r\u001b[2K${this.text(now)}`);
    this.drawn = true;
  }

  /** Ends the line: the final count and rate, plus `detail` (what was made of it). */
  finish(count: number, detail = ''): void {
    this.count = count;
    const line = `${this.text(this.clock())}${detail === '' ? '' : ` ${detail}`}`;
    this.stream.write(this.drawn ? `\r\u001b[2K${line}\n` : `${line}\n`);
  }

  private text(now: number): string {
    const elapsedMs = now - this.startedMs;
    const parts = [this.label];
    if (this.totalCount !== undefined && this.totalCount > 0) {
      parts.push(formatBar(this.count / this.totalCount));
    }
    parts.push(formatCount(this.count, this.unit));
    if (elapsedMs >= RATE_MIN_ELAPSED_MS) {
      parts.push(`${formatCount((this.count * 1000) / elapsedMs, this.unit)}/s`);
    }
    return parts.join('  ');
  }
}
