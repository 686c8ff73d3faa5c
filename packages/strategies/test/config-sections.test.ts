/**
 * `strategy:` in helios.yaml checked against the built-in catalog, as the CLI runs it: every
 * name (and the names other proxies use) with did-you-mean, each strategy's options at their
 * file:line:column with the key path, resolved with their defaults. The options live with each
 * strategy's descriptor; core only applies the catalog it is given.
 */
import { ConfigError, type ConfigIssue, parseConfig, resolveConfig } from '@helios/core';
import { describe, expect, it } from 'vitest';
import { builtinStrategies } from '../src/builtin-strategies.js';
import { STRATEGY_NAMES } from '../src/create-strategy.js';

const withBuiltins = { strategies: builtinStrategies };
const head = 'port: 1\nbackends: [http://127.0.0.1:1]\n';
const base = { port: 8080, backends: ['http://127.0.0.1:9001'] };

function configIssues(text: string): readonly ConfigIssue[] {
  try {
    parseConfig(text, 'helios.yaml', {}, withBuiltins);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected, but it parsed');
}

const where = (issues: readonly ConfigIssue[]) =>
  issues.map((i) => `${i.line}:${i.column} ${i.path}`);
const resolve = (strategy: unknown) =>
  resolveConfig({ ...base, strategy }, 'x', withBuiltins).strategy;

describe('strategy names', () => {
  it('accepts every built-in name, bare or as a mapping', () => {
    for (const name of STRATEGY_NAMES) {
      expect(resolve(name).name).toBe(name);
      expect(resolve({ name }).name).toBe(name);
    }
  });

  it('suggests strategy names, including other proxies’ names for them', () => {
    const cases: [string, string][] = [
      ['least-connection', 'least-connections'],
      ['leastconn', 'least-connections'],
      ['RoundRobin', 'round-robin'],
      ['p2c', 'power-of-two'],
      ['maglev', 'consistent-hash'],
      ['peakewma', 'ewma'],
      ['wrr', 'weighted-round-robin'],
    ];
    for (const [written, meant] of cases) {
      const [issue] = configIssues(`${head}strategy: ${written}\n`);
      expect(issue, written).toMatchObject({ line: 3, column: 11, path: 'strategy' });
      expect(issue?.expected).toBe(
        'one of `round-robin`, `weighted-round-robin`, `least-connections`, `random`, `power-of-two`, `ewma`, `consistent-hash`',
      );
      expect(issue?.suggestion).toBe(`did you mean \`${meant}\`?`);
    }
  });

  it('suggests a strategy name given in the mapping form', () => {
    const [issue] = configIssues(`${head}strategy:\n  name: least-conections\n`);
    expect(issue).toMatchObject({ line: 4, column: 9, path: 'strategy.name' });
    expect(issue?.suggestion).toBe('did you mean `least-connections`?');
  });
});

describe('strategy options', () => {
  it('resolves a bare name to { name, options } with that strategy’s defaults', () => {
    expect(resolve('least-connections')).toEqual({ name: 'least-connections', options: {} });
    expect(resolve('ewma')).toEqual({
      name: 'ewma',
      options: { decay: 10_000, failurePenalty: 1_000, probe: 0.02 },
    });
    expect(resolve('consistent-hash')).toEqual({ name: 'consistent-hash', options: { key: 'ip' } });
  });

  it('resolves ewma durations to ms', () => {
    expect(resolve({ name: 'ewma', decay: '5s', failurePenalty: 250 })).toEqual({
      name: 'ewma',
      options: { decay: 5_000, failurePenalty: 250, probe: 0.02 },
    });
  });

  it('accepts every consistent-hash key form and lower-cases header names', () => {
    for (const [key, resolved] of [
      ['ip', 'ip'],
      ['header:X-User-Id', 'header:x-user-id'],
      ['cookie:session', 'cookie:session'],
    ]) {
      expect(resolve({ name: 'consistent-hash', key, tableSize: 65_537 })).toEqual({
        name: 'consistent-hash',
        options: { key: resolved, tableSize: 65_537 },
      });
    }
  });

  it('reports unknown options per strategy, with the known ones', () => {
    const issues = configIssues(`${head}strategy:\n  name: ewma\n  decya: 5s\n  key: ip\n`);
    expect(where(issues)).toEqual(['5:3 strategy.decya', '6:3 strategy.key']);
    expect(issues[0]?.suggestion).toBe('did you mean `decay`?');
    const [none] = configIssues(`${head}strategy: { name: round-robin, decay: 5s }\n`);
    expect(none?.message).toBe('unknown key `decay` in strategy; known keys: name');
  });

  it('reports bad values at their position, saying what is expected', () => {
    const [key] = configIssues(`${head}strategy: { name: consistent-hash, key: "query:id" }\n`);
    expect(key).toMatchObject({ line: 3, column: 41, path: 'strategy.key' });
    expect(key?.expected).toBe('`ip`, `header:<name>` or `cookie:<name>`');
    const prime = configIssues(`${head}strategy:\n  name: consistent-hash\n  tableSize: 1000\n`);
    expect(where(prime)).toEqual(['5:14 strategy.tableSize']);
    expect(prime[0]?.message).toMatch(/prime/);
    const probe = configIssues(`${head}strategy: { name: ewma, probe: 0.9 }\n`);
    expect(where(probe)).toEqual(['3:32 strategy.probe']);
    expect(probe[0]?.expected).toBe('a number from 0 to 0.5');
    const decay = configIssues(`${head}strategy:\n  name: ewma\n  decay: soon\n`);
    expect(where(decay)).toEqual(['5:10 strategy.decay']);
    expect(decay[0]?.expected).toContain('a duration of at least 1ms');
  });

  it('the options the catalog resolves build the strategy as they are', () => {
    for (const name of STRATEGY_NAMES) {
      const spec = resolve(name);
      expect(builtinStrategies.create(spec).name).toBe(name);
    }
  });
});
