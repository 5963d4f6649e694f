// Avro object container files via avsc, read as Pinot's AvroRecordExtractor does: unions hold
// their branch's value (null included), enums are their symbol, arrays stay arrays, bytes and
// fixed are bytes, and logical types keep their underlying value unless `avroLogicalTypes`
// (Pinot's enableLogicalTypes) asks for decimals as text and timestamp-micros as millis.
// Longs beyond 2^53 stay exact (bigint); smaller ones are numbers.
import { Readable } from 'node:stream';
import avsc from 'avsc';
import {
  RecordReadError,
  type RawRecord,
  type ReaderOptions,
  type RecordReader,
  type RecordSource,
} from './types.js';

const LONG_BYTES = 8; // avsc hands a custom long type the value as 8 little-endian bytes
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER); // below this a long must stay a bigint
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER); // above this a long must stay a bigint
const MICROS_PER_MILLI = 1000n; // timestamp-micros → millis

type LongValue = number | bigint;

function compareLongs(left: LongValue, right: LongValue): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** avsc's default long type throws beyond 2^53; this one returns a bigint there instead. */
const exactLongType = avsc.types.LongType.__with({
  fromBuffer(buffer: Buffer): LongValue {
    const value = buffer.readBigInt64LE(0);
    return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value;
  },
  toBuffer(value: LongValue): Buffer {
    const buffer = Buffer.alloc(LONG_BYTES);
    buffer.writeBigInt64LE(BigInt(value));
    return buffer;
  },
  fromJSON(value: unknown): LongValue {
    return typeof value === 'bigint' ? value : Number(value);
  },
  toJSON(value: LongValue): number {
    return Number(value);
  },
  isValid(value: unknown): boolean {
    return typeof value === 'bigint' || Number.isSafeInteger(value);
  },
  compare: compareLongs,
});

function isPlainLongSchema(schema: unknown): boolean {
  if (schema === 'long') return true;
  if (typeof schema !== 'object' || schema === null) return false;
  const record = schema as Record<string, unknown>;
  return record['type'] === 'long' && record['logicalType'] === undefined;
}

/** Two's-complement big-endian bytes with a scale → plain decimal text. */
function decimalText(bytes: Uint8Array, scale: number): string {
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) unscaled -= 1n << BigInt(bytes.length * 8);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const integerPart = digits.slice(0, digits.length - scale);
  const fraction = scale === 0 ? '' : `.${digits.slice(digits.length - scale)}`;
  return `${negative ? '-' : ''}${integerPart}${fraction}`;
}

function decimalBytes(text: string, scale: number): Buffer {
  const [integerPart = '0', fraction = ''] = text.replace('-', '').split('.');
  let unscaled = BigInt(integerPart + fraction.padEnd(scale, '0').slice(0, scale));
  if (text.startsWith('-')) unscaled = -unscaled;
  const byteCount = Math.max(1, Math.ceil((unscaled.toString(2).length + 1) / 8));
  const buffer = Buffer.alloc(byteCount);
  let rest = BigInt.asUintN(byteCount * 8, unscaled);
  for (let index = byteCount - 1; index >= 0; index--, rest >>= 8n) {
    buffer[index] = Number(rest & 0xffn);
  }
  return buffer;
}

/** `decimal` (bytes or fixed) → its exact decimal text, as Pinot's BIG_DECIMAL takes it. */
class DecimalAsText extends avsc.types.LogicalType {
  private readonly scale: number;
  constructor(schema: avsc.Schema, opts?: unknown) {
    super(schema, opts);
    this.scale = Number((schema as unknown as Record<string, unknown>)['scale'] ?? 0);
  }
  override _fromValue(value: Buffer): string {
    return decimalText(value, this.scale);
  }
  override _toValue(value: string): Buffer {
    return decimalBytes(value, this.scale);
  }
}

/** `timestamp-micros` → epoch millis, the unit of Pinot's TIMESTAMP. */
class MicrosAsMillis extends avsc.types.LogicalType {
  override _fromValue(value: LongValue): LongValue {
    const millis = BigInt(value) / MICROS_PER_MILLI;
    return millis >= SAFE_MIN && millis <= SAFE_MAX ? Number(millis) : millis;
  }
  override _toValue(value: LongValue): bigint {
    return BigInt(value) * MICROS_PER_MILLI;
  }
}

function decoderOptions(options: ReaderOptions): Partial<avsc.DecoderOptions> {
  const logicalTypes: Record<string, typeof avsc.types.LogicalType> =
    options.avroLogicalTypes === true
      ? { decimal: DecimalAsText, 'timestamp-micros': MicrosAsMillis }
      : {};
  const typeHook = (typeSchema: avsc.Schema): avsc.Type | undefined =>
    isPlainLongSchema(typeSchema) ? exactLongType : undefined;
  return {
    parseHook: (schema: avsc.Schema) =>
      avsc.Type.forSchema(schema, {
        wrapUnions: 'auto',
        logicalTypes,
        typeHook,
      }),
  };
}

type Unwrap = (value: unknown) => unknown;

/** A union avsc had to keep wrapped (two branches of one JS kind) holds `{branch: value}`. */
function unwrapperFor(type: avsc.Type): Unwrap | undefined {
  if (type.typeName === 'union:wrap') {
    return (value) => (value === null ? null : (Object.values(value as object)[0] as unknown));
  }
  if (type.typeName === 'array') {
    const inner = unwrapperFor((type as avsc.types.ArrayType).itemsType);
    return inner === undefined ? undefined : (value) => (value as unknown[]).map(inner);
  }
  return undefined;
}

function recordUnwrappers(type: avsc.Type): [string, Unwrap][] {
  if (type.typeName !== 'record') return [];
  const unwrappers: [string, Unwrap][] = [];
  for (const field of (type as avsc.types.RecordType).fields) {
    const unwrap = unwrapperFor(field.type);
    if (unwrap !== undefined) unwrappers.push([field.name, unwrap]);
  }
  return unwrappers;
}

function openDecoder(source: RecordSource, options: ReaderOptions): avsc.streams.BlockDecoder {
  const decoderOpts = decoderOptions(options);
  if (typeof source === 'string') return avsc.createFileDecoder(source, decoderOpts);
  const decoder = new avsc.streams.BlockDecoder(decoderOpts);
  Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]).pipe(decoder);
  return decoder;
}

/**
 * avsc ends quietly when a file stops inside its header or inside a block; Pinot would fail.
 * Its decoder keeps the unread bytes in `_tap` and the writer type in `_wType` (avsc 5.7).
 */
function unreadBytes(decoder: avsc.streams.BlockDecoder): string | undefined {
  const state = decoder as unknown as { _wType: unknown; _tap: { buf: Buffer; pos: number } };
  if (state._wType === null) return 'the file ends inside its header';
  const left = state._tap.buf.length - state._tap.pos;
  return left > 0 ? `the file ends inside a block (${left} bytes unread)` : undefined;
}

/**
 * Records of an object-mode stream in batches: one promise per batch instead of one per
 * record (for-await over the stream itself costs about as much as decoding).
 */
async function* inBatches<T>(stream: Readable, batchRecords: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  stream.on('data', (item: T) => {
    batch.push(item);
    if (batch.length >= batchRecords) {
      stream.pause();
      notify();
    }
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (error: Error) => {
    failure = error;
    notify();
  });
  for (;;) {
    if (batch.length > 0) {
      const full = batch;
      batch = [];
      yield full;
      stream.resume();
    } else if (failure !== undefined) {
      throw failure;
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  }
}

/** Records per batch handed from the decoder stream to the reader: a few avsc blocks' worth. */
const BATCH_RECORDS = 1024;

async function* readAvro(source: RecordSource, options: ReaderOptions): AsyncGenerator<RawRecord> {
  const decoder = openDecoder(source, options);
  let unwrappers: [string, Unwrap][] = [];
  decoder.on('metadata', (type: avsc.Type) => {
    unwrappers = recordUnwrappers(type);
  });
  let recordNumber = 0;
  try {
    for await (const batch of inBatches<RawRecord>(decoder, BATCH_RECORDS)) {
      for (const record of batch) {
        recordNumber++;
        for (const [name, unwrap] of unwrappers) record[name] = unwrap(record[name]);
        yield record;
      }
    }
    const truncated = unreadBytes(decoder);
    if (truncated !== undefined) throw new Error(`truncated: ${truncated}`);
  } catch (error) {
    const where = recordNumber === 0 ? 'header' : `after record ${recordNumber}`;
    throw new RecordReadError(source, where, `not a readable Avro object container file ` +
      `(${(error as Error).message})`, { cause: error });
  } finally {
    decoder.destroy();
  }
}

export const avroRecordReader: RecordReader = {
  format: 'avro',
  open(source: RecordSource, options: ReaderOptions = {}): AsyncIterable<RawRecord> {
    return readAvro(source, options);
  },
};
