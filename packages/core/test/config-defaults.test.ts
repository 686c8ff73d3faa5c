import { describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../src/config/parse.js';

const minimal = 'port: 8080\nbackends:\n  - http://127.0.0.1:9001\n';

describe('a minimal helios.yaml resolves with every default', () => {
  it('fills the listener, strategy, backend and behaviour defaults', () => {
    const config = parseConfig(minimal, 'helios.yaml', {});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.strategy).toEqual({ name: 'round-robin', options: {} });
    expect(config.backends).toHaveLength(1);
    expect(config.backends?.[0]?.url.href).toBe('http://127.0.0.1:9001/');
    expect(config.backends?.[0]).toMatchObject({ weight: 1, maxConnections: 128, health: {} });
    expect(config.preserveHost).toBe(true);
    expect(config.trustProxy).toBe(false);
    expect(config.retries).toBe(1);
    expect(config.retryBudget).toEqual({ percent: 20, minPerSecond: 3 });
    expect(config.workers).toBe(1);
    expect(config.admin).toBeUndefined();
  });

  it('fills timeouts in milliseconds', () => {
    expect(parseConfig(minimal, 'helios.yaml', {}).timeouts).toEqual({
      connect: 5_000,
      response: 30_000,
      upstreamIdle: 60_000,
      clientHeader: 10_000,
      clientIdle: 5_000,
      clientBody: 30_000,
      clientSend: 60_000,
      drain: 30_000,
    });
  });

  it('fills limits, logging and the access log', () => {
    const config = parseConfig(minimal, 'helios.yaml', {});
    expect(config.limits).toEqual({
      maxHeaderSize: 16_384,
      maxUrlLength: 8_192,
      maxConnections: 10_000,
      maxHeaderCount: 100,
      maxConcurrentStreams: 100,
      bodyBuffer: 65_536,
    });
    expect(config.queue).toEqual({ maxPending: 1_024, timeout: 10_000 });
    expect(config.limits.maxBodySize).toBeUndefined();
    expect(config.logging).toEqual({ level: 'info', format: 'auto' });
    expect(config.accessLog).toEqual({ enabled: false, output: 'stdout', format: 'auto' });
  });

  it('fills passive and active health checking and leaves slow start off', () => {
    expect(parseConfig(minimal, 'helios.yaml', {}).health).toEqual({
      passive: {
        enabled: true,
        failureStatuses: [{ from: 500, to: 599 }],
        failureThreshold: 5,
        cooldown: 30_000,
        maxCooldown: 300_000,
        maxEjectedPercent: 50,
      },
      active: {
        enabled: true,
        path: '/health',
        interval: 10_000,
        timeout: 2_000,
        jitter: 0.1,
        expectedStatuses: [{ from: 200, to: 399 }],
        unhealthyThreshold: 3,
        healthyThreshold: 2,
      },
      slowStart: 0,
    });
  });

  it('resolves a plain object the same way as YAML text', () => {
    const fromObject = resolveConfig({ port: 8080, backends: ['http://127.0.0.1:9001'] });
    expect(fromObject).toEqual(parseConfig(minimal, 'helios.yaml', {}));
  });

  it('accepts port 0 so tests and embedders can ask for an ephemeral port', () => {
    expect(resolveConfig({ port: 0, backends: ['http://127.0.0.1:1'] }).port).toBe(0);
  });
});
