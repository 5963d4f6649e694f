// Walking Pinot JSON documents (schemas, table configs) with a path for every message: a key we
// do not know becomes a warning naming it (Pinot's own configs carry keys Cuvée has no use for),
// a value of the wrong shape becomes a ConfigError naming the field, e.g.
// `dimensionFieldSpecs[3].dataType: unknown data type "INTEGER"`.
import { ConfigError } from '../errors/errors.js';

/** Receives one human-readable warning per ignored or unsupported setting. */
export type WarningSink = (message: string) => void;

/** Without a sink, warnings go to Node's warning channel so that they are never silent. */
export function defaultWarningSink(message: string): void {
  process.emitWarning(message, { type: 'CuveeConfigWarning' });
}

/** `parent.key`, or just `key` at the root. */
export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyContainer(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value as number | boolean | bigint)}`;
}

/**
 * One JSON object being read. Every key read through it counts as known; `finish()` warns
 * about the rest. Accessors accept the stringly-typed forms Pinot's configs use
 * (`"replication": "1"`, `"enabled": "true"`).
 */
export class JsonObjectReader {
  private readonly knownKeys = new Set<string>();

  private constructor(
    readonly value: Readonly<Record<string, unknown>>,
    readonly path: string,
    readonly warn: WarningSink,
  ) {}

  static of(json: unknown, path: string, warn: WarningSink): JsonObjectReader {
    if (!isPlainObject(json)) {
      const where = path === '' ? 'document' : path;
      throw new ConfigError(`${where}: expected a JSON object, got ${describe(json)}`);
    }
    return new JsonObjectReader(json, path, warn);
  }

  pathOf(key: string): string {
    return childPath(this.path, key);
  }

  /** Raw access; marks the key as known. `null` counts as absent, as in Pinot's Jackson. */
  raw(key: string): unknown {
    this.knownKeys.add(key);
    const value = this.value[key];
    return value === null ? undefined : value;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  fail(key: string, problem: string): never {
    throw new ConfigError(`${this.pathOf(key)}: ${problem}`);
  }

  /**
   * Marks a key as read and warns that Cuvée does not act on it. Empty objects and arrays are
   * what Pinot's tools write by default, so they pass without a warning.
   */
  ignore(key: string, reason: string): void {
    const value = this.raw(key);
    if (value === undefined || isEmptyContainer(value)) return;
    this.warn(`${this.pathOf(key)}: ${reason}; ignored`);
  }

  /** Marks a key as read without a warning (accepted, nothing to do). */
  accept(key: string): void {
    this.knownKeys.add(key);
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(key, `expected a string, got ${describe(value)}`);
    return value;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value === '') this.fail(key, 'is required');
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return this.fail(key, `expected true or false, got ${describe(value)}`);
  }

  integer(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const isIntegerText = typeof value === 'string' && /^-?\d+$/.test(value.trim());
    const parsed = isIntegerText ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed)) {
      this.fail(key, `expected an integer, got ${describe(value)}`);
    }
    return parsed;
  }

  object(key: string): JsonObjectReader | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    return JsonObjectReader.of(value, this.pathOf(key), this.warn);
  }

  array(key: string): readonly unknown[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.fail(key, `expected an array, got ${describe(value)}`);
    return value as readonly unknown[];
  }

  /** An array of objects, each wrapped in a reader with its `key[i]` path. */
  objects(key: string): JsonObjectReader[] {
    const items = this.array(key) ?? [];
    return items.map((item, index) =>
      JsonObjectReader.of(item, `${this.pathOf(key)}[${index}]`, this.warn),
    );
  }

  stringArray(key: string): string[] {
    const items = this.array(key) ?? [];
    return items.map((item, index) => {
      if (typeof item !== 'string' || item === '') {
        this.fail(`${key}[${index}]`, `expected a non-empty string, got ${describe(item)}`);
      }
      return item;
    });
  }

  /** A flat map of settings; numbers and booleans are kept as their string form, as Pinot does. */
  stringMap(key: string): Record<string, string> | undefined {
    const map = this.object(key);
    return map === undefined ? undefined : map.asStringMap();
  }

  asStringMap(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [entryKey, entryValue] of Object.entries(this.value)) {
      this.knownKeys.add(entryKey);
      if (entryValue === null) continue;
      if (!['string', 'number', 'boolean'].includes(typeof entryValue)) {
        this.fail(entryKey, `expected a string value, got ${describe(entryValue)}`);
      }
      result[entryKey] = String(entryValue as string | number | boolean);
    }
    return result;
  }

  /** Warns once per key that nothing read. */
  finish(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.knownKeys.has(key)) this.warn(`${this.pathOf(key)}: unknown key, ignored`);
    }
  }
}
