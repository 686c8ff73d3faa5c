/**
 * End to end through Helios: a backend's /health flips to 503 under steady load. Active checks
 * must take it out of the pool within interval × unhealthyThreshold (plus jitter and the probe
 * in flight), keep it out while it stays sick, and bring it back once it heals.
 */
import { describe, expect, it } from 'vitest';
import type { HealthTransition } from '../src/transition.js';
import { useEndToEnd } from './proxy-fixture.js';
import { waitFor } from './wait-for.js';

const INTERVAL = 150;
const TIMEOUT = 150;
/** Event-loop stalls on a shared, busy CI machine; the probe counts are the exact claims. */
const SLACK = 1_000;
const JITTER = 0.1;
const FALL = 3;
const RISE = 2;

const e2e = useEndToEnd();

describe('active health end to end', () => {
  it('takes a backend whose /health answers 503 out within interval × threshold and returns it when healed', async () => {
    const fleet = await e2e.fleet(3);
    const helios = await e2e.helios(fleet, {
      passive: { enabled: false },
      active: {
        interval: INTERVAL,
        timeout: TIMEOUT,
        jitter: JITTER,
        unhealthyThreshold: FALL,
        healthyThreshold: RISE,
      },
    });
    const sick = fleet.backend(2);
    const victim = helios.proxy.backends[1]!;
    const load = e2e.load(helios.url, { concurrency: 3, maxRequests: 20_000, gapMs: 3 });
    // Steady state first: a cold, busy process can time out its very first short probes.
    await waitFor(
      () =>
        helios.proxy.backends.every((b) => b.available) &&
        fleet.backends.every((b) => b.stats.healthChecks >= 3) &&
        sick.stats.requests >= 20,
      'steady state with traffic on backend 2',
      10_000,
    );
    const steadyAt = performance.now();
    const transitions: (HealthTransition & { at: number })[] = [];
    helios.checker.on('transition', (e) => transitions.push({ ...e, at: performance.now() }));

    const flippedAt = performance.now();
    const probesAtFlip = sick.stats.healthChecks;
    await sick.set({ healthStatus: 503 });
    await waitFor(() => !victim.available, 'backend 2 out of the pool');
    const leftAfter = performance.now() - flippedAt;
    // FALL failed probes take it out (one more may have been in flight at the flip), and they
    // are at most interval × (1 + jitter) apart: it leaves within interval × threshold (plus
    // the probe in flight).
    const probes = sick.stats.healthChecks - probesAtFlip;
    expect(probes).toBeGreaterThanOrEqual(FALL);
    expect(probes).toBeLessThanOrEqual(FALL + 1);
    expect(leftAfter).toBeLessThan(TIMEOUT + FALL * INTERVAL * (1 + JITTER) + SLACK);
    expect(transitions[0]).toMatchObject({ backend: victim.id, source: 'active', healthy: false });

    // While it is out, it gets nothing but health probes: requests already sent may finish.
    const servedAtRemoval = sick.stats.requests;
    const probesAtRemoval = sick.stats.healthChecks;
    await waitFor(() => sick.stats.healthChecks >= probesAtRemoval + 5, 'five more failing probes');
    expect(victim.available).toBe(false);
    expect(sick.stats.requests - servedAtRemoval).toBeLessThanOrEqual(3);
    const servedWhileOut = sick.stats.requests;

    await sick.set({ healthStatus: 200 });
    const healedAt = performance.now();
    await waitFor(() => victim.available, 'backend 2 back in the pool');
    expect(performance.now() - healedAt).toBeLessThan(
      TIMEOUT + RISE * INTERVAL * (1 + JITTER) + SLACK,
    );
    expect(transitions[1]).toMatchObject({ backend: victim.id, healthy: true });
    expect(transitions[1]?.reason).toContain(`${RISE} consecutive passes`);
    await waitFor(() => sick.stats.requests > servedWhileOut + 20, 'traffic on backend 2 again');

    await load.stop();
    expect(transitions).toHaveLength(2); // nothing else flapped
    // /health never affected real requests, and active removal happens before a pick: no errors.
    expect(load.failures(steadyAt)).toEqual([]);
  });
});
