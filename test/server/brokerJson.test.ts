// The hand-written broker JSON against responseToJson (JSON.stringify with a bigint replacer):
// the same bytes for random responses of every cell kind, and for the engine's real replies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cuvee } from '../../host/cuvee.js';
import {
  emptyResponse,
  responseToJson,
  toQueryException,
  type BrokerResponse,
  type ResultCell,
} from '../../host/query/response.js';
import { brokerResponseJson } from '../../host/server/brokerJson.js';
import { forEachSeed, type SeededRandom } from '../support/random.js';

/** Characters JSON escapes or that are multi-byte, mixed into random strings. */
const SPECIAL_CHARACTERS = ['"', '\\', '\n', '\t', '\u0001', '\u2028', 'é', '😀', '\ud800', '/'];

function randomString(random: SeededRandom): string {
  let text = '';
  const length = random.int(0, 12);
  for (let index = 0; index < length; index++) {
    text += random.bool(0.3)
      ? random.pick(SPECIAL_CHARACTERS)
      : String.fromCharCode(random.int(32, 126));
  }
  return text;
}

function randomNumber(random: SeededRandom): number {
  const kinds = [
    () => random.int(-1000, 1000),
    () => (random.next() - 0.5) * 10 ** random.int(-30, 30),
    () => random.pick([NaN, Infinity, -Infinity, -0, Number.MAX_SAFE_INTEGER, 5e-324]),
  ];
  return random.pick(kinds)();
}

function randomCell(random: SeededRandom, depth: number): ResultCell {
  switch (random.int(0, 6)) {
    case 0:
      return randomNumber(random);
    case 1:
      return BigInt(random.int(-1000, 1000)) * 2n ** BigInt(random.int(0, 70));
    case 2:
      return randomString(random);
    case 3:
      return random.bool();
    case 4:
      return null;
    default:
      return depth > 1
        ? random.int(0, 9)
        : Array.from({ length: random.int(0, 4) }, () => randomCell(random, depth + 1));
  }
}

function randomResponse(random: SeededRandom): BrokerResponse {
  const response = emptyResponse(String(random.int(0, 1e6)), randomString(random));
  response.numDocsScanned = random.int(0, 1e9);
  response.timeUsedMs = randomNumber(random);
  response.partialResult = random.bool();
  for (let index = random.int(0, 2); index > 0; index--) {
    response.exceptions.push(toQueryException(new Error(randomString(random))));
  }
  for (let index = random.int(0, 2); index > 0; index--) {
    response.traceInfo[randomString(random)] = randomString(random);
  }
  if (random.bool(0.8)) {
    const columnCount = random.int(1, 4);
    const columnNames = Array.from({ length: columnCount }, () => randomString(random));
    const rows = Array.from({ length: random.int(0, 6) }, () =>
      Array.from({ length: columnCount }, () => randomCell(random, 0)),
    );
    response.resultTable = {
      dataSchema: { columnNames, columnDataTypes: columnNames.map(() => 'STRING') },
      rows,
    };
  }
  return response;
}

describe('brokerResponseJson', () => {
  test('writes the same bytes as responseToJson for random responses', () => {
    forEachSeed(300, (random) => {
      const response = randomResponse(random);
      assert.equal(brokerResponseJson(response), responseToJson(response));
    });
  });

  test('keeps key order, omits undefined fields and unwraps toJSON values', () => {
    const response = emptyResponse('7', 'broker') as BrokerResponse & Record<string, unknown>;
    response.extra = undefined;
    response.when = new Date(0);
    response.fn = () => 1;
    response.nested = { b: [undefined, () => 2, 1n], a: { z: 2n ** 64n } };
    delete response.resultTable;
    response.resultTable = { dataSchema: { columnNames: [], columnDataTypes: [] }, rows: [] };
    assert.equal(brokerResponseJson(response), responseToJson(response));
  });

  test('writes the engine replies byte for byte', async () => {
    const cuvee = await Cuvee.open({ runtime: { workerCount: 1 } });
    try {
      await cuvee.createSchema({
        schemaName: 'views',
        dimensionFieldSpecs: [
          { name: 'industry', dataType: 'STRING' },
          { name: 'viewee', dataType: 'LONG' },
        ],
        metricFieldSpecs: [{ name: 'score', dataType: 'DOUBLE' }],
      });
      await cuvee.createTable({ tableName: 'views', tableType: 'OFFLINE' });
      const rows = Array.from({ length: 50 }, (_, index) => ({
        industry: `industry "${index % 7}" é`,
        viewee: BigInt(index % 5) * 2n ** 60n,
        score: index / 3,
      }));
      await cuvee.addRows(cuvee.table('views'), rows);
      for (const sql of [
        'SELECT industry, COUNT(*) AS views FROM views GROUP BY industry ORDER BY views DESC',
        'SELECT viewee, SUM(score) FROM views GROUP BY viewee',
        'SELECT * FROM views LIMIT 5',
        'SELECT nothing FROM views',
        'SELECT * FROM missing',
      ]) {
        const response = await cuvee.query(sql);
        assert.equal(brokerResponseJson(response), responseToJson(response), sql);
      }
    } finally {
      await cuvee.close();
    }
  });
});
