/**
 * One undici `Pool` per backend: keep-alive connections, a cap of `maxConnections`, no
 * pipelining (a slow response must not hold up the next request) and HTTP/1.1 only. Pools are
 * keyed by what cannot change on a live pool, so a reload reuses them when it can.
 */
import { isIP } from 'node:net';
import { type Dispatcher, Pool } from 'undici';
import { Backend } from './backend.js';
import type { BackendConfig, TimeoutsConfig } from './config/types.js';

/** Below Node's default server keep-alive (5 s) so Helios never reuses a socket being closed. */
const UPSTREAM_KEEP_ALIVE_MS = 4_000;

/** undici accepts `servername` per request (lib/core/request.js) but does not type it. */
export type UpstreamDispatchOptions = Dispatcher.DispatchOptions & {
  servername?: string | undefined;
};

export interface Upstream {
  readonly backend: Backend;
  readonly pool: Pool;
  /** Everything the pool was built from; a reload with the same key reuses the pool. */
  readonly key: string;
  /**
   * TLS server name for this backend, passed with every request: undici would otherwise derive
   * it from the forwarded `Host` (wrong for SNI, and a changing value closes pooled sockets).
   * `undefined` for an IP literal, where SNI does not apply.
   */
  readonly servername: string | undefined;
}

export function upstreamKey(config: BackendConfig, timeouts: TimeoutsConfig): string {
  return `${config.url.origin}|${config.maxConnections}|${timeouts.connect}`;
}

export function createUpstream(
  config: BackendConfig,
  index: number,
  timeouts: TimeoutsConfig,
  backend?: Backend,
): Upstream {
  const pool = new Pool(config.url.origin, {
    connections: config.maxConnections,
    pipelining: 1,
    keepAliveTimeout: UPSTREAM_KEEP_ALIVE_MS,
    connect: { timeout: timeouts.connect },
    headersTimeout: timeouts.response,
    bodyTimeout: timeouts.upstreamIdle,
    allowH2: false,
  });
  // A pool is an EventEmitter; connection errors reach the request handlers, never the process.
  pool.on('connectionError', noop);
  return {
    backend: backend ?? new Backend({ url: config.url, weight: config.weight, index }),
    pool,
    key: upstreamKey(config, timeouts),
    servername:
      isIP(config.url.hostname.replace(/^\[|\]$/g, '')) === 0 ? config.url.hostname : undefined,
  };
}

function noop(): void {}
