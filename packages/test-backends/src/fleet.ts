/** Starts N numbered backends together and hands back one handle to steer or close them all. */

import type { Behaviour } from './behaviour.js';
import { TestBackendError } from './errors.js';
import type { RequestEndEvent } from './host.js';
import { type BackendTlsOptions, startBackend, type TestBackend } from './server.js';

export interface StartBackendsOptions {
  /** How many backends (1..1000); they are numbered 1..count. */
  count: number;
  /** Backend N listens on basePort + N - 1. 0 or undefined: ephemeral ports. */
  basePort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Initial behaviour for every backend. */
  behaviour?: Partial<Behaviour>;
  /** Let the servers keep the process alive (default false; the CLI sets it). */
  keepProcessAlive?: boolean;
  /** Called when each request's response is over, on any backend. */
  onRequestEnd?: (event: RequestEndEvent) => void;
  /** Serve HTTPS with this certificate (its names must cover `host`); urls become https://. */
  tls?: BackendTlsOptions;
  /** With `tls`: serve HTTP/2 too (ALPN h2 and http/1.1). */
  http2?: boolean;
}

export interface Fleet {
  readonly backends: readonly TestBackend[];
  readonly urls: readonly string[];
  /** The backend numbered `index` (1-based); throws if there is none. */
  backend(index: number): TestBackend;
  /** Applies the same change to every backend. */
  set(patch: Partial<Behaviour>): Promise<void>;
  /** Every backend back to defaults. */
  reset(): Promise<void>;
  resetStats(): void;
  close(): Promise<void>;
}

const MAX_COUNT = 1000;

function invalidOptions(message: string): TestBackendError {
  return new TestBackendError('HELIOS_TEST_BACKENDS_INVALID_OPTIONS', `startBackends: ${message}`);
}

function validate(options: StartBackendsOptions): number {
  const { count, basePort = 0 } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw invalidOptions(`count must be an integer 1..${MAX_COUNT}, got ${String(count)}`);
  }
  if (!Number.isInteger(basePort) || basePort < 0 || basePort + count - 1 > 65_535) {
    throw invalidOptions(
      `basePort must be 0 (ephemeral) or a port such that basePort + count - 1 <= 65535, got ${String(basePort)}`,
    );
  }
  return basePort;
}

export async function startBackends(options: StartBackendsOptions): Promise<Fleet> {
  const basePort = validate(options);
  const starts: Promise<TestBackend>[] = [];
  for (let index = 1; index <= options.count; index++) {
    starts.push(
      startBackend({
        index,
        port: basePort === 0 ? 0 : basePort + index - 1,
        host: options.host ?? '127.0.0.1',
        behaviour: options.behaviour ?? {},
        keepProcessAlive: options.keepProcessAlive ?? false,
        onRequestEnd: options.onRequestEnd,
        tls: options.tls,
        http2: options.http2,
      }),
    );
  }
  const settled = await Promise.allSettled(starts);
  const backends: TestBackend[] = [];
  let failure: unknown;
  for (const result of settled) {
    if (result.status === 'fulfilled') backends.push(result.value);
    else failure ??= result.reason;
  }
  if (failure !== undefined) {
    await Promise.all(backends.map((b) => b.close()));
    throw failure;
  }
  return createFleet(backends);
}

function createFleet(backends: readonly TestBackend[]): Fleet {
  return {
    backends,
    urls: backends.map((b) => b.url),
    backend(index: number): TestBackend {
      const found = backends[index - 1];
      if (found === undefined) {
        throw invalidOptions(`no backend ${index}; backends are numbered 1..${backends.length}`);
      }
      return found;
    },
    async set(patch: Partial<Behaviour>): Promise<void> {
      await Promise.all(backends.map((b) => b.set(patch)));
    },
    async reset(): Promise<void> {
      await Promise.all(backends.map((b) => b.reset()));
    },
    resetStats(): void {
      for (const b of backends) b.resetStats();
    },
    async close(): Promise<void> {
      await Promise.all(backends.map((b) => b.close()));
    },
  };
}
