// Date-time patterns in Joda's (and SimpleDateFormat's) letters, as Pinot's toDateTime,
// fromDateTime and SIMPLE_DATE_FORMAT columns use them. Supported letters:
// y (year), M (month: 1-2 digits, MMM short name, MMMM full name), d, D (day of year),
// E (day name), a (AM/PM), H, k, K, h, m, s, S (fraction of second), Z (offset), z (zone),
// w (ISO week), and quoted literals ('T', '' for a quote). Compiled patterns are cached.
import { ExpressionError } from '../errors.js';
import {
  daysFromCivil,
  isoWeek,
  joinLocalMillis,
  newLocalFields,
  splitLocalMillis,
  MILLIS_PER_HOUR,
  MILLIS_PER_MINUTE,
  MILLIS_PER_SECOND,
  type LocalFields,
} from './calendar.js';
import { localToUtc, type TimeZone } from './zones.js';

type PatternToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

export interface CompiledPattern {
  readonly pattern: string;
  readonly tokens: readonly PatternToken[];
}

const SUPPORTED_LETTERS = 'yYMdDEaHkKhmsSZzwu'; // the letters listed in the header
const NUMERIC_LETTERS = 'yYdDHkKhmsSwu'; // read as digits (M too, when shorter than MMM)
const PATTERN_CACHE_ENTRIES_MAX = 1024; // distinct patterns kept compiled
const GREEDY_DIGITS_MAX = 9; // longest unbounded numeric field parsed (Joda's default)
/** English names, as Joda's default locale prints them. */
const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December',
];
/** ISO order: index 0 is Monday (day-of-week 1). */
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const patterns = new Map<string, CompiledPattern>();

export function compilePattern(pattern: string): CompiledPattern {
  const cached = patterns.get(pattern);
  if (cached !== undefined) return cached;
  if (patterns.size >= PATTERN_CACHE_ENTRIES_MAX) patterns.clear();
  const compiled = { pattern, tokens: tokenizePattern(pattern) };
  patterns.set(pattern, compiled);
  return compiled;
}

function tokenizePattern(pattern: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern.charAt(i);
    if (char === "'") {
      i = readQuoted(pattern, i, tokens);
    } else if (/[A-Za-z]/.test(char)) {
      if (!SUPPORTED_LETTERS.includes(char)) {
        throw new ExpressionError(
          `Date-time pattern '${pattern}' uses the letter '${char}', which is not supported; ` +
            `use letters from ${SUPPORTED_LETTERS} or quote literal text with '`,
        );
      }
      let end = i + 1;
      while (pattern.charAt(end) === char) end++;
      tokens.push({ kind: 'field', letter: char, count: end - i });
      i = end;
    } else {
      tokens.push({ kind: 'literal', text: char });
      i++;
    }
  }
  return tokens;
}

function readQuoted(pattern: string, start: number, tokens: PatternToken[]): number {
  if (pattern.charAt(start + 1) === "'") {
    tokens.push({ kind: 'literal', text: "'" });
    return start + 2;
  }
  let text = '';
  let i = start + 1;
  for (;;) {
    if (i >= pattern.length) {
      throw new ExpressionError(`Date-time pattern '${pattern}' has an unclosed quote`);
    }
    const char = pattern.charAt(i);
    if (char === "'") {
      if (pattern.charAt(i + 1) !== "'") break;
      text += "'";
      i += 2;
      continue;
    }
    text += char;
    i++;
  }
  tokens.push({ kind: 'literal', text });
  return i + 1;
}

const formatScratch = newLocalFields();

/** Prints `utcMillis` in `zone` with the pattern. */
export function formatMillis(utcMillis: number, pattern: CompiledPattern, zone: TimeZone): string {
  const offset = zone.offsetAt(utcMillis);
  const fields = splitLocalMillis(utcMillis + offset, formatScratch);
  let out = '';
  for (const token of pattern.tokens) {
    out += token.kind === 'literal' ? token.text : formatField(token, fields, offset, zone);
  }
  return out;
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${text}` : text;
}

function formatField(
  token: { letter: string; count: number },
  fields: LocalFields,
  offset: number,
  zone: TimeZone,
): string {
  const { letter, count } = token;
  switch (letter) {
    case 'y':
    case 'Y':
      return count === 2 ? pad(((fields.year % 100) + 100) % 100, 2) : pad(fields.year, count);
    case 'M':
      if (count >= 4) return MONTHS[fields.month - 1]!;
      if (count === 3) return MONTHS[fields.month - 1]!.slice(0, 3);
      return pad(fields.month, count);
    case 'd':
      return pad(fields.day, count);
    case 'D':
      return pad(fields.dayOfYear, count);
    case 'E':
      return count >= 4 ? DAYS[fields.dayOfWeek - 1]! : DAYS[fields.dayOfWeek - 1]!.slice(0, 3);
    case 'u':
      return pad(fields.dayOfWeek, count);
    case 'a':
      return fields.hour < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(fields.hour, count);
    case 'k':
      return pad(fields.hour === 0 ? 24 : fields.hour, count);
    case 'K':
      return pad(fields.hour % 12, count);
    case 'h':
      return pad(fields.hour % 12 === 0 ? 12 : fields.hour % 12, count);
    case 'm':
      return pad(fields.minute, count);
    case 's':
      return pad(fields.second, count);
    case 'S':
      return formatFraction(fields.millisecond, count);
    case 'w':
      return pad(isoWeek(fields).week, count);
    case 'Z':
      return count >= 3 ? zone.id : formatOffset(offset, count === 2);
    default:
      return zone.id;
  }
}

function formatFraction(millisecond: number, count: number): string {
  const digits = String(millisecond).padStart(3, '0');
  return count <= 3 ? digits.slice(0, count) : digits.padEnd(count, '0');
}

/** `+0800` / `+08:00`; historical offsets with seconds (LMT) print them too, as Joda does. */
function formatOffset(offsetMillis: number, withColon: boolean): string {
  const sign = offsetMillis < 0 ? '-' : '+';
  const totalSeconds = Math.round(Math.abs(offsetMillis) / MILLIS_PER_SECOND);
  const hours = pad(Math.floor(totalSeconds / 3600), 2);
  const minutes = pad(Math.floor(totalSeconds / 60) % 60, 2);
  const seconds = totalSeconds % 60;
  const separator = withColon ? ':' : '';
  const secondsText = seconds === 0 ? '' : `${separator}${pad(seconds, 2)}`;
  return `${sign}${hours}${separator}${minutes}${secondsText}`;
}

/** State of one parse: the fields read so far, and an explicit offset if the text had one. */
interface ParseState {
  readonly text: string;
  index: number;
  readonly fields: LocalFields;
  pm: boolean | undefined;
  offsetMillis: number | undefined;
}

/** Reads `text` with the pattern; wall-clock fields are in `zone` unless the text has an offset. */
export function parseDateTime(text: string, pattern: CompiledPattern, zone: TimeZone): number {
  const fields = newLocalFields();
  const state: ParseState = { text, index: 0, fields, pm: undefined, offsetMillis: undefined };
  const tokens = pattern.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'literal') {
      if (!text.startsWith(token.text, state.index)) throw malformed(state, pattern);
      state.index += token.text.length;
      continue;
    }
    const next = tokens[i + 1];
    const adjacentNumeric =
      next !== undefined &&
      next.kind === 'field' &&
      (NUMERIC_LETTERS.includes(next.letter) || (next.letter === 'M' && next.count < 3));
    parseField(state, token, adjacentNumeric, pattern);
  }
  if (state.index !== text.length) throw malformed(state, pattern);
  if (state.pm !== undefined) fields.hour = (fields.hour % 12) + (state.pm ? 12 : 0);
  checkFieldRanges(fields, text);
  const local = joinLocalMillis(fields);
  return state.offsetMillis === undefined ? localToUtc(zone, local) : local - state.offsetMillis;
}

/** Rejects dates that do not exist (2023-02-29, 25:00), as Joda's strict parsing does. */
function checkFieldRanges(fields: LocalFields, text: string): void {
  const daysInMonth =
    fields.month >= 1 && fields.month <= 12
      ? daysFromCivil(fields.year + (fields.month === 12 ? 1 : 0), (fields.month % 12) + 1, 1) -
        daysFromCivil(fields.year, fields.month, 1)
      : 0;
  const valid =
    daysInMonth > 0 &&
    fields.day >= 1 &&
    fields.day <= daysInMonth &&
    fields.hour <= 23 &&
    fields.minute <= 59 &&
    fields.second <= 59;
  if (!valid) {
    throw new ExpressionError(`Cannot parse "${text}": the date or time does not exist`);
  }
}

function malformed(state: ParseState, pattern: CompiledPattern): ExpressionError {
  return new ExpressionError(
    `Invalid format: "${state.text}" is malformed at "${state.text.slice(state.index)}" ` +
      `for pattern '${pattern.pattern}'`,
  );
}

function parseField(
  state: ParseState,
  token: { letter: string; count: number },
  adjacentNumeric: boolean,
  pattern: CompiledPattern,
): void {
  const { letter, count } = token;
  const fields = state.fields;
  if (letter === 'M' && count >= 3) {
    fields.month = readName(state, MONTHS, count === 3, pattern) + 1;
  } else if (letter === 'E') {
    readName(state, DAYS, count <= 3, pattern);
  } else if (letter === 'a') {
    const upper = state.text.slice(state.index, state.index + 2).toUpperCase();
    if (upper !== 'AM' && upper !== 'PM') throw malformed(state, pattern);
    state.pm = upper === 'PM';
    state.index += 2;
  } else if (letter === 'Z' || letter === 'z') {
    state.offsetMillis = readOffset(state, pattern);
  } else {
    const width = adjacentNumeric ? count : GREEDY_DIGITS_MAX;
    assignNumber(fields, letter, count, readNumber(state, width, letter === 'y', pattern));
  }
}

function assignNumber(fields: LocalFields, letter: string, count: number, value: number): void {
  switch (letter) {
    case 'y':
    case 'Y':
      fields.year = count === 2 && value < 100 ? 2000 + value - (value >= 70 ? 100 : 0) : value;
      return;
    case 'M':
      fields.month = value;
      return;
    case 'd':
      fields.day = value;
      return;
    case 'H':
    case 'K':
    case 'h':
      fields.hour = value;
      return;
    case 'k':
      fields.hour = value === 24 ? 0 : value;
      return;
    case 'm':
      fields.minute = value;
      return;
    case 's':
      fields.second = value;
      return;
    case 'S':
      fields.millisecond = Math.round(value * 10 ** (3 - count));
      return;
    default:
      return;
  }
}

function readNumber(state: ParseState, width: number, signed: boolean, pattern: CompiledPattern) {
  const text = state.text;
  const start = state.index;
  let end = start;
  if (signed && (text.charAt(end) === '-' || text.charAt(end) === '+')) end++;
  const digitsStart = end;
  while (end - digitsStart < width && /\d/.test(text.charAt(end))) end++;
  if (end === digitsStart) throw malformed(state, pattern);
  state.index = end;
  return Number(text.slice(start, end));
}

function readName(
  state: ParseState,
  names: readonly string[],
  short: boolean,
  pattern: CompiledPattern,
): number {
  const rest = state.text.slice(state.index).toLowerCase();
  for (let i = 0; i < names.length; i++) {
    const name = short ? names[i]!.slice(0, 3) : names[i]!;
    if (rest.startsWith(name.toLowerCase())) {
      state.index += name.length;
      return i;
    }
  }
  throw malformed(state, pattern);
}

function readOffset(state: ParseState, pattern: CompiledPattern): number {
  const rest = state.text.slice(state.index);
  if (rest.startsWith('Z')) {
    state.index += 1;
    return 0;
  }
  const match = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?/.exec(rest);
  if (match === null) throw malformed(state, pattern);
  state.index += match[0].length;
  const magnitude =
    Number(match[2]) * MILLIS_PER_HOUR +
    Number(match[3]) * MILLIS_PER_MINUTE +
    Number(match[4] ?? 0) * MILLIS_PER_SECOND;
  return match[1] === '-' ? -magnitude : magnitude;
}
