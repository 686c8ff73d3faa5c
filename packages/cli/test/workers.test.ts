/**
 * Issue 9 end to end: the built `helios` command with `workers: 2`, three fake backends, real
 * sockets. Every request opens a new connection, so the cluster spreads them over both workers;
 * each test then proves one promise of docs/workers.md: even shares, one health view (active
 * and passive), crash replacement, reload reaching every worker with no failed request, and a
 * SIGTERM that drains and exits 0.
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type CliProcess, type LogLine, startCli } from './support/cli-process.js';
import { sharedFleet } from './support/fleet.js';
import { tempDir, writeConfig } from './support/temp-dir.js';

const fleet = await sharedFleet(3);

interface Answer {
  status: number;
  /** `X-Backend` of the answer (1-based), 0 when Helios answered itself. */
  backend: number;
}

/** One request on a fresh connection (so the cluster picks a worker for each). */
function get(port: number, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, backend: Number(res.headers['x-backend'] ?? 0) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function getMany(port: number, count: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await get(port));
  return answers;
}

function shares(answers: readonly Answer[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.backend, (counts.get(a.backend) ?? 0) + 1);
  return counts;
}

/** Poll `test` until it holds (every 25 ms), or fail after `timeoutMs`. */
async function until(what: string, test: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function yaml(extra: string[], backends: readonly string[] = fleet.urls): string {
  return `${[
    'port: 0',
    'host: 127.0.0.1',
    ...(extra.some((l) => l.startsWith('workers:')) ? [] : ['workers: 2']),
    ...extra,
    'backends:',
    ...backends.map((url) => `  - ${url}`),
  ].join('\n')}\n`;
}

async function startHelios(extra: string[], backends?: readonly string[], args: string[] = []) {
  const dir = await tempDir();
  const path = await writeConfig(dir, yaml(extra, backends));
  const { cli, port } = await startCli(['--config', path, '--log-format', 'json', ...args]);
  return { cli, port, path };
}

/** pid of each worker, from the primary's "worker N ready (pid P)" lines. */
function workerPids(cli: CliProcess): number[] {
  return cli.logs
    .filter((l) => /^worker \d+ ready/.test(String(l.msg)))
    .map((l) => Number(l.workerPid));
}

async function adminUrl(cli: CliProcess): Promise<string> {
  const line = await cli.waitForLog('the admin line', (l) =>
    /^admin listening/.test(String(l.msg)),
  );
  return String(line.address);
}

interface WorkerStatus {
  pid: number;
  requests: number;
  backends: number;
}

async function clusterStatus(admin: string): Promise<WorkerStatus[]> {
  const res = await fetch(`${admin}api/status`);
  const body = (await res.json()) as { workers: WorkerStatus[] };
  return body.workers.sort((a, b) => a.pid - b.pid);
}

async function workerRequests(admin: string): Promise<number[]> {
  return (await clusterStatus(admin)).map((w) => w.requests);
}

const isMsg = (pattern: RegExp) => (line: LogLine) => pattern.test(String(line.msg ?? ''));

describe('helios with workers: 2', () => {
  it('starts two workers on one port and gives each of three backends an even share', async () => {
    const { cli, port } = await startHelios(['admin:', '  port: 0']);
    const pids = workerPids(cli);
    expect(pids).toHaveLength(2);
    const listening = cli.logs.find(isMsg(/^listening on/));
    expect(listening?.workers).toBe(2);

    const answers = await getMany(port, 60);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Round robin per worker: each backend gets 60/3 ± (number of workers).
    for (const backend of [1, 2, 3]) {
      const count = shares(answers).get(backend) ?? 0;
      expect(Math.abs(count - 20)).toBeLessThanOrEqual(2);
    }
    // /metrics adds the workers' counters up, and reports shared state once, not per worker.
    const metrics = await (await fetch(`${await adminUrl(cli)}metrics`)).text();
    const sample = (pattern: RegExp) =>
      metrics
        .split('\n')
        .filter((line) => pattern.test(line))
        .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(sample(/^helios_requests_total\{/)).toBe(60);
    expect(sample(/^helios_backend_up\{/)).toBe(3);
    // ... with the pool labels intact: a config without pools is all `default`.
    expect(sample(/^helios_requests_total\{.*pool="default"/)).toBe(60);
    expect(sample(/^helios_backend_up\{pool="default",/)).toBe(3);
    // /api/status groups the added-up traffic by pool too.
    const status = (await (await fetch(`${await adminUrl(cli)}api/status`)).json()) as {
      backends: { pool: string; requests: number }[];
      pools: {
        name: string;
        backends: string[];
        totals: { requests: number; backendsUp: number };
      }[];
    };
    expect(status.backends.map((b) => b.pool)).toEqual(['default', 'default', 'default']);
    expect(status.pools.map((p) => [p.name, p.backends.length, p.totals.backendsUp])).toEqual([
      ['default', 3, 3],
    ]);
    expect(status.pools[0]?.totals.requests).toBe(60);
  });

  it('probes once in the primary and takes a failing backend out of every worker', async () => {
    const { cli, port } = await startHelios([
      'health:',
      '  active:',
      '    interval: 300ms',
      '    timeout: 300ms',
      '    jitter: 0',
      '    unhealthyThreshold: 1',
      '  passive:',
      '    enabled: false',
    ]);
    fleet.backends[1]?.set({ healthStatus: 503 });
    const down = await cli.waitForLog(
      'backend 2 taken out of service',
      (l) =>
        isMsg(/taken out of service by active/)(l) &&
        l.backend === fleet.urls[1] &&
        /answered 503/.test(String(l.reason)),
    );
    // Only the primary probes: the one transition line is its own (workers log with `worker`).
    expect(down.worker).toBeUndefined();
    expect(workerPids(cli)).not.toContain(down.pid);

    const answers = await getMany(port, 30);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(shares(answers).get(2)).toBeUndefined();
    const activeLines = cli.logs.filter(isMsg(/taken out of service by active/));
    // (A loaded test machine may time a probe out now and then; count the 503 verdicts.)
    const verdicts = activeLines.filter(
      (l) => l.backend === fleet.urls[1] && /answered 503/.test(String(l.reason)),
    );
    expect(verdicts).toHaveLength(1);
    expect(activeLines.every((l) => l.worker === undefined)).toBe(true);
  });

  it('applies a passive ejection seen by one worker in all of them', async () => {
    const { cli, port } = await startHelios([
      'admin:',
      '  port: 0',
      'retries: 0',
      'health:',
      '  active:',
      '    enabled: false',
      '  passive:',
      '    failureThreshold: 1',
      '    cooldown: 1m',
    ]);
    fleet.backends[2]?.set({ status: 500 });
    // Requests until one reaches backend 3 in some worker and gets its 500.
    await until('a 500 from backend 3', async () => (await get(port)).status === 500);
    const ejected = await cli.waitForLog('the passive ejection', isMsg(/by passive health check/));
    expect(ejected.backend).toBe(fleet.urls[2]);
    // Decided by the primary, from the outcomes every worker reports.
    expect(ejected.worker).toBeUndefined();
    // Heal backend 3 at once: from now on no worker can see a failure of its own, so only the
    // relayed ejection can keep a worker away from it.
    await fleet.backends[2]?.reset();

    // Both workers serve these (new connection each time), and neither sends one to backend 3.
    await until('the ejection to reach every worker', async () => {
      const answers = await getMany(port, 6);
      return answers.every((a) => a.backend !== 3);
    });
    const admin = await adminUrl(cli);
    const before = await workerRequests(admin);
    const answers = await getMany(port, 30);
    expect(answers.every((a) => a.status === 200 && a.backend !== 3)).toBe(true);
    // ...and both workers took part in those 30.
    const after = await workerRequests(admin);
    expect(after).toHaveLength(2);
    for (const [i, n] of after.entries()) expect(n).toBeGreaterThan(before[i] ?? 0);
    // Logged once, by the primary: the workers applied it quietly.
    expect(cli.logs.filter(isMsg(/by passive health check/))).toHaveLength(1);
  });

  it('lets least-connections see the requests in flight in the other worker', async () => {
    const { cli, port } = await startHelios(
      ['strategy: least-connections', 'admin:', '  port: 0'],
      fleet.urls.slice(0, 2),
    );
    const admin = await adminUrl(cli);
    const inFlight = async () => {
      const res = await fetch(`${admin}api/status`);
      return ((await res.json()) as { totals: { inFlight: number } }).totals.inFlight;
    };
    for (const b of fleet.backends) b.set({ latency: 1_500 });
    // The first request holds one backend; once the primary has summed it, the next request
    // (on a new connection, so the other worker) must go to the idle backend.
    const first = get(port);
    await until(
      'the first request to be counted by the primary',
      async () => (await inFlight()) === 1,
    );
    const second = get(port);
    // Either both backends hold one request each, or (without the global view) one holds both.
    await until(
      'the second request to reach a backend',
      async () => fleet.backends.slice(0, 2).reduce((n, b) => n + b.stats.inFlight, 0) === 2,
    );
    expect(fleet.backends.slice(0, 2).map((b) => b.stats.inFlight)).toEqual([1, 1]);
    const answers = await Promise.all([first, second]);
    expect(answers.map((a) => a.backend).sort()).toEqual([1, 2]);
  });

  it('replaces a worker killed with SIGKILL at once and keeps serving', async () => {
    const { cli, port } = await startHelios([]);
    const [victim, survivor] = workerPids(cli);
    expect(victim).toBeDefined();
    process.kill(victim ?? 0, 'SIGKILL');
    const died = await cli.waitForLog('the crash log line', isMsg(/died \(signal SIGKILL\)/));
    expect(died.workerPid).toBe(victim);
    expect(died.restartInMs).toBe(0);
    const replaced = await cli.waitForLog('the replacement', isMsg(/replaced: pid \d+ is serving/));
    expect(replaced.workerPid).not.toBe(victim);
    expect(replaced.workerPid).not.toBe(survivor);

    const answers = await getMany(port, 20);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.backend))).toEqual(new Set([1, 2, 3]));
  });

  it('reloads every worker on SIGHUP without failing a request', async () => {
    const { cli, port, path } = await startHelios(['admin:', '  port: 0'], fleet.urls.slice(0, 2));
    const admin = await adminUrl(cli);
    expect((await clusterStatus(admin)).map((w) => w.backends)).toEqual([2, 2]);
    let stop = false;
    const answers: Answer[] = [];
    const loop = async () => {
      while (!stop) answers.push(await get(port));
    };
    const loops = [loop(), loop(), loop()];
    await until('traffic before the reload', async () => answers.length >= 10);
    await writeConfig(path.slice(0, path.lastIndexOf('/')), yaml(['admin:', '  port: 0']));
    cli.signal('SIGHUP');
    // The primary logs this only after every worker has acknowledged the new config.
    await cli.waitForLog('the reload', isMsg(/^config reloaded/));
    expect((await clusterStatus(admin)).map((w) => w.backends)).toEqual([3, 3]);
    const before = answers.length;
    await until('traffic after the reload', async () => answers.length >= before + 10);
    stop = true;
    await Promise.all(loops);

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const after = await getMany(port, 12);
    // Six per worker, each worker round-robins over three backends: two each, per worker.
    expect(shares(after).get(3)).toBeGreaterThanOrEqual(3);
  });

  it('drains every worker on SIGTERM and exits 0 (workers from --workers)', async () => {
    const { cli, port } = await startHelios(
      ['workers: 1', 'strategy: least-connections'],
      undefined,
      ['--workers', '2'],
    );
    const pids = workerPids(cli);
    expect(pids).toHaveLength(2);
    for (const b of fleet.backends) b.set({ latency: 400 });
    const slow = [get(port), get(port), get(port)];
    await until('requests in flight', async () => fleet.backends.some((b) => b.stats.inFlight > 0));
    cli.signal('SIGTERM');
    const answers = await Promise.all(slow);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const exit = await cli.exited;
    expect(exit.code).toBe(0);
    expect(cli.logs.find(isMsg(/^stopped$/))).toBeDefined();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
