/**
 * HTTP/2 from clients, end to end over TLS on loopback: Node's http2 client → Helios (h2) →
 * HTTP/1.1 fake backends. Header mapping (RFC 9113 §8.2, §8.3.1), bodies both ways, trailers,
 * resets both ways, concurrent streams, and the request record.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:http2';
import { type EchoReport, type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/parse.js';
import { createProxy } from '../src/proxy.js';
import type { RequestRecord } from '../src/request-record.js';
import { startCustomBackend } from './helpers/custom-backend.js';
import { h2connect, h2request, h2response, tlsFront, withTls } from './helpers/h2.js';
import { type Started, useHarness, waitFor } from './helpers/harness.js';
import { TestRoundRobin } from './helpers/strategy.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function h2proxy(urls: readonly string[], overrides = {}) {
  const started = await h.start(urls, overrides, { configure: (c) => withTls(c) });
  const front = await tlsFront(started);
  const session = await h2connect(front);
  h.cleanup(() => session.destroy());
  return { ...started, front, session };
}

async function echoProxy(overrides = {}) {
  fleet = await startBackends({ count: 1, behaviour: { echo: true } });
  return h2proxy(fleet.urls, overrides);
}

function report(body: Buffer): EchoReport {
  return JSON.parse(body.toString('utf8')) as EchoReport;
}

function rawNames(echo: EchoReport): string[] {
  return echo.rawHeaders.map(([name]) => name.toLowerCase());
}

describe('HTTP/2 requests reach HTTP/1.1 backends', () => {
  it('maps :method, :path and :authority to the request line and Host', async () => {
    const { session, front } = await echoProxy();
    const res = await h2request(session, { ':method': 'GET', ':path': '/a/b?x=1&y=2' });
    expect(res.headers[':status']).toBe(200);
    const echo = report(res.body);
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/a/b?x=1&y=2');
    expect(echo.httpVersion).toBe('1.1');
    expect(echo.headers.host).toBe(`localhost:${front.port}`);
    expect(echo.headers['x-forwarded-proto']).toBe('https');
    expect(echo.headers['x-forwarded-host']).toBe(`localhost:${front.port}`);
    expect(echo.headers.via).toBe('1.1 helios');
    expect(rawNames(echo).filter((n) => n.startsWith(':'))).toEqual([]);
  });

  it('keeps a Host equal to :authority (case and default port aside) and refuses a different one', async () => {
    const { session, front } = await echoProxy();
    const same = await h2request(session, {
      ':path': '/',
      ':authority': `localhost:${front.port}`,
      host: `LOCALHOST:${front.port}`,
    });
    expect(same.headers[':status']).toBe(200);
    expect(report(same.body).rawHeaders.filter(([n]) => n.toLowerCase() === 'host')).toHaveLength(
      1,
    );
    const defaultPort = await h2request(session, {
      ':path': '/',
      ':authority': 'example.com',
      host: 'example.com:443',
    });
    expect(defaultPort.headers[':status']).toBe(200);
    const other = await h2request(session, {
      ':path': '/',
      ':authority': `localhost:${front.port}`,
      host: 'evil.example',
    });
    expect(other.headers[':status']).toBe(400);
    expect(other.body.toString()).toContain('HELIOS_BAD_HOST');
  });

  it('joins several cookie fields with "; " into one Cookie line (RFC 9113 §8.2.3)', async () => {
    const { session } = await echoProxy();
    const res = await h2request(session, { ':path': '/', cookie: ['a=1', 'b=2', 'c=3'] });
    const echo = report(res.body);
    const cookies = echo.rawHeaders.filter(([n]) => n.toLowerCase() === 'cookie');
    expect(cookies).toEqual([['cookie', 'a=1; b=2; c=3']]);
  });

  it('joins a browser-style split Cookie (one field per cookie) and counts it as one line', async () => {
    const { session } = await echoProxy({ limits: { maxHeaderCount: 20 } });
    const crumbs = Array.from({ length: 30 }, (_, i) => `c${i}=${i}`);
    const res = await h2request(session, { ':path': '/', cookie: crumbs });
    expect(res.headers[':status']).toBe(200);
    const cookies = report(res.body).rawHeaders.filter(([n]) => n === 'cookie');
    expect(cookies).toEqual([['cookie', crumbs.join('; ')]]);
  });

  it('never forwards TE (even trailers) and keeps other fields, repeats included', async () => {
    const { session } = await echoProxy();
    const res = await h2request(session, {
      ':path': '/',
      te: 'trailers',
      'x-multi': ['1', '2'],
      accept: 'text/plain',
    });
    const echo = report(res.body);
    expect(rawNames(echo)).not.toContain('te');
    expect(echo.rawHeaders.filter(([n]) => n === 'x-multi')).toEqual([
      ['x-multi', '1'],
      ['x-multi', '2'],
    ]);
    expect(echo.headers.accept).toBe('text/plain');
  });

  it('records the request as HTTP/2.0 (httpVersion 2.0) with its route, pool and backend', async () => {
    const { session, proxy } = await echoProxy();
    const records: { httpVersion: string; status: number; backend: string | undefined }[] = [];
    proxy.on('request:end', (r: RequestRecord) =>
      records.push({ httpVersion: r.httpVersion, status: r.status, backend: r.backend?.id }),
    );
    await h2request(session, { ':path': '/' });
    expect(records).toEqual([{ httpVersion: '2.0', status: 200, backend: fleet?.urls[0] }]);
  });

  it('sends small and large uploads (buffered and streamed) byte for byte', async () => {
    const { session } = await echoProxy({ limits: { bodyBuffer: 1024 } });
    for (const size of [10, 1024, 300_000]) {
      const body = Buffer.alloc(size, 0x61 + (size % 26));
      const res = await h2request(
        session,
        { ':method': 'POST', ':path': '/up', 'content-length': String(size) },
        body,
      );
      const echo = report(res.body);
      expect(echo.bodyBytes).toBe(size);
      expect(echo.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    }
    // Without a Content-Length: HTTP/1.1 chunked to the backend.
    const body = Buffer.alloc(200_000, 0x62);
    const res = await h2request(session, { ':method': 'POST', ':path': '/up' }, body);
    const echo = report(res.body);
    expect(echo.bodyBytes).toBe(body.length);
    expect(echo.headers['transfer-encoding']).toBe('chunked');
  });

  it('serves many concurrent streams over one session', async () => {
    fleet = await startBackends({ count: 3 });
    const { session } = await h2proxy(fleet.urls);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => h2request(session, { ':path': `/n/${i}` })),
    );
    expect(results.map((r) => r.headers[':status'])).toEqual(results.map(() => 200));
    const servers = new Set(results.map((r) => r.headers['x-backend']));
    expect(servers.size).toBe(3);
  });
});

describe('HTTP/2 through routes, pools and the wait queue', () => {
  it('routes by :authority and path to pools, each with its own strategy', async () => {
    const api = await startBackends({ count: 1 });
    const web = await startBackends({ count: 2 });
    h.cleanup(() => api.close());
    h.cleanup(() => web.close());
    const config = await withTls(
      resolveConfig(
        {
          port: 0,
          host: '127.0.0.1',
          health: { passive: { enabled: false }, active: { enabled: false } },
          pools: { api: { backends: api.urls }, web: { backends: web.urls } },
          routes: [
            { match: { host: 'api.example.com' }, pool: 'api' },
            { match: { pathPrefix: '/web' }, pool: 'web' },
          ],
        },
        'h2-routing',
      ),
    );
    const proxy = createProxy({ config, createStrategy: () => new TestRoundRobin() });
    h.cleanup(() => proxy.close());
    const { port } = await proxy.listen();
    const records: { route: string | undefined; pool: string | undefined }[] = [];
    proxy.on('request:end', (r: RequestRecord) => records.push({ route: r.route, pool: r.pool }));
    const session = await h2connect(await tlsFront({ proxy, port } as Started));
    h.cleanup(() => session.destroy());
    const toApi = await h2request(session, { ':path': '/x', ':authority': 'API.example.com' });
    expect(toApi.headers[':status']).toBe(200);
    expect(api.backend(1).stats.requests).toBe(1);
    await h2request(session, { ':path': '/web/a' });
    await h2request(session, { ':path': '/web/b' });
    expect(web.backend(1).stats.requests + web.backend(2).stats.requests).toBe(2);
    expect(web.backend(1).stats.requests).toBe(1);
    const none = await h2request(session, { ':path': '/nothing' });
    expect(none.headers[':status']).toBe(404);
    expect(records.map((r) => r.pool)).toEqual(['api', 'web', 'web', undefined]);
  });

  it('queues streams for a busy backend (maxConnections 1) and serves them all', async () => {
    fleet = await startBackends({ count: 1, behaviour: { latency: 50 } });
    const { session, proxy } = await h2proxy(fleet.urls, { maxConnections: 1 });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, proxy.backends[0]?.localInFlight ?? 0);
    }, 5);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h2request(session, { ':path': `/q/${i}` })),
    );
    clearInterval(sampler);
    expect(results.map((r) => r.headers[':status'])).toEqual(results.map(() => 200));
    expect(peak).toBe(1);
  });

  it('answers Expect: 100-continue before reading the body', async () => {
    const { session } = await echoProxy();
    const stream = session.request({
      ':method': 'POST',
      ':path': '/',
      'content-length': '5',
      expect: '100-continue',
    });
    const response = h2response(stream);
    await new Promise<void>((resolve) => stream.once('continue', () => resolve()));
    stream.end('hello');
    const echo = report((await response).body);
    expect(echo.body).toBe('hello');
    expect(echo.headers.expect).toBeUndefined();
  });
});

describe('HTTP/2 responses', () => {
  it('lower-cases names, drops connection-specific fields and keeps Set-Cookie fields apart', async () => {
    const backend = await startCustomBackend((_req, res) => {
      res.setHeader('X-Listed', 'secret');
      res.setHeader('Connection', 'keep-alive, X-Listed');
      res.setHeader('Keep-Alive', 'timeout=5');
      res.setHeader('Proxy-Connection', 'keep-alive');
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.setHeader('X-Mixed-Case', 'yes');
      res.end('ok');
    });
    h.cleanup(() => backend.close());
    const { session } = await h2proxy([backend.url]);
    const res = await h2request(session, { ':path': '/' });
    expect(res.headers[':status']).toBe(200);
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(res.headers['x-mixed-case']).toBe('yes');
    for (const name of [
      'connection',
      'keep-alive',
      'proxy-connection',
      'x-listed',
      'transfer-encoding',
    ])
      expect(res.headers[name]).toBeUndefined();
    expect(res.body.toString()).toBe('ok');
  });

  it('relays chunked trailers from an HTTP/1.1 backend as HTTP/2 trailers', async () => {
    const backend = await startCustomBackend((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-checksum' });
      res.write('part one, ');
      res.write('part two');
      res.addTrailers({ 'X-Checksum': 'abc123', 'Grpc-Status': '0' });
      res.end();
    });
    h.cleanup(() => backend.close());
    const { session } = await h2proxy([backend.url]);
    const res = await h2request(session, { ':path': '/' });
    expect(res.body.toString()).toBe('part one, part two');
    expect(res.trailers?.['x-checksum']).toBe('abc123');
    expect(res.trailers?.['grpc-status']).toBe('0');
  });

  it('ends a chunked response without trailers cleanly, and a HEAD or 204 without a body', async () => {
    const backend = await startCustomBackend((req, res) => {
      if (req.url === '/204') {
        res.writeHead(204);
        res.end();
        return;
      }
      res.write('streamed');
      res.end();
    });
    h.cleanup(() => backend.close());
    const { session } = await h2proxy([backend.url]);
    const res = await h2request(session, { ':path': '/' });
    expect(res.body.toString()).toBe('streamed');
    const head = await h2request(session, { ':method': 'HEAD', ':path': '/' });
    expect(head.headers[':status']).toBe(200);
    expect(head.body.length).toBe(0);
    const empty = await h2request(session, { ':path': '/204' });
    expect(empty.headers[':status']).toBe(204);
    expect(empty.headers['content-length']).toBeUndefined();
  });

  it('resets the stream with INTERNAL_ERROR when the backend fails after the response began', async () => {
    fleet = await startBackends({
      count: 1,
      behaviour: { streamBytes: 4 * 1024 * 1024, reset: 'mid-response' },
    });
    const { session, proxy } = await h2proxy(fleet.urls);
    const stream = session.request({ ':path': '/' });
    let got = 0;
    stream.on('data', (c: Buffer) => {
      got += c.length;
    });
    const err = await h2response(stream).then(
      () => undefined,
      (e: { rstCode?: number }) => e,
    );
    expect(err?.rstCode).toBe(constants.NGHTTP2_INTERNAL_ERROR);
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(4 * 1024 * 1024);
    await waitFor(() => proxy.inFlightRequests === 0, 5_000, 'the exchange to end');
  });

  it('answers a dead backend with 502 on the stream and keeps the session usable', async () => {
    fleet = await startBackends({ count: 1 });
    const { session } = await h2proxy(fleet.urls);
    await fleet.backend(1).set({ refuse: true });
    const res = await h2request(session, { ':path': '/' });
    expect(res.headers[':status']).toBe(502);
    expect(res.body.toString()).toContain('HELIOS_UPSTREAM_CONNECT');
    await fleet.backend(1).set({ refuse: false });
    const again = await h2request(session, { ':path': '/' });
    expect(again.headers[':status']).toBe(200);
  });

  it('relays the Link fields of a 103 Early Hints before the final response', async () => {
    const backend = await startCustomBackend((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      setTimeout(() => res.end('page'), 20);
    });
    h.cleanup(() => backend.close());
    const { session } = await h2proxy([backend.url]);
    const stream = session.request({ ':path': '/' });
    const hints: unknown[] = [];
    stream.on('headers', (headers) => hints.push([headers[':status'], headers.link]));
    const res = await h2response(stream);
    expect(hints).toEqual([[103, '</style.css>; rel=preload; as=style']]);
    expect(res.body.toString()).toBe('page');
  });

  it('answers CONNECT with 405: Helios is not a forward proxy, over h2 either', async () => {
    fleet = await startBackends({ count: 1 });
    const { session } = await h2proxy(fleet.urls);
    const res = await h2request(session, { ':method': 'CONNECT', ':authority': 'example.com:443' });
    expect(res.headers[':status']).toBe(405);
    expect(fleet.backend(1).stats.requests).toBe(0);
  });

  it('retries an idempotent request on another backend over h2', async () => {
    fleet = await startBackends({ count: 2 });
    const { session } = await h2proxy(fleet.urls, { retries: 1 });
    await fleet.backend(1).set({ refuse: true });
    for (let i = 0; i < 4; i++) {
      const res = await h2request(session, { ':path': `/r/${i}` });
      expect(res.headers[':status']).toBe(200);
      expect(res.headers['x-backend']).toBe('2');
    }
  });
});

describe('HTTP/2 resets', () => {
  it('aborts the upstream request when the client resets its stream mid-download', async () => {
    fleet = await startBackends({ count: 1, behaviour: { streamBytes: 512 * 1024 * 1024 } });
    const { session, proxy } = await h2proxy(fleet.urls);
    const stream = session.request({ ':path': '/' });
    stream.on('error', () => {});
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    expect(proxy.inFlightRequests).toBe(1);
    stream.close(constants.NGHTTP2_CANCEL);
    await waitFor(() => proxy.inFlightRequests === 0, 5_000, 'the upstream request to abort');
    await waitFor(
      () => proxy.backends[0]?.localInFlight === 0,
      5_000,
      'the backend connection to be released',
    );
    // The session itself is fine.
    await fleet.backend(1).set({ streamBytes: 0 });
    const res = await h2request(session, { ':path': '/' });
    expect(res.headers[':status']).toBe(200);
  });

  it('aborts the upstream request when the client resets mid-upload (never a short body as whole)', async () => {
    let aborted = false;
    let ended = false;
    let receiving = false;
    const backend = await startCustomBackend((req, res) => {
      req.on('data', () => {
        receiving = true;
      });
      req.on('aborted', () => {
        aborted = true;
      });
      req.on('close', () => {
        if (!req.complete) aborted = true;
      });
      req.on('end', () => {
        ended = true;
        res.end('done');
      });
    });
    h.cleanup(() => backend.close());
    const { session, proxy } = await h2proxy([backend.url], { limits: { bodyBuffer: 0 } });
    const stream = session.request({ ':method': 'POST', ':path': '/' });
    stream.on('error', () => {});
    stream.write(Buffer.alloc(100_000));
    await waitFor(() => proxy.inFlightRequests === 1, 5_000, 'the upload to start');
    await waitFor(() => receiving, 5_000, 'the backend to receive the upload');
    // RST_STREAM without END_STREAM (Node's `close()` would end the upload cleanly first).
    stream.destroy(new Error('client gives up'));
    await waitFor(() => aborted, 5_000, 'the backend to see the abort');
    await waitFor(() => proxy.inFlightRequests === 0, 5_000, 'the exchange to end');
    expect(ended).toBe(false);
  });
});
