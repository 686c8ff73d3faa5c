/**
 * Passive health across workers, end to end: the primary runs the one passive detector on the
 * outcomes every worker reports, so `failureThreshold` counts consecutive failures of the whole
 * cluster and `maxEjectedPercent` caps ejections of the whole cluster. Each request opens a new
 * connection, and the primary hands connections to the two workers in turn.
 */
import { describe, expect, it } from 'vitest';
import { clusterYaml, get, isMsg, launch } from './support/cluster.js';
import { sharedFleet } from './support/fleet.js';

const fleet = await sharedFleet(3);

const passive = (threshold: number, extra: string[] = []) => [
  'retries: 0',
  'health:',
  '  active:',
  '    enabled: false',
  '  passive:',
  `    failureThreshold: ${threshold}`,
  '    cooldown: 1m',
  ...extra,
];

describe('passive health with workers: 2', () => {
  it('counts failureThreshold over both workers together', async () => {
    const { cli } = await launch(clusterYaml(passive(4), fleet.urls));
    const port = await cli.listeningPort();
    // Healthy backends answer slowly, so each failure has long reached the primary before the
    // next request to backend 3 is sent.
    fleet.backends[0]?.set({ latency: 40 });
    fleet.backends[1]?.set({ latency: 40 });
    fleet.backends[2]?.set({ status: 500 });
    const before = fleet.backends[2]?.stats.requests ?? 0;
    const ejected = () => cli.logs.find(isMsg(/taken out of service by passive/));
    for (let i = 0; i < 40 && ejected() === undefined; i++) await get(port);
    expect(ejected()?.backend).toBe(fleet.urls[2]);
    const failures = (fleet.backends[2]?.stats.requests ?? 0) - before;
    // Both workers' failures count: 4 (5 at worst if the machine lags). Counted per worker,
    // the 4th failure of one worker would be the 7th of the cluster.
    expect(failures).toBeGreaterThanOrEqual(4);
    expect(failures).toBeLessThanOrEqual(5);
    const after = await Promise.all(Array.from({ length: 6 }, () => get(port)));
    expect(after.every((a) => a.status === 200 && a.backend !== 3)).toBe(true);
  });

  it('enforces maxEjectedPercent over both workers together', async () => {
    const { cli } = await launch(
      clusterYaml(passive(1, ['    maxEjectedPercent: 50']), fleet.urls.slice(0, 2)),
    );
    const port = await cli.listeningPort();
    fleet.backends[0]?.set({ status: 500 });
    fleet.backends[1]?.set({ status: 500 });
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await get(port));
    await cli.waitForLog('the cap', isMsg(/kept in service/));
    // One ejection for the cluster; the other backend keeps serving (its 500s reach the
    // client). Per worker, each could eject a different one and leave no backend at all.
    expect(cli.logs.filter(isMsg(/taken out of service by passive/))).toHaveLength(1);
    expect(answers.every((a) => a.status === 500 && a.backend !== 0)).toBe(true);
    const kept = cli.logs.find(isMsg(/kept in service/));
    expect(kept?.worker).toBeUndefined();
  });
});
