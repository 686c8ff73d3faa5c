import { Readable } from 'node:stream';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryBudget } from '../src/retry-budget.js';
import { send } from './helpers/client.js';
import { useHarness } from './helpers/harness.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function twoBackendsFirstBroken(behaviour: Parameters<Fleet['set']>[0], overrides = {}) {
  fleet = await startBackends({ count: 2, behaviour: { echo: true } });
  await fleet.backend(1).set(behaviour);
  // The test strategy starts at backend 1, so the first attempt always hits the broken one.
  return h.start(fleet.urls, overrides);
}

describe('retries', () => {
  it('retries a refused connection on a different backend, even for a POST with a body', async () => {
    const { port, proxy, strategy } = await twoBackendsFirstBroken({ refuse: true });
    const ends: number[] = [];
    proxy.on('request:end', (r) => ends.push(r.retries));
    const res = await send(port, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).body).toBe('payload');
    expect(res.headers['x-backend']).toBe('2');
    expect(ends).toEqual([1]);
    expect(strategy.calls.filter((c) => c.kind === 'end').map((c) => c.failure)).toEqual([
      'connect',
      undefined,
    ]);
  });

  it('retries a refused connection for a chunked POST too, with the whole body', async () => {
    const { port } = await twoBackendsFirstBroken({ refuse: true });
    const body = Readable.from([Buffer.from('part one, '), Buffer.from('part two')]);
    const res = await send(port, {
      method: 'POST',
      body,
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).body).toBe('part one, part two');
  });

  it('retries a GET whose connection broke before any response byte', async () => {
    const { port } = await twoBackendsFirstBroken({ reset: 'before-response' });
    const res = await send(port);
    expect(res.status).toBe(200);
    expect(res.headers['x-backend']).toBe('2');
    expect(fleet?.backend(1).stats.requests).toBe(1);
  });

  it('does not retry a POST once it was sent', async () => {
    const { port } = await twoBackendsFirstBroken({ reset: 'before-response' });
    const res = await send(port, { method: 'POST', body: 'once only' });
    expect(res.status).toBe(502);
    expect(fleet?.backend(2).stats.requests).toBe(0);
  });

  it('never retries once response bytes reached the client: the client connection is cut', async () => {
    const { port } = await twoBackendsFirstBroken({
      echo: false,
      streamBytes: 1_000_000,
      reset: 'mid-response',
    });
    await expect(send(port)).rejects.toThrow();
    expect(fleet?.backend(2).stats.requests).toBe(0);
  });

  it('does not retry a response timeout', async () => {
    const { port } = await twoBackendsFirstBroken({ hang: true }, { timeouts: { response: 150 } });
    const res = await send(port);
    expect(res.status).toBe(504);
    expect(fleet?.backend(2).stats.requests).toBe(0);
  });

  it('is bounded by `retries`', async () => {
    fleet = await startBackends({ count: 3 });
    await fleet.set({ refuse: true });
    const { port, strategy } = await h.start(fleet.urls, { retries: 1 });
    const res = await send(port);
    expect(res.status).toBe(502);
    expect(strategy.calls.filter((c) => c.kind === 'start')).toHaveLength(2);
  });

  it('does not retry when retries is 0', async () => {
    const { port } = await twoBackendsFirstBroken({ refuse: true }, { retries: 0 });
    const res = await send(port);
    expect(res.status).toBe(502);
  });
});

describe('retry budget', () => {
  it('allows the floor when quiet, then at most the percentage of recent requests', () => {
    let now = 1_000_000;
    const budget = new RetryBudget({ percent: 20, minPerSecond: 1 }, () => now);
    // Floor: 1/s over the 10 s window = 10 retries with no traffic.
    let granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(10);
    now += 20_000; // the window has passed
    for (let i = 0; i < 1_000; i++) budget.recordRequest();
    granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(200);
  });

  it('forgets requests and retries older than ten seconds', () => {
    let now = 0;
    const budget = new RetryBudget({ percent: 20, minPerSecond: 0 }, () => now);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(budget.tryAcquire()).toBe(true);
    now += 10_500;
    expect(budget.tryAcquire()).toBe(false);
  });

  it('stops retries through the proxy when spent', async () => {
    fleet = await startBackends({ count: 2 });
    await fleet.set({ refuse: true });
    const { port, strategy } = await h.start(fleet.urls, {
      retries: 1,
      retryBudget: { percent: 0, minPerSecond: 0.2 }, // floor: 2 retries per 10 s
    });
    for (let i = 0; i < 4; i++) expect((await send(port)).status).toBe(502);
    expect(strategy.calls.filter((c) => c.kind === 'start')).toHaveLength(4 + 2);
  });
});
