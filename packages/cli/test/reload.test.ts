/**
 * Live reload through the real process, under load. A loop of requests and a set of open
 * WebSockets run across many SIGHUP reloads (backends added, removed and reweighted, the strategy
 * changed, health settings changed); every response is counted (all must be 2xx, none may fail)
 * and every socket must still echo afterwards. An invalid config is rejected with validate's
 * report and the old config keeps serving; --watch reloads on a file change.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CliProcess, type LogLine, stopAll } from './support/cli-process.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

let fleet: Fleet;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  fleet = await startBackends({ count: 4 });
});
afterAll(async () => {
  await fleet.close();
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  stopAll();
  await removeTempDirs();
});

function url(n: number): string {
  const u = fleet.urls[n - 1];
  if (u === undefined) throw new Error(`no backend ${n}`);
  return u;
}

interface Variant {
  strategy: string;
  backends: Array<[number, number]>; // [backend number, weight]
  health: string[];
}

function configText(v: Variant): string {
  return [
    'port: 8080',
    'host: 127.0.0.1',
    `strategy: ${v.strategy}`,
    'backends:',
    ...v.backends.flatMap(([n, w]) => [`  - url: ${url(n)}`, `    weight: ${w}`]),
    'health:',
    ...v.health.map((l) => `  ${l}`),
    '',
  ].join('\n');
}

const healthA = ['active:', '  interval: 1s', '  timeout: 800ms'];
const healthB = [
  'active:',
  '  interval: 2s',
  '  timeout: 1s',
  '  healthyThreshold: 1',
  'passive:',
  '  failureThreshold: 3',
];
const healthC = ['active:', '  enabled: false'];

const variants: Variant[] = [
  {
    strategy: 'round-robin',
    backends: [
      [1, 1],
      [2, 1],
    ],
    health: healthA,
  },
  {
    strategy: 'round-robin',
    backends: [
      [1, 1],
      [2, 1],
      [3, 1],
    ],
    health: healthA,
  },
  {
    strategy: 'weighted-round-robin',
    backends: [
      [1, 5],
      [2, 1],
      [3, 1],
    ],
    health: healthB,
  },
  {
    strategy: 'least-connections',
    backends: [
      [2, 1],
      [3, 1],
    ],
    health: healthB,
  },
  {
    strategy: 'power-of-two',
    backends: [
      [2, 1],
      [3, 1],
      [4, 1],
    ],
    health: healthC,
  },
  { strategy: 'random', backends: [[4, 1]], health: healthA },
  {
    strategy: 'weighted-round-robin',
    backends: [
      [1, 2],
      [4, 3],
    ],
    health: healthC,
  },
  {
    strategy: 'ewma',
    backends: [
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ],
    health: healthB,
  },
];

function isReloaded(generation: number) {
  return (l: LogLine) => l.msg === `config reloaded (generation ${generation})`;
}

async function openEcho(port: number, path: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function echo(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (ws.readyState !== WebSocket.OPEN) {
      reject(new Error(`socket not open (readyState ${ws.readyState})`));
      return;
    }
    const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5_000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(data.toString());
    });
    ws.send(text);
  });
}

interface LoadResult {
  ok: number;
  bad: string[];
}

/** Sequential requests on `workers` keep-alive connections until `stop()` or `max` requests. */
function startLoad(port: number, workers: number, max: number) {
  let running = true;
  const result: LoadResult = { ok: 0, bad: [] };
  const one = async (): Promise<void> => {
    while (running && result.ok + result.bad.length < max) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/load`);
        const body = await res.text();
        if (res.status >= 200 && res.status < 300 && body.startsWith('Halo dari Server'))
          result.ok++;
        else result.bad.push(`${res.status} ${body.slice(0, 80)}`);
      } catch (error) {
        result.bad.push(String(error));
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, one));
  return {
    result,
    stop: async (): Promise<LoadResult> => {
      running = false;
      await done;
      return result;
    },
  };
}

describe('reload (SIGHUP) under load', () => {
  it('drops no request and no WebSocket across many reloads of backends, strategy and health', async () => {
    const dir = await tempDir();
    const first = variants[0];
    if (first === undefined) throw new Error('no variants');
    const path = await writeConfig(dir, configText(first));
    const cli = new CliProcess(['--config', path, '--port', '0', '--log-format', 'json']);
    const port = await cli.listeningPort();

    const wsList: WebSocket[] = [];
    for (let i = 0; i < 6; i++) wsList.push(await openEcho(port, `/ws/${i}`));
    for (const [i, ws] of wsList.entries())
      expect(await echo(ws, `hello ${i}`)).toContain(`hello ${i}`);

    const load = startLoad(port, 6, 50_000);
    const reloads = 16;
    for (let g = 1; g <= reloads; g++) {
      const variant = variants[g % variants.length];
      if (variant === undefined) throw new Error('no variant');
      await writeFile(path, configText(variant));
      const before = load.result.ok;
      cli.signal('SIGHUP');
      await cli.waitForLog(`reload ${g}`, isReloaded(g));
      // Let traffic flow on the new config before the next reload.
      await cli.waitFor('requests on the new config', () =>
        load.result.ok >= before + 10 || load.result.bad.length > 0 ? true : undefined,
      );
      // Sockets must keep echoing while reloads happen, not only at the end.
      const ws = wsList[g % wsList.length];
      if (ws !== undefined) expect(await echo(ws, `during ${g}`)).toContain(`during ${g}`);
    }
    const { ok, bad } = await load.stop();
    expect(bad).toEqual([]);
    expect(ok).toBeGreaterThan(reloads * 10);

    for (const [i, ws] of wsList.entries()) {
      expect(ws.readyState).toBe(WebSocket.OPEN);
      expect(await echo(ws, `after ${i}`)).toContain(`after ${i}`);
    }

    // The last config is the one serving: variant 0 (backends 1 and 2, round-robin).
    const seen = new Set<string | null>();
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/last`);
      await res.text();
      seen.add(res.headers.get('x-backend'));
    }
    expect([...seen].sort()).toEqual(['1', '2']);

    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  }, 60_000);

  it('survives a SIGHUP sent the moment the listening line appears (handlers go in first)', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      configText({ strategy: 'round-robin', backends: [[1, 1]], health: healthC }),
    );
    // Several at once: the CPU contention widens the window the race needs, if it exists.
    const runs = Array.from({ length: 8 }, async () => {
      const cli = new CliProcess(['--config', path, '--port', '0', '--log-format', 'json']);
      await cli.listeningPort();
      cli.signal('SIGHUP');
      await cli.waitForLog('the reload', (l) => l.msg === 'config reloaded (generation 1)');
      cli.signal('SIGTERM');
      return (await cli.exited).code;
    });
    expect(await Promise.all(runs)).toEqual(Array(8).fill(0));
  });

  it('rejects an invalid config with the validate report and keeps serving the old one', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      configText({ strategy: 'round-robin', backends: [[3, 1]], health: healthC }),
    );
    const cli = new CliProcess(['--config', path, '--port', '0', '--log-format', 'json']);
    const port = await cli.listeningPort();
    const load = startLoad(port, 2, 10_000);
    // Serving before the reload is asked for, so "keeps serving" compares like with like.
    await cli.waitFor('the first answers', () => (load.result.ok >= 5 ? true : undefined));

    await writeFile(
      path,
      [
        'port: 8080',
        'host: 127.0.0.1',
        'strategy: least-conections',
        'backends:',
        `  - ${url(4)}`,
        '',
      ].join('\n'),
    );
    cli.signal('SIGHUP');
    const rejected = await cli.waitForLog('the rejection', (l) =>
      String(l.msg).startsWith('config reload rejected'),
    );
    expect(String(rejected.msg)).toMatch(/helios\.yaml:3:\d+/);
    expect(String(rejected.msg)).toContain('least-connections');
    const before = load.result.ok;
    await cli.waitFor('more requests', () => (load.result.ok >= before + 20 ? true : undefined));
    const { bad } = await load.stop();
    expect(bad).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('Halo dari Server 3');
    expect(cli.logs.some((l) => String(l.msg).startsWith('config reloaded'))).toBe(false);

    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('finishes a slow request on a removed backend without holding up later reloads', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      configText({ strategy: 'round-robin', backends: [[1, 1]], health: healthC }),
    );
    const cli = new CliProcess(['--config', path, '--port', '0', '--log-format', 'json']);
    const port = await cli.listeningPort();
    fleet.backend(1).set({ latency: 3_000 });
    try {
      let slowDone = false;
      const slow = fetch(`http://127.0.0.1:${port}/slow`).then(async (res) => {
        const body = await res.text();
        slowDone = true;
        return { status: res.status, body };
      });
      await cli.waitFor('the slow request to reach backend 1', () =>
        fleet.backend(1).stats.inFlight > 0 ? true : undefined,
      );

      await writeFile(
        path,
        configText({ strategy: 'round-robin', backends: [[2, 1]], health: healthC }),
      );
      cli.signal('SIGHUP');
      await cli.waitForLog('reload 1', isReloaded(1));
      await writeFile(
        path,
        configText({
          strategy: 'least-connections',
          backends: [
            [2, 1],
            [3, 1],
          ],
          health: healthC,
        }),
      );
      cli.signal('SIGHUP');
      await cli.waitForLog('reload 2', isReloaded(2));
      expect(slowDone).toBe(false);

      expect(await slow).toEqual({ status: 200, body: 'Halo dari Server 1' });
    } finally {
      fleet.backend(1).reset();
    }
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('--watch reloads when the file is replaced (write to a temp file, then rename)', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      configText({ strategy: 'round-robin', backends: [[1, 1]], health: healthC }),
    );
    const cli = new CliProcess([
      '--config',
      path,
      '--port',
      '0',
      '--watch',
      '--log-format',
      'json',
    ]);
    const port = await cli.listeningPort();
    await cli.waitForLog(
      'the watch to start',
      (l) => l.msg === 'watching the config file for changes',
    );
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('Halo dari Server 1');

    const next = join(dir, '.helios.yaml.tmp');
    await writeFile(
      next,
      configText({ strategy: 'round-robin', backends: [[2, 1]], health: healthC }),
    );
    await rename(next, path);
    const reloaded = await cli.waitForLog('the watch reload', isReloaded(1));
    expect(reloaded.trigger).toBe('watch');
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('Halo dari Server 2');

    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
