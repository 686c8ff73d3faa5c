/**
 * A request the client got wrong is the client's error: it gets a 4xx/505, it never reaches a
 * backend, it is never retried, and it never counts against a backend's health. Each case here
 * was a way for one unauthenticated request to eject healthy backends or smuggle a header.
 */
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyErrorCode } from '../src/error-codes.js';
import { classifyUpstreamError } from '../src/upstream-error.js';
import { send } from './helpers/client.js';
import { useHarness } from './helpers/harness.js';
import { type HealthRecorder, recordHealth } from './helpers/health-recorder.js';
import { rawExchange, rawUntil } from './helpers/raw-http.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface Echo {
  url: string;
  httpVersion: string;
  headers: Record<string, string>;
  rawHeaders: [string, string][];
}

async function echoProxy(overrides = {}): Promise<{ port: number; health: HealthRecorder }> {
  fleet = await startBackends({ count: 2, behaviour: { echo: true } });
  const health = recordHealth();
  const { port } = await h.start(fleet.urls, { retries: 2, ...overrides }, { health });
  return { port, health };
}

function backendRequests(): number {
  return (fleet?.backend(1).stats.requests ?? 0) + (fleet?.backend(2).stats.requests ?? 0);
}

function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
}

function bodyOf(raw: string): string {
  return raw.slice(raw.indexOf('\r\n\r\n') + 4);
}

describe('requests the client got wrong', () => {
  it('answers two Host headers with 400 and never contacts, retries or ejects a backend', async () => {
    const { port, health } = await echoProxy();
    for (let i = 0; i < 5; i++) {
      const raw = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n');
      expect(statusOf(raw)).toBe(400);
      expect(raw).toContain(ProxyErrorCode.badHost);
      expect(raw.toLowerCase()).toContain('connection: close');
    }
    expect(backendRequests()).toBe(0);
    expect(health.verdicts).toEqual([]);
    // Both backends still serve.
    expect((await send(port)).status).toBe(200);
    expect((await send(port)).status).toBe(200);
  });

  it.each([
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['userinfo', 'user@a'],
    ['an empty value', ''],
    ['a backslash', 'a\\b'],
    ['a bad port', 'a:8o'],
    ['an unclosed IPv6 literal', '[::1'],
  ])('answers a Host with %s with 400', async (_what, host) => {
    const { port, health } = await echoProxy();
    const raw = await rawExchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(statusOf(raw)).toBe(400);
    expect(backendRequests()).toBe(0);
    expect(health.verdicts).toEqual([]);
  });

  it('accepts the Host forms RFC 3986 allows (names, ports, IPv4, IPv6 literals)', async () => {
    const { port } = await echoProxy();
    for (const host of [
      'example.com',
      'a.b-c.d:8080',
      '10.1.2.3',
      '[::1]:80',
      'xn--bcher-kva.ch',
    ]) {
      const { text } = await rawUntil(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`, (t) =>
        t.includes('"bodySha256"'),
      );
      expect(statusOf(text)).toBe(200);
      expect((JSON.parse(bodyOf(text)) as Echo).headers.host).toBe(host);
    }
  });

  it('answers an HTTP/1.1 request without Host with 400; HTTP/1.0 may omit it', async () => {
    const { port } = await echoProxy();
    expect(statusOf(await rawExchange(port, 'GET / HTTP/1.1\r\n\r\n'))).toBe(400);
    expect(statusOf(await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n'))).toBe(200);
    expect(backendRequests()).toBe(1);
  });

  it('lets the authority of an absolute-form target win over Host (RFC 9112 §3.2.2)', async () => {
    const { port } = await echoProxy();
    const raw = await rawExchange(
      port,
      'GET http://real.example:8443/p?q=1 HTTP/1.1\r\nHost: spoofed.example\r\nConnection: close\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(200);
    const echo = JSON.parse(bodyOf(raw)) as Echo;
    expect(echo.url).toBe('/p?q=1');
    expect(echo.headers.host).toBe('real.example:8443');
    expect(echo.headers['x-forwarded-host']).toBe('real.example:8443');
  });

  it('refuses an absolute-form target with userinfo or an invalid authority', async () => {
    const { port } = await echoProxy();
    for (const target of ['http://user:pw@a.example/', 'http:///x', 'http://a b/']) {
      const raw = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`);
      expect(statusOf(raw)).toBe(400);
    }
    expect(backendRequests()).toBe(0);
  });

  it('never lets Connection strip Host or Content-Length', async () => {
    const { port } = await echoProxy();
    const raw = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: keep.example\r\nContent-Length: 5\r\nConnection: host, content-length, close\r\n\r\nhello',
    );
    expect(statusOf(raw)).toBe(200);
    const echo = JSON.parse(bodyOf(raw)) as Echo & { body: string };
    expect(echo.headers.host).toBe('keep.example');
    expect(echo.headers['content-length']).toBe('5');
    expect(echo.body).toBe('hello');
  });
});

describe('the request line and version', () => {
  it('answers HTTP/2.0 on the HTTP/1 port with 505', async () => {
    const { port } = await echoProxy();
    const raw = await rawExchange(port, 'GET /a HTTP/2.0\r\nHost: a\r\n\r\n');
    expect(statusOf(raw)).toBe(505);
    expect(raw).toContain('HTTP Version Not Supported');
    expect(backendRequests()).toBe(0);
  });

  it('answers HTTP/0.9 with 400, including a header smuggled into the request line', async () => {
    const { port, health } = await echoProxy();
    expect(statusOf(await rawExchange(port, 'GET /a\r\n\r\n'))).toBe(400);
    const raw = await rawExchange(port, 'GET /a\nX-Injected: yes HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(statusOf(raw)).toBe(400);
    expect(backendRequests()).toBe(0);
    expect(health.verdicts).toEqual([]);
  });

  it('answers HTTP/1.0 with Transfer-Encoding with 400 and closes (RFC 9112 §6.1)', async () => {
    const { port } = await echoProxy();
    const { text, closed } = await rawUntil(
      port,
      'POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /next HTTP/1.0\r\n\r\n',
      () => false,
    );
    expect(statusOf(text)).toBe(400);
    expect(text).toContain(ProxyErrorCode.badFraming);
    expect(closed).toBe(true);
    expect(backendRequests()).toBe(0);
  });
});

describe('oversized heads', () => {
  function headers(count: number): string {
    let lines = 'Host: a\r\n';
    for (let i = 1; i < count; i++) lines += `X-H${i}: ${i}\r\n`;
    return lines;
  }

  it('answers more than limits.maxHeaderCount header lines with 431, never a silent drop', async () => {
    const { port } = await echoProxy({ limits: { maxHeaderCount: 100 } });
    const raw = await rawExchange(
      port,
      `POST / HTTP/1.1\r\n${headers(1_100)}Content-Length: 5\r\n\r\nhello`,
    );
    expect(statusOf(raw)).toBe(431);
    expect(raw).toContain(ProxyErrorCode.tooManyHeaders);
    expect(backendRequests()).toBe(0);
  });

  it('passes exactly limits.maxHeaderCount header lines', async () => {
    const { port } = await echoProxy({ limits: { maxHeaderCount: 100 } });
    const raw = await rawExchange(
      port,
      `GET / HTTP/1.1\r\n${headers(99)}Connection: close\r\n\r\n`,
    );
    expect(statusOf(raw)).toBe(200);
    const echo = JSON.parse(bodyOf(raw)) as Echo;
    expect(echo.headers['x-h98']).toBe('98');
  });

  it('answers a URL over limits.maxUrlLength with 414, also when it outgrows maxHeaderSize', async () => {
    const { port } = await echoProxy({ limits: { maxHeaderSize: 16_384, maxUrlLength: 8_192 } });
    for (const length of [9_000, 20_000, 100_000]) {
      const raw = await rawExchange(port, `GET /${'u'.repeat(length)} HTTP/1.1\r\nHost: a\r\n\r\n`);
      expect(statusOf(raw)).toBe(414);
    }
    expect(backendRequests()).toBe(0);
  });

  it('still answers header bytes over limits.maxHeaderSize with 431', async () => {
    const { port } = await echoProxy({ limits: { maxHeaderSize: 4_096 } });
    for (const size of [5_000, 100_000]) {
      const raw = await rawExchange(
        port,
        `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(size)}\r\n\r\n`,
      );
      expect(statusOf(raw)).toBe(431);
    }
    expect(backendRequests()).toBe(0);
  });
});

describe('whose fault an upstream error is', () => {
  function coded(code: string): Error {
    return Object.assign(new Error(code), { code });
  }

  it('calls what undici refuses to send the client’s fault (400, no failure kind)', () => {
    for (const code of ['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']) {
      expect(classifyUpstreamError(coded(code), false, false)).toMatchObject({
        origin: 'client',
        code: ProxyErrorCode.badRequest,
      });
    }
    expect(classifyUpstreamError(coded(ProxyErrorCode.bodyTooLarge), true, false)).toMatchObject({
      origin: 'client',
      code: ProxyErrorCode.bodyTooLarge,
    });
  });

  it('calls running out of descriptors, ports or memory Helios’ own trouble, not the backend’s', () => {
    for (const code of ['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS']) {
      expect(classifyUpstreamError(coded(code), false, false)).toMatchObject({
        origin: 'local',
        code: ProxyErrorCode.localResources,
        reroute: false,
      });
    }
  });

  it('calls a pool Helios closed nobody’s fault, and real connection trouble the backend’s', () => {
    expect(classifyUpstreamError(coded('UND_ERR_CLOSED'), false, false).origin).toBe('local');
    expect(classifyUpstreamError(coded('UND_ERR_DESTROYED'), true, false).origin).toBe('local');
    expect(classifyUpstreamError(coded('ECONNREFUSED'), false, false)).toMatchObject({
      origin: 'backend',
      failure: 'connect',
    });
    expect(classifyUpstreamError(coded('UND_ERR_SOCKET'), true, false)).toMatchObject({
      origin: 'backend',
      failure: 'reset',
    });
  });
});
