import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Fleet,
  liveBackendCount,
  startBackend,
  startBackends,
  TestBackendError,
} from '../src/index.js';
import { errorCode, send } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('lifecycle', () => {
  it('close() frees every port: later connects are refused', async () => {
    fleet = await startBackends({ count: 3 });
    const urls = [...fleet.urls];
    await fleet.close();
    for (const url of urls) {
      expect(await send(url).catch((error: unknown) => errorCode(error))).toBe('ECONNREFUSED');
    }
  });

  it('close() is idempotent and set() after close says what to do', async () => {
    const backend = await startBackend({ index: 7 });
    expect(await send(backend.url).then((r) => r.body.toString())).toBe('Halo dari Server 7');
    await backend.close();
    await backend.close();
    expect(() => backend.set({ latency: 1 })).toThrow(/closed/);
  });

  it('tracks live backends so the exit hook can destroy them', async () => {
    const before = liveBackendCount();
    fleet = await startBackends({ count: 2 });
    expect(liveBackendCount()).toBe(before + 2);
    await fleet.close();
    expect(liveBackendCount()).toBe(before);
  });

  it('a process that forgets close() still exits by itself', async () => {
    const script = fileURLToPath(new URL('./fixtures/forgets-close.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(killer);
    expect(output).toContain('started http://127.0.0.1:');
    expect(code).toBe(0);
  });

  it('rejects a port that is taken, closing the backends already started', async () => {
    fleet = await startBackends({ count: 1 });
    const taken = fleet.backend(1).port;
    const failure = await startBackends({ count: 1, basePort: taken }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TestBackendError);
    expect((failure as TestBackendError).code).toBe('HELIOS_TEST_BACKENDS_LISTEN_FAILED');
    expect((failure as TestBackendError).message).toContain(`127.0.0.1:${taken}`);
  });

  it('validates options with a coded error', async () => {
    await expect(startBackends({ count: 0 })).rejects.toMatchObject({
      code: 'HELIOS_TEST_BACKENDS_INVALID_OPTIONS',
    });
    await expect(startBackends({ count: 2, basePort: 65_535 })).rejects.toThrow(/basePort/);
  });

  it('fleet.set and fleet.reset apply to every backend', async () => {
    fleet = await startBackends({ count: 2 });
    await fleet.set({ status: 418 });
    for (const url of fleet.urls) expect((await send(url)).status).toBe(418);
    await fleet.reset();
    for (const url of fleet.urls) expect((await send(url)).status).toBe(200);
    expect(() => fleet?.backend(3)).toThrow(/numbered 1\.\.2/);
  });
});
