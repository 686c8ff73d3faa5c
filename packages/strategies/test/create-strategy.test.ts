import { createStrategyCatalog, HeliosError, type StrategyDescriptor } from '@helios/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DESCRIPTORS } from '../src/builtin-strategies.js';
import { ConsistentHashStrategy } from '../src/consistent-hash.js';
import { createStrategy, STRATEGY_NAMES } from '../src/create-strategy.js';
import { EwmaStrategy } from '../src/ewma.js';
import { noOptions } from '../src/no-options.js';
import { seededRandom } from '../src/random-source.js';
import { RoundRobinStrategy } from '../src/round-robin.js';
import type { StrategyDeps } from '../src/strategy-deps.js';
import { makeBackends, picks } from './helpers.js';

function errorOf(run: () => unknown): HeliosError {
  try {
    run();
  } catch (error) {
    if (error instanceof HeliosError) return error;
    throw error;
  }
  throw new Error('expected a HeliosError');
}

describe('createStrategy', () => {
  it('builds every strategy by its helios.yaml name', () => {
    expect(STRATEGY_NAMES).toEqual([
      'round-robin',
      'weighted-round-robin',
      'least-connections',
      'random',
      'power-of-two',
      'ewma',
      'consistent-hash',
    ]);
    for (const name of STRATEGY_NAMES) {
      const strategy = createStrategy({ name, options: {} });
      expect(strategy.name).toBe(name);
      strategy.update(makeBackends(3));
      expect(picks(strategy, 3)).toMatch(/^[abc]{3}$/);
    }
  });

  it('passes the injected random source on', () => {
    const one = createStrategy({ name: 'random', options: {} }, { random: seededRandom(3) });
    const two = createStrategy({ name: 'random', options: {} }, { random: seededRandom(3) });
    one.update(makeBackends(4));
    two.update(makeBackends(4));
    expect(picks(one, 40)).toBe(picks(two, 40));
  });

  it('reads options as written in helios.yaml', () => {
    const ewma = createStrategy(
      { name: 'ewma', options: { decay: '5s', failurePenalty: 250, probe: 0.1 } },
      { now: () => 0 },
    );
    expect(ewma).toBeInstanceOf(EwmaStrategy);
    const hash = createStrategy({
      name: 'consistent-hash',
      options: { key: 'cookie:session', tableSize: 655_373 },
    });
    expect(hash).toBeInstanceOf(ConsistentHashStrategy);
  });

  it('rejects an unknown name with a stable code, a suggestion and the list of names', () => {
    const error = errorOf(() => createStrategy({ name: 'least-conn', options: {} }));
    expect(error.code).toBe('HELIOS_STRATEGY_UNKNOWN');
    expect(error.message).toContain('"least-conn"');
    expect(error.message).toContain('Did you mean "least-connections"?');
    expect(error.message).toContain('round-robin, weighted-round-robin');
  });

  it('rejects bad and unknown options, saying which and how to fix them', () => {
    const badDecay = errorOf(() => createStrategy({ name: 'ewma', options: { decay: 'soon' } }));
    expect(badDecay.code).toBe('HELIOS_STRATEGY_OPTION_INVALID');
    expect(badDecay.message).toBe(
      'strategy "ewma": option "decay" must be a duration of at least 1ms: milliseconds (1500) or a number with a unit ms, s, m or h (500ms, 10s, 2m), got "soon". Fix it under strategy: in helios.yaml.',
    );
    const badKey = errorOf(() =>
      createStrategy({ name: 'consistent-hash', options: { key: 'query:user' } }),
    );
    expect(badKey.message).toContain('`header:<name>` or `cookie:<name>`, got "query:user"');
    const notPrime = errorOf(() =>
      createStrategy({ name: 'consistent-hash', options: { tableSize: 65_536 } }),
    );
    expect(notPrime.message).toContain('prime');
    const unknown = errorOf(() => createStrategy({ name: 'ewma', options: { decy: '5s' } }));
    expect(unknown.message).toContain('unknown option "decy" (did you mean "decay"?)');
    const none = errorOf(() => createStrategy({ name: 'round-robin', options: { weight: 2 } }));
    expect(none.message).toContain('"round-robin" takes no options; remove it');
  });

  it('builds from a catalog of your own, next to the built-in descriptors', () => {
    const failover: StrategyDescriptor<typeof noOptions> = {
      name: 'failover',
      aliases: ['backup'],
      description: 'The first available backend.',
      options: noOptions,
      create: () => new RoundRobinStrategy(),
    };
    const catalog = createStrategyCatalog<StrategyDeps>([...BUILTIN_DESCRIPTORS, failover]);
    expect(catalog.names).toContain('failover');
    expect(createStrategy({ name: 'ewma' }, {}, catalog)).toBeInstanceOf(EwmaStrategy);
    expect(createStrategy({ name: 'failover' }, {}, catalog)).toBeInstanceOf(RoundRobinStrategy);
    expect(errorOf(() => createStrategy({ name: 'backup' }, {}, catalog)).message).toContain(
      'Did you mean "failover"?',
    );
  });
});
