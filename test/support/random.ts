// Seeded randomness for fuzz tests: every failure prints the seed that reproduces it.
// Set CUVEE_FUZZ_SEED to replay one seed, CUVEE_FUZZ_RUNS to change the number of seeds.

/** mulberry32: tiny, fast, and good enough to spread test inputs; not for cryptography. */
export class SeededRandom {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Lengths that exercise the edge cases: empty, one, SIMD-width neighbours, and larger. */
  length(max = 5000): number {
    const edges = [0, 1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129];
    return this.bool(0.4) ? this.pick(edges) : this.int(0, max);
  }
}

/** How many seeds a fuzz test runs: CUVEE_FUZZ_RUNS or the default given by the test. */
export function fuzzRuns(defaultRuns: number): number {
  const fromEnv = Number(process.env['CUVEE_FUZZ_RUNS']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}

/**
 * Runs `body` once per seed; a failure is rethrown with the seed in its message so that
 * `CUVEE_FUZZ_SEED=<seed>` replays exactly that case.
 */
export function forEachSeed(defaultRuns: number, body: (random: SeededRandom) => void): void {
  const fixed = process.env['CUVEE_FUZZ_SEED'];
  const baseSeed = Number(process.env['CUVEE_FUZZ_BASE_SEED'] ?? 0x5eed);
  const seeds =
    fixed !== undefined
      ? [Number(fixed)]
      : Array.from({ length: fuzzRuns(defaultRuns) }, (_, i) => (baseSeed + i * 7919) >>> 0);
  for (const seed of seeds) {
    try {
      body(new SeededRandom(seed));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`fuzz failure with seed ${seed} (CUVEE_FUZZ_SEED=${seed}): ${message}`, {
        cause: error,
      });
    }
  }
}
