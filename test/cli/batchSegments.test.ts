// Offline segment building (host/ingest/batchSegments.ts): Pinot's batch naming from the table
// config, one segment per input file, splitting, and cleanup when a file fails.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSchema } from '../../host/config/schema.js';
import { parseTableConfig } from '../../host/config/tableConfig.js';
import type { Schema, TableConfig } from '../../host/config/types.js';
import { ConfigError, DataError } from '../../host/errors/errors.js';
import { batchNaming, buildBatchSegments } from '../../host/ingest/batchSegments.js';
import { listTar } from '../../segments/tar/tarReader.js';

const quiet = (): void => {};

const SCHEMA_JSON = {
  schemaName: 'events',
  dimensionFieldSpecs: [{ name: 'city', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'n', dataType: 'LONG' }],
  dateTimeFieldSpecs: [
    { name: 'day', dataType: 'LONG', format: '1:DAYS:EPOCH', granularity: '1:DAYS' },
  ],
};

function tableWith(extra: Record<string, unknown> = {}): TableConfig {
  return parseTableConfig(
    {
      tableName: 'events',
      tableType: 'OFFLINE',
      segmentsConfig: { timeColumnName: 'day', replication: '1' },
      tableIndexConfig: {},
      ...extra,
    },
    quiet,
  );
}

function batchConfig(map: Record<string, string>, more: Record<string, unknown> = {}) {
  return { ingestionConfig: { batchIngestionConfig: { batchConfigMaps: [map], ...more } } };
}

describe('batch segment naming', () => {
  const schema: Schema = parseSchema(SCHEMA_JSON, quiet);

  test("default: simple names prefixed with the table name with type, as Pinot's job", () => {
    assert.equal(batchNaming(schema, tableWith()).generate(0, 10n, 12n), 'events_OFFLINE_10_12_0');
  });

  test('batchConfigMaps choose normalizedDate with a prefix and postfix', () => {
    const naming = batchNaming(
      schema,
      tableWith(
        batchConfig({
          'segmentNameGenerator.type': 'normalizedDate',
          'segmentNameGenerator.configs.segment.name.prefix': 'ev',
          'segmentNameGenerator.configs.segment.name.postfix': 'batch',
        }),
      ),
    );
    assert.equal(naming.generate(3, 0n, 1n), 'ev_1970-01-01_1970-01-02_batch_3');
  });

  test('segmentIngestionType REFRESH leaves the dates out; exclude.sequence.id drops the id', () => {
    const naming = batchNaming(
      schema,
      tableWith(
        batchConfig(
          {
            'segmentNameGenerator.type': 'NORMALIZEDDATE',
            'segmentNameGenerator.configs.exclude.sequence.id': 'true',
          },
          { segmentIngestionType: 'REFRESH' },
        ),
      ),
    );
    assert.equal(naming.generate(7, 0n, 1n), 'events');
  });

  test('fixed names and unknown generator types', () => {
    const fixed = tableWith(
      batchConfig({
        'segmentNameGenerator.type': 'fixed',
        'segmentNameGenerator.configs.segment.name': 'the_one',
      }),
    );
    assert.equal(batchNaming(schema, fixed).generate(5, 0n, 1n), 'the_one');
    const unknown = tableWith(batchConfig({ 'segmentNameGenerator.type': 'inputFile' }));
    assert.throws(() => batchNaming(schema, unknown), ConfigError);
  });
});

describe('building batch segments', () => {
  const schema: Schema = parseSchema(SCHEMA_JSON, quiet);
  let dir: string;
  let goodA: string;
  let goodB: string;
  let bad: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cuvee-batch-'));
    const lines = (rows: object[]) => rows.map((row) => JSON.stringify(row)).join('\n');
    goodA = join(dir, 'a.json');
    goodB = join(dir, 'b.json');
    bad = join(dir, 'bad.json');
    await writeFile(goodA, lines([1, 2, 3].map((day) => ({ city: 'x', n: day, day }))));
    await writeFile(goodB, lines([{ city: 'y', n: 5, day: 9 }]));
    await writeFile(bad, lines([{ city: 'z', n: 'not a number', day: 1 }]));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('one segment per file, sequence ids in input order, tars holding one segment file', async () => {
    const outputDir = join(dir, 'out-1');
    const progress: [string, number, boolean][] = [];
    const result = await buildBatchSegments({
      schema,
      tableConfig: tableWith(),
      inputFiles: [goodA, goodB],
      outputDir,
      maxRowsPerSegment: 100,
      onProgress: (file, rows, done) => progress.push([file, rows, done]),
    });
    assert.equal(result.rowCount, 4);
    assert.deepEqual(
      result.segments.map((segment) => [segment.segmentName, segment.docCount]),
      [
        ['events_OFFLINE_1_3_0', 3],
        ['events_OFFLINE_9_9_1', 1],
      ],
    );
    assert.deepEqual(progress, [
      [goodA, 3, true],
      [goodB, 1, true],
    ]);
    assert.deepEqual((await readdir(outputDir)).sort(), [
      'events_OFFLINE_1_3_0.tar.gz',
      'events_OFFLINE_9_9_1.tar.gz',
    ]);
    const entries = await listTar(join(outputDir, 'events_OFFLINE_1_3_0.tar.gz'));
    assert.deepEqual(
      entries.filter((entry) => entry.type === 'file').map((entry) => entry.path),
      ['events_OFFLINE_1_3_0/segment.seg'],
    );
  });

  test('a file past maxRowsPerSegment splits into several segments', async () => {
    const result = await buildBatchSegments({
      schema,
      tableConfig: tableWith(),
      inputFiles: [goodA],
      outputDir: join(dir, 'out-2'),
      maxRowsPerSegment: 2,
    });
    assert.deepEqual(
      result.segments.map((segment) => segment.segmentName),
      ['events_OFFLINE_1_2_0', 'events_OFFLINE_3_3_1'],
    );
  });

  test('a bad record fails the job and removes every tar it wrote', async () => {
    const outputDir = join(dir, 'out-3');
    await assert.rejects(
      buildBatchSegments({
        schema,
        tableConfig: tableWith(),
        inputFiles: [goodA, bad],
        outputDir,
        maxRowsPerSegment: 100,
      }),
      (error: unknown) => error instanceof DataError && error.message.includes('bad.json'),
    );
    assert.deepEqual(await readdir(outputDir), []);
  });

  test('a fixed name over two files is refused before it overwrites itself', async () => {
    const fixed = tableWith(
      batchConfig({
        'segmentNameGenerator.type': 'fixed',
        'segmentNameGenerator.configs.segment.name': 'only',
      }),
    );
    await assert.rejects(
      buildBatchSegments({
        schema,
        tableConfig: fixed,
        inputFiles: [goodA, goodB],
        outputDir: join(dir, 'out-4'),
        maxRowsPerSegment: 100,
      }),
      ConfigError,
    );
  });
});
