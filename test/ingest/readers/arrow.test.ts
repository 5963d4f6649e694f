import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DateDay,
  Field,
  Int32,
  List,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import { arrowRecordReader } from '../../../host/ingest/readers/arrow.js';
import { RecordReadError } from '../../../host/ingest/readers/types.js';
import { readAll, temporaryDirectory } from './support.js';

function fixtureTable(): Table {
  const base = tableFromArrays({
    id: Int32Array.from([1, 2, 3]),
    name: ['a', null, 'c'],
    big: BigInt64Array.from([1n, 2n ** 60n, -3n]),
  });
  return base.assign(new Table({
    tags: vectorFromArray([[1, 2], [], [3]], new List(new Field('item', new Int32()))),
    at: vectorFromArray([new Date(1000), null, new Date(3000)], new TimestampMillisecond()),
    day: vectorFromArray([new Date(86_400_000), new Date(0), null], new DateDay()),
  }));
}

const EXPECTED = [
  { id: 1, name: 'a', big: 1n, tags: [1, 2], at: 1000, day: 1 },
  { id: 2, name: null, big: 2n ** 60n, tags: [], at: null, day: 0 },
  { id: 3, name: 'c', big: -3n, tags: [3], at: 3000, day: null },
];

test('Arrow IPC file and stream formats, from a path and from bytes', async () => {
  const directory = temporaryDirectory('arrow');
  const table = fixtureTable();
  for (const format of ['file', 'stream'] as const) {
    const bytes = tableToIPC(table, format);
    const path = join(directory, `rows.${format === 'file' ? 'arrow' : 'arrows'}`);
    writeFileSync(path, bytes);
    assert.deepEqual(await readAll(arrowRecordReader, path), EXPECTED, format);
    assert.deepEqual(await readAll(arrowRecordReader, bytes), EXPECTED, format);
  }
  const some = await readAll(arrowRecordReader, tableToIPC(table, 'stream'), { columns: ['id', 'name'] });
  assert.deepEqual(some, [{ id: 1, name: 'a' }, { id: 2, name: null }, { id: 3, name: 'c' }]);
});

test('a file that is not Arrow is refused with its name', async () => {
  const directory = temporaryDirectory('arrow-bad');
  const path = join(directory, 'bad.arrow');
  writeFileSync(path, 'ARROW1 but not really');
  await assert.rejects(readAll(arrowRecordReader, path), (error: unknown) =>
    error instanceof RecordReadError && /bad\.arrow: header: not a readable Arrow/.test(error.message));
});
