// A broker response as JSON text: the same bytes as responseToJson (key order as the object
// holds it, bigints as exact numbers) without JSON.stringify's replacer, which calls back into
// JS for every key and value, and without the regex pass that turns the replacer's bigint
// markers back into numbers. Most replies hold plain values only and go to JSON.stringify as
// they are; the rest are written by hand. Either way a user-facing reply takes half the time.
import type { BrokerResponse } from '../query/response.js';

/**
 * Distinct object keys whose `"key":` text is kept: the ~35 fixed fields with room, bounded
 * because traceInfo and JSON cells bring arbitrary keys; past it keys are quoted each time.
 */
const KEY_TEXT_CACHE_MAX = 1024;

const keyTexts = new Map<string, string>();

function keyText(key: string): string {
  const cached = keyTexts.get(key);
  if (cached !== undefined) return cached;
  const text = `${JSON.stringify(key)}:`;
  if (keyTexts.size < KEY_TEXT_CACHE_MAX) keyTexts.set(key, text);
  return text;
}

/** A value as JSON.stringify writes it, bigints as numbers; undefined where it omits it. */
function valueText(value: unknown, key: string): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      return objectText(value, key);
    default:
      return undefined;
  }
}

function objectText(value: object | null, key: string): string | undefined {
  if (value === null) return 'null';
  if (Array.isArray(value)) return arrayText(value);
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return exoticText(value, key);
  return entriesText(value);
}

function entriesText(value: object): string {
  let text = '{';
  for (const entryKey of Object.keys(value)) {
    const entry = valueText((value as Record<string, unknown>)[entryKey], entryKey);
    if (entry === undefined) continue;
    if (text.length > 1) text += ',';
    text += keyText(entryKey) + entry;
  }
  return `${text}}`;
}

function arrayText(values: readonly unknown[]): string {
  let text = '[';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) text += ',';
    text += valueText(values[index], String(index)) ?? 'null';
  }
  return `${text}]`;
}

/** Objects with toJSON (Date) and boxed primitives: unwrapped the way JSON.stringify does. */
function exoticText(value: object, key: string): string | undefined {
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') {
    return valueText((toJson as (key: string) => unknown).call(value, key), key);
  }
  if (value instanceof Number) return valueText(Number(value), key);
  if (value instanceof String) return JSON.stringify(String(value));
  if (value instanceof Boolean) return value.valueOf() ? 'true' : 'false';
  if (value instanceof BigInt) return value.valueOf().toString();
  return entriesText(value);
}

/**
 * Whether JSON.stringify alone writes the value as responseToJson does: only plain objects,
 * arrays and primitives other than bigint (a toJSON could return a bigint, so objects with
 * another prototype count as not plain).
 */
function isPlainJson(value: unknown): boolean {
  if (typeof value === 'bigint') return false;
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      if (!isPlainJson(value[index])) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) {
    if (!isPlainJson((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** The response's JSON text: byte for byte what responseToJson writes. */
export function brokerResponseJson(response: BrokerResponse): string {
  if (isPlainJson(response)) return JSON.stringify(response);
  return objectText(response, '') ?? 'null';
}
