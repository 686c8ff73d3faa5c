/**
 * TLS termination through real sockets: a config file naming certificate files (made by a
 * throwaway CA in a temp dir), loaded with `loadConfig` as `helios start` does, a real proxy,
 * real backends, and Node's HTTPS client, curl and raw TLS sockets as clients.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { createTestCertificateAuthority, type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { resolveConfig } from '../src/config/parse.js';
import type { HeliosConfig } from '../src/config/types.js';
import { createProxy, type HeliosProxy } from '../src/proxy.js';
import { loadTlsMaterial } from '../src/tls/load-material.js';
import { captureLogger } from './helpers/logger.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { createPki, httpsRequest, type Pki } from './helpers/tls.js';
import { openWebSocket } from './helpers/websocket.js';

const run = promisify(execFile);

let pki: Pki;
let ca: string;
beforeAll(async () => {
  pki = await createPki();
  ca = pki.authority.ca.cert;
  await pki.issue('site', { names: ['localhost', '127.0.0.1'] });
  await pki.issue('a', { names: ['a.test'] });
  await pki.issue('b', { names: ['b.test', '*.b.test'] });
  await pki.issue('client', { names: ['client one'], usage: 'client' });
  return () => pki.remove();
});

let fleet: Fleet | undefined;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await fleet?.close();
  fleet = undefined;
});

/** helios.yaml in the PKI's directory (so relative paths resolve there), loaded like `start`. */
async function configFile(body: string, file = 'helios.yaml'): Promise<HeliosConfig> {
  fleet ??= await startBackends({ count: 1, behaviour: { echo: true, latency: 0 } });
  const text = `host: 127.0.0.1\nbackends: [${fleet.urls.join(', ')}]\nhealth: { active: { enabled: false }, passive: { enabled: false } }\n${body}`;
  const path = await pki.write(file, text);
  return loadConfig(path, {});
}

async function start(
  config: HeliosConfig,
  logger = captureLogger(),
): Promise<{ proxy: HeliosProxy; port: number; logger: ReturnType<typeof captureLogger> }> {
  const proxy = createProxy({ config, strategy: new TestRoundRobin(), logger });
  closers.push(() => proxy.close());
  const { port } = await proxy.listen();
  return { proxy, port, logger };
}

const SITE = 'port: 0\ntls: { cert: site.pem, key: site-key.pem }\n';

/** Resolves with how a raw TLS connection ended: `secure` or the error's code/message. */
function handshake(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, ca, ...options });
    socket.on('secureConnect', () => {
      // With TLS 1.3 a refused client certificate arrives after the client's handshake ends:
      // send a request and see whether an answer comes back.
      socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    });
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
    });
    socket.on('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
    socket.on('close', () => resolve(data.startsWith('HTTP/1.1 200') ? 'served' : 'closed'));
  });
}

describe('TLS termination', () => {
  it('serves HTTPS to Node’s client with X-Forwarded-Proto: https, on TLS 1.3 by default', async () => {
    const { port } = await start(await configFile(SITE));
    const answer = await httpsRequest(port, { ca, path: '/hello?x=1' });
    expect(answer.status).toBe(200);
    expect(answer.peer).toBe('localhost');
    expect(answer.protocol).toBe('TLSv1.3');
    const echo = JSON.parse(answer.body) as { url: string; headers: Record<string, string> };
    expect(echo.url).toBe('/hello?x=1');
    expect(echo.headers['x-forwarded-proto']).toBe('https');
  });

  it('{scheme} in a route is https on a TLS listener', async () => {
    const { port } = await start(
      await configFile(
        `${SITE}routes:\n  - { match: { path: /old }, redirect: { to: "{scheme}://{host}/new", status: 301 } }\n  - { pool: default }\n`,
      ),
    );
    const answer = await httpsRequest(port, { ca, path: '/old', headers: { host: 'shop.test' } });
    expect(answer.status).toBe(301);
    expect(answer.headers.location).toBe('https://shop.test/new');
  });

  it('serves curl --http1.1 --cacert', async () => {
    const { port } = await start(await configFile(SITE));
    const { stdout } = await run('curl', [
      '--silent',
      '--show-error',
      '--http1.1',
      '--cacert',
      join(pki.dir, 'ca.pem'),
      '--write-out',
      '\n%{http_code} %{http_version} %{scheme}',
      `https://localhost:${port}/curl`,
    ]);
    const lines = stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('200 1.1 HTTPS');
    expect(JSON.parse(lines.slice(0, -1).join('\n')).headers['x-forwarded-proto']).toBe('https');
  });

  it.each([
    ['h2 first (http2 defaults to true with tls)', '', 'h2'],
    ['only http/1.1 with http2: false', 'http2: false\n', 'http/1.1'],
  ])('offers by ALPN: %s', async (_what, extra, expected) => {
    const { port } = await start(await configFile(`${SITE}${extra}`));
    const protocol = await new Promise<string | false | null>((resolve, reject) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port,
        ca,
        servername: 'localhost',
        ALPNProtocols: ['h2', 'http/1.1'],
      });
      socket.on('secureConnect', () => {
        resolve(socket.alpnProtocol);
        socket.destroy();
      });
      socket.on('error', reject);
    });
    expect(protocol).toBe(expected);
  });

  it('chooses the certificate by SNI; no SNI or an unknown name gets the first', async () => {
    const { port } = await start(
      await configFile(
        'port: 0\ntls:\n  certificates:\n    - { cert: a.pem, key: a-key.pem }\n    - { cert: b.pem, key: b-key.pem }\n',
      ),
    );
    const peer = async (servername: string) => (await httpsRequest(port, { ca, servername })).peer;
    expect(await peer('a.test')).toBe('a.test');
    expect(await peer('b.test')).toBe('b.test');
    expect(await peer('B.TEST')).toBe('b.test');
    expect(await peer('api.b.test')).toBe('b.test');
    expect(await peer('unknown.test')).toBe('a.test');
    // An IP address is never sent as SNI: the default again.
    const bare = await new Promise<string | undefined>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca, rejectUnauthorized: false });
      socket.on('secureConnect', () => {
        const cn = socket.getPeerCertificate().subject?.CN;
        resolve(typeof cn === 'string' ? cn : undefined);
        socket.destroy();
      });
      socket.on('error', reject);
    });
    expect(bare).toBe('a.test');
  });

  it('mutual TLS, required: a client without a certificate is refused, one with a good one is served', async () => {
    const { port, logger } = await start(
      await configFile(
        'port: 0\ntls: { cert: site.pem, key: site-key.pem, clientAuth: { ca: ca.pem, required: true } }\n',
      ),
    );
    const cert = await readFile(join(pki.dir, 'client.pem'), 'utf8');
    const key = await readFile(join(pki.dir, 'client-key.pem'), 'utf8');
    const served = await httpsRequest(port, { ca, cert, key });
    expect(served.status).toBe(200);
    expect(await handshake(port, { servername: 'localhost' })).not.toBe('served');
    // A certificate from another CA is refused too.
    const stranger = await createTestCertificateAuthority('Stranger CA');
    const foreign = await stranger.issue({ names: ['someone'], usage: 'client' });
    expect(await handshake(port, { servername: 'localhost', ...foreign })).not.toBe('served');
    expect(logger.entries.filter((e) => e.level === 'error' || e.level === 'warn')).toEqual([]);
  });

  it('mutual TLS, optional: clients with or without a certificate are served', async () => {
    const config = await configFile(
      'port: 0\ntls: { cert: site.pem, key: site-key.pem, clientAuth: { ca: ca.pem, required: false } }\n',
    );
    const { port } = await start(config);
    expect(await handshake(port, { servername: 'localhost' })).toBe('served');
    const pair = await pki.authority.issue({ names: ['client two'], usage: 'client' });
    expect(await handshake(port, { servername: 'localhost', ...pair })).toBe('served');
  });

  it('minVersion: TLSv1.3 refuses a TLS 1.2 client; the default TLSv1.2 serves it; TLS 1.1 never', async () => {
    const strict = await start(
      await configFile(
        'port: 0\ntls: { cert: site.pem, key: site-key.pem, minVersion: TLSv1.3 }\n',
      ),
    );
    expect(
      await handshake(strict.port, { servername: 'localhost', maxVersion: 'TLSv1.2' }),
    ).not.toBe('served');
    expect(await handshake(strict.port, { servername: 'localhost' })).toBe('served');
    const normal = await start(await configFile(SITE));
    const tls12 = await httpsRequest(normal.port, { ca, maxVersion: 'TLSv1.2' });
    expect(tls12.protocol).toBe('TLSv1.2');
    expect(
      await handshake(normal.port, {
        servername: 'localhost',
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT@SECLEVEL=0',
      }),
    ).not.toBe('served');
  });

  it('plaintext on the TLS port, garbage and aborted handshakes: closed, logged at debug only, backend untouched', async () => {
    const { port, logger } = await start(await configFile(SITE));
    const plain = await new Promise<string>((resolve) => {
      const socket = netConnect(port, '127.0.0.1', () => {
        socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
      });
      let data = '';
      socket.on('data', (c: Buffer) => {
        data += c.toString('latin1');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(data));
    });
    // As nginx does: a plain-HTTP answer that says why, then the connection closes.
    expect(plain).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(plain).toContain('This port speaks HTTPS: use an https:// URL.');
    await new Promise<void>((resolve) => {
      const socket = netConnect(port, '127.0.0.1', () => {
        socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3]));
        socket.end();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve());
    });
    // Still serving, and nothing reached the backend from the refused connections.
    expect((await httpsRequest(port, { ca })).status).toBe(200);
    expect(fleet?.backends[0]?.stats.requests).toBe(1);
    expect(logger.entries.filter((e) => e.level !== 'debug' && e.level !== 'trace')).toEqual([]);
    expect(logger.entries.some((e) => e.msg === 'TLS handshake failed')).toBe(true);
  });

  it('closes a connection that never finishes its handshake after timeouts.clientHeader', async () => {
    const { port, logger } = await start(
      await configFile(`${SITE}timeouts: { clientHeader: 300ms }\n`),
    );
    // Node's own default would keep it open for 120 s, far past this test's timeout.
    const closed = await new Promise<boolean>((resolve) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(true));
    });
    expect(closed).toBe(true);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('relays a WebSocket upgrade on a TLS listener', async () => {
    await fleet?.close();
    fleet = await startBackends({ count: 1 });
    const { port } = await start(await configFile(SITE));
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
      socket.once('secureConnect', () => resolve(socket));
      socket.once('error', reject);
    });
    const ws = await openWebSocket(port, '/ws', '', secure);
    expect(ws.head).toMatch(/^HTTP\/1\.1 101/);
    ws.send('hello over tls');
    expect(await ws.next()).toBe('hello over tls');
    ws.socket.destroy();
  });

  it('swaps certificates on reload under a client loop without failing a request', async () => {
    const before = await configFile(SITE);
    const { proxy, port } = await start(before);
    const issued = await pki.authority.issue({ names: ['localhost', 'renewed.localhost'] });
    await pki.write('renewed.pem', issued.cert);
    await pki.write('renewed-key.pem', issued.key);
    const after = await configFile(
      'port: 0\ntls: { cert: renewed.pem, key: renewed-key.pem }\n',
      'renewed.yaml',
    );
    const san = async () => {
      const socket = await new Promise<TLSSocket>((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' });
        s.once('secureConnect', () => resolve(s));
        s.once('error', reject);
      });
      const names = socket.getPeerCertificate().subjectaltname;
      socket.destroy();
      return names;
    };
    expect(await san()).not.toContain('renewed.localhost');
    let stop = false;
    let ok = 0;
    const failures: unknown[] = [];
    const loop = async () => {
      while (!stop) {
        try {
          const answer = await httpsRequest(port, { ca });
          if (answer.status === 200) ok++;
          else failures.push(answer.status);
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const clients = [loop(), loop(), loop()];
    while (ok < 20) await new Promise((resolve) => setImmediate(resolve));
    proxy.reload(after);
    const atReload = ok;
    while (ok < atReload + 20) await new Promise((resolve) => setImmediate(resolve));
    stop = true;
    await Promise.all(clients);
    expect(failures).toEqual([]);
    expect(await san()).toContain('renewed.localhost');
  });

  it('a reload turns mutual TLS on and off for new handshakes', async () => {
    const { proxy, port } = await start(await configFile(SITE));
    expect(await handshake(port, { servername: 'localhost' })).toBe('served');
    proxy.reload(
      await configFile(
        'port: 0\ntls: { cert: site.pem, key: site-key.pem, clientAuth: { ca: ca.pem } }\n',
        'mtls.yaml',
      ),
    );
    expect(await handshake(port, { servername: 'localhost' })).not.toBe('served');
    const cert = await readFile(join(pki.dir, 'client.pem'), 'utf8');
    const key = await readFile(join(pki.dir, 'client-key.pem'), 'utf8');
    expect(await handshake(port, { servername: 'localhost', cert, key })).toBe('served');
    proxy.reload(await configFile(SITE, 'plain.yaml'));
    expect(await handshake(port, { servername: 'localhost' })).toBe('served');
  });

  it('a reload whose TLS settings OpenSSL refuses changes nothing', async () => {
    const config = await configFile(SITE);
    const { proxy, port } = await start(config);
    // A copy down to the certificate list (structuredClone refuses the config's URLs on Node 22+).
    const listener = config.listeners[0];
    const material = listener?.tls?.material;
    if (listener?.tls === undefined || material === undefined) throw new Error('no material');
    const brokenMaterial = {
      ...material,
      certificates: [{ cert: 'not a certificate', key: 'nope', names: [] }],
    };
    const broken = {
      ...config,
      listeners: [{ ...listener, tls: { ...listener.tls, material: brokenMaterial } }],
    };
    expect(() => proxy.reload(broken)).toThrow();
    expect((await httpsRequest(port, { ca })).peer).toBe('localhost');
  });
});

describe('TLS from code', () => {
  it('createProxy refuses a TLS config whose files were not read; loadTlsMaterial reads them', async () => {
    fleet = await startBackends({ count: 1, behaviour: { latency: 0 } });
    const config = resolveConfig({
      port: 0,
      host: '127.0.0.1',
      tls: { cert: 'site.pem', key: 'site-key.pem' },
      backends: fleet.urls,
    });
    expect(() => createProxy({ config, strategy: new TestRoundRobin() })).toThrow(
      expect.objectContaining({ code: 'HELIOS_TLS_NOT_LOADED' }),
    );
    const loaded = await loadTlsMaterial(config, pki.dir);
    expect(loaded.issues).toEqual([]);
    const { port } = await start(loaded.config);
    expect((await httpsRequest(port, { ca })).peer).toBe('localhost');
    const missing = await loadTlsMaterial(config, join(pki.dir, 'nowhere'));
    expect(missing.issues.map((i) => i.path.join('.'))).toEqual(['tls.cert', 'tls.key']);
  });
});

describe('redirectToHttps listener', () => {
  async function redirecting() {
    const config = await configFile(
      'listeners:\n  - { port: 0, tls: { cert: site.pem, key: site-key.pem } }\n  - { port: 0, redirectToHttps: true }\n',
    );
    const started = await start(config);
    const [secure, plain] = started.proxy.addresses();
    if (secure === undefined || plain === undefined) throw new Error('two listeners expected');
    return { secure: secure.port, plain: plain.port, proxy: started.proxy };
  }

  function rawRequest(port: number, head: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(port, '127.0.0.1', () => socket.write(head));
      let data = '';
      socket.on('data', (c: Buffer) => {
        data += c.toString('latin1');
        if (data.includes('\r\n\r\n')) socket.destroy();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(data));
    });
  }

  it('answers 308 to the TLS listener, keeping host, path and query, for GET, HEAD and POST', async () => {
    const { secure, plain } = await redirecting();
    for (const method of ['GET', 'HEAD', 'POST']) {
      const body = method === 'POST' ? 'Content-Length: 3\r\n\r\nabc' : '\r\n';
      const answer = await rawRequest(
        plain,
        `${method} /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.test:8080\r\n${body}`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 308 /);
      expect(answer).toContain(`\r\nlocation: https://example.test:${secure}/a/b?x=1&y=%20\r\n`);
    }
    const v6 = await rawRequest(plain, 'GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n');
    expect(v6).toContain(`\r\nlocation: https://[::1]:${secure}/\r\n`);
    // The TLS listener itself proxies.
    expect((await httpsRequest(secure, { ca, path: '/x' })).status).toBe(200);
    expect(fleet?.backends[0]?.stats.requests).toBe(1);
  });

  it('refuses a Host it cannot put in a URL, and redirects WebSocket upgrades too', async () => {
    const { secure, plain } = await redirecting();
    expect(await rawRequest(plain, 'GET / HTTP/1.1\r\nHost: a@b\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    const upgrade = await rawRequest(
      plain,
      'GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 308 /);
    expect(upgrade).toContain(`location: https://localhost:${secure}/ws\r\n`);
    expect(fleet?.backends[0]?.stats.requests).toBe(0);
  });
});

describe('certificate errors at load time', () => {
  /** Issues as `line:column path: message`; the body starts on line 4 of the file. */
  const whereAndWhat = async (body: string) => {
    const error = await configFile(body).then(
      () => undefined,
      (e: unknown) =>
        e as {
          code: string;
          issues: { line: number; column: number; path: string; message: string }[];
        },
    );
    expect(error?.code).toBe('HELIOS_CONFIG_INVALID');
    return error?.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`) ?? [];
  };

  it('a missing file is named, at its key', async () => {
    const issues = await whereAndWhat('port: 0\ntls:\n  cert: missing.pem\n  key: site-key.pem\n');
    expect(issues).toEqual([
      `6:9 tls.cert: cannot read the certificate file ${join(pki.dir, 'missing.pem')}: no such file`,
    ]);
  });

  it('a key that is not the certificate’s, a non-PEM file, a directory', async () => {
    await pki.write('garbage.pem', 'hello\n');
    const issues = await whereAndWhat(
      'listeners:\n  - port: 0\n    tls:\n      certificates:\n        - { cert: site.pem, key: a-key.pem }\n        - { cert: garbage.pem, key: a-key.pem }\n        - { cert: a.pem, key: "." }\n',
    );
    expect(issues).toEqual([
      `8:34 listeners[0].tls.certificates[0].key: the key in ${join(pki.dir, 'a-key.pem')} does not match the certificate in ${join(pki.dir, 'site.pem')}`,
      `9:19 listeners[0].tls.certificates[1].cert: ${join(pki.dir, 'garbage.pem')} is not a PEM certificate (expected -----BEGIN CERTIFICATE-----)`,
      `10:31 listeners[0].tls.certificates[2].key: cannot read the private key file ${pki.dir}: it is a directory`,
    ]);
  });

  it('an expired certificate, and one not valid yet', async () => {
    const day = 86_400_000;
    await pki.issue('old', {
      names: ['localhost'],
      notBefore: new Date(Date.now() - 30 * day),
      notAfter: new Date(Date.now() - day),
    });
    await pki.issue('future', {
      names: ['localhost'],
      notBefore: new Date(Date.now() + day),
      notAfter: new Date(Date.now() + 30 * day),
    });
    const issues = await whereAndWhat(
      'port: 0\ntls:\n  certificates:\n    - { cert: old.pem, key: old-key.pem }\n    - { cert: future.pem, key: future-key.pem }\n  clientAuth: { ca: nope.pem }\n',
    );
    expect(issues).toHaveLength(3);
    expect(issues[0]).toMatch(
      /^7:15 tls\.certificates\[0\]\.cert: the certificate in .*old\.pem expired on \d{4}-\d\d-\d\dT/,
    );
    expect(issues[1]).toMatch(
      /^8:15 tls\.certificates\[1\]\.cert: the certificate in .*future\.pem is not valid before /,
    );
    expect(issues[2]).toMatch(
      /^9:21 tls\.clientAuth\.ca: cannot read the client CA file .*nope\.pem: no such file$/,
    );
  });
});
