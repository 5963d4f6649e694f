// The broker's jars: copied from Maven Central by `mvn dependency:copy-dependencies` over
// test/kafka/pom.xml into .cache/kafka/libs, once. A marker written after a complete copy holds
// the pom's text and the jar list, so an interrupted copy or a changed pom fetches again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync }
  from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root: tools/kafka/ is two levels below it. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Everything the broker tooling writes lives in the git-ignored cache. */
export const KAFKA_CACHE_PATH = join(REPOSITORY_ROOT, '.cache', 'kafka');
/** The broker's classpath directory (`java -cp 'libs/*'`). */
export const LIBS_PATH = join(KAFKA_CACHE_PATH, 'libs');
/** The pom naming Kafka 3.9.x and its runtime dependencies. */
const POM_PATH = join(REPOSITORY_ROOT, 'test', 'kafka', 'pom.xml');
/** Written last by a complete fetch: the pom's hash, then one jar name per line. */
const MARKER_PATH = join(KAFKA_CACHE_PATH, 'libs.complete');

function pomHash() {
  return createHash('sha256').update(readFileSync(POM_PATH)).digest('hex');
}

/** True when the marker matches this pom and every jar it lists is on disk. */
export function jarsPresent() {
  if (!existsSync(MARKER_PATH)) return false;
  const [hash, ...jars] = readFileSync(MARKER_PATH, 'utf8').split('\n').filter(Boolean);
  if (hash !== pomHash() || jars.length === 0) return false;
  return jars.every((jar) => existsSync(join(LIBS_PATH, jar)));
}

/** Fetches the jars unless they are already complete; returns true when it fetched. */
export function ensureJars() {
  if (jarsPresent()) return false;
  mkdirSync(KAFKA_CACHE_PATH, { recursive: true });
  // Copy into a scratch directory, then move it into place: a killed fetch leaves no half set.
  const scratchPath = join(KAFKA_CACHE_PATH, `libs.fetching-${process.pid}`);
  rmSync(scratchPath, { recursive: true, force: true });
  const args = ['-q', '-B', '-f', POM_PATH, 'dependency:copy-dependencies',
    `-DoutputDirectory=${scratchPath}`, '-DincludeScope=runtime'];
  const result = spawnSync('mvn', args, { stdio: 'inherit' });
  if (result.error) {
    throw new Error(`cannot run mvn (${result.error.message}): install Maven 3 and Java 17`);
  }
  if (result.status !== 0) {
    rmSync(scratchPath, { recursive: true, force: true });
    throw new Error(`mvn ${args.join(' ')} exited with status ${result.status}: ` +
      'check that Maven Central is reachable');
  }
  const jars = readdirSync(scratchPath).filter((name) => name.endsWith('.jar')).sort();
  rmSync(LIBS_PATH, { recursive: true, force: true });
  renameSync(scratchPath, LIBS_PATH);
  writeFileSync(MARKER_PATH, [pomHash(), ...jars].join('\n') + '\n');
  return true;
}
