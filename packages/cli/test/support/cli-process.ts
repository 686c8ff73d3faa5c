/**
 * Runs the `helios` command as a real child process, through bin/helios.js (the committed bin
 * that package managers link, which loads the built dist/bin.js), and lets tests wait for
 * what it prints: JSON log lines (parsed), plain lines, and the exit code. Every process a test
 * starts is killed in `stopAll()` (call it from afterEach).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const binPath = fileURLToPath(new URL('../../bin/helios.js', import.meta.url));

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<ChildProcess>();

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  #exit: Exit | undefined;
  #waiters: Array<() => void> = [];

  constructor(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(process.execPath, [binPath, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.#notify();
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        running.delete(this.child);
        // Let the last stdout/stderr chunks arrive before anyone reads them.
        setImmediate(() => {
          this.#exit = { code, signal };
          resolve(this.#exit);
          this.#notify();
        });
      });
    });
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Every complete stdout line that is a JSON object. */
  get logs(): LogLine[] {
    const out: LogLine[] = [];
    for (const line of this.stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        out.push(JSON.parse(line) as LogLine);
      } catch {
        // A line still being written.
      }
    }
    return out;
  }

  /** Wait until `test` returns a value (checked on every output chunk), or fail after timeoutMs. */
  async waitFor<T>(what: string, test: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = test();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0 || this.#exit !== undefined) {
        const why =
          this.#exit === undefined
            ? 'timed out'
            : `exited (${this.#exit.code ?? this.#exit.signal})`;
        throw new Error(
          `${why} waiting for ${what}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForLog(what: string, test: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine> {
    return this.waitFor(what, () => this.logs.find(test), timeoutMs);
  }

  /** The port from the "listening on ..." log line (start-up is slow on a loaded machine). */
  async listeningPort(): Promise<number> {
    const line = await this.waitForLog(
      'the listening log line',
      (l) => String(l.msg ?? '').startsWith('listening on'),
      30_000,
    );
    return Number(line.port);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Start `helios` with `args` and wait until it listens (for commands that keep running). */
export async function startCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ cli: CliProcess; port: number }> {
  const cli = new CliProcess(args, options);
  return { cli, port: await cli.listeningPort() };
}

/** Run to completion (for commands that exit on their own). */
export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = new CliProcess(args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

export function stopAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
