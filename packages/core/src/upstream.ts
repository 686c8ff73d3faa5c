/**
 * One backend as the data path uses it: the `Backend` (identity, health, in-flight count), the
 * undici `Pool` that holds its keep-alive connections, and the wait queue in front of it.
 * A pool keeps at most `maxConnections` connections, never pipelines (a slow response must not
 * hold up the next request) and speaks HTTP/1.1, or HTTP/2 to an `https://` backend when the
 * pool has `upstreamHttp2` (negotiated with ALPN; the backend may still choose HTTP/1.1; with
 * `pipelining: 1` undici puts one stream on each h2 connection). Helios admits at most
 * `maxConnections` requests at a time to it; the rest wait in a bounded queue with a deadline
 * instead of piling up unbounded inside undici. Pools are keyed by what cannot change on a live
 * pool, so a reload reuses them when it can.
 */
import { type Dispatcher, Pool } from 'undici';
import { Backend } from './backend.js';
import type { BackendConfig, QueueConfig } from './config/types.js';
import { createConnector } from './upstream-connector.js';
import type { UpstreamTransport } from './upstream-tls.js';
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

export function upstreamKey(
  config: BackendConfig,
  timeouts: UpstreamTimeouts,
  transport: UpstreamTransport,
): string {
  const base = `${config.url.origin}|${config.maxConnections}|${timeouts.connect}`;
  // TLS settings mean nothing to a cleartext backend: changing them keeps its connections.
  return config.url.protocol === 'https:' ? `${base}|${transport.fingerprint}` : base;
}

export class Upstream {
  readonly backend: Backend;
  readonly pool: Pool;
  /** Everything the pool was built from; a reload with the same key reuses the pool. */
  readonly key: string;
  /**
   * TLS server name for this backend, passed with every request: undici would otherwise derive
   * it from the forwarded `Host`, and a changing value closes pooled sockets. The connector
   * decides what is really sent (none for an IP literal, RFC 6066); this only keeps it constant.
   */
  readonly servername: string;
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
    transport: UpstreamTransport,
    backend?: Backend,
  ) {
    const secure = config.url.protocol === 'https:';
    const h2 = secure && transport.http2;
    this.pool = new Pool(config.url.origin, {
      connections: config.maxConnections,
      pipelining: 1,
      keepAliveTimeout: UPSTREAM_KEEP_ALIVE_MS,
      connect: createConnector({
        connectTimeout: timeouts.connect,
        tls: secure ? transport.tls : undefined,
        allowH2: h2,
      }),
      headersTimeout: timeouts.response,
      bodyTimeout: timeouts.upstreamIdle,
      allowH2: h2,
    });
    // A pool is an EventEmitter; connection errors reach the request handlers, never the process.
    this.pool.on('connectionError', noop);
    this.backend = backend ?? new Backend({ url: config.url, weight: config.weight, index, pool });
    this.key = upstreamKey(config, timeouts, transport);
    this.capacity = config.maxConnections;
    this.queue = new WaitQueue(queue);
    this.servername = transport.tls.servername ?? config.url.hostname;
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
