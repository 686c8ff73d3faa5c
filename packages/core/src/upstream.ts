/**
 * One backend as the data path uses it: the `Backend` (identity, health, in-flight count), the
 * undici `Pool` that holds its keep-alive connections, and the wait queue in front of it.
 * A pool keeps at most `maxConnections` connections, never pipelines (a slow response must not
 * hold up the next request) and speaks HTTP/1.1 only. Helios admits at most `maxConnections`
 * requests at a time to it; the rest wait in a bounded queue with a deadline instead of piling
 * up unbounded inside undici. Pools are keyed by what cannot change on a live pool, so a reload
 * reuses them when it can.
 */
import { isIP } from 'node:net';
import { type Dispatcher, Pool } from 'undici';
import { Backend } from './backend.js';
import type { BackendConfig, QueueConfig } from './config/types.js';
import { createConnector } from './upstream-connector.js';
import { type Waiter, WaitQueue } from './wait-queue.js';

/** Below Node's default server keep-alive (5 s) so Helios never reuses a socket being closed. */
const UPSTREAM_KEEP_ALIVE_MS = 4_000;

/** undici accepts `servername` per request (lib/core/request.js) but does not type it. */
export type UpstreamDispatchOptions = Dispatcher.DispatchOptions & {
  servername?: string | undefined;
};

/** The backend timeouts of a pool. */
export interface UpstreamTimeouts {
  connect: number;
  response: number;
  upstreamIdle: number;
}

export function upstreamKey(config: BackendConfig, timeouts: UpstreamTimeouts): string {
  return `${config.url.origin}|${config.maxConnections}|${timeouts.connect}`;
}

export class Upstream {
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
  /** Requests admitted at once: `maxConnections`. */
  readonly capacity: number;
  readonly queue: WaitQueue;
  /** Removed by a reload: takes no new requests, its waiters were sent elsewhere. */
  retired = false;

  constructor(
    config: BackendConfig,
    index: number,
    timeouts: UpstreamTimeouts,
    queue: QueueConfig,
    pool: string,
    backend?: Backend,
  ) {
    this.pool = new Pool(config.url.origin, {
      connections: config.maxConnections,
      pipelining: 1,
      keepAliveTimeout: UPSTREAM_KEEP_ALIVE_MS,
      connect: createConnector(timeouts.connect),
      headersTimeout: timeouts.response,
      bodyTimeout: timeouts.upstreamIdle,
      allowH2: false,
    });
    // A pool is an EventEmitter; connection errors reach the request handlers, never the process.
    this.pool.on('connectionError', noop);
    this.backend = backend ?? new Backend({ url: config.url, weight: config.weight, index, pool });
    this.key = upstreamKey(config, timeouts);
    this.capacity = config.maxConnections;
    this.queue = new WaitQueue(queue);
    this.servername =
      isIP(config.url.hostname.replace(/^\[|\]$/g, '')) === 0 ? config.url.hostname : undefined;
  }

  /** Can a request start now without waiting for a connection? */
  get hasRoom(): boolean {
    return this.backend.localInFlight < this.capacity;
  }

  /** An attempt on this backend ended: let the oldest waiter have its connection. */
  release(): void {
    while (this.queue.size > 0 && this.hasRoom) {
      const waiter = this.queue.shift();
      if (waiter === undefined) return;
      waiter.admit();
    }
  }

  /** Taken out of service by a reload; returns who was waiting, to be routed again. */
  retire(): Waiter[] {
    this.retired = true;
    return this.queue.drain();
  }
}

function noop(): void {}
