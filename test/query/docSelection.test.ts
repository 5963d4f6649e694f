// Set operations on doc selections against plain Set arithmetic, on seeded random id lists:
// disjoint, overlapping, nested (a filter leaf's answer within its candidates) and empty.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allDocs,
  docIds,
  intersect,
  selectionSize,
  toIds,
  union,
  type DocSelection,
} from '../../host/query/docSelection.js';
import { fuzzRuns, SeededRandom } from '../support/random.js';

/** Seeds; each checks a few pairs. */
const DEFAULT_RUNS = 200;
/** Doc ids drawn below this: small enough that random lists overlap. */
const DOC_SPACE = 300;

function randomIds(random: SeededRandom, density: number): number[] {
  const ids: number[] = [];
  for (let doc = 0; doc < DOC_SPACE; doc++) if (random.bool(density)) ids.push(doc);
  return ids;
}

/**
 * A pair of selections: independent; one a subset of the other (either order); or a subset
 * but for one doc (the shortcut for subsets must not take it).
 */
function randomPair(random: SeededRandom): [number[], number[]] {
  const first = randomIds(random, random.next());
  const shape = random.int(0, 3);
  if (shape === 0) return [first, randomIds(random, random.next())];
  const subset = first.filter(() => random.bool(random.next()));
  if (shape === 1) return [first, subset];
  if (shape === 2) return [subset, first];
  // Half the time past every doc of `first`: the mismatch is then the last id.
  const outside = random.bool(0.5) ? DOC_SPACE : random.int(0, DOC_SPACE);
  if (first.includes(outside)) return [first, subset];
  return [first, [...subset, outside].sort((x, y) => x - y)];
}

function ids(selection: DocSelection): number[] {
  return [...toIds(selection)];
}

test('intersect and union equal set arithmetic', () => {
  for (let run = 0; run < fuzzRuns(DEFAULT_RUNS); run++) {
    const seed = 0xd0c5 + run;
    const random = new SeededRandom(seed);
    const [left, right] = randomPair(random);
    const a = docIds(Uint32Array.from(left));
    const b = docIds(Uint32Array.from(right));
    const inRight = new Set(right);
    const where = `seed ${seed}`;
    assert.deepEqual(ids(intersect(a, b)), left.filter((doc) => inRight.has(doc)), where);
    assert.deepEqual(ids(intersect(b, a)), left.filter((doc) => inRight.has(doc)), where);
    const both = [...new Set([...left, ...right])].sort((x, y) => x - y);
    assert.deepEqual(ids(union(a, b)), both, where);
    assert.equal(intersect(allDocs(DOC_SPACE), b), b, `${where}: all ∩ b is b`);
    assert.equal(selectionSize(intersect(a, docIds(new Uint32Array(0)))), 0, where);
  }
});
