/**
 * End-to-end rig: three `Halo dari Server N` test backends behind a real Helios proxy on
 * ephemeral loopback ports, plus a client that fires a bounded number of requests with a
 * fixed concurrency and tallies which backend answered.
 */
import { createProxy, type HeliosProxy, resolveConfig } from '@helios/core';
import { type Fleet, startBackends } from '@helios/test-backends';
import { builtinStrategies } from '../src/builtin-strategies.js';
import { createStrategy } from '../src/create-strategy.js';
import { seededRandom } from '../src/random-source.js';

export interface Rig {
  fleet: Fleet;
  proxy: HeliosProxy;
  origin: string;
  close(): Promise<void>;
}

export async function startRig(
  strategy: string,
  options: Record<string, unknown> = {},
  weights: readonly number[] = [1, 1, 1],
) {
  const fleet = await startBackends({ count: 3 });
  try {
    const config = resolveConfig(
      {
        port: 0,
        host: '127.0.0.1',
        strategy: { name: strategy, ...options },
        backends: fleet.urls.map((url, i) => ({ url, weight: weights[i] ?? 1 })),
        retries: 0,
        health: { active: { enabled: false }, passive: { enabled: false } },
      },
      'e2e rig',
      { strategies: builtinStrategies },
    );
    const proxy = createProxy({
      config,
      strategy: createStrategy(config.strategy, { random: seededRandom(7) }),
    });
    const { port } = await proxy.listen();
    const rig: Rig = {
      fleet,
      proxy,
      origin: `http://127.0.0.1:${port}`,
      close: async () => {
        await proxy.close();
        await fleet.close();
      },
    };
    return rig;
  } catch (error) {
    await fleet.close();
    throw error;
  }
}

export interface Answer {
  status: number;
  backend: string | null;
  body: string;
}

export async function get(origin: string, path = '/'): Promise<Answer> {
  const response = await fetch(`${origin}${path}`);
  return {
    status: response.status,
    backend: response.headers.get('x-backend'),
    body: await response.text(),
  };
}

/** Sends `total` requests, `concurrency` at a time; returns answers per X-Backend. */
export async function load(origin: string, total: number, concurrency: number) {
  const tally: Record<string, number> = {};
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      sent++;
      const answer = await get(origin);
      if (answer.status !== 200) throw new Error(`unexpected status ${answer.status}`);
      const key = answer.backend ?? '?';
      tally[key] = (tally[key] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tally;
}
