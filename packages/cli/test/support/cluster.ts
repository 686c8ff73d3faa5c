/**
 * Helpers for the end-to-end tests of `workers:` (a real primary, real worker processes, real
 * sockets on 127.0.0.1): configs, one-request-per-connection clients, a client loop that
 * records every attempt, log and status lookups, and slow-starting workers.
 */
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CliProcess, type LogLine } from './cli-process.js';
import { tempDir, writeConfig } from './temp-dir.js';

export interface Answer {
  status: number;
  /** `X-Backend` of the answer (1-based), 0 when Helios answered itself. */
  backend: number;
  body: string;
}

/** One request on a fresh connection (so the primary hands each to the next worker). */
export function get(port: number, path = '/', timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          backend: Number(res.headers['x-backend'] ?? 0),
          body,
        }),
      );
    });
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    req.on('error', reject);
    req.end();
  });
}

export async function getMany(port: number, count: number, path = '/'): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await get(port, path));
  return answers;
}

export function shares(answers: readonly Answer[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.backend, (counts.get(a.backend) ?? 0) + 1);
  return counts;
}

/** Poll `test` until it holds (every 25 ms), or fail after `timeoutMs`. */
export async function until(
  what: string,
  test: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** helios.yaml for a cluster on an ephemeral loopback port (`workers: 2` unless given). */
export function clusterYaml(extra: readonly string[], backends: readonly string[]): string {
  return `${[
    'port: 0',
    'host: 127.0.0.1',
    ...(extra.some((l) => l.startsWith('workers:')) ? [] : ['workers: 2']),
    ...extra,
    'backends:',
    ...backends.map((url) => `  - ${url}`),
  ].join('\n')}\n`;
}

export interface StartedCluster {
  cli: CliProcess;
  /** The config file (rewrite it and send SIGHUP to reload). */
  path: string;
  dir: string;
}

/** Start `helios` on a config; does not wait for anything. */
export async function launch(
  yaml: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<StartedCluster> {
  const dir = await tempDir();
  const path = await writeConfig(dir, yaml);
  const cli = new CliProcess(['--config', path, '--log-format', 'json', ...(options.args ?? [])], {
    env: options.env,
  });
  return { cli, path, dir };
}

export const isMsg =
  (pattern: RegExp) =>
  (line: LogLine): boolean =>
    pattern.test(String(line.msg ?? ''));

/** pid of each worker that started, from the primary's "worker N ready (pid P)" lines. */
export function workerPids(cli: CliProcess): number[] {
  return cli.logs.filter(isMsg(/^worker \d+ ready/)).map((l) => Number(l.workerPid));
}

/** Wait for "worker `slot` ready" and return its line (it carries `port` and `workerPid`). */
export function workerReady(cli: CliProcess, slot: number, timeoutMs = 15_000): Promise<LogLine> {
  return cli.waitForLog(
    `worker ${slot} ready`,
    isMsg(new RegExp(`^worker ${slot} ready`)),
    timeoutMs,
  );
}

export async function adminUrl(cli: CliProcess): Promise<string> {
  const line = await cli.waitForLog('the admin line', isMsg(/^admin listening/));
  return String(line.address);
}

export interface WorkerStatus {
  pid: number;
  generation: number;
  requests: number;
  backends: number;
}

export interface ClusterStatus {
  generation: number;
  backends: { id: string; weight: number; available: boolean }[];
  workers: WorkerStatus[];
}

export async function clusterStatus(admin: string): Promise<ClusterStatus> {
  const res = await fetch(`${admin}api/status`);
  const body = (await res.json()) as ClusterStatus;
  body.workers.sort((a, b) => a.pid - b.pid);
  return body;
}

/** Is process `pid` gone? */
export function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

export interface Attempt {
  startedAt: number;
  endedAt: number;
  status?: number;
  backend?: number;
  /** The error code (ECONNREFUSED, ECONNRESET, TIMEOUT, ...) when the request failed. */
  error?: string;
}

/**
 * `concurrency` loops, each sending one request per fresh connection after the other, until
 * `stop()`. Every attempt is recorded with its start time, so a test can tell requests started
 * before an event from those started after it.
 */
export class ClientLoop {
  readonly attempts: Attempt[] = [];
  #running = true;
  readonly #done: Promise<void>;

  constructor(
    port: number,
    options: { concurrency?: number; path?: string; timeoutMs?: number } = {},
  ) {
    const loop = async (): Promise<void> => {
      while (this.#running) {
        const startedAt = Date.now();
        try {
          const answer = await get(port, options.path ?? '/', options.timeoutMs ?? 10_000);
          this.attempts.push({
            startedAt,
            endedAt: Date.now(),
            status: answer.status,
            backend: answer.backend,
          });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? String(error);
          this.attempts.push({ startedAt, endedAt: Date.now(), error: code });
        }
      }
    };
    this.#done = Promise.all(Array.from({ length: options.concurrency ?? 3 }, loop)).then(
      () => undefined,
    );
  }

  /** Answered with 200. */
  get ok(): number {
    return this.attempts.filter((a) => a.status === 200).length;
  }

  /** Wait until `more` further requests have been answered with 200. */
  async served(more: number, timeoutMs = 20_000): Promise<void> {
    const target = this.ok + more;
    await until(`${more} more answered requests`, () => this.ok >= target, timeoutMs);
  }

  async stop(): Promise<Attempt[]> {
    this.#running = false;
    await this.#done;
    return this.attempts;
  }
}

/**
 * Slow-starting workers, through a preload module (test/support/slow-worker.mjs): the slots
 * listed in the returned file sleep that long before the CLI loads, as a loaded machine would.
 * Rewrite the file with `set()` to slow down only later starts (replacements).
 */
export async function slowWorkers(delays: Record<number, number>): Promise<{
  env: NodeJS.ProcessEnv;
  set(delays: Record<number, number>): Promise<void>;
}> {
  const dir = await tempDir();
  const file = join(dir, 'slow-workers.json');
  await writeFile(file, JSON.stringify(delays));
  const preload = pathToFileURL(fileURLToPath(new URL('./slow-worker.mjs', import.meta.url))).href;
  return {
    env: { NODE_OPTIONS: `--import=${preload}`, HELIOS_TEST_SLOW_WORKERS: file },
    set: (next) => writeFile(file, JSON.stringify(next)),
  };
}
