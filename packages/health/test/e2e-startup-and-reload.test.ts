/**
 * End to end through Helios: a backend that is dead at start-up, a backend a reload adds, and one
 * a reload removes. Start-up must not wait an interval nor cost clients requests; an added backend
 * must not see traffic before its first probe passes; a removed one must stop being probed.
 */
import { describe, expect, it } from 'vitest';
import { proxyConfig, useEndToEnd } from './proxy-fixture.js';
import { waitFor } from './wait-for.js';

const INTERVAL = 100;
const HEALTH = {
  passive: { cooldown: 300, maxCooldown: 600 },
  // Short probes keep the test fast; the high threshold keeps a healthy backend in service when
  // a loaded machine (the whole suite at once) lets a few of them time out in a row.
  active: { interval: INTERVAL, timeout: INTERVAL, jitter: 0.1, unhealthyThreshold: 10 },
};

const e2e = useEndToEnd();

describe('start-up and reload end to end', () => {
  it('takes a backend that is dead at start-up out on its first probe, without client errors', async () => {
    const fleet = await e2e.fleet(3);
    const dead = fleet.backend(3);
    await dead.set({ refuse: true });
    // A generous timeout: the first probes of a cold process (undici compiles its parser on
    // first use) can be slow on a busy machine, and a new backend's first failure counts.
    const helios = await e2e.helios(fleet, {
      ...HEALTH,
      active: { interval: 1_000, timeout: 1_000, jitter: 0.1 },
    });
    const load = e2e.load(helios.url, { concurrency: 3, maxRequests: 20_000, gapMs: 3 });
    const target = helios.proxy.backends[2]!;

    await waitFor(() => target.isDown('active'), 'the first probe to fail', 500);
    expect(target.downReason).toMatch(/ECONNREFUSED.*\(first check failed\)/);

    await dead.set({ refuse: false });
    await waitFor(() => target.available, 'backend 3 in service after one passing probe');
    await waitFor(() => dead.stats.requests >= 10, 'traffic on backend 3');
    await load.stop();
    // Attempts that met the dead backend before its probe answered were retried elsewhere.
    expect(load.failures()).toEqual([]);
  });

  it('holds a backend a reload adds until its first probe passes, and stops probing removed ones', async () => {
    const fleet = await e2e.fleet(3);
    const [one, two, three] = fleet.urls as [string, string, string];
    const helios = await e2e.helios(fleet, HEALTH, { urls: [one, two] });
    const load = e2e.load(helios.url, { concurrency: 3, maxRequests: 20_000, gapMs: 3 });
    await waitFor(() => fleet.backend(2).stats.requests !== 0, 'traffic');

    // Backend 3 joins while its /health fails: it must get no traffic at all.
    const added = fleet.backend(3);
    await added.set({ healthStatus: 503 });
    const grown = proxyConfig([one, two, three], HEALTH);
    helios.checker.configure(grown.health, grown.backends ?? []);
    await helios.proxy.reload(grown);
    const joined = helios.proxy.backends[2]!;
    expect(joined.available).toBe(false);
    await waitFor(() => added.stats.healthChecks >= 3, 'three failing probes of backend 3');
    expect(joined.available).toBe(false);
    expect(added.stats.requests).toBe(0);

    await added.set({ healthStatus: 200 });
    await waitFor(() => joined.available, 'backend 3 in service after one passing probe');
    await waitFor(() => added.stats.requests >= 10, 'traffic on backend 3');

    // Backend 1 leaves: its probes stop.
    const shrunk = proxyConfig([two, three], HEALTH);
    helios.checker.configure(shrunk.health, shrunk.backends ?? []);
    await helios.proxy.reload(shrunk);
    const probesOfRemoved = fleet.backend(1).stats.healthChecks;
    const probesOfKept = fleet.backend(2).stats.healthChecks;
    await waitFor(
      () => fleet.backend(2).stats.healthChecks === probesOfKept + 5,
      'five probes of backend 2',
    );
    // One probe may have been on the wire when the reload aborted it.
    expect(fleet.backend(1).stats.healthChecks).toBeLessThanOrEqual(probesOfRemoved + 1);

    await load.stop();
    expect(load.failures()).toEqual([]);
  });
});
