// Pinot's stream config map (ingestionConfig.streamIngestionConfig.streamConfigMaps[0], or the
// older tableIndexConfig.streamConfigs: host/config/tableConfig.ts merges both into one list)
// read into typed settings. Keys are Pinot's, with `<type>` the map's streamType:
//   stream.<type>.topic.name, stream.<type>.broker.list, stream.<type>.decoder.class.name,
//   stream.<type>.decoder.prop.schema (Avro), stream.<type>.consumer.prop.auto.offset.reset,
//   realtime.segment.flush.threshold.rows (.size is its older name), .time, .segment.size,
//   stream.<type>.deadletter.topic.name (Cuvée: where undecodable records go).
import type { TableConfig } from '../config/types.js';
import { ConfigError } from '../errors/errors.js';
import { DEFAULT_MAX_DOCS } from '../../segments/mutable/mutableSegment.js';

/** Pinot's default time threshold: a consuming segment commits at least every 6 hours. */
export const DEFAULT_FLUSH_THRESHOLD_TIME_MS = 6 * 60 * 60 * 1000;
/** Pinot's default desired segment size when the row threshold is 0 (size-based flushing). */
export const DEFAULT_FLUSH_THRESHOLD_SEGMENT_SIZE_BYTES = 200 * 1024 * 1024;

export type DecoderKind = 'json' | 'avro' | 'confluentAvro';
export type OffsetReset = 'smallest' | 'largest';

export interface RealtimeStreamConfig {
  readonly streamType: string;
  readonly topic: string;
  /** Kafka bootstrap servers; the in-process broker's name for `inprocess`. */
  readonly brokerList: readonly string[];
  readonly decoder: DecoderKind;
  /** Avro decoders: the writer schema (JSON text). */
  readonly avroSchema?: string;
  readonly offsetReset: OffsetReset;
  /** Rows per consuming segment; 0: flush by segment size instead. */
  readonly flushThresholdRows: number;
  readonly flushThresholdTimeMs: number;
  readonly flushThresholdSegmentSizeBytes: number;
  readonly deadLetterTopic?: string;
  /** The map as given (other consumer properties pass to the client). */
  readonly raw: Readonly<Record<string, string>>;
}

/** Pinot's decoder class names (and their short forms) → the decoder Cuvée runs. */
const DECODERS: Readonly<Record<string, DecoderKind>> = {
  'org.apache.pinot.plugin.inputformat.json.JSONMessageDecoder': 'json',
  'org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder': 'json',
  'org.apache.pinot.plugin.inputformat.avro.SimpleAvroMessageDecoder': 'avro',
  'org.apache.pinot.plugin.inputformat.avro.KafkaAvroMessageDecoder': 'confluentAvro',
  'org.apache.pinot.plugin.inputformat.avro.confluent.KafkaConfluentSchemaRegistryAvroMessageDecoder':
    'confluentAvro',
  JSONMessageDecoder: 'json',
  KafkaJSONMessageDecoder: 'json',
  SimpleAvroMessageDecoder: 'avro',
};

const OFFSET_RESETS: Readonly<Record<string, OffsetReset>> = {
  smallest: 'smallest',
  earliest: 'smallest',
  largest: 'largest',
  latest: 'largest',
};

const PERIOD_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const SIZE_UNITS_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

const KEY_PREFIX = 'ingestionConfig.streamIngestionConfig.streamConfigMaps[0]';

function fail(key: string, message: string): never {
  throw new ConfigError(`${KEY_PREFIX}.${key}: ${message}`);
}

/** Pinot accepts a number of ms or a period such as `6h`, `30m`, `1d`, `90s`. */
export function parsePeriodMs(text: string, key: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (match === null) fail(key, `"${text}" is not a duration; use ms or a period like 6h, 30m`);
  const unit = (match[2] ?? 'ms').toLowerCase();
  return Math.round(Number(match[1]) * PERIOD_UNITS_MS[unit]!);
}

/** Pinot's data sizes: `150M`, `1G`, `500K`, or bytes. */
export function parseSizeBytes(text: string, key: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)b?\s*$/i.exec(text);
  if (match === null) fail(key, `"${text}" is not a size; use bytes or a size like 150M`);
  return Math.round(Number(match[1]) * SIZE_UNITS_BYTES[match[2]!.toLowerCase()]!);
}

function parseRows(text: string, key: string): number {
  const rows = Number(text);
  if (!Number.isInteger(rows) || rows < 0 || rows > DEFAULT_MAX_DOCS * 100) {
    fail(key, `"${text}" is not a row count; use an integer >= 0 (0: flush by segment size)`);
  }
  return rows;
}

function flushRows(map: Readonly<Record<string, string>>): number {
  const rowsKey = 'realtime.segment.flush.threshold.rows';
  const legacyKey = 'realtime.segment.flush.threshold.size';
  const text = map[rowsKey] ?? map[legacyKey];
  if (text === undefined) return DEFAULT_MAX_DOCS;
  return parseRows(text, map[rowsKey] === undefined ? legacyKey : rowsKey);
}

function decoderOf(map: Readonly<Record<string, string>>, type: string): DecoderKind {
  const key = `stream.${type}.decoder.class.name`;
  const name = map[key];
  if (name === undefined) return 'json';
  const decoder = DECODERS[name];
  if (decoder === undefined) {
    fail(key, `decoder "${name}" is not supported; use ${Object.keys(DECODERS)[0]!} or ` +
      'org.apache.pinot.plugin.inputformat.avro.SimpleAvroMessageDecoder');
  }
  return decoder;
}

/** The stream settings of a REALTIME table (its first stream config map). */
export function readStreamConfig(table: TableConfig): RealtimeStreamConfig {
  const maps = table.ingestionConfig.streamConfigMaps;
  const map = maps[0];
  if (map === undefined) fail('streamType', 'a REALTIME table needs a stream config');
  if (maps.length > 1) fail('', 'only one stream config map per table is supported');
  const streamType = map.streamType ?? 'kafka';
  const topic = map[`stream.${streamType}.topic.name`];
  if (topic === undefined || topic === '') fail(`stream.${streamType}.topic.name`, 'is required');
  const resetKey = `stream.${streamType}.consumer.prop.auto.offset.reset`;
  const resetText = (map[resetKey] ?? 'largest').toLowerCase();
  const offsetReset = OFFSET_RESETS[resetText];
  if (offsetReset === undefined) fail(resetKey, `"${resetText}" is not smallest or largest`);
  const decoder = decoderOf(map, streamType);
  const avroSchema = map[`stream.${streamType}.decoder.prop.schema`];
  if (decoder !== 'json' && avroSchema === undefined) {
    fail(`stream.${streamType}.decoder.prop.schema`, 'the Avro decoders need the writer schema');
  }
  const timeText = map['realtime.segment.flush.threshold.time'];
  const sizeText = map['realtime.segment.flush.threshold.segment.size'];
  return {
    streamType,
    topic,
    brokerList: (map[`stream.${streamType}.broker.list`] ?? '')
      .split(',').map((broker) => broker.trim()).filter((broker) => broker !== ''),
    decoder,
    avroSchema,
    offsetReset,
    flushThresholdRows: flushRows(map),
    flushThresholdTimeMs: timeText === undefined ? DEFAULT_FLUSH_THRESHOLD_TIME_MS
      : parsePeriodMs(timeText, 'realtime.segment.flush.threshold.time'),
    flushThresholdSegmentSizeBytes: sizeText === undefined
      ? DEFAULT_FLUSH_THRESHOLD_SEGMENT_SIZE_BYTES
      : parseSizeBytes(sizeText, 'realtime.segment.flush.threshold.segment.size'),
    deadLetterTopic: map[`stream.${streamType}.deadletter.topic.name`],
    raw: map,
  };
}
