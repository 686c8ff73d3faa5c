/**
 * Cost of one `pick` for every strategy with 3 and 100 backends, and with 100 backends of which
 * every third is down while each pick is a retry away from one backend (the paths that skip
 * unavailable and excluded backends). Each bench iteration makes 1 000 picks, so the reported
 * mean in ms x 1 000 is the cost of one pick in ns (mean 0.020 ms = 20 ns per pick). Run with
 * `pnpm --filter @helios/strategies bench`, which builds first.
 *
 * It times the built package (dist/), loaded by Node as an application would, not src/: Vite's
 * test transform turns every call into another module into a property read through a module
 * object (`__vite_ssr_import_0__.fn(...)`), which V8 cannot inline. That costs about 10 ns a
 * call and would charge shared helpers (candidates.ts) for the harness, not for Helios.
 */
import { Backend, type PickRequest } from '@helios/core';
import { bench, describe } from 'vitest';
import type * as Strategies from '../src/index.js';

/** A variable specifier keeps the type checker off dist/, which may not be built yet. */
const built = '../dist/index.js';
const { createStrategy, STRATEGY_NAMES, seededRandom } = (await import(built)) as typeof Strategies;

const PICKS = 1_000;

function fleetOf(n: number): Backend[] {
  const random = seededRandom(n);
  return Array.from({ length: n }, (_, index) => {
    const backend = new Backend({
      url: new URL(`http://127.0.0.1:${40_001 + index}`),
      weight: 1 + (index % 3),
      index,
    });
    backend.localInFlight = Math.floor(random() * 8);
    return backend;
  });
}

// Distinct client addresses so consistent-hash hashes different keys, built before timing.
const requests: PickRequest[] = Array.from({ length: 1_024 }, (_, i) => ({
  clientAddress: `10.1.${i >> 8}.${i & 255}`,
  header: () => undefined,
}));

const SCENARIOS = [
  { title: '3 backends', n: 3, retrying: false },
  { title: '100 backends', n: 100, retrying: false },
  { title: '100 backends, every third down, retrying away from one', n: 100, retrying: true },
];

for (const { title, n, retrying } of SCENARIOS) {
  describe(`${title}, ${PICKS} picks per iteration`, () => {
    for (const name of STRATEGY_NAMES) {
      const backends = fleetOf(n);
      if (retrying) {
        for (const b of backends) if (b.index % 3 === 1) b.markDown('active', 'bench');
      }
      const strategy = createStrategy({ name, options: {} }, { random: seededRandom(1) });
      strategy.update(backends);
      // Give ewma a latency history so it runs its steady-state path.
      for (const b of backends) strategy.onRequestEnd?.(b, 5 + (b.index % 7), 200, undefined);
      let next = 0;
      bench(name, () => {
        for (let i = 0; i < PICKS; i++) {
          strategy.pick(requests[next] as PickRequest, retrying ? backends[next % n] : undefined);
          next = (next + 1) & 1_023;
        }
      });
    }
  });
}
