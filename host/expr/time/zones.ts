// Time zones: UTC and fixed offsets computed directly, named (IANA) zones through Intl.
// Offsets of named zones are cached per UTC day when the day has one offset (no zone changes
// offset twice in a day), else per quarter hour, the granularity of every modern zone's
// transitions: hot loops pay a Map lookup rather than an Intl call.
import { ExpressionError } from '../errors.js';
import { MILLIS_PER_DAY, MILLIS_PER_HOUR, MILLIS_PER_MINUTE } from './calendar.js';

export interface TimeZone {
  /** As given by the user, for messages and for printing with the `z`/`ZZZ` pattern letters. */
  readonly id: string;
  /** Offset from UTC in milliseconds at the instant `utcMillis`. */
  offsetAt(utcMillis: number): number;
}

const OFFSET_CACHE_BUCKET_MILLIS = 15 * MILLIS_PER_MINUTE; // zone transitions fall on these
const MIXED_DAY = Number.NaN; // day-cache marker: the day has a transition, use quarter hours
const OFFSET_CACHE_ENTRIES_MAX = 65_536; // ~2 years of quarter hours per zone, then reset
const ZONE_CACHE_ENTRIES_MAX = 1024; // distinct zone ids kept compiled
/** Ids Joda accepts for UTC itself (compared upper case). */
const UTC_NAMES = new Set(['UTC', 'GMT', 'Z', 'UCT', 'ETC/UTC', 'ETC/GMT', 'UNIVERSAL', 'ZULU']);
/** Fixed offsets: `+05:30`, `-0800`, `GMT+5`, `UTC-03:30`. */
const OFFSET_PATTERN = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

class FixedZone implements TimeZone {
  constructor(
    readonly id: string,
    private readonly offsetMillis: number,
  ) {}
  offsetAt(): number {
    return this.offsetMillis;
  }
}

class NamedZone implements TimeZone {
  private readonly format: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();
  private readonly dayCache = new Map<number, number>();

  constructor(readonly id: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  offsetAt(utcMillis: number): number {
    const day = Math.floor(utcMillis / MILLIS_PER_DAY);
    let dayOffset = this.dayCache.get(day);
    if (dayOffset === undefined) {
      if (this.dayCache.size >= OFFSET_CACHE_ENTRIES_MAX) this.dayCache.clear();
      const start = this.computeOffset(day * MILLIS_PER_DAY);
      const end = this.computeOffset((day + 1) * MILLIS_PER_DAY - OFFSET_CACHE_BUCKET_MILLIS);
      dayOffset = start === end ? start : MIXED_DAY;
      this.dayCache.set(day, dayOffset);
    }
    return Number.isNaN(dayOffset) ? this.quarterHourOffset(utcMillis) : dayOffset;
  }

  private quarterHourOffset(utcMillis: number): number {
    const bucket = Math.floor(utcMillis / OFFSET_CACHE_BUCKET_MILLIS);
    const cached = this.cache.get(bucket);
    if (cached !== undefined) return cached;
    if (this.cache.size >= OFFSET_CACHE_ENTRIES_MAX) this.cache.clear();
    const offset = this.computeOffset(bucket * OFFSET_CACHE_BUCKET_MILLIS);
    this.cache.set(bucket, offset);
    return offset;
  }

  private computeOffset(utcMillis: number): number {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(utcMillis)) parts[part.type] = part.value;
    const yearOfEra = Number(parts['year']);
    const year = parts['era'] === 'BC' || parts['era'] === 'B' ? 1 - yearOfEra : yearOfEra;
    const local = Date.UTC(
      year,
      Number(parts['month']) - 1,
      Number(parts['day']),
      Number(parts['hour']),
      Number(parts['minute']),
      Number(parts['second']),
    );
    const fixedYear = new Date(local);
    fixedYear.setUTCFullYear(year);
    return fixedYear.getTime() - utcMillis;
  }
}

export const UTC: TimeZone = new FixedZone('UTC', 0);
const zones = new Map<string, TimeZone>([['UTC', UTC]]);

/** Resolves a zone id: `UTC`, `+05:30`, `GMT-8`, or an IANA name such as `Europe/Paris`. */
export function parseTimeZone(id: string): TimeZone {
  const cached = zones.get(id);
  if (cached !== undefined) return cached;
  if (zones.size >= ZONE_CACHE_ENTRIES_MAX) zones.clear();
  const zone = buildZone(id.trim());
  zones.set(id, zone);
  return zone;
}

function buildZone(id: string): TimeZone {
  if (UTC_NAMES.has(id.toUpperCase())) return new FixedZone(id, 0);
  const offset = OFFSET_PATTERN.exec(id);
  if (offset !== null) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? 0);
    if (hours > 18 || minutes > 59) throw unknownZone(id);
    const sign = offset[1] === '-' ? -1 : 1;
    return new FixedZone(id, sign * (hours * MILLIS_PER_HOUR + minutes * MILLIS_PER_MINUTE));
  }
  try {
    return new NamedZone(id);
  } catch {
    throw unknownZone(id);
  }
}

function unknownZone(id: string): ExpressionError {
  return new ExpressionError(
    `Unknown time zone '${id}'; use UTC, an offset such as +05:30, ` +
      'or an IANA name such as America/Los_Angeles',
  );
}

/**
 * The UTC instant of a wall-clock time in `zone`. In a gap (spring forward) the wall time is
 * moved forward by the gap; in an overlap (fall back) the earlier instant wins, as Joda does.
 */
export function localToUtc(zone: TimeZone, localMillis: number): number {
  const firstGuess = localMillis - zone.offsetAt(localMillis);
  const offset = zone.offsetAt(firstGuess);
  const candidate = localMillis - offset;
  const offsetAtCandidate = zone.offsetAt(candidate);
  if (offsetAtCandidate === offset) {
    const earlier = localMillis - zone.offsetAt(candidate - MILLIS_PER_HOUR);
    return zone.offsetAt(earlier) === localMillis - earlier && earlier < candidate
      ? earlier
      : candidate;
  }
  return localMillis - Math.min(offset, offsetAtCandidate);
}
