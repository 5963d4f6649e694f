// The package entry point: `import { Cuvee } from 'cuvee'`. The library carries no server.
export { Cuvee, DEFAULT_MAX_ROWS_PER_SEGMENT } from './cuvee.js';
export type { CuveeOptions, IngestOptions, IngestResult } from './cuvee.js';
export type {
  BrokerResponse,
  ColumnDataType,
  QueryException,
  ResultCell,
  ResultTable,
} from './query/response.js';
export { responseToJson } from './query/response.js';
export type { QueryRequestOptions } from './query/engine.js';
export {
  CuveeError,
  ConfigError,
  DataError,
  ErrorCode,
  KernelError,
  MemoryExhaustedError,
  SegmentFormatError,
} from './errors/errors.js';
export type { DataType, FieldSpec, Row, Schema, TableConfig, Value } from './config/types.js';
export { KernelRuntime } from './runtime/runtime.js';
export { InProcessBroker } from './realtime/inProcessStream.js';
export type {
  MessageBatch,
  PartitionConsumer,
  StreamConsumer,
  StreamFactory,
  StreamMessage,
  StreamProducer,
} from './realtime/stream.js';
export type { RealtimeStreamConfig } from './realtime/streamConfig.js';
export type { ConsumingSegmentsInfo, ConsumingSegmentInfo } from './realtime/realtimeTable.js';
export type { DeepStore } from './deepstore/deepStore.js';
export type { KernelRuntimeOptions } from './runtime/runtime.js';
