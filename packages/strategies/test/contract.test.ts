/**
 * Properties every strategy must hold whatever the availability pattern: never a backend that
 * is down, never the excluded one while another is available, and nothing only when nothing
 * is available.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStrategy, STRATEGY_NAMES } from '../src/create-strategy.js';
import { seededRandom } from '../src/random-source.js';
import { makeBackends, request } from './helpers.js';

describe.each(STRATEGY_NAMES)('%s honours the Strategy contract', (name) => {
  it('skips down backends and the excluded one, and returns undefined only when none is left', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 0, maxLength: 12 }),
        fc.integer({ min: -1, max: 11 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 12 }),
        fc.ipV4(),
        (up, excludeAt, inFlight, ip) => {
          // A small Maglev table keeps 100s of rebuilds cheap; the contract does not depend on it.
          const options = name === 'consistent-hash' ? { tableSize: 1_009 } : {};
          const strategy = createStrategy(
            { name, options },
            { random: seededRandom(up.length), now: () => 0 },
          );
          const backends = makeBackends(up.length);
          backends.forEach((b, i) => {
            if (!up[i]) b.markDown('active', 'down');
            b.localInFlight = inFlight[i] ?? 0;
          });
          strategy.update(backends);
          const exclude = backends[excludeAt];
          const others = backends.filter((b) => b.available && b !== exclude);
          for (let i = 0; i < 5; i++) {
            const chosen = strategy.pick(request(ip), exclude);
            if (others.length > 0) {
              expect(others).toContain(chosen);
            } else if (exclude?.available) {
              expect(chosen).toBe(exclude);
            } else {
              expect(chosen).toBeUndefined();
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
