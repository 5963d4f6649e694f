// Stream types a REALTIME table can name in `streamType`, and the client behind each. Kafka's
// client (kafkajs) loads on first use only.
import { ConfigError } from '../errors/errors.js';
import { InProcessBroker } from './inProcessStream.js';
import { KafkaStreamFactory } from './kafkaStream.js';
import type { StreamFactory } from './stream.js';
import type { RealtimeStreamConfig } from './streamConfig.js';

/** The in-process broker a stream config names when it names none. */
export const DEFAULT_IN_PROCESS_BROKER = 'default';

export function defaultStreamFactory(config: RealtimeStreamConfig): StreamFactory {
  switch (config.streamType) {
    case 'kafka':
      if (config.brokerList.length === 0) {
        throw new ConfigError(
          'stream.kafka.broker.list: a kafka stream needs brokers, e.g. "localhost:9092"');
      }
      return new KafkaStreamFactory(config.brokerList);
    case 'inprocess':
      return InProcessBroker.named(config.brokerList[0] ?? DEFAULT_IN_PROCESS_BROKER);
    default:
      throw new ConfigError(`streamType "${config.streamType}" is not supported; use kafka or ` +
        'inprocess');
  }
}
