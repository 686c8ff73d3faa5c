/**
 * `port`/`host`/`tls`/`http2` as the one-listener shorthand, `listeners` for several, and the
 * checks across them, on the schema alone (certificate files are read later, by loadConfig:
 * tls.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/parse.js';
import { configIssues, where } from './helpers/config-issues.js';

const BACKENDS = 'backends: [http://127.0.0.1:9001]\n';

describe('listeners in helios.yaml', () => {
  it('an existing config is one plain listener, with no TLS and no HTTP/2', () => {
    const config = parseConfig(`port: 8080\nhost: 127.0.0.1\n${BACKENDS}`, 'h.yaml', {});
    expect(config.listeners).toEqual([
      {
        port: 8080,
        host: '127.0.0.1',
        tls: undefined,
        http2: false,
        redirectToHttps: false,
        at: [],
      },
    ]);
  });

  it('the tls shorthand: one certificate, TLSv1.2 floor, HTTP/2 on unless turned off', () => {
    const config = parseConfig(
      `port: 8443\ntls: { cert: a.pem, key: a-key.pem }\n${BACKENDS}`,
      'h.yaml',
      {},
    );
    const [listener] = config.listeners;
    expect(listener?.http2).toBe(true);
    expect(listener?.tls).toEqual({
      certificates: [{ cert: 'a.pem', key: 'a-key.pem', at: [] }],
      minVersion: 'TLSv1.2',
      clientAuth: undefined,
      material: undefined,
    });
    const off = parseConfig(
      `port: 8443\nhttp2: false\ntls: { certificates: [{ cert: a.pem, key: k.pem }], minVersion: TLSv1.3, clientAuth: { ca: ca.pem } }\n${BACKENDS}`,
      'h.yaml',
      {},
    );
    expect(off.listeners[0]?.http2).toBe(false);
    expect(off.listeners[0]?.tls?.minVersion).toBe('TLSv1.3');
    expect(off.listeners[0]?.tls?.clientAuth).toEqual({ ca: 'ca.pem', required: true });
    expect(off.listeners[0]?.tls?.certificates[0]?.at).toEqual(['certificates', 0]);
  });

  it('listeners take the top-level host unless they give one; port/host stay the first', () => {
    const config = parseConfig(
      `host: 10.0.0.1\nlisteners:\n  - { port: 443, tls: { cert: a.pem, key: k.pem }, http2: false }\n  - { port: 80, host: 127.0.0.1, redirectToHttps: true }\n${BACKENDS}`,
      'h.yaml',
      {},
    );
    expect(config.port).toBe(443);
    expect(config.host).toBe('10.0.0.1');
    expect(
      config.listeners.map((l) => [
        l.host,
        l.port,
        l.tls !== undefined,
        l.http2,
        l.redirectToHttps,
        l.at,
      ]),
    ).toEqual([
      ['10.0.0.1', 443, true, false, false, ['listeners', 0]],
      ['127.0.0.1', 80, false, false, true, ['listeners', 1]],
    ]);
  });

  it('refuses what cannot work, each at its key', () => {
    const issues = configIssues(
      [
        'port: 80',
        'http2: true',
        'listeners:',
        '  - { port: 8443, tls: { cert: a.pem, key: k.pem, certificates: [{ cert: b.pem, key: b.pem }] } }',
        '  - { port: 8443, http2: true }',
        '  - { port: 8080, redirectToHttps: true, tls: { cert: a.pem } }',
        '  - { port: 0 }',
        '  - { port: 0, tls: { minVersion: TLSv1 } }',
        BACKENDS,
      ].join('\n'),
    );
    expect(where(issues)).toEqual([
      '1:7 port',
      '2:8 http2',
      '4:65 listeners[0].tls.certificates',
      '5:13 listeners[1].port',
      '5:26 listeners[1].http2',
      '6:36 listeners[2].redirectToHttps',
      '6:42 listeners[2].tls.key',
      '8:16 listeners[4].tls.cert',
      '8:16 listeners[4].tls.key',
      '8:35 listeners[4].tls.minVersion',
    ]);
    const messages = issues.map((i) => i.message).join('\n');
    expect(messages).toContain('`port` is the one-listener shorthand, and `listeners` is set too');
    expect(messages).toContain('listeners[0] listens on 8443 already');
    expect(messages).toContain('HTTP/2 is offered on TLS listeners only (cleartext h2c is not)');
    expect(messages).toContain('a redirect listener is plain HTTP');
    expect(messages).toContain('either `cert` and `key`, or `certificates`, not both');
    expect(messages).toContain('TLSv1.2 or TLSv1.3 (older versions are not offered)');
    expect(messages).toContain(
      'a certificate: `cert` and `key`, or `certificates: [{ cert, key }, ...]`',
    );
    expect(messages).toContain('`key` too: a certificate needs both `cert` and `key`');
  });

  it('a config with neither port nor listeners says port is missing, as before', () => {
    const [issue] = configIssues(BACKENDS);
    expect(issue?.message).toBe(
      'missing required key `port`: expected a port number from 1 to 65535 (0 picks a free port)',
    );
  });
});
