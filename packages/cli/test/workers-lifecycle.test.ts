/**
 * Issue 13, cases 1-3, end to end: the port never closes and a stop never drops a request, at
 * any moment of a cluster's life. Real `helios` processes with `workers: 2`, real fake
 * backends, clients on fresh loopback connections. Workers are made slow to start where a test
 * needs a moment in which some worker is still starting (support/slow-worker.mjs).
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LogLine } from './support/cli-process.js';
import {
  type Attempt,
  ClientLoop,
  clusterYaml,
  get,
  gone,
  isMsg,
  launch,
  slowWorkers,
  until,
  workerPids,
  workerReady,
} from './support/cluster.js';
import { sharedFleet } from './support/fleet.js';

const fleet = await sharedFleet(2);

/** When the primary logged the last worker death (a signal is delivered a moment after kill()). */
function deathTime(logs: readonly LogLine[]): number {
  const deaths = logs.filter(isMsg(/died/)).map((l) => Number(l.time));
  expect(deaths.length).toBeGreaterThan(0);
  return Math.max(...deaths);
}

/** Attempts that did not get a 200. */
function failures(attempts: readonly Attempt[]): Attempt[] {
  return attempts.filter((a) => a.status !== 200);
}

describe('stopping while workers start', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s before every worker is ready: worker 1 finishes its request, the slow one exits, exit 0',
    async (signal) => {
      const slow = await slowWorkers({ 2: 20_000 });
      const { cli } = await launch(clusterYaml(['timeouts:', '  drain: 20s'], fleet.urls), {
        env: slow.env,
      });
      const ready = await workerReady(cli, 1);
      const port = Number(ready.port);
      fleet.backends[0]?.set({ latency: 800 });
      fleet.backends[1]?.set({ latency: 800 });
      const answer = get(port);
      await until('the request to reach a backend', () =>
        fleet.backends.some((b) => b.stats.inFlight > 0),
      );
      cli.signal(signal);
      expect((await answer).status).toBe(200);
      expect((await cli.exited).code).toBe(0);
      // Worker 2 was told to stop while loading: it never served, nobody had to be killed.
      expect(cli.logs.some(isMsg(/^worker 2 ready/))).toBe(false);
      expect(cli.logs.some(isMsg(/^listening on/))).toBe(false);
      expect(cli.logs.some(isMsg(/killing them/))).toBe(false);
      expect(cli.logs.find(isMsg(/^stopped$/))).toBeDefined();
    },
  );

  it('SIGTERM before any worker is ready: exits 0 without waiting for the loading workers', async () => {
    const slow = await slowWorkers({ 1: 20_000, 2: 20_000 });
    const { cli } = await launch(clusterYaml([], fleet.urls), {
      env: slow.env,
      args: ['--log-level', 'debug'],
    });
    await cli.waitFor('both workers forked', () =>
      cli.logs.filter(isMsg(/^worker \d forked/)).length === 2 ? true : undefined,
    );
    const forked = cli.logs.filter(isMsg(/^worker \d forked/)).map((l) => Number(l.workerPid));
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(cli.logs.some(isMsg(/ready/))).toBe(false);
    await until('the forked workers to be gone', () => forked.every(gone));
  });
});

// Client timeouts are generous (a loaded machine starts replacements slowly); a hang still shows.
describe('the port stays open while no worker serves', { timeout: 60_000 }, () => {
  it('SIGTERM to every worker under a client loop: no connection refused, no request failed', async () => {
    const { cli } = await launch(clusterYaml([], fleet.urls));
    const port = await cli.listeningPort();
    const pids = workerPids(cli);
    expect(pids).toHaveLength(2);
    const loop = new ClientLoop(port, { concurrency: 3 });
    await loop.served(20);
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    await cli.waitFor('both replacements', () =>
      cli.logs.filter(isMsg(/replaced: pid \d+ is serving/)).length === 2 ? true : undefined,
    );
    await until('the old workers to exit', () => pids.every(gone));
    await loop.served(20);
    const attempts = await loop.stop();
    expect(failures(attempts)).toEqual([]);
    // Both backends served from the new workers too: the cluster is whole again.
    expect(new Set(attempts.slice(-10).map((a) => a.backend))).toEqual(new Set([1, 2]));
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('SIGKILL to every worker under a client loop: nothing refused, nothing hangs, every later request served', async () => {
    const { cli } = await launch(clusterYaml([], fleet.urls));
    const port = await cli.listeningPort();
    const pids = workerPids(cli);
    const loop = new ClientLoop(port, { concurrency: 3, timeoutMs: 20_000 });
    await loop.served(20);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await cli.waitFor('both replacements', () =>
      cli.logs.filter(isMsg(/replaced: pid \d+ is serving/)).length === 2 ? true : undefined,
    );
    await loop.served(20);
    const attempts = await loop.stop();
    const failed = failures(attempts);
    // A request inside a worker when it is killed dies with it (its connection is reset).
    // Nothing else may fail: no refusal, no hang, and no request started once the primary saw
    // the workers die.
    const diedAt = deathTime(cli.logs);
    expect(failed.filter((a) => a.error === 'ECONNREFUSED' || a.error === 'TIMEOUT')).toEqual([]);
    expect(failed.filter((a) => a.startedAt >= diedAt)).toEqual([]);
    expect(failed.length).toBeLessThanOrEqual(3);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('the only serving worker dies before the other is up: connections wait for a worker', async () => {
    const slow = await slowWorkers({ 2: 6_000 });
    const { cli } = await launch(clusterYaml([], fleet.urls), { env: slow.env });
    const ready = await workerReady(cli, 1);
    const port = Number(ready.port);
    const loop = new ClientLoop(port, { concurrency: 2, timeoutMs: 20_000 });
    await loop.served(10);
    process.kill(Number(ready.workerPid), 'SIGKILL');
    await cli.waitForLog('worker 1 replaced', isMsg(/^worker 1 replaced/), 15_000);
    await loop.served(10);
    const attempts = await loop.stop();
    const failed = failures(attempts);
    expect(failed.filter((a) => a.error === 'ECONNREFUSED' || a.error === 'TIMEOUT')).toEqual([]);
    expect(failed.filter((a) => a.startedAt >= deathTime(cli.logs))).toEqual([]);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});

describe('signals and replacements at other moments', () => {
  it('a SIGHUP during start-up reloads once every worker serves', async () => {
    const slow = await slowWorkers({ 2: 3_000 });
    const { cli } = await launch(clusterYaml([], fleet.urls), { env: slow.env });
    await workerReady(cli, 1);
    cli.signal('SIGHUP');
    await cli.waitForLog('the reload', isMsg(/^config reloaded \(generation 1, 2 workers\)$/));
    const listening = cli.logs.findIndex(isMsg(/^listening on/));
    const reloaded = cli.logs.findIndex(isMsg(/^config reloaded/));
    expect(listening).toBeGreaterThanOrEqual(0);
    expect(reloaded).toBeGreaterThan(listening);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('a worker sent SIGTERM on its own is replaced at once, while it still drains', async () => {
    const { cli } = await launch(clusterYaml(['timeouts:', '  drain: 20s'], fleet.urls));
    const port = await cli.listeningPort();
    // Long enough that a replacement starting on a loaded machine is up before the request ends.
    fleet.backends[0]?.set({ latency: 8_000 });
    fleet.backends[1]?.set({ latency: 8_000 });
    const pids = workerPids(cli);
    const slowAnswers = [get(port), get(port)];
    await until(
      'both workers busy',
      () => fleet.backends.reduce((n, b) => n + b.stats.inFlight, 0) === 2,
    );
    const victim = pids[0] ?? 0;
    process.kill(victim, 'SIGTERM');
    await cli.waitForLog('the replacement', isMsg(/replaced: pid \d+ is serving/));
    // The drained worker is still finishing its request: it was replaced before it exited.
    expect(gone(victim)).toBe(false);
    expect((await Promise.all(slowAnswers)).map((a) => a.status)).toEqual([200, 200]);
    await until('the drained worker to exit', () => gone(victim));
    expect(cli.logs.some(isMsg(/died/))).toBe(false);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});

describe('stopping at other moments', () => {
  it('SIGTERM while a worker is being replaced: exits 0 at once; the replacement never starts', async () => {
    const slow = await slowWorkers({});
    const { cli } = await launch(clusterYaml(['timeouts:', '  drain: 20s'], fleet.urls), {
      env: slow.env,
    });
    const port = await cli.listeningPort();
    const second = Number((await workerReady(cli, 2)).workerPid);
    // Replacements of worker 2 now load slowly; the first worker keeps serving.
    await slow.set({ 2: 20_000 });
    process.kill(second, 'SIGKILL');
    await cli.waitForLog('the crash', isMsg(/^worker 2 .*died/));
    fleet.backends[0]?.set({ latency: 500 });
    fleet.backends[1]?.set({ latency: 500 });
    const answer = get(port);
    await until('the request to reach a backend', () =>
      fleet.backends.some((b) => b.stats.inFlight > 0),
    );
    cli.signal('SIGTERM');
    expect((await answer).status).toBe(200);
    // Not drain + 5 s and SIGKILL (exit 1): the loading replacement is simply stopped.
    expect((await cli.exited).code).toBe(0);
    expect(cli.logs.some(isMsg(/killing them/))).toBe(false);
    expect(cli.logs.some(isMsg(/^worker 2 replaced/))).toBe(false);
  });

  it('SIGTERM right after SIGHUP: the reload and the drain both complete, exit 0', async () => {
    const { cli } = await launch(clusterYaml([], fleet.urls));
    const port = await cli.listeningPort();
    fleet.backends[0]?.set({ latency: 400 });
    fleet.backends[1]?.set({ latency: 400 });
    const answers = [get(port), get(port)];
    await until('requests in flight', () => fleet.backends.some((b) => b.stats.inFlight > 0));
    cli.signal('SIGHUP');
    cli.signal('SIGTERM');
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual([200, 200]);
    expect((await cli.exited).code).toBe(0);
  });

  it('a second SIGTERM stops at once (exit 1), workers included', async () => {
    const { cli } = await launch(clusterYaml(['timeouts:', '  drain: 30s'], fleet.urls));
    const port = await cli.listeningPort();
    const pids = workerPids(cli);
    fleet.backends[0]?.set({ hang: true });
    fleet.backends[1]?.set({ hang: true });
    const hung = get(port).catch((error: NodeJS.ErrnoException) => error.code);
    await until('the request to reach a backend', () =>
      fleet.backends.some((b) => b.stats.inFlight > 0),
    );
    cli.signal('SIGTERM');
    await cli.waitForLog('the drain', isMsg(/^stopping/));
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(1);
    await until('the workers to be gone', () => pids.every(gone));
    expect(await hung).toBe('ECONNRESET');
  });

  it('a primary that dies lets its workers drain: the request in flight still completes', async () => {
    const { cli } = await launch(clusterYaml([], fleet.urls));
    const port = await cli.listeningPort();
    const pids = workerPids(cli);
    fleet.backends[0]?.set({ latency: 800 });
    fleet.backends[1]?.set({ latency: 800 });
    const answer = get(port);
    await until('the request to reach a backend', () =>
      fleet.backends.some((b) => b.stats.inFlight > 0),
    );
    cli.child.kill('SIGKILL');
    expect((await answer).status).toBe(200);
    await until('the orphaned workers to exit', () => pids.every(gone));
  });
});

describe('what the primary hands over is served like any connection', () => {
  it('a worker answers 408 to headers that trickle in slower than timeouts.clientHeader', async () => {
    const { cli } = await launch(clusterYaml(['timeouts:', '  clientHeader: 300ms'], fleet.urls));
    const port = await cli.listeningPort();
    const before = fleet.backends.map((b) => b.stats.requests);
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n'),
      );
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 408/);
    expect(fleet.backends.map((b) => b.stats.requests)).toEqual(before);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('serves as soon as worker 1 is ready, while the others still load', async () => {
    const slow = await slowWorkers({ 2: 20_000, 3: 20_000 });
    const { cli } = await launch(clusterYaml(['workers: 3'], fleet.urls), { env: slow.env });
    const port = Number((await workerReady(cli, 1)).port);
    const answers = await Promise.all(Array.from({ length: 12 }, () => get(port)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(cli.logs.some(isMsg(/^worker [23] ready/))).toBe(false);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
