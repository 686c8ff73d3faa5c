import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { errorCode, send, waitFor } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('hang', () => {
  it('accepts the request and never answers', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const backend = fleet.backend(1);
    const outcome = await send(backend.url, { timeoutMs: 150 }).then(
      () => 'answered',
      (error: unknown) => errorCode(error),
    );
    expect(outcome).toBe('CLIENT_TIMEOUT');
    expect(backend.stats.requests).toBe(1);
    await waitFor(() => backend.stats.inFlight === 0);
  });

  it('still reads the whole request body while hanging', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const backend = fleet.backend(1);
    const size = 32 * 1024 * 1024;
    const outcome = send(backend.url, { method: 'POST', body: Buffer.alloc(size, 7) }).catch(
      () => 'closed',
    );
    await waitFor(() => backend.stats.bytesIn === size);
    expect(backend.stats.inFlight).toBe(1);
    await fleet.close();
    expect(await outcome).toBe('closed');
  });

  it('close() ends hung requests instead of waiting for them', async () => {
    fleet = await startBackends({ count: 2, behaviour: { hang: true } });
    const pending = fleet.urls.map((url) => send(url).catch((error: unknown) => errorCode(error)));
    await waitFor(() => fleet?.backends.every((b) => b.stats.inFlight === 1) === true);
    await fleet.close();
    expect(await Promise.all(pending)).toEqual(['ECONNRESET', 'ECONNRESET']);
  });
});
