// Pinot's StringFunctions, with Java's and Apache commons-lang's semantics: indexes count
// UTF-16 code units (as Java's String), `substr` is 0-based with an exclusive end (-1 meaning
// "to the end"), and SQL's `substring` is 1-based with a length.
import { ExpressionError } from '../errors.js';
import type { ScalarFunctionSpec } from '../registry.js';
import type { ExprValue } from '../types.js';
import { toInt, toStr } from '../values.js';

const JAVA_WHITESPACE_MAX = 32; // Java's String.trim removes every char <= ' '
const LEADING_SPACE = /^[ \t\n\x0B\f\r]+/; // Pinot's ltrim: Java regex \s
const TRAILING_SPACE = /[ \t\n\x0B\f\r]+$/; // Pinot's rtrim: Java regex \s
const PAD_LENGTH_MAX = 1 << 20; // a pad or repeat longer than 1 Mi chars is a mistake

function str(args: readonly ExprValue[], index: number): string {
  return toStr(args[index]!);
}

function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= JAVA_WHITESPACE_MAX) start++;
  while (end > start && value.charCodeAt(end - 1) <= JAVA_WHITESPACE_MAX) end--;
  return value.slice(start, end);
}

/** SQL TRIM(BOTH|LEADING|TRAILING chars FROM value), Pinot's 3-argument trim. */
function trimCharacters(end: string, characters: string, value: string): string {
  let start = 0;
  let stop = value.length;
  const upper = end.toUpperCase();
  if (upper === 'BOTH' || upper === 'LEADING') {
    while (start < stop && characters.includes(value.charAt(start))) start++;
  }
  if (upper === 'BOTH' || upper === 'TRAILING') {
    while (stop > start && characters.includes(value.charAt(stop - 1))) stop--;
  }
  return value.slice(start, stop);
}

/** commons-lang StringUtils.substring: negative indexes count from the end; out of range clamps. */
export function commonsSubstring(value: string, begin: number, end = value.length): string {
  const length = value.length;
  let from = begin < 0 ? length + begin : begin;
  let to = end < 0 ? length + end : end;
  from = Math.max(0, from);
  to = Math.min(length, to);
  return from >= to ? '' : value.slice(from, to);
}

/** SQL SUBSTRING(value, position[, length]): 1-based; positions before 1 shorten the length. */
export function sqlSubstring(value: string, position: number, length?: number): string {
  const start = position - 1;
  const end = length === undefined ? value.length : start + length;
  if (length !== undefined && length < 0) {
    throw new ExpressionError(`SUBSTRING length ${length} is negative; pass a length >= 0`);
  }
  return value.slice(Math.max(0, start), Math.max(0, Math.min(value.length, end)));
}

/** commons-lang StringUtils.ordinalIndexOf: the n-th (1-based) match, overlaps allowed. */
export function ordinalIndexOf(value: string, find: string, ordinal: number): number {
  if (ordinal <= 0) return -1;
  if (find.length === 0) return 0;
  let index = -1;
  for (let found = 0; found < ordinal; found++) {
    index = value.indexOf(find, index + 1);
    if (index < 0) return -1;
  }
  return index;
}

function lastOrdinalIndexOf(value: string, find: string, ordinal: number): number {
  if (ordinal <= 0) return -1;
  if (find.length === 0) return value.length;
  let index = value.length;
  for (let found = 0; found < ordinal; found++) {
    if (index - 1 < 0) return -1;
    index = value.lastIndexOf(find, index - 1);
    if (index < 0) return -1;
  }
  return index;
}

/** Java's compareTo: difference of the first differing code units, else of the lengths. */
export function javaCompareTo(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = left.charCodeAt(i) - right.charCodeAt(i);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function pad(value: string, size: number, padding: string, left: boolean): string {
  if (size > PAD_LENGTH_MAX) {
    throw new ExpressionError(`Pad size ${size} is larger than ${PAD_LENGTH_MAX}; use a smaller size`);
  }
  if (size <= value.length) return value;
  const fill = (padding.length === 0 ? ' ' : padding)
    .repeat(Math.ceil((size - value.length) / Math.max(1, padding.length)))
    .slice(0, size - value.length);
  return left ? fill + value : value + fill;
}

/** commons-lang StringUtils.split: any char of `separators` splits; empty parts dropped. */
function splitOnAnyChar(value: string, separators: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (const char of value) {
    if (separators.includes(char)) {
      if (current.length > 0) parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function reverseCodeUnits(value: string): string {
  let out = '';
  for (let i = value.length - 1; i >= 0; i--) out += value.charAt(i);
  return out;
}

function repeat(value: string, separator: string, times: number): string {
  if (times <= 0) return '';
  if ((value.length + separator.length) * times > PAD_LENGTH_MAX) {
    throw new ExpressionError(`repeat would build more than ${PAD_LENGTH_MAX} chars; repeat fewer times`);
  }
  return Array.from({ length: times }, () => value).join(separator);
}

export const STRING_FUNCTIONS: readonly ScalarFunctionSpec[] = [
  { name: 'upper', aliases: ['ucase'], minArgs: 1, returnType: 'STRING', evaluate: (a) => str(a, 0).toUpperCase() },
  { name: 'lower', aliases: ['lcase'], minArgs: 1, returnType: 'STRING', evaluate: (a) => str(a, 0).toLowerCase() },
  {
    name: 'trim',
    minArgs: 1,
    maxArgs: 3,
    returnType: 'STRING',
    evaluate: (a) =>
      a.length === 3 ? trimCharacters(str(a, 0), str(a, 1), str(a, 2)) : javaTrim(str(a, 0)),
  },
  { name: 'ltrim', minArgs: 1, returnType: 'STRING', evaluate: (a) => str(a, 0).replace(LEADING_SPACE, '') },
  { name: 'rtrim', minArgs: 1, returnType: 'STRING', evaluate: (a) => str(a, 0).replace(TRAILING_SPACE, '') },
  {
    name: 'substr',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'STRING',
    evaluate: (a) => {
      const end = a.length === 3 ? toInt(a[2]!) : -1;
      return end === -1
        ? commonsSubstring(str(a, 0), toInt(a[1]!))
        : commonsSubstring(str(a, 0), toInt(a[1]!), end);
    },
  },
  {
    name: 'substring',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'STRING',
    evaluate: (a) =>
      sqlSubstring(str(a, 0), toInt(a[1]!), a.length === 3 ? toInt(a[2]!) : undefined),
  },
  { name: 'leftSubStr', aliases: ['left'], minArgs: 2, returnType: 'STRING', evaluate: (a) => str(a, 0).slice(0, Math.max(0, toInt(a[1]!))) },
  {
    name: 'rightSubStr',
    aliases: ['right'],
    minArgs: 2,
    returnType: 'STRING',
    evaluate: (a) => {
      const value = str(a, 0);
      const length = Math.max(0, toInt(a[1]!));
      return length >= value.length ? value : value.slice(value.length - length);
    },
  },
  {
    // concat(a, b) joins; concat(a, b, separator) puts the separator between (Pinot's order).
    name: 'concat',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'STRING',
    evaluate: (a) => (a.length === 3 ? str(a, 0) + str(a, 2) + str(a, 1) : str(a, 0) + str(a, 1)),
  },
  {
    name: 'replace',
    minArgs: 3,
    returnType: 'STRING',
    evaluate: (a) => {
      const find = str(a, 1);
      return find.length === 0 ? str(a, 0) : str(a, 0).split(find).join(str(a, 2));
    },
  },
  { name: 'startsWith', minArgs: 2, returnType: 'BOOLEAN', evaluate: (a) => str(a, 0).startsWith(str(a, 1)) },
  { name: 'endsWith', minArgs: 2, returnType: 'BOOLEAN', evaluate: (a) => str(a, 0).endsWith(str(a, 1)) },
  { name: 'contains', minArgs: 2, returnType: 'BOOLEAN', evaluate: (a) => str(a, 0).includes(str(a, 1)) },
  { name: 'length', aliases: ['len', 'charLength', 'characterLength'], minArgs: 1, returnType: 'INT', evaluate: (a) => str(a, 0).length },
  {
    name: 'strpos',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'INT',
    evaluate: (a) =>
      a.length === 3
        ? ordinalIndexOf(str(a, 0), str(a, 1), toInt(a[2]!))
        : str(a, 0).indexOf(str(a, 1)),
  },
  {
    name: 'strrpos',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'INT',
    evaluate: (a) =>
      a.length === 3
        ? lastOrdinalIndexOf(str(a, 0), str(a, 1), toInt(a[2]!))
        : str(a, 0).lastIndexOf(str(a, 1)),
  },
  { name: 'reverse', minArgs: 1, returnType: 'STRING', evaluate: (a) => reverseCodeUnits(str(a, 0)) },
  { name: 'strcmp', minArgs: 2, returnType: 'INT', evaluate: (a) => javaCompareTo(str(a, 0), str(a, 1)) },
  { name: 'lpad', minArgs: 3, returnType: 'STRING', evaluate: (a) => pad(str(a, 0), toInt(a[1]!), str(a, 2), true) },
  { name: 'rpad', minArgs: 3, returnType: 'STRING', evaluate: (a) => pad(str(a, 0), toInt(a[1]!), str(a, 2), false) },
  {
    name: 'repeat',
    minArgs: 2,
    maxArgs: 3,
    returnType: 'STRING',
    evaluate: (a) =>
      a.length === 3 ? repeat(str(a, 0), str(a, 1), toInt(a[2]!)) : repeat(str(a, 0), '', toInt(a[1]!)),
  },
  { name: 'codepoint', minArgs: 1, returnType: 'INT', evaluate: (a) => str(a, 0).codePointAt(0) ?? -1 },
  { name: 'chr', minArgs: 1, returnType: 'STRING', evaluate: (a) => String.fromCodePoint(toInt(a[0]!)) },
  {
    name: 'splitPart',
    minArgs: 3,
    returnType: 'STRING',
    evaluate: (a) => {
      const parts = splitOnAnyChar(str(a, 0), str(a, 1));
      return parts[toInt(a[2]!)] ?? 'null';
    },
  },
  {
    name: 'regexpExtract',
    minArgs: 2,
    maxArgs: 4,
    returnType: 'STRING',
    evaluate: (a) => {
      const match = compileRegex(str(a, 1), '').exec(str(a, 0));
      const group = a.length >= 3 ? toInt(a[2]!) : 0;
      return match?.[group] ?? (a.length === 4 ? str(a, 3) : '');
    },
  },
  {
    name: 'regexpReplace',
    minArgs: 3,
    returnType: 'STRING',
    evaluate: (a) => str(a, 0).replace(compileRegex(str(a, 1), 'g'), javaReplacement(str(a, 2))),
  },
];

const REGEX_CACHE_ENTRIES_MAX = 1024; // distinct patterns kept compiled
const regexes = new Map<string, RegExp>();

/** Compiles (and caches) a Java-style regular expression; `(?i)` prefixes become the i flag. */
export function compileRegex(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  const cached = regexes.get(key);
  if (cached !== undefined) {
    cached.lastIndex = 0;
    return cached;
  }
  if (regexes.size >= REGEX_CACHE_ENTRIES_MAX) regexes.clear();
  let source = pattern;
  let allFlags = flags;
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    allFlags += 'i';
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, allFlags);
  } catch (error) {
    throw new ExpressionError(
      `Invalid regular expression '${pattern}': ${(error as Error).message}; fix the pattern`,
    );
  }
  regexes.set(key, regex);
  return regex;
}

/** Java replacement strings name groups `$1`; JS uses the same, but `$$` differs: keep `\$`. */
function javaReplacement(replacement: string): string {
  return replacement.replaceAll('\\$', '$$$$');
}
