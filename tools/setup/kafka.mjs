// The Kafka broker the integration tests run against: its jars come from Maven Central through
// test/kafka/pom.xml the first time, then from .cache/kafka/libs.
import { ensureJars } from '../kafka/jars.mjs';

export async function setup() {
  if (ensureJars()) console.log('setup kafka: fetched the Kafka 3.9 broker jars');
}
