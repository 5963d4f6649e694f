// Parses time values of SIMPLE_DATE_FORMAT columns (Joda/Java patterns such as `yyyyMMdd` or
// `yyyy-MM-dd HH:mm:ss`) into epoch milliseconds, and formats UTC dates for segment names.
import { ConfigError, DataError } from '../../host/errors/errors.js';

/** Pattern letters this parser understands, with the Date field each fills. */
const FIELD_OF_LETTER = {
  y: 'year',
  M: 'month',
  d: 'day',
  H: 'hour',
  m: 'minute',
  s: 'second',
  S: 'millisecond',
} as const;
type DateField = (typeof FIELD_OF_LETTER)[keyof typeof FIELD_OF_LETTER];

interface CompiledPattern {
  readonly regex: RegExp;
  readonly fields: readonly DateField[];
}

const compiled = new Map<string, CompiledPattern>();

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Turns a pattern into a regex: a run of n letters reads at least n digits (n = 1: any). */
function compilePattern(pattern: string): CompiledPattern {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  let source = '';
  const fields: DateField[] = [];
  for (let i = 0; i < pattern.length; ) {
    const char = pattern[i]!;
    if (char === "'") {
      const end = pattern.indexOf("'", i + 1);
      const literal = end === -1 ? pattern.slice(i + 1) : pattern.slice(i + 1, end);
      source += literal === '' ? "'" : escapeRegex(literal);
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    let run = 1;
    while (pattern[i + run] === char) run++;
    if (/[A-Za-z]/.test(char)) {
      const field = FIELD_OF_LETTER[char as keyof typeof FIELD_OF_LETTER] as DateField | undefined;
      if (field === undefined) {
        throw new ConfigError(
          `date pattern "${pattern}": letter '${char}' is not supported for segment names; ` +
            'use y, M, d, H, m, s and S',
        );
      }
      fields.push(field);
      source += run === 1 ? '(\\d+)' : `(\\d{${run},})`;
    } else {
      source += escapeRegex(char.repeat(run));
    }
    i += run;
  }
  const result = { regex: new RegExp(`^${source}$`), fields };
  compiled.set(pattern, result);
  return result;
}

/** Milliseconds to add to a UTC instant to get the wall clock of `timeZone` at that instant. */
function zoneOffsetMs(timeZone: string, instantMs: number): number {
  if (timeZone === 'UTC' || timeZone === 'GMT') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instantMs));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wallMs = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wallMs - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/** Epoch milliseconds of `text` read with `pattern` in `timeZone`; DataError if it won't fit. */
export function parseSimpleDate(text: string, pattern: string, timeZone: string): number {
  const { regex, fields } = compilePattern(pattern);
  const match = regex.exec(text);
  if (match === null) {
    throw new DataError(`time value "${text}" does not match the date pattern "${pattern}"`);
  }
  const value: Record<DateField, number> = {
    year: 1970,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
  };
  fields.forEach((field, i) => {
    value[field] = Number(match[i + 1]);
  });
  const wallMs = Date.UTC(
    value.year,
    value.month - 1,
    value.day,
    value.hour,
    value.minute,
    value.second,
    value.millisecond,
  );
  // Two passes settle the offset across a daylight-saving change.
  const firstGuessMs = wallMs - zoneOffsetMs(timeZone, wallMs);
  return wallMs - zoneOffsetMs(timeZone, firstGuessMs);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `yyyy-MM-dd` (or `yyyy-MM-dd-HH` when `hourly`) of an instant, in UTC. */
export function formatUtcDate(epochMs: number, hourly: boolean): string {
  const date = new Date(epochMs);
  const day =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-` +
    pad(date.getUTCDate(), 2);
  return hourly ? `${day}-${pad(date.getUTCHours(), 2)}` : day;
}

/** `yyyyMMdd'T'HHmm'Z'` of an instant in UTC: the date part of real-time segment names. */
export function formatCompactUtc(epochMs: number): string {
  const date = new Date(epochMs);
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1, 2)}` +
    `${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}${pad(date.getUTCMinutes(), 2)}Z`
  );
}
