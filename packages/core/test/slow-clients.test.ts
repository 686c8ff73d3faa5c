/**
 * No client can stall Helios for everyone else: a body that stops arriving is answered 408, a
 * response nobody reads is cut, small bodies are read before a backend connection is taken, and
 * requests that find every connection busy wait in a bounded queue with a deadline (503 and
 * `Retry-After` past it). None of it counts against a backend's health.
 */
import { type IncomingMessage, request } from 'node:http';
import type { Socket } from 'node:net';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { ProxyErrorCode } from '../src/error-codes.js';
import { send } from './helpers/client.js';
import { useHarness, waitFor } from './helpers/harness.js';
import { recordHealth } from './helpers/health-recorder.js';
import { openSocket } from './helpers/raw-http.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
}

/** Opens a raw connection, writes `head`, and collects what comes back until it closes. */
async function stalledUpload(
  port: number,
  head: string,
): Promise<{ socket: Socket; reply: Promise<string> }> {
  const socket = await openSocket(port);
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => undefined);
  const reply = new Promise<string>((resolve) =>
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1'))),
  );
  socket.write(head);
  h.cleanup(() => socket.destroy());
  return { socket, reply };
}

const UPLOAD_HEAD =
  'POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789' /* 10 of 100 */;

describe('a request body that stops arriving', () => {
  it('is answered 408 after timeouts.clientBody, before any backend is contacted (buffered)', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const health = recordHealth();
    const { port, proxy } = await h.start(
      fleet.urls,
      { timeouts: { clientBody: 300 } },
      { health },
    );
    const started = Date.now();
    const { reply } = await stalledUpload(port, UPLOAD_HEAD);
    const raw = await reply;
    expect(statusOf(raw)).toBe(408);
    expect(raw).toContain(ProxyErrorCode.clientBodyTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(fleet.backend(1).stats.requests).toBe(0);
    expect(health.verdicts).toEqual([]);
    expect(proxy.inFlightRequests).toBe(0);
  });

  it('is answered 408 when streamed (bodyBuffer: 0), without blaming the backend', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const health = recordHealth();
    const { port } = await h.start(
      fleet.urls,
      { timeouts: { clientBody: 300 }, limits: { bodyBuffer: 0 } },
      { health },
    );
    const { reply } = await stalledUpload(port, UPLOAD_HEAD);
    expect(statusOf(await reply)).toBe(408);
    await waitFor(() => health.verdicts.length === 1, 2_000, 'the attempt to end');
    expect(health.failures()).toEqual([]);
    expect(health.verdicts[0]?.status).toBe(0);
  });

  it('with maxConnections 2, two stalled uploads do not hold up anyone else', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port } = await h.start(fleet.urls, {
      maxConnections: 2,
      timeouts: { clientBody: 30_000 },
    });
    await stalledUpload(port, UPLOAD_HEAD);
    await stalledUpload(port, UPLOAD_HEAD);
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(port)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('streamed uploads that stall give their backend connection back at timeouts.clientBody', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const health = recordHealth();
    const { port } = await h.start(
      fleet.urls,
      {
        maxConnections: 2,
        limits: { bodyBuffer: 0 },
        timeouts: { clientBody: 400 },
        queue: { maxPending: 100, timeout: 10_000 },
      },
      { health },
    );
    const a = await stalledUpload(port, UPLOAD_HEAD);
    const b = await stalledUpload(port, UPLOAD_HEAD);
    // Both connections are taken: this one waits in the queue until the stalls are cut.
    const waiting = send(port);
    expect(statusOf(await a.reply)).toBe(408);
    expect(statusOf(await b.reply)).toBe(408);
    expect((await waiting).status).toBe(200);
    expect(health.failures()).toEqual([]);
  });

  it('a slow but steady upload is not cut: the limit is per pause, not per body', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port } = await h.start(fleet.urls, { timeouts: { clientBody: 300 } });
    const socket = await openSocket(port);
    h.cleanup(() => socket.destroy());
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nConnection: close\r\n\r\n');
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100)); // each pause is a third of the limit
      socket.write(String(i));
    }
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const raw = Buffer.concat(chunks).toString('latin1');
    expect(statusOf(raw)).toBe(200);
    expect(raw).toContain('"body":"0123456789"');
  });
});

describe('the wait queue in front of a busy backend', () => {
  it('answers 503 with Retry-After once queue.maxPending requests already wait', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const health = recordHealth();
    const { port, proxy } = await h.start(
      fleet.urls,
      { maxConnections: 1, queue: { maxPending: 1, timeout: 10_000 } },
      { health },
    );
    const held = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    held.end();
    await waitFor(() => fleet?.backend(1).stats.requests === 1, 2_000, 'the first request');
    const queued = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    queued.end();
    await waitFor(() => proxy.inFlightRequests === 2, 2_000, 'the second to queue');
    const refused = await send(port);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.text).toContain(ProxyErrorCode.queueFull);
    expect(fleet.backend(1).stats.requests).toBe(1);
    held.destroy();
    queued.destroy();
    await waitFor(() => proxy.inFlightRequests === 0, 2_000, 'requests to end');
    expect(health.failures()).toEqual([]);
  });

  it('answers 503 with Retry-After when no connection frees up within queue.timeout', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const health = recordHealth();
    const { port } = await h.start(
      fleet.urls,
      { maxConnections: 1, queue: { maxPending: 10, timeout: 200 } },
      { health },
    );
    const held = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    held.end();
    h.cleanup(() => held.destroy());
    await waitFor(() => fleet?.backend(1).stats.requests === 1, 2_000, 'the first request');
    const started = Date.now();
    const timedOut = await send(port);
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers['retry-after']).toBe('5');
    expect(timedOut.text).toContain(ProxyErrorCode.queueTimeout);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(health.failures()).toEqual([]);
  });

  it('serves waiting requests in order as connections free up', async () => {
    fleet = await startBackends({ count: 1, behaviour: { latency: 100, echo: true } });
    const { port } = await h.start(fleet.urls, { maxConnections: 1 });
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => send(port, { path: `/${i}` })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(fleet.backend(1).stats.requests).toBe(5);
  });

  it('sends a request to another backend with a free connection instead of queueing', async () => {
    fleet = await startBackends({ count: 2, behaviour: { echo: true } });
    fleet.backend(1).set({ hang: true });
    const { port } = await h.start(fleet.urls, {
      maxConnections: 1,
      queue: { maxPending: 10, timeout: 10_000 },
    });
    const held = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    held.end();
    h.cleanup(() => held.destroy());
    await waitFor(() => fleet?.backend(1).stats.requests === 1, 2_000, 'the first request');
    // Round robin picks backend 1 for every other one; it is full, so 2 takes them all.
    for (let i = 0; i < 4; i++) expect((await send(port)).status).toBe(200);
    expect(fleet.backend(2).stats.requests).toBe(4);
  });

  it('forgets a waiting request whose client left', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const { port, proxy } = await h.start(fleet.urls, {
      maxConnections: 1,
      queue: { maxPending: 1, timeout: 10_000 },
    });
    const held = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    held.end();
    h.cleanup(() => held.destroy());
    await waitFor(() => fleet?.backend(1).stats.requests === 1, 2_000, 'the first request');
    const leaver = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    leaver.end();
    await waitFor(() => proxy.inFlightRequests === 2, 2_000, 'the second to queue');
    leaver.destroy();
    await waitFor(() => proxy.inFlightRequests === 1, 2_000, 'the leaver to be forgotten');
    // Its queue slot is free again: the next request queues instead of getting 503.
    const next = request({ host: '127.0.0.1', port, agent: false }).on('error', () => undefined);
    next.end();
    h.cleanup(() => next.destroy());
    await waitFor(() => proxy.inFlightRequests === 2, 2_000, 'the next to queue');
  });
});

describe('a response nobody reads', () => {
  it('is cut after timeouts.clientSend, and the backend is not blamed', async () => {
    fleet = await startBackends({ count: 1, behaviour: { streamBytes: 256 * 1024 * 1024 } });
    const health = recordHealth();
    const { port, proxy } = await h.start(
      fleet.urls,
      { timeouts: { clientSend: 300 } },
      { health },
    );
    let got = 0;
    let reader: IncomingMessage | undefined;
    const req = request({ host: '127.0.0.1', port, agent: false }, (res) => {
      reader = res;
      res.once('data', (c: Buffer) => {
        got += c.length;
        res.pause(); // and never read again
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => undefined);
    req.end();
    h.cleanup(() => req.destroy());
    await waitFor(() => got > 0, 5_000, 'the first bytes');
    const started = Date.now();
    await waitFor(() => proxy.inFlightRequests === 0, 5_000, 'Helios to cut the reader');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The socket closes just after the request is given up; it must not linger.
    await waitFor(() => proxy.activeConnections === 0, 5_000, 'the connection to close');
    // The client sees the cut once it reads what was already sent: a truncated body, no end.
    const ended = await new Promise<boolean>((resolve) => {
      reader?.on('end', () => resolve(true));
      reader?.socket.on('close', () => resolve(false));
      reader?.resume();
    });
    expect(ended).toBe(false);
    expect(health.failures()).toEqual([]);
  });

  it('is not cut while the client keeps reading, however slowly the backend sends', async () => {
    fleet = await startBackends({
      count: 1,
      behaviour: { streamBytes: 4_000, streamRate: 4_000 },
    });
    const { port } = await h.start(fleet.urls, { timeouts: { clientSend: 200 } });
    const res = await send(port);
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(4_000);
  });
});

describe('limits.maxConnections', () => {
  it('closes client connections past the limit at once and serves again once below it', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port, proxy } = await h.start(fleet.urls, { limits: { maxConnections: 2 } });
    const idle = [await openSocket(port), await openSocket(port)];
    await waitFor(() => proxy.activeConnections === 2, 2_000, 'two connections');
    const third = await openSocket(port);
    await new Promise<void>((resolve) => {
      third.on('error', () => undefined);
      third.on('close', () => resolve());
    });
    for (const socket of idle) socket.destroy();
    await waitFor(() => proxy.activeConnections === 0, 2_000, 'connections to close');
    expect((await send(port)).status).toBe(200);
  });
});
