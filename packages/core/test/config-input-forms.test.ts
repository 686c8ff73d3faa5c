import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/parse.js';

const base = { port: 8080, backends: ['http://127.0.0.1:9001'] };

describe('backends accept a URL string or a mapping', () => {
  it('resolves both forms to the same shape', () => {
    const config = resolveConfig({
      port: 8080,
      backends: [
        'http://127.0.0.1:9001',
        {
          url: 'https://api.internal:8443',
          weight: 5,
          maxConnections: 16,
          health: { path: '/ready', host: 'api.internal' },
        },
      ],
    });
    expect(config.backends?.map((b) => b.url.href)).toEqual([
      'http://127.0.0.1:9001/',
      'https://api.internal:8443/',
    ]);
    expect(config.backends?.[1]).toMatchObject({
      weight: 5,
      maxConnections: 16,
      health: { path: '/ready', host: 'api.internal' },
    });
  });

  it('normalises a URL to its origin (trailing slash, case, default port)', () => {
    const config = resolveConfig({
      port: 1,
      backends: ['HTTP://LocalHost:80/', ' http://127.0.0.1:9002 ', 'https://x.test:443'],
    });
    expect(config.backends?.map((b) => b.url.origin)).toEqual([
      'http://localhost',
      'http://127.0.0.1:9002',
      'https://x.test',
    ]);
  });
});

describe('switch-like sections accept short forms', () => {
  it('accessLog: true, false or a mapping', () => {
    expect(resolveConfig({ ...base, accessLog: true }).accessLog).toEqual({
      enabled: true,
      output: 'stdout',
      format: 'auto',
    });
    expect(resolveConfig({ ...base, accessLog: false }).accessLog).toEqual({
      enabled: false,
      output: 'stdout',
      format: 'auto',
    });
    expect(
      resolveConfig({ ...base, accessLog: { output: '/var/log/helios.log' } }).accessLog,
    ).toEqual({
      enabled: true,
      output: '/var/log/helios.log',
      format: 'auto',
    });
    expect(resolveConfig({ ...base, accessLog: { format: 'json' } }).accessLog).toEqual({
      enabled: true,
      output: 'stdout',
      format: 'json',
    });
    expect(() => resolveConfig({ ...base, accessLog: { format: 'xml' } })).toThrow(
      /accessLog\.format: expected one of auto, text, json, found "xml"/,
    );
  });

  it('workers: auto or a count', () => {
    expect(resolveConfig({ ...base, workers: 'auto' }).workers).toBe('auto');
    expect(resolveConfig({ ...base, workers: 4 }).workers).toBe(4);
  });

  it('admin: off unless set, bound to 127.0.0.1 by default', () => {
    expect(resolveConfig(base).admin).toBeUndefined();
    expect(resolveConfig({ ...base, admin: { port: 9090 } }).admin).toEqual({
      port: 9090,
      host: '127.0.0.1',
      allowUnauthenticated: false,
    });
    expect(resolveConfig({ ...base, admin: { port: 9090, token: 's3cret' } }).admin?.token).toBe(
      's3cret',
    );
  });

  it('health.slowStart: off, false or a duration', () => {
    const slowStart = (value: unknown) =>
      resolveConfig({ ...base, health: { slowStart: value } }).health.slowStart;
    expect(slowStart('off')).toBe(0);
    expect(slowStart(false)).toBe(0);
    expect(slowStart('30s')).toBe(30_000);
    expect(slowStart(1500)).toBe(1500);
  });

  it('limits take bytes or sizes with SI and IEC units', () => {
    const limits = resolveConfig({
      ...base,
      limits: { maxHeaderSize: '32KiB', maxBodySize: '10MB', maxUrlLength: 4096 },
    }).limits;
    expect(limits).toMatchObject({
      maxHeaderSize: 32_768,
      maxBodySize: 10_000_000,
      maxUrlLength: 4096,
    });
    expect(resolveConfig({ ...base, limits: { bodyBuffer: '1MiB' } }).limits.bodyBuffer).toBe(
      1_048_576,
    );
    expect(resolveConfig({ ...base, limits: { bodyBuffer: 0 } }).limits.bodyBuffer).toBe(0);
    expect(resolveConfig({ ...base, limits: { maxBodySize: 1024 } }).limits.maxBodySize).toBe(1024);
    expect(resolveConfig({ ...base, limits: { maxBodySize: '1GiB' } }).limits.maxBodySize).toBe(
      1_073_741_824,
    );
  });
});
