import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { errorCode, send } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface Partial {
  status: number | undefined;
  received: number;
  error: string | undefined;
}

/** Reads as much of the answer as arrives and reports how it ended. */
function readUntilError(url: string): Promise<Partial> {
  return new Promise((resolve) => {
    const result: Partial = { status: undefined, received: 0, error: undefined };
    const req = request(url, { agent: false }, (res) => {
      result.status = res.statusCode;
      res.on('data', (chunk: Buffer) => {
        result.received += chunk.length;
      });
      res.on('error', (error) => {
        result.error = errorCode(error) ?? error.message;
      });
      res.on('close', () => {
        if (!res.complete) result.error ??= 'incomplete';
        resolve(result);
      });
    });
    req.on('error', (error) => {
      result.error = errorCode(error);
      resolve(result);
    });
    req.end();
  });
}

describe('reset', () => {
  it('before-response resets the connection without sending a byte', async () => {
    fleet = await startBackends({ count: 1, behaviour: { reset: 'before-response' } });
    const outcome = await send(fleet.urls[0] as string).then(
      () => 'answered',
      (error: unknown) => errorCode(error),
    );
    expect(outcome).toBe('ECONNRESET');
    expect(fleet.backend(1).stats.requests).toBe(1);
  });

  it('mid-response sends the head and half the body, then closes', async () => {
    fleet = await startBackends({ count: 1, behaviour: { reset: 'mid-response' } });
    const result = await readUntilError(fleet.urls[0] as string);
    expect(result.status).toBe(200);
    expect(result.received).toBe(Math.floor('Halo dari Server 1'.length / 2));
    expect(result.error).toBeDefined();
  });

  it('mid-response with streamBytes stops after half of the declared length', async () => {
    const size = 1024 * 1024;
    fleet = await startBackends({
      count: 1,
      behaviour: { reset: 'mid-response', streamBytes: size },
    });
    const result = await readUntilError(fleet.urls[0] as string);
    expect(result.status).toBe(200);
    expect(result.received).toBe(size / 2);
    expect(result.error).toBeDefined();
  });

  it('reset back to none answers normally again', async () => {
    fleet = await startBackends({ count: 1, behaviour: { reset: 'before-response' } });
    await fleet.backend(1).set({ reset: 'none' });
    expect((await send(fleet.urls[0] as string)).status).toBe(200);
  });
});
