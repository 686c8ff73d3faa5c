/**
 * `strategy:` is checked against the strategy catalog the caller passes (core knows no strategy):
 * names with did-you-mean over names and aliases, options at their file:line:column and key path,
 * resolved with their defaults; at the top level and in a pool alike. Without a catalog only the
 * shape is checked and the options are left for the strategy's factory.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../src/config/config-error.js';
import { parseConfig, resolveConfig, validateAgainst } from '../src/config/parse.js';
import { poolSchema } from '../src/config/pool-schema.js';
import { parseYaml } from '../src/config/yaml-source.js';
import { HeliosError } from '../src/errors.js';
import { createStrategyCatalog } from '../src/strategy-catalog.js';
import { configIssues, where } from './helpers/config-issues.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { created, slowOptions, testCatalog } from './helpers/strategy-catalog.js';

const head = 'port: 1\nbackends: [http://127.0.0.1:1]\n';
const withCatalog = { strategies: testCatalog };

function errorOf(run: () => unknown): HeliosError {
  try {
    run();
  } catch (error) {
    if (error instanceof HeliosError) return error;
    throw error;
  }
  throw new Error('expected a HeliosError');
}

/** Issues of a document whose pools use `poolSchema` (the top level may not list pools yet). */
function poolIssues(text: string) {
  const { source } = parseYaml(text, 'helios.yaml');
  const root = z.strictObject({ pools: z.record(z.string(), poolSchema) });
  const result = validateAgainst(root, source.doc.toJS(), 'helios.yaml', source, withCatalog);
  if (result.ok) throw new Error('expected the pools to be rejected');
  return result.issues;
}

describe('without a catalog', () => {
  it('checks only the shape and passes the options on as written', () => {
    const config = parseConfig(`${head}strategy: { name: anything, pause: 5s }\n`, 'h.yaml', {});
    expect(config.strategy).toEqual({ name: 'anything', options: { pause: '5s' } });
    expect(resolveConfig({ port: 1, backends: ['http://127.0.0.1:1'] }).strategy).toEqual({
      name: 'round-robin',
      options: {},
    });
  });

  it('still rejects what is not a name or a mapping with a name', () => {
    const [notName] = configIssues(`${head}strategy: 5\n`);
    expect(notName).toMatchObject({ line: 3, column: 11, path: 'strategy' });
    expect(notName?.expected).toBe('a strategy name or a mapping with `name` and options');
    const [noName] = configIssues(`${head}strategy:\n  pause: 5s\n`);
    expect(noName).toMatchObject({ line: 3, column: 1, path: 'strategy.name' });
    expect(noName?.message).toContain('missing required key `name`');
  });
});

describe('with a catalog', () => {
  const issues = (text: string) => configIssues(text, {}, withCatalog);

  it('resolves a bare name or a mapping with the options’ defaults', () => {
    const parse = (strategy: string) =>
      parseConfig(`${head}strategy: ${strategy}\n`, 'h.yaml', {}, withCatalog).strategy;
    expect(parse('slow')).toEqual({ name: 'slow', options: { pause: 1_000, level: 1 } });
    expect(parse('{ name: slow, pause: 250ms }')).toEqual({
      name: 'slow',
      options: { pause: 250, level: 1 },
    });
    expect(parse('first')).toEqual({ name: 'first', options: {} });
  });

  it('suggests a name, including an alias, at the value', () => {
    const [typo] = issues(`${head}strategy: frist\n`);
    expect(typo).toMatchObject({ line: 3, column: 11, path: 'strategy' });
    expect(typo?.expected).toBe('one of `first`, `slow`');
    expect(typo?.suggestion).toBe('did you mean `first`?');
    const [alias] = issues(`${head}strategy: tortoise\n`);
    expect(alias?.suggestion).toBe('did you mean `slow`?');
    const [mapping] = issues(`${head}strategy:\n  name: primary\n`);
    expect(mapping).toMatchObject({ line: 4, column: 9, path: 'strategy.name' });
    expect(mapping?.suggestion).toBe('did you mean `first`?');
  });

  it('reports bad and unknown options at their position, with the known ones', () => {
    const found = issues(`${head}strategy:\n  name: slow\n  level: 7\n  paus: 5s\n`);
    expect(where(found)).toEqual(['5:10 strategy.level', '6:3 strategy.paus']);
    expect(found[0]?.expected).toBe('a whole number from 1 to 3');
    expect(found[1]?.suggestion).toBe('did you mean `pause`?');
    const [none] = issues(`${head}strategy: { name: first, level: 2 }\n`);
    expect(none).toMatchObject({ path: 'strategy.level' });
    expect(none?.message).toBe('unknown key `level` in strategy; known keys: name');
  });

  it('checks a pool’s strategy the same way, under pools.<name>.strategy', () => {
    const text =
      'pools:\n  api:\n    backends: [http://127.0.0.1:1]\n    strategy:\n      name: slow\n      level: 0\n      paus: 1s\n  web:\n    backends: [http://127.0.0.1:2]\n    strategy: tortoise\n';
    const found = poolIssues(text);
    expect(where(found)).toEqual([
      '6:14 pools.api.strategy.level',
      '7:7 pools.api.strategy.paus',
      '10:15 pools.web.strategy',
    ]);
    expect(found[1]?.suggestion).toBe('did you mean `pause`?');
    expect(found[2]?.suggestion).toBe('did you mean `slow`?');
  });

  it('gives programmatic input the same checks, by key path', () => {
    const error = errorOf(() =>
      resolveConfig(
        { port: 1, backends: ['http://127.0.0.1:1'], strategy: { name: 'slow', pause: 'soon' } },
        'embedded',
        withCatalog,
      ),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(['strategy.pause']);
  });

  it('is in effect only for the parse it was given to', () => {
    parseConfig(`${head}strategy: slow\n`, 'h.yaml', {}, withCatalog);
    const config = parseConfig(`${head}strategy: { name: other, x: 1 }\n`, 'h.yaml', {});
    expect(config.strategy).toEqual({ name: 'other', options: { x: 1 } });
  });
});

describe('catalog.create', () => {
  it('checks and resolves options as written or already resolved, then calls the factory', () => {
    created.length = 0;
    expect(testCatalog.create({ name: 'slow', options: { pause: '2s' } })).toBeInstanceOf(
      TestRoundRobin,
    );
    testCatalog.create({ name: 'slow', options: { pause: 2_000, level: 2 } });
    testCatalog.create({ name: 'first' });
    expect(created).toEqual([
      { name: 'slow', options: { pause: 2_000, level: 1 } },
      { name: 'slow', options: { pause: 2_000, level: 2 } },
      { name: 'first', options: {} },
    ]);
  });

  it('rejects an unknown name with a stable code, a suggestion from the aliases and the list', () => {
    const error = errorOf(() => testCatalog.create({ name: 'primary' }));
    expect(error.code).toBe('HELIOS_STRATEGY_UNKNOWN');
    expect(error.message).toBe(
      'Unknown load-balancing strategy "primary" in strategy: of helios.yaml. Did you mean "first"? Use one of: first, slow.',
    );
  });

  it('rejects bad and unknown options, saying which, what is expected and what was found', () => {
    const bad = errorOf(() => testCatalog.create({ name: 'slow', options: { level: 9, paus: 1 } }));
    expect(bad.code).toBe('HELIOS_STRATEGY_OPTION_INVALID');
    expect(bad.message).toBe(
      'strategy "slow": option "level" must be a whole number from 1 to 3, got 9; unknown option "paus" (did you mean "pause"?). Fix it under strategy: in helios.yaml.',
    );
    const none = errorOf(() => testCatalog.create({ name: 'first', options: { level: 1 } }));
    expect(none.message).toContain('"first" takes no options; remove it');
  });
});

describe('createStrategyCatalog', () => {
  const make = () => new TestRoundRobin();

  it('refuses ambiguous names and aliases, and checks it cannot apply', () => {
    const first = { name: 'a', description: 'A.', options: z.strictObject({}), create: make };
    const codes = [
      () => createStrategyCatalog([]),
      () => createStrategyCatalog([first, first]),
      () =>
        createStrategyCatalog([
          { ...first, aliases: ['x'] },
          { ...first, name: 'b', aliases: ['X'] },
        ]),
      () =>
        createStrategyCatalog([
          { ...first, options: slowOptions.refine((o) => o.level < 3, { error: 'too slow' }) },
        ]),
    ].map((run) => errorOf(run).code);
    expect(codes).toEqual(Array(4).fill('HELIOS_STRATEGY_CATALOG_INVALID'));
  });
});
