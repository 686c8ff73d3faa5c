/**
 * Config mistakes that used to slip through or crash: each is a config error with a position,
 * never an "unexpected error" and never a silently dangerous setting.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error.js';
import { parseConfig } from '../src/config/parse.js';
import { configIssues } from './helpers/config-issues.js';

const base = 'port: 8080\nbackends: [http://127.0.0.1:9001]\n';

describe('hardened config checks', () => {
  it('turns a YAML alias bomb into a config error, not a crash', () => {
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    const names = 'abcdefghij';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1];
      bomb += `${names[i]}: &${names[i]} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]\n`;
    }
    const started = Date.now();
    let error: unknown;
    try {
      parseConfig(`${base}${bomb}`, 'helios.yaml', {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('HELIOS_CONFIG_INVALID');
    expect((error as ConfigError).message).toMatch(/aliases/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(['//other.host/x', '/\\\\other.host/x', 'health', '/a b'])(
    'refuses the health path %s (a probe must never reach another host)',
    (path) => {
      const issues = configIssues(`${base}health:\n  active:\n    path: "${path}"\n`);
      expect(issues.map((i) => i.path)).toEqual(['health.active.path']);
    },
  );

  it('refuses a per-backend health path that names another host', () => {
    const issues = configIssues(
      'port: 8080\nbackends:\n  - url: http://127.0.0.1:9001\n    health: { path: //evil.example/x }\n',
    );
    expect(issues.map((i) => i.path)).toEqual(['backends[0].health.path']);
  });

  it('refuses a backend on port 0', () => {
    const issues = configIssues('port: 8080\nbackends: [http://127.0.0.1:0]\n');
    expect(issues.map((i) => i.path)).toEqual(['backends[0]']);
    expect(issues[0]?.message).toMatch(/port 0/);
  });

  it('refuses a public admin listener without a token, and says how to fix it', () => {
    const issues = configIssues(`${base}admin:\n  port: 9090\n  host: 0.0.0.0\n`);
    expect(issues.map((i) => i.path)).toEqual(['admin.token']);
    expect(issues[0]?.message).toMatch(/admin\.token/);
    expect(issues[0]?.message).toMatch(/allowUnauthenticated/);
  });

  it('accepts a public admin listener with a token, or with the explicit opt-out', () => {
    const withToken = parseConfig(
      `${base}admin:\n  port: 9090\n  host: 0.0.0.0\n  token: s3cret\n`,
      'helios.yaml',
      {},
    );
    expect(withToken.admin?.host).toBe('0.0.0.0');
    const optedOut = parseConfig(
      `${base}admin:\n  port: 9090\n  host: "::"\n  allowUnauthenticated: true\n`,
      'helios.yaml',
      {},
    );
    expect(optedOut.admin?.allowUnauthenticated).toBe(true);
    // Loopback needs neither.
    for (const host of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      const local = parseConfig(`${base}admin:\n  port: 9090\n  host: "${host}"\n`, 'h.yaml', {});
      expect(local.admin?.host).toBe(host);
    }
  });

  it('reads trustProxy as false, true (one hop), a hop count or a list of proxies', () => {
    const trust = (value: string) => parseConfig(`${base}trustProxy: ${value}\n`, 'h.yaml', {});
    expect(trust('false').trustProxy).toBe(false);
    expect(trust('true').trustProxy).toBe(1);
    expect(trust('2').trustProxy).toBe(2);
    expect(trust('0').trustProxy).toBe(false);
    expect(trust('[10.0.0.0/8, "::1", 192.168.1.7]').trustProxy).toEqual([
      '10.0.0.0/8',
      '::1',
      '192.168.1.7',
    ]);
    const issues = configIssues(`${base}trustProxy: [10.0.0.0/33, not-an-ip]\n`);
    expect(issues.map((i) => i.path)).toEqual(['trustProxy[0]', 'trustProxy[1]']);
  });
});
