/**
 * End to end through Helios: one of three backends dies under steady load. Passive checks must
 * eject it on its first failure, keep it out for the cooldown, try it again and back off, while
 * core's retries hide every failed attempt from clients.
 */
import { describe, expect, it } from 'vitest';
import type { HealthTransition } from '../src/transition.js';
import { useEndToEnd } from './proxy-fixture.js';
import { waitFor } from './wait-for.js';

const COOLDOWN = 600;

const e2e = useEndToEnd();

describe('passive health end to end', () => {
  it('ejects a killed backend on its first failure, for the cooldown, and clients see no error', async () => {
    const fleet = await e2e.fleet(3);
    const helios = await e2e.helios(fleet, {
      active: { enabled: false },
      passive: { failureThreshold: 1, cooldown: COOLDOWN, maxCooldown: COOLDOWN * 4 },
    });
    const { strategy, checker, hooks } = helios;
    const victim = helios.proxy.backends[1]!;
    const transitions: (HealthTransition & { at: number })[] = [];
    checker.on('transition', (e) => transitions.push({ ...e, at: performance.now() }));

    const load = e2e.load(helios.url, { concurrency: 4, maxRequests: 20_000, gapMs: 2 });
    await waitFor(() => fleet.backend(2).stats.requests >= 20, 'traffic on every backend');

    await fleet.backend(2).set({ refuse: true });
    await waitFor(() => transitions.length >= 1, 'the first ejection');
    const ejected = transitions[0]!;
    expect(ejected).toMatchObject({ backend: victim.id, source: 'passive', healthy: false });

    // Back after the cooldown, tried again, fails again: ejected for twice as long.
    await waitFor(() => transitions.length >= 3, 'return and second ejection', COOLDOWN * 10);
    const [, returned, second] = transitions as [
      HealthTransition & { at: number },
      HealthTransition & { at: number },
      HealthTransition & { at: number },
    ];
    expect(returned).toMatchObject({ backend: victim.id, healthy: true });
    expect(returned.downForMs).toBeGreaterThanOrEqual(COOLDOWN - 1);
    expect(returned.downForMs).toBeLessThan(COOLDOWN + 500); // timer lateness on a busy machine
    expect(second).toMatchObject({ backend: victim.id, healthy: false });
    expect(second.reason).toContain(`ejected for ${COOLDOWN * 2} ms`);
    await load.stop();

    // No attempt started on the victim while it was ejected.
    const toVictim = strategy.attempts.filter((a) => a.backend === victim.id);
    expect(toVictim.filter((a) => a.at > ejected.at && a.at < returned.at)).toEqual([]);
    // The failed attempts are the ones in flight when it died plus the probation request.
    const failedOnVictim = hooks.ends.filter(
      (e) => e.backend === victim.id && e.failure !== undefined,
    );
    expect(failedOnVictim.length).toBeGreaterThanOrEqual(2);
    expect(
      failedOnVictim.filter((e) => e.at > ejected.at && e.at < returned.at).length,
    ).toBeLessThanOrEqual(4);
    // Every failed attempt was retried elsewhere: clients only ever saw 200s.
    expect(load.failures()).toEqual([]);
    const after = load.replies.filter((r) => r.at > ejected.at + 50);
    expect(after.length).toBeGreaterThan(20);
    expect(new Set(after.map((r) => r.backend))).toEqual(new Set(['1', '3']));
  });
});
