import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { hasPython, startBlackhole } from './helpers/blackhole.js';
import { send } from './helpers/client.js';
import { useHarness } from './helpers/harness.js';
import { captureLogger } from './helpers/logger.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

function expectHeliosBody(text: string, requestId: string | string[] | undefined): void {
  expect(text).toMatch(/^Helios: /);
  expect(typeof requestId).toBe('string');
  expect(text).toContain(`request id ${String(requestId)}`);
}

describe('errors Helios answers itself', () => {
  it('502 when the backend refuses connections, logged with the request id', async () => {
    fleet = await startBackends({ count: 1 });
    await fleet.backend(1).set({ refuse: true });
    const logger = captureLogger();
    const { port } = await h.start(fleet.urls, { retries: 0 }, { logger });
    const res = await send(port);
    expect(res.status).toBe(502);
    expectHeliosBody(res.text, res.headers['x-request-id']);
    expect(res.text).toContain('HELIOS_UPSTREAM_CONNECT');
    const entry = logger.entries.find((e) => e.obj.requestId === res.headers['x-request-id']);
    expect(entry?.level).toBe('warn');
    expect(entry?.obj.code).toBe('HELIOS_UPSTREAM_CONNECT');
  });

  it('502 when the backend resets before answering', async () => {
    fleet = await startBackends({ count: 1, behaviour: { reset: 'before-response' } });
    const { port } = await h.start(fleet.urls);
    const res = await send(port);
    expect(res.status).toBe(502);
    expect(res.text).toContain('HELIOS_UPSTREAM_RESET');
  });

  it('504 when no response headers arrive within timeouts.response', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const { port } = await h.start(fleet.urls, { timeouts: { response: 200 } });
    const started = Date.now();
    const res = await send(port);
    expect(res.status).toBe(504);
    expect(res.text).toContain('HELIOS_UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it.skipIf(!hasPython)('504 when connecting takes longer than timeouts.connect', async () => {
    const hole = await startBlackhole();
    h.cleanup(() => hole.close());
    const { port } = await h.start([hole.url], { timeouts: { connect: 300 }, retries: 0 });
    const started = Date.now();
    const res = await send(port);
    expect(res.status).toBe(504);
    expect(res.text).toContain('HELIOS_UPSTREAM_CONNECT_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it.skipIf(!hasPython)(
    'retries a connect timeout on another backend (nothing was sent)',
    async () => {
      const hole = await startBlackhole();
      h.cleanup(() => hole.close());
      fleet = await startBackends({ count: 1 });
      const { port } = await h.start([hole.url, ...fleet.urls], { timeouts: { connect: 300 } });
      const res = await send(port, { method: 'POST', body: 'x' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('Halo dari Server 1');
    },
  );

  it('503 with Retry-After when no backend is available', async () => {
    fleet = await startBackends({ count: 2 });
    const { port, proxy } = await h.start(fleet.urls);
    for (const b of proxy.backends) b.markDown('active', 'test');
    const res = await send(port);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expectHeliosBody(res.text, res.headers['x-request-id']);
    expect(fleet.backend(1).stats.requests + fleet.backend(2).stats.requests).toBe(0);
  });

  it('relays backend error statuses untouched (a 500 is an answer, not a Helios error)', async () => {
    fleet = await startBackends({ count: 1, behaviour: { status: 500 } });
    const { port } = await h.start(fleet.urls);
    const res = await send(port);
    expect(res.status).toBe(500);
    expect(res.text).toBe('Halo dari Server 1');
  });
});
