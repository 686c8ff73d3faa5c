import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './helpers/client.js';
import { useHarness } from './helpers/harness.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('forwarding', () => {
  it('answers GET with the body and status of a backend, round-robin across the fleet', async () => {
    fleet = await startBackends({ count: 2 });
    const { port } = await h.start(fleet.urls);
    const a = await send(port);
    const b = await send(port);
    expect(a.status).toBe(200);
    expect([a.text, b.text].sort()).toEqual(['Halo dari Server 1', 'Halo dari Server 2']);
    expect(a.headers['x-backend']).toBeDefined();
    expect(a.headers.via).toBe('1.1 helios');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
  });

  it('streams a POST body to the backend and back (echo)', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port } = await h.start(fleet.urls);
    const res = await send(port, { method: 'POST', path: '/submit?x=1', body: 'hello helios' });
    const echo = JSON.parse(res.text);
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe('/submit?x=1');
    expect(echo.body).toBe('hello helios');
  });
});
