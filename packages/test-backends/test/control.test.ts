import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { errorCode, eventually, send, waitFor } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface ControlAnswer {
  backend: number;
  behaviour: Record<string, unknown>;
  stats: Record<string, number>;
  error?: { code: string; message: string };
}

async function control(
  url: string,
  body?: unknown,
): Promise<{ status: number; json: ControlAnswer }> {
  const reply = await send(`${url}/__control`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: reply.status, json: JSON.parse(reply.body.toString()) as ControlAnswer };
}

describe('control API', () => {
  it('GET /__control returns the behaviour and stats', async () => {
    fleet = await startBackends({ count: 1 });
    await send(fleet.urls[0] as string);
    const { status, json } = await control(fleet.urls[0] as string);
    expect(status).toBe(200);
    expect(json.backend).toBe(1);
    expect(json.behaviour).toMatchObject({ latency: 0, status: null, healthStatus: 200 });
    expect(json.stats.requests).toBe(1);
  });

  it('POST /__control changes behaviour without counting as a request', async () => {
    fleet = await startBackends({ count: 1 });
    const url = fleet.urls[0] as string;
    const { json } = await control(url, { status: 502, latency: [1, 2] });
    expect(json.behaviour).toMatchObject({ status: 502, latency: [1, 2] });
    expect((await send(url)).status).toBe(502);
    expect(fleet.backend(1).behaviour.status).toBe(502);
    expect(fleet.backend(1).stats.requests).toBe(1);
  });

  it('restore: true goes back to defaults before applying the rest', async () => {
    fleet = await startBackends({ count: 1, behaviour: { errorRate: 1, status: 503 } });
    const url = fleet.urls[0] as string;
    const { json } = await control(url, { restore: true, healthStatus: 503 });
    expect(json.behaviour).toMatchObject({ errorRate: 0, status: null, healthStatus: 503 });
    expect((await send(url)).status).toBe(200);
  });

  it('resetStats: true zeroes the counters', async () => {
    fleet = await startBackends({ count: 1 });
    const url = fleet.urls[0] as string;
    await send(url);
    const { json } = await control(url, { resetStats: true });
    expect(json.stats.requests).toBe(0);
  });

  it('refuse over HTTP answers first, then refuses; restoreAfterMs brings it back', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    const { status, json } = await control(backend.url, { refuse: true, restoreAfterMs: 150 });
    expect(status).toBe(200);
    expect(json.behaviour.refuse).toBe(true);
    await waitFor(() => backend.behaviour.refuse);
    const refused = await send(backend.url).catch((error: unknown) => errorCode(error));
    expect(refused).toBe('ECONNREFUSED');
    const again = await eventually(() => send(backend.url));
    expect(again.status).toBe(200);
    expect(backend.behaviour.refuse).toBe(false);
  });

  it('control stays reachable while the backend hangs or fails', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true, errorRate: 1 } });
    const { status } = await control(fleet.urls[0] as string, { hang: false, errorRate: 0 });
    expect(status).toBe(200);
    expect((await send(fleet.urls[0] as string)).status).toBe(200);
  });

  it('rejects bad input with 400 and a message naming the key', async () => {
    fleet = await startBackends({ count: 1 });
    const url = fleet.urls[0] as string;
    const notJson = await control(url, '{oops');
    expect(notJson.status).toBe(400);
    expect(notJson.json.error?.code).toBe('INVALID_JSON');
    const unknown = await control(url, { latnecy: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error?.message).toContain('"latnecy"');
    const range = await control(url, { errorRate: 2 });
    expect(range.status).toBe(400);
    expect(range.json.error?.code).toBe('HELIOS_TEST_BACKENDS_INVALID_BEHAVIOUR');
    expect(range.json.error?.message).toContain('errorRate');
    expect(fleet.backend(1).behaviour.errorRate).toBe(0);
  });

  it('answers other methods with 405', async () => {
    fleet = await startBackends({ count: 1 });
    const reply = await send(`${fleet.urls[0]}/__control`, { method: 'DELETE' });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, POST');
  });
});
