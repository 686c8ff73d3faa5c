import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './helpers/client.js';
import { useHarness } from './helpers/harness.js';
import { openSocket, rawExchange } from './helpers/raw-http.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function proxyWithEcho(overrides = {}) {
  fleet = await startBackends({ count: 1, behaviour: { echo: true } });
  return h.start(fleet.urls, overrides);
}

function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
}

describe('client-side limits', () => {
  it('closes a connection whose headers trickle in slower than timeouts.clientHeader (408)', async () => {
    const { port } = await proxyWithEcho({ timeouts: { clientHeader: 200 } });
    const socket = await openSocket(port);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('431 for headers larger than limits.maxHeaderSize', async () => {
    const { port } = await proxyWithEcho({ limits: { maxHeaderSize: 2_048 } });
    const raw = await rawExchange(
      port,
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(4_000)}\r\n\r\n`,
    );
    expect(statusOf(raw)).toBe(431);
    expect(raw).toContain('Helios');
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('414 for a URL longer than limits.maxUrlLength', async () => {
    const { port } = await proxyWithEcho({ limits: { maxUrlLength: 100 } });
    const res = await send(port, { path: `/${'x'.repeat(200)}` });
    expect(res.status).toBe(414);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('413 for a declared body over limits.maxBodySize, without contacting a backend', async () => {
    const { port } = await proxyWithEcho({ limits: { maxBodySize: 1_000 } });
    const res = await send(port, { method: 'POST', body: Buffer.alloc(5_000) });
    expect(res.status).toBe(413);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('413 for a chunked body that grows over limits.maxBodySize', async () => {
    const { port } = await proxyWithEcho({ limits: { maxBodySize: 1_000 } });
    const raw = await rawExchange(
      port,
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n${'b'.repeat(2_000)}\r\n0\r\n\r\n`,
    );
    expect(statusOf(raw)).toBe(413);
  });

  it('a chunked body under the limit passes', async () => {
    const { port } = await proxyWithEcho({ limits: { maxBodySize: 1_000 } });
    const raw = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain('"body":"hello"');
  });

  it('closes idle keep-alive connections after timeouts.clientIdle', async () => {
    const { port } = await proxyWithEcho({ timeouts: { clientIdle: 200 } });
    const socket = await openSocket(port);
    socket.resume();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const started = Date.now();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('request framing and targets', () => {
  const ambiguous: [string, string][] = [
    [
      'Content-Length with Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'bad chunk size',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    ],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  b\r\n\r\n'],
    [
      'two different Content-Length',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
    ],
    ['space before colon', 'GET / HTTP/1.1\r\nHost: x\r\nX-Bad : 1\r\n\r\n'],
  ];
  for (const [name, payload] of ambiguous) {
    it(`400 for ${name}, never forwarded`, async () => {
      const { port } = await proxyWithEcho();
      const raw = await rawExchange(port, payload);
      expect(statusOf(raw)).toBe(400);
      expect(fleet?.backend(1).stats.requests).toBe(0);
    });
  }

  it('501 for a transfer coding other than chunked, never forwarded', async () => {
    const { port } = await proxyWithEcho();
    const raw = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(501);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('sends an absolute-form request to the configured backend, never the named host', async () => {
    const { port } = await proxyWithEcho();
    const raw = await rawExchange(
      port,
      'GET http://169.254.169.254/latest/meta-data?x=1 HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain('"url":"/latest/meta-data?x=1"');
    expect(fleet?.backend(1).stats.requests).toBe(1);
  });

  it('405 for CONNECT', async () => {
    const { port } = await proxyWithEcho();
    const raw = await rawExchange(
      port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(405);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('400 for an asterisk-form target', async () => {
    const { port } = await proxyWithEcho();
    const raw = await rawExchange(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statusOf(raw)).toBe(400);
  });
});

describe('Expect: 100-continue', () => {
  it('answers 100 Continue, then forwards the body', async () => {
    const { port } = await proxyWithEcho();
    const socket = await openSocket(port);
    let received = '';
    socket.on('data', (c: Buffer) => {
      received += c.toString();
    });
    socket.write(
      'PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
    );
    const deadline = Date.now() + 3_000;
    while (!received.includes('100 Continue') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(received).toMatch(/^HTTP\/1\.1 100 Continue/);
    socket.write('hello');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(received).toContain('HTTP/1.1 200');
    expect(received).toContain('"body":"hello"');
    expect(received).not.toContain('"expect"');
  });

  it('refuses an oversized expected body with 413 and never sends 100', async () => {
    const { port } = await proxyWithEcho({ limits: { maxBodySize: 10 } });
    const raw = await rawExchange(
      port,
      'PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nExpect: 100-continue\r\n\r\n',
    );
    expect(statusOf(raw)).toBe(413);
    expect(raw).not.toContain('100 Continue');
  });
});
