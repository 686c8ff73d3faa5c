import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './helpers/client.js';
import { startCustomBackend } from './helpers/custom-backend.js';
import { useHarness } from './helpers/harness.js';
import { rawExchange } from './helpers/raw-http.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: [string, string][];
  body: string;
}

async function echoProxy(overrides = {}) {
  fleet = await startBackends({ count: 1, behaviour: { echo: true } });
  return h.start(fleet.urls, overrides);
}

function names(echo: Echo): string[] {
  return echo.rawHeaders.map(([n]) => n.toLowerCase());
}

describe('request line and headers reach the backend intact', () => {
  it('keeps method, path and query byte for byte', async () => {
    const { port } = await echoProxy();
    const target = '/a%2Fb/../c;x=1?q=%20a+b&q=2&empty=&%E2%9C%93=%zz#';
    const res = await rawExchange(
      port,
      `PATCH ${target.slice(0, -1)} HTTP/1.1\r\nHost: example.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    const echo = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as Echo;
    expect(echo.method).toBe('PATCH');
    expect(echo.url).toBe(target.slice(0, -1));
  });

  it('keeps repeated headers, order and case', async () => {
    const { port } = await echoProxy();
    const res = await send(port, {
      headers: [
        'Host',
        'x',
        'X-Multi',
        'one',
        'x-multi',
        'two',
        'Cookie',
        'a=1',
        'X-Case',
        'MiXeD',
      ],
    });
    const echo = JSON.parse(res.text) as Echo;
    const multi = echo.rawHeaders.filter(([n]) => n.toLowerCase() === 'x-multi');
    expect(multi).toEqual([
      ['X-Multi', 'one'],
      ['x-multi', 'two'],
    ]);
    expect(echo.rawHeaders).toContainEqual(['X-Case', 'MiXeD']);
  });

  it('removes hop-by-hop headers and the ones Connection names', async () => {
    const { port } = await echoProxy();
    const res = await rawExchange(
      port,
      'GET /hop HTTP/1.1\r\nHost: h.test\r\nConnection: keep-alive, X-Secret, close\r\nX-Secret: s\r\n' +
        'Keep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n' +
        'Proxy-Authorization: Basic Zm9vOmJhcg==\r\nX-Kept: yes\r\n\r\n',
    );
    const echo = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4)) as Echo;
    const seen = names(echo);
    for (const hop of ['x-secret', 'keep-alive', 'proxy-connection', 'te', 'proxy-authorization']) {
      expect(seen).not.toContain(hop);
    }
    expect(echo.headers['x-kept']).toBe('yes');
  });

  it('adds X-Forwarded-For/Proto/Host and Via, keeps Host, and sets a request id', async () => {
    const { port } = await echoProxy();
    const res = await send(port, {
      headers: { host: 'shop.example', 'x-forwarded-for': '6.6.6.6', via: '1.0 edge' },
    });
    const echo = JSON.parse(res.text) as Echo;
    expect(echo.headers.host).toBe('shop.example');
    // Not trusted by default: the spoofed value is dropped.
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
    expect(echo.headers['x-forwarded-host']).toBe('shop.example');
    expect(echo.headers.via).toBe('1.0 edge, 1.1 helios');
    expect(echo.headers['x-request-id']).toBe(res.headers['x-request-id']);
  });

  it('appends to incoming X-Forwarded-* when trustProxy is on', async () => {
    const { port } = await echoProxy({ trustProxy: 1 });
    const res = await send(port, {
      headers: {
        host: 'inner.example',
        'x-forwarded-for': '203.0.113.9, 10.0.0.1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'public.example',
      },
    });
    const echo = JSON.parse(res.text) as Echo;
    expect(echo.headers['x-forwarded-for']).toBe('203.0.113.9, 10.0.0.1, 127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    expect(echo.headers['x-forwarded-host']).toBe('public.example');
  });

  it('sends the backend host when preserveHost is false', async () => {
    const { port } = await echoProxy({ preserveHost: false });
    const res = await send(port, { headers: { host: 'shop.example' } });
    const echo = JSON.parse(res.text) as Echo;
    expect(echo.headers.host).toBe(new URL(fleet?.urls[0] ?? '').host);
    expect(echo.headers['x-forwarded-host']).toBe('shop.example');
  });

  it('passes a client X-Request-Id through both ways', async () => {
    const { port } = await echoProxy();
    const res = await send(port, { headers: { 'x-request-id': 'trace-abc-123' } });
    const echo = JSON.parse(res.text) as Echo;
    expect(echo.headers['x-request-id']).toBe('trace-abc-123');
    expect(res.headers['x-request-id']).toBe('trace-abc-123');
  });
});

describe('responses reach the client intact', () => {
  it('keeps repeated Set-Cookie, drops hop-by-hop response headers, relays trailers', async () => {
    const backend = await startCustomBackend((_req, res) => {
      res.writeHead(200, [
        'Set-Cookie',
        'a=1; Path=/',
        'Set-Cookie',
        'b=2; HttpOnly',
        'Connection',
        'X-Internal',
        'X-Internal',
        'secret',
        'Proxy-Authenticate',
        'Basic',
        'Trailer',
        'X-Checksum',
        'X-Custom',
        'kept',
      ]);
      res.write('part1-');
      res.addTrailers({ 'X-Checksum': 'abc123' });
      res.end('part2');
    });
    h.cleanup(() => backend.close());
    const { port } = await h.start([backend.url]);
    const res = await send(port);
    expect(res.text).toBe('part1-part2');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(res.headers['x-internal']).toBeUndefined();
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers['x-custom']).toBe('kept');
    expect(res.trailers['x-checksum']).toBe('abc123');
  });

  it('sends no body for HEAD, 204 and 304', async () => {
    const backend = await startCustomBackend((req, res) => {
      if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/304') res.writeHead(304, { etag: '"x"' }).end();
      else
        res
          .writeHead(200, { 'content-length': '11' })
          .end(req.method === 'HEAD' ? undefined : 'hello world');
    });
    h.cleanup(() => backend.close());
    const { port } = await h.start([backend.url]);
    // One keep-alive connection: a stray body byte would corrupt the next response.
    const raw = await rawExchange(
      port,
      'HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /204 HTTP/1.1\r\nHost: x\r\n\r\n' +
        'GET /304 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const statuses = [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '204', '304', '200']);
    expect(raw.match(/hello world/g)?.length).toBe(1);
    expect(raw.endsWith('hello world')).toBe(true);
    expect(raw.split('\r\n\r\n')[1]?.startsWith('HTTP/1.1 204')).toBe(true);
  });
});
