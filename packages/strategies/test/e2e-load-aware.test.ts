/**
 * With backend 2 made slow (600 ms per answer), the load-aware strategies must send clearly
 * less of a concurrent load to it than round robin's third. Round robin runs first as the
 * control, proving the setup really does hand the slow backend a third.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { load, type Rig, startRig } from './e2e-helpers.js';

const TOTAL = 300;
const CONCURRENCY = 12;

describe('load-aware strategies through Helios with one slow backend', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  async function slowSecond(strategy: string, total = TOTAL) {
    rig = await startRig(strategy);
    // Far slower than a loaded machine makes the fast ones, so the shares do not depend on load.
    await rig.fleet.backend(2).set({ latency: 600 });
    const tally = await load(rig.origin, total, CONCURRENCY);
    return { tally, share: (tally['2'] ?? 0) / total };
  }

  it('control: round robin gives the slow backend a third', async () => {
    const { share } = await slowSecond('round-robin', 60);
    expect(share).toBeCloseTo(1 / 3, 1);
  });

  for (const strategy of ['least-connections', 'ewma']) {
    it(`${strategy} sends most of the load to the fast backends`, async () => {
      const { tally, share } = await slowSecond(strategy);
      expect(share).toBeLessThan(0.1);
      expect(tally['1'] ?? 0).toBeGreaterThan(TOTAL * 0.35);
      expect(tally['3'] ?? 0).toBeGreaterThan(TOTAL * 0.35);
    });
  }
});
