/**
 * TLS and HTTP/2 towards backends, through real sockets: Helios in front of `https://` fake
 * backends signed by a private CA. Trust comes from `upstreamTls.ca` (or is switched off), the
 * checked name from the URL or `servername`, client certificates for backends that require
 * them, h2 by ALPN with `upstreamHttp2`; a failed handshake is a backend failure (502, blamed).
 */
import { createSecureServer, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HeliosConfig } from '../src/config/types.js';
import type { HealthHooks } from '../src/health-hooks.js';
import { createProxy, type HeliosProxy } from '../src/proxy.js';
import { send } from './helpers/client.js';
import { recordHealth } from './helpers/health-recorder.js';
import { captureLogger } from './helpers/logger.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { type TlsFixture, tlsFixture, YAML_HEAD } from './helpers/tls-setup.js';

let fx: TlsFixture;
beforeAll(async () => {
  fx = await tlsFixture();
});
afterAll(async () => {
  await fx.close();
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function fleet(options: Parameters<typeof startBackends>[0]): Promise<Fleet> {
  const f = await startBackends(options);
  cleanups.push(() => f.close());
  return f;
}

async function start(
  config: HeliosConfig,
  extra: { health?: HealthHooks; logger?: ReturnType<typeof captureLogger> } = {},
): Promise<{ proxy: HeliosProxy; port: number }> {
  const proxy = createProxy({
    config,
    createStrategy: () => new TestRoundRobin(),
    createHealth: extra.health === undefined ? undefined : () => extra.health,
    logger: extra.logger,
  });
  cleanups.push(() => proxy.close());
  const { port } = await proxy.listen();
  return { proxy, port };
}

const single = (url: string, tls = '', more = ''): string =>
  `${YAML_HEAD}backends: [${url}]\n${tls === '' ? '' : `upstreamTls: ${tls}\n`}${more}`;

interface Echo {
  httpVersion: string;
  headers: Record<string, string>;
  remotePort: number;
}

describe('https:// backends', () => {
  it('are trusted through upstreamTls.ca: the request goes through over TLS', async () => {
    const f = await fleet({ count: 1, tls: fx.server, behaviour: { echo: true } });
    const { port } = await start(await fx.load(single(f.urls[0] as string, '{ ca: ca.pem }')));
    const res = await send(port, { path: '/hello', headers: { host: 'shop.example' } });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.text) as Echo;
    expect(echo.httpVersion).toBe('1.1');
    // The client's Host is forwarded; SNI and the certificate check used the backend's name.
    expect(echo.headers.host).toBe('shop.example');
  });

  it('untrusted (no ca): 502 HELIOS_UPSTREAM_TLS, blamed on the backend, logged with the reason', async () => {
    const f = await fleet({ count: 1, tls: fx.server });
    const health = recordHealth();
    const logger = captureLogger();
    const { port } = await start(await fx.load(single(f.urls[0] as string)), { health, logger });
    const res = await send(port);
    expect(res.status).toBe(502);
    expect(res.text).toContain('HELIOS_UPSTREAM_TLS');
    expect(health.failures()).toEqual([
      { backend: new URL(f.urls[0] as string).origin, status: 0, failure: 'connect' },
    ]);
    const line = logger.entries.find((e) => e.obj.code === 'HELIOS_UPSTREAM_TLS');
    expect(line?.obj.err).toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(f.backend(1).stats.requests).toBe(0);
  });

  it('a handshake failure is retried on another backend (nothing was sent)', async () => {
    const bad = await fleet({ count: 1, tls: fx.internal }); // wrong name for 127.0.0.1
    const good = await fleet({ count: 1, tls: fx.server });
    const config = await fx.load(
      `${YAML_HEAD.replace('retries: 0', 'retries: 1')}backends: [${bad.urls[0]}, ${good.urls[0]}]\nupstreamTls: { ca: ca.pem }\n`,
    );
    const { port } = await start(config);
    for (let i = 0; i < 4; i++) {
      const res = await send(port, { method: 'POST', body: 'x' });
      expect(res.status).toBe(200);
    }
    expect(good.backend(1).stats.requests).toBe(4);
    expect(bad.backend(1).stats.requests).toBe(0);
  });

  it('check the certificate against upstreamTls.servername when it is set', async () => {
    // The certificate names only api.internal; the URL says 127.0.0.1.
    const f = await fleet({ count: 1, tls: fx.internal });
    const url = f.urls[0] as string;
    const wrong = await start(await fx.load(single(url, '{ ca: ca.pem }')));
    const refused = await send(wrong.port);
    expect(refused.status).toBe(502);
    expect(refused.text).toContain('HELIOS_UPSTREAM_TLS');
    const right = await start(
      await fx.load(single(url, '{ ca: ca.pem, servername: api.internal }')),
    );
    const ok = await send(right.port);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('Halo dari Server 1');
  });

  it('rejectUnauthorized: false accepts a certificate nobody vouches for', async () => {
    const f = await fleet({ count: 1, tls: fx.internal });
    const { port } = await start(
      await fx.load(single(f.urls[0] as string, '{ rejectUnauthorized: false }')),
    );
    const res = await send(port);
    expect(res.status).toBe(200);
    expect(res.text).toBe('Halo dari Server 1');
  });

  it('present the client certificate to a backend that requires one (mutual TLS)', async () => {
    const f = await fleet({ count: 1, tls: { ...fx.server, clientCa: fx.authority.ca.cert } });
    const url = f.urls[0] as string;
    const withCert = await start(
      await fx.load(single(url, '{ ca: ca.pem, cert: client.pem, key: client-key.pem }')),
    );
    const ok = await send(withCert.port);
    expect(ok.status).toBe(200);
    const health = recordHealth();
    const without = await start(await fx.load(single(url, '{ ca: ca.pem }')), { health });
    const refused = await send(without.port);
    expect(refused.status).toBe(502);
    expect(refused.text).toMatch(/HELIOS_UPSTREAM_(TLS|RESET)/);
    expect(health.failures()).toHaveLength(1);
  });
});

describe('upstreamHttp2', () => {
  it('speaks HTTP/2 to an h2 backend (ALPN); without it, HTTP/1.1', async () => {
    const f = await fleet({ count: 1, tls: fx.server, http2: true, behaviour: { echo: true } });
    const url = f.urls[0] as string;
    const h2 = await start(await fx.load(single(url, '{ ca: ca.pem }', 'upstreamHttp2: true\n')));
    const res = await send(h2.port, { method: 'POST', path: '/up?x=1', body: 'payload' });
    expect(res.status).toBe(200);
    const echo = JSON.parse(res.text) as Echo & { body: string; url: string };
    expect(echo).toMatchObject({ httpVersion: '2.0', body: 'payload', url: '/up?x=1' });
    const h1 = await start(await fx.load(single(url, '{ ca: ca.pem }')));
    const plain = JSON.parse((await send(h1.port)).text) as Echo;
    expect(plain.httpVersion).toBe('1.1');
  });

  it('differs per pool: each pool dials with its own settings', async () => {
    const h2Fleet = await fleet({
      count: 1,
      tls: fx.server,
      http2: true,
      behaviour: { echo: true },
    });
    const mtls = await fleet({
      count: 1,
      tls: { ...fx.server, clientCa: fx.authority.ca.cert },
      http2: true,
      behaviour: { echo: true },
    });
    const config = await fx.load(`${YAML_HEAD}upstreamTls: { ca: ca.pem }
pools:
  grpc:
    backends: [${h2Fleet.urls[0]}]
    upstreamHttp2: true
  secure:
    backends: [${mtls.urls[0]}]
    upstreamTls: { cert: client.pem, key: client-key.pem }
routes:
  - { match: { pathPrefix: /grpc }, pool: grpc }
  - { pool: secure }
`);
    expect(config.pools.secure?.upstreamTls.ca?.file).toBe('ca.pem');
    const { port } = await start(config);
    const a = JSON.parse((await send(port, { path: '/grpc/x' })).text) as Echo;
    const b = JSON.parse((await send(port, { path: '/other' })).text) as Echo;
    expect(a.httpVersion).toBe('2.0');
    // The `secure` pool inherits the CA, adds a client certificate, stays on HTTP/1.1.
    expect(b.httpVersion).toBe('1.1');
  });

  it('relays an h2 backend’s trailers to an HTTP/1.1 client', async () => {
    const server = createSecureServer({ ...fx.server, allowHTTP1: true });
    server.on('stream', (stream: ServerHttp2Stream) => {
      stream.respond({ ':status': 200, 'content-type': 'text/plain' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'x-checksum': 'abc123' }));
      stream.end('body');
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { port } = await start(
      await fx.load(single(url, '{ ca: ca.pem }', 'upstreamHttp2: true\n')),
    );
    const res = await send(port);
    expect(res.status).toBe(200);
    expect(res.text).toBe('body');
    expect(res.trailers).toEqual({ 'x-checksum': 'abc123' });
  });

  it('an h2 backend resetting a stream is a backend failure (502)', async () => {
    const f = await fleet({ count: 1, tls: fx.server, http2: true });
    await f.set({ reset: 'before-response' });
    const health = recordHealth();
    const { port } = await start(
      await fx.load(single(f.urls[0] as string, '{ ca: ca.pem }', 'upstreamHttp2: true\n')),
      { health },
    );
    const res = await send(port);
    expect(res.status).toBe(502);
    expect(health.failures()).toHaveLength(1);
  });
});

describe('reload', () => {
  it('a new upstreamTls rebuilds that pool’s connections; an unchanged pool keeps its sockets', async () => {
    const tlsFleet = await fleet({ count: 1, tls: fx.internal, behaviour: { echo: true } });
    const plainFleet = await fleet({ count: 1, behaviour: { echo: true } });
    const yaml = (tls: string) => `${YAML_HEAD}pools:
  secure:
    backends: [${tlsFleet.urls[0]}]
    upstreamTls: ${tls}
  plain:
    backends: [${plainFleet.urls[0]}]
routes:
  - { match: { pathPrefix: /plain }, pool: plain }
  - { pool: secure }
`;
    const { proxy, port } = await start(await fx.load(yaml('{ ca: ca.pem }')));
    expect((await send(port)).status).toBe(502);
    const plainBefore = JSON.parse((await send(port, { path: '/plain' })).text) as Echo;
    await proxy.reload(await fx.load(yaml('{ ca: ca.pem, servername: api.internal }')));
    const ok = await send(port);
    expect(ok.status).toBe(200);
    const first = JSON.parse(ok.text) as Echo;
    const plainAfter = JSON.parse((await send(port, { path: '/plain' })).text) as Echo;
    expect(plainAfter.remotePort).toBe(plainBefore.remotePort);
    // Reloading the same settings keeps the secure pool's connection too.
    await proxy.reload(await fx.load(yaml('{ ca: ca.pem, servername: api.internal }')));
    const again = JSON.parse((await send(port)).text) as Echo;
    expect(again.remotePort).toBe(first.remotePort);
  });

  it('tells the pool’s health hooks the new transport only when it changed', async () => {
    const f = await fleet({ count: 1, tls: fx.internal });
    const seen: string[] = [];
    const health: HealthHooks = {
      update() {},
      configureTransport(transport) {
        seen.push(transport.tls.servername ?? '(none)');
      },
      close() {},
    };
    const yaml = (name: string) =>
      single(f.urls[0] as string, `{ ca: ca.pem, servername: ${name} }`);
    const { proxy } = await start(await fx.load(yaml('api.internal')), { health });
    await proxy.reload(await fx.load(yaml('api.internal')));
    expect(seen).toEqual([]);
    await proxy.reload(await fx.load(yaml('other.internal')));
    expect(seen).toEqual(['other.internal']);
  });

  it('a renewed certificate file (same path, new contents) is read again on reload', async () => {
    const other = await (await import('@helios/test-backends')).createTestCertificateAuthority(
      'Second CA',
    );
    const otherLeaf = await other.issue({ names: ['127.0.0.1'] });
    const f = await fleet({ count: 1, tls: otherLeaf });
    await fx.write('rotating-ca.pem', fx.authority.ca.cert);
    const yaml = single(f.urls[0] as string, '{ ca: rotating-ca.pem }');
    const { proxy, port } = await start(await fx.load(yaml));
    expect((await send(port)).status).toBe(502);
    await fx.write('rotating-ca.pem', other.ca.cert);
    await proxy.reload(await fx.load(yaml));
    expect((await send(port)).status).toBe(200);
  });
});
