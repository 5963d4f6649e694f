// The release log: ids appended on the main thread reach each reader once, in order, and a
// reader that fell more than the ring's capacity behind is told to drop everything.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  publishedReleaseCount,
  publishRelease,
  RELEASE_LOG_CAPACITY,
  ReleaseLogReader,
} from '../../host/runtime/releaseLog.js';

function drained(reader: ReleaseLogReader): { ids: number[]; complete: boolean } {
  const ids: number[] = [];
  const complete = reader.drain((id) => ids.push(id));
  return { ids, complete };
}

test('a reader sees each id released after it started, once', () => {
  publishRelease(1);
  const reader = new ReleaseLogReader();
  assert.deepEqual(drained(reader), { ids: [], complete: true });
  publishRelease(11);
  publishRelease(12);
  assert.deepEqual(drained(reader), { ids: [11, 12], complete: true });
  assert.deepEqual(drained(reader), { ids: [], complete: true });
});

test('a reader more than the ring behind must forget everything', () => {
  const reader = new ReleaseLogReader();
  const start = publishedReleaseCount();
  for (let i = 1; i <= RELEASE_LOG_CAPACITY + 1; i++) publishRelease(i);
  assert.equal(publishedReleaseCount(), start + RELEASE_LOG_CAPACITY + 1);
  assert.deepEqual(drained(reader), { ids: [], complete: false });
  publishRelease(99);
  assert.deepEqual(drained(reader), { ids: [99], complete: true });
});

test('ids are positive int32s', () => {
  assert.throws(() => publishRelease(0));
  assert.throws(() => publishRelease(2 ** 31));
});
