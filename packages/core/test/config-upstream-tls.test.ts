/**
 * `upstreamTls` and `upstreamHttp2` in helios.yaml: inheritance from the top level key by key,
 * and every way a certificate file can be wrong reported at load (start, `validate`, reload) at
 * the line and column of the key that names it, with the file named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/config-error.js';
import { loadConfig, loadConfigDetailed } from '../src/config/load.js';
import { parseConfig, resolveConfig } from '../src/config/parse.js';
import { loadUpstreamTlsFiles } from '../src/config/upstream-tls-files.js';
import { createProxy } from '../src/proxy.js';
import { configIssues, where } from './helpers/config-issues.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { type TlsFixture, tlsFixture } from './helpers/tls-setup.js';

let fx: TlsFixture;
beforeAll(async () => {
  fx = await tlsFixture();
});
afterAll(async () => {
  await fx.close();
});

async function loadIssues(yaml: string): Promise<string[]> {
  const path = await fx.write('helios.yaml', yaml);
  const error = await loadConfig(path, {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).issues.map(
    (i) =>
      `${i.file === path ? 'helios.yaml' : i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`,
  );
}

describe('upstreamTls in the schema', () => {
  it('defaults: no TLS settings, verification on, HTTP/1.1', () => {
    const config = parseConfig('port: 1\nbackends: [https://a.internal]\n', 'helios.yaml');
    expect(config.upstreamHttp2).toBe(false);
    expect(config.pools.default?.upstreamTls).toEqual({
      ca: undefined,
      cert: undefined,
      key: undefined,
      servername: undefined,
      rejectUnauthorized: true,
    });
  });

  it('a pool overrides only the keys it gives, and inherits upstreamHttp2', () => {
    const config = parseConfig(
      `port: 1
upstreamTls: { ca: ca.pem, servername: top.internal }
upstreamHttp2: true
pools:
  a: { backends: [https://a.internal] }
  b:
    backends: [https://b.internal]
    upstreamTls: { servername: b.internal, rejectUnauthorized: false }
    upstreamHttp2: false
routes: [{ pool: a }, { pool: b }]
`,
      'helios.yaml',
    );
    expect(config.pools.a?.upstreamTls).toMatchObject({
      ca: { file: 'ca.pem', at: ['upstreamTls', 'ca'] },
      servername: 'top.internal',
      rejectUnauthorized: true,
    });
    expect(config.pools.a?.upstreamHttp2).toBe(true);
    expect(config.pools.b?.upstreamTls).toMatchObject({
      ca: { file: 'ca.pem' },
      servername: 'b.internal',
      rejectUnauthorized: false,
    });
    expect(config.pools.b?.upstreamHttp2).toBe(false);
  });

  it('refuses unknown keys and wrong types where they are written', () => {
    const issues = configIssues(
      'port: 1\nbackends: [https://a]\nupstreamTls:\n  ca: 3\n  verify: false\n  servername: "not a name"\nupstreamHttp2: yes\n',
    );
    expect(where(issues)).toEqual([
      '4:7 upstreamTls.ca',
      '5:3 upstreamTls.verify',
      '6:15 upstreamTls.servername',
      '7:16 upstreamHttp2',
    ]);
  });
});

describe('certificate files at load', () => {
  it('reads them relative to the config file and keeps their text', async () => {
    const config = await fx.load(
      'port: 1\nbackends: [https://a.internal]\nupstreamTls: { ca: ca.pem, cert: client.pem, key: client-key.pem }\n',
    );
    expect(config.pools.default?.upstreamTls.ca?.pem).toBe(fx.authority.ca.cert);
    expect(config.pools.default?.upstreamTls.key?.pem).toBe(fx.client.key);
  });

  it('a missing file, a file with no certificate, a key that is no key: each named at its key', async () => {
    await fx.write('junk.pem', 'hello\n');
    const issues = await loadIssues(`port: 1
backends: [https://a.internal]
upstreamTls:
  ca: nowhere/ca.pem
  cert: junk.pem
  key: junk.pem
`);
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(/^helios\.yaml:4:7 upstreamTls\.ca: file nowhere\/ca\.pem not found/);
    expect(issues[1]).toMatch(
      /^helios\.yaml:5:9 upstreamTls\.cert: junk\.pem holds no PEM certificate/,
    );
    expect(issues[2]).toMatch(
      /^helios\.yaml:6:8 upstreamTls\.key: junk\.pem holds no usable PEM private key/,
    );
  });

  it('an expired client certificate, and a key that belongs to another certificate', async () => {
    const old = await fx.authority.issue({
      names: ['helios-proxy'],
      usage: 'client',
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    await fx.write('expired.pem', old.cert);
    await fx.write('expired-key.pem', old.key);
    const expired = await loadIssues(
      'port: 1\nbackends: [https://a.internal]\nupstreamTls: { cert: expired.pem, key: expired-key.pem }\n',
    );
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatch(
      /^helios\.yaml:3:22 upstreamTls\.cert: expired\.pem holds a certificate \(CN=helios-proxy\) that expired on /,
    );
    const mismatch = await loadIssues(
      'port: 1\nbackends: [https://a.internal]\nupstreamTls: { cert: client.pem, key: expired-key.pem }\n',
    );
    expect(mismatch).toEqual([
      'helios.yaml:3:39 upstreamTls.key: expired-key.pem is not the private key of client.pem (CN=helios-proxy)',
    ]);
  });

  it('a certificate without its key (or a key without its certificate), per pool', async () => {
    const issues = await loadIssues(`port: 1
pools:
  a:
    backends: [https://a.internal]
    upstreamTls: { cert: client.pem }
  b:
    backends: [https://b.internal]
    upstreamTls: { key: client-key.pem }
routes: [{ pool: a }, { pool: b }]
`);
    expect(issues).toEqual([
      'helios.yaml:5:26 pools.a.upstreamTls.cert: a client certificate needs its private key: set `key` next to `cert`',
      'helios.yaml:8:25 pools.b.upstreamTls.key: a client key needs its certificate: set `cert` next to `key`',
    ]);
  });

  it('a file inherited by several pools is reported once, at the top-level key', async () => {
    const issues = await loadIssues(`port: 1
upstreamTls: { ca: gone.pem }
pools:
  a: { backends: [https://a.internal] }
  b: { backends: [https://b.internal] }
routes: [{ pool: a }, { pool: b }]
`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^helios\.yaml:2:20 upstreamTls\.ca: file gone\.pem not found/);
  });

  it('a config built without a file: files are read by loadUpstreamTlsFiles, never silently skipped', async () => {
    const config = resolveConfig({
      port: 0,
      backends: ['https://127.0.0.1:1'],
      upstreamTls: { ca: 'ca.pem' },
    });
    expect(() => createProxy({ config, strategy: new TestRoundRobin() })).toThrow(
      /was not read: load the config with loadConfig/,
    );
    await loadUpstreamTlsFiles(config, fx.dir);
    expect(config.pools.default?.upstreamTls.ca?.pem).toBe(fx.authority.ca.cert);
    const missing = resolveConfig({
      port: 0,
      backends: ['https://a'],
      upstreamTls: { ca: 'x.pem' },
    });
    await expect(loadUpstreamTlsFiles(missing, fx.dir)).rejects.toThrow(
      /upstreamTls\.ca: file x\.pem not found/,
    );
  });
});

describe('upstreamHttp2 warnings', () => {
  it('warns when a pool with only http:// backends asks for HTTP/2 (no h2c)', async () => {
    const path = await fx.write(
      'helios.yaml',
      `port: 1
upstreamHttp2: true
pools:
  tls: { backends: [https://a.internal, http://127.0.0.1:1] }
  plain: { backends: [http://127.0.0.1:2] }
routes: [{ pool: tls }, { pool: plain }]
`,
    );
    const { warnings } = await loadConfigDetailed(path, {});
    const h2 = warnings.filter((w) => w.message.includes('upstreamHttp2'));
    expect(h2.map((w) => `${w.line}:${w.column} ${w.path}`)).toEqual(['2:16 upstreamHttp2']);
    expect(h2[0]?.message).toContain('pool `plain`');
    expect(h2[0]?.message).toContain('h2c is not supported');
  });
});
