/**
 * Random sources for the randomised strategies. Production uses `Math.random`; tests and
 * benches pass a seeded generator so every run draws the same sequence.
 */

/** Returns a number in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * A small, fast seeded PRNG (mulberry32): 32 bits of state, good enough to spread load and
 * reproducible from a seed. Not for anything security-related.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An index in [0, n) from a random source; guards against sources that return exactly 1. */
export function randomIndex(random: RandomSource, n: number): number {
  const i = Math.floor(random() * n);
  return i < n ? i : n - 1;
}
