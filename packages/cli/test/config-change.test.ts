/**
 * What a config change means (config-change.ts), the one plan every mode follows: settings
 * bound at start keep their running value and are reported, everything else takes effect, and
 * the strategy is rebuilt only when its own section changed.
 */
import { type HeliosConfig, parseConfig } from '@helios/core';
import { builtinStrategies } from '@helios/strategies';
import { describe, expect, it } from 'vitest';
import { planConfigChange } from '../src/config-change.js';

function config(lines: string[]): HeliosConfig {
  return parseConfig(
    ['backends:', '  - http://127.0.0.1:9001', ...lines, ''].join('\n'),
    'helios.yaml',
    {},
    { strategies: builtinStrategies },
  );
}

const current = config(['port: 8080', 'host: 127.0.0.1', 'strategy: round-robin', 'workers: 2']);

describe('planConfigChange', () => {
  it('applies everything that can change live', () => {
    const next = config([
      'port: 8080',
      'host: 127.0.0.1',
      'strategy: round-robin',
      'workers: 2',
      'retries: 0',
      'accessLog: true',
    ]);
    const change = planConfigChange(current, next, { workers: 2 });
    expect(change.restart).toEqual([]);
    expect(change.config).toEqual(next);
  });

  it('keeps the listen address, header limit, admin and worker count, and says so', () => {
    const next = config([
      'port: 9090',
      'host: 0.0.0.0',
      'strategy: round-robin',
      'workers: 4',
      'limits:',
      '  maxHeaderSize: 32KiB',
      'admin:',
      '  port: 9901',
      'retries: 1',
    ]);
    const change = planConfigChange(current, next, { workers: 2 });
    expect(change.restart.map((n) => n.setting)).toEqual([
      'listen address',
      'limits.maxHeaderSize',
      'admin',
      'workers',
    ]);
    expect(change.restart[3]?.message).toBe(
      'changing workers needs a restart; keeping 2 worker processes',
    );
    expect(change.config.port).toBe(8080);
    expect(change.config.host).toBe('127.0.0.1');
    expect(change.config.limits.maxHeaderSize).toBe(current.limits.maxHeaderSize);
    expect(change.config.admin).toBeUndefined();
    expect(change.config.workers).toBe(2);
    // What can change live still does.
    expect(change.config.retries).toBe(1);
  });
});

describe('planConfigChange with listeners', () => {
  const tls = (cert: string) => `tls: { cert: ${cert}, key: key.pem }`;
  const listeners = (port: number, cert: string) => [
    'listeners:',
    `  - { port: 8443, ${tls(cert)} }`,
    `  - { port: ${port}, redirectToHttps: true }`,
  ];

  it('takes new certificates on a TLS listener, with no restart notice', () => {
    const before = config(['port: 8443', tls('old.pem')]);
    const after = config(['port: 8443', tls('new.pem')]);
    const change = planConfigChange(before, after);
    expect(change.restart).toEqual([]);
    expect(change.config.listeners[0]?.tls?.certificates[0]?.cert).toBe('new.pem');
  });

  it('keeps the running listeners when their set changes, but still takes new certificates', () => {
    const before = config(listeners(8080, 'old.pem'));
    const after = config(listeners(8081, 'new.pem'));
    const change = planConfigChange(before, after);
    expect(change.restart.map((n) => n.setting)).toEqual(['listeners']);
    expect(change.config.listeners.map((l) => l.port)).toEqual([8443, 8080]);
    expect(change.config.listeners[0]?.tls?.certificates[0]?.cert).toBe('new.pem');
  });

  it('turning TLS on for the one listener needs a restart', () => {
    const before = config(['port: 8443']);
    const after = config(['port: 8443', tls('new.pem')]);
    const change = planConfigChange(before, after);
    expect(change.restart.map((n) => n.setting)).toEqual(['listeners']);
    expect(change.config.listeners[0]?.tls).toBeUndefined();
  });
});
