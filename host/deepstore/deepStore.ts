// Pinot's deep store (PinotFS): where committed segment tars live, apart from the servers that
// load them. A node writes a segment tar here before it serves the segment, so a restart or a
// replacement node can fetch every committed segment back. Keys are `/`-separated paths such as
// `airlineStats_OFFLINE/airlineStats_OFFLINE_0.tar.gz`.

/** One stored object, as `list` reports it. */
export interface DeepStoreEntry {
  readonly key: string;
  readonly sizeBytes: number;
}

/**
 * A deep store: the local directory store and the S3-compatible store implement it. `put` is
 * atomic: a reader sees the old object or the new one, never part of one.
 */
export interface DeepStore {
  /** A short description for logs and /metrics, such as `file:///data/deepstore`. */
  readonly uri: string;
  /** Copies `sourceFile` to `key`, replacing any object there. */
  put(key: string, sourceFile: string): Promise<void>;
  /** Copies the object at `key` into `targetFile`; a missing key is an error naming it. */
  get(key: string, targetFile: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<DeepStoreEntry[]>;
}
