/**
 * Issue 13, case 4 and the reload storm, end to end: reloads of a cluster are numbered
 * generations; every worker applies each one whole (backends, strategy, health, access log,
 * log level) or not at all, never an older one after a newer one, and a slow request on a
 * removed backend never delays or reorders a swap. Checked through `/api/status` (each worker's
 * generation and backend count), the access log and the answers themselves.
 */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  adminUrl,
  ClientLoop,
  clusterStatus,
  clusterYaml,
  get,
  getMany,
  isMsg,
  launch,
  shares,
  until,
} from './support/cluster.js';
import { sharedFleet } from './support/fleet.js';

const fleet = await sharedFleet(3);

function url(n: number): string {
  const u = fleet.urls[n - 1];
  if (u === undefined) throw new Error(`no backend ${n}`);
  return u;
}

const base = ['admin:', '  port: 0', 'health:', '  active:', '    enabled: false'];

/** Access log lines of requests to `path`. */
/** Access log entries for `path` (JSON lines, as the access log writes next to JSON logs). */
function accessLines(stdout: string, path: string): number {
  let count = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"log":"access"')) continue;
    const entry = JSON.parse(line) as { path?: string };
    if (entry.path === path) count++;
  }
  return count;
}

describe('overlapping reloads of a cluster', () => {
  it('applies each generation whole and in order while a request to a removed backend runs', async () => {
    const { cli, path } = await launch(clusterYaml([...base, 'accessLog: true'], [url(1)]));
    const port = await cli.listeningPort();
    const admin = await adminUrl(cli);
    fleet.backends[0]?.set({ latency: 4_000 });
    const long = get(port, '/long', 20_000);
    await until(
      'the long request to reach backend 1',
      () => fleet.backends[0]?.stats.inFlight === 1,
    );

    // Generation 1 removes backend 1 and turns the access log off.
    await writeFile(path, clusterYaml([...base, 'accessLog: false'], [url(2)]));
    cli.signal('SIGHUP');
    await cli.waitForLog('generation 1', isMsg(/^config reloaded \(generation 1, 2 workers\)$/));
    // Generation 2 (while the request on the removed backend still runs): 2 and 3, log on.
    await writeFile(path, clusterYaml([...base, 'accessLog: true'], [url(2), url(3)]));
    cli.signal('SIGHUP');
    await cli.waitForLog('generation 2', isMsg(/^config reloaded \(generation 2, 2 workers\)$/));
    // Acknowledged by every worker while the old pool still has its request: nothing waited.
    expect(fleet.backends[0]?.stats.inFlight).toBe(1);

    const check = async (label: string) => {
      const status = await clusterStatus(admin);
      expect(status.generation).toBe(2);
      expect(status.workers.map((w) => [w.generation, w.backends])).toEqual([
        [2, 2],
        [2, 2],
      ]);
      const answers = await getMany(port, 12, `/${label}`);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect([...shares(answers).keys()].sort()).toEqual([2, 3]);
      // Both workers write the access log (requests alternate between them).
      await cli.waitFor(`the access log of /${label}`, () =>
        accessLines(cli.stdout, `/${label}`) === 12 ? true : undefined,
      );
    };
    await check('after-generation-2');

    expect(await long).toMatchObject({ status: 200, backend: 1 });
    // The removed backend's pool closes once its request ended; nothing is re-applied then.
    await until('the retired pool to close', () => fleet.backends[0]?.stats.connections === 0);
    await check('after-the-pool-closed');
    expect(cli.logs.filter(isMsg(/^config reload/))).toHaveLength(2);
    const metrics = await (await fetch(`${admin}metrics`)).text();
    expect(metrics).toContain('helios_config_reloads_total{outcome="success"} 2');
    expect(metrics).toContain('helios_config_reloads_total{outcome="failure"} 0');

    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('survives a storm of 50 SIGHUPs alternating two configs under traffic and WebSockets', async () => {
    const small = (weight: number) =>
      clusterYaml(
        [...base, 'strategy: round-robin', 'timeouts:', '  drain: 5s'],
        [url(1), url(2)],
      ).replace(`  - ${url(2)}`, `  - url: ${url(2)}\n    weight: ${weight}`);
    const large = (weight: number) =>
      clusterYaml(
        [...base, 'strategy: weighted-round-robin', 'timeouts:', '  drain: 5s'],
        [url(1), url(2), url(3)],
      ).replace(`  - ${url(3)}`, `  - url: ${url(3)}\n    weight: ${weight}`);
    const { cli, path } = await launch(small(1));
    const port = await cli.listeningPort();
    const admin = await adminUrl(cli);

    const sockets: WebSocket[] = [];
    for (let i = 0; i < 6; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/${i}`);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      sockets.push(ws);
    }
    const closed: number[] = [];
    for (const [i, ws] of sockets.entries()) ws.on('close', () => closed.push(i));
    const echo = (ws: WebSocket, text: string) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5_000);
        ws.once('message', (data) => {
          clearTimeout(timer);
          resolve(data.toString());
        });
        ws.send(text);
      });

    const loop = new ClientLoop(port, { concurrency: 3 });
    await loop.served(10);
    // 50 reloads, alternating two configs; the weight makes every written file unique, so the
    // last one (weight 50, the large config) is recognisable in the status of the primary.
    for (let i = 1; i <= 50; i++) {
      await writeFile(path, i % 2 === 0 ? large(i) : small(i));
      cli.signal('SIGHUP');
      if (i % 10 === 0) {
        const ws = sockets[(i / 10) % sockets.length];
        if (ws !== undefined) expect(await echo(ws, `during ${i}`)).toContain(`during ${i}`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(
      'every worker to run the last config',
      async () => {
        const status = await clusterStatus(admin);
        const third = status.backends.find((b) => b.id === url(3));
        return (
          third?.weight === 50 &&
          status.workers.length === 2 &&
          status.workers.every((w) => w.generation === status.generation && w.backends === 3)
        );
      },
      30_000,
    );
    await loop.served(20);
    const attempts = await loop.stop();
    expect(attempts.filter((a) => a.status !== 200)).toEqual([]);
    expect(closed).toEqual([]);
    for (const [i, ws] of sockets.entries()) {
      expect(await echo(ws, `after ${i}`)).toContain(`after ${i}`);
    }
    // No worker ever went backwards, and none failed a generation.
    expect(cli.logs.filter(isMsg(/did not apply|reload failed/))).toEqual([]);
    const generations = cli.logs
      .filter(isMsg(/^config reloaded \(generation \d+, 2 workers\)$/))
      .map((l) => Number(l.generation));
    expect(generations).toEqual(generations.map((_, i) => i + 1));
    // The last config serves: backend 3 exists only there, and gets nearly every request.
    const answers = await getMany(port, 12);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(shares(answers).get(3)).toBeGreaterThanOrEqual(10);
    for (const ws of sockets) ws.terminate();
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  }, 60_000);
});
