// Message decoders (Pinot's StreamMessageDecoder): a record's bytes → a raw record for the
// RowPreparer. A message that does not decode throws a DataError; the partition consumer
// counts it, logs it with its offset and skips it.
import avsc from 'avsc';
import { DataError } from '../errors/errors.js';
import { isPlainObject } from '../config/warnings.js';
import { parseJsonExact } from '../ingest/readers/index.js';
import type { RawRecord } from '../ingest/readers/index.js';
import type { RealtimeStreamConfig } from './streamConfig.js';

/** Confluent's wire format: magic byte 0, then a 4-byte schema id, then the Avro body. */
const CONFLUENT_HEADER_BYTES = 5;
const CONFLUENT_MAGIC_BYTE = 0;

export type MessageDecoder = (value: Uint8Array) => RawRecord;

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeJson(value: Uint8Array): RawRecord {
  let parsed: unknown;
  try {
    parsed = parseJsonExact(textDecoder.decode(value));
  } catch (error) {
    throw new DataError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isPlainObject(parsed)) throw new DataError('JSON message is not an object');
  return parsed;
}

function avroDecoder(schemaText: string, confluent: boolean): MessageDecoder {
  const type = avsc.Type.forSchema(JSON.parse(schemaText) as avsc.Schema, { wrapUnions: false });
  return (value) => {
    let body = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (confluent) {
      if (body.length < CONFLUENT_HEADER_BYTES || body[0] !== CONFLUENT_MAGIC_BYTE) {
        throw new DataError('not a Confluent Avro message (magic byte 0 and a schema id)');
      }
      body = body.subarray(CONFLUENT_HEADER_BYTES);
    }
    let record: unknown;
    try {
      record = type.fromBuffer(body);
    } catch (error) {
      throw new DataError(`not Avro: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isPlainObject(record)) throw new DataError('Avro message is not a record');
    return record;
  };
}

export function messageDecoder(config: RealtimeStreamConfig): MessageDecoder {
  switch (config.decoder) {
    case 'json':
      return decodeJson;
    case 'avro':
      return avroDecoder(config.avroSchema!, false);
    case 'confluentAvro':
      return avroDecoder(config.avroSchema!, true);
  }
}
