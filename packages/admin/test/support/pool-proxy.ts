/**
 * A stand-in for the proxy with backends in several pools, for the tests of pool and route
 * labels: the backends are core's real `Backend` objects (`new Backend({ url, weight, index,
 * pool })`), and `finish()` emits the `request:end` record the data path would emit once routing
 * has picked a route and a pool. The admin listener reads proxies only through `AdminProxy`, so
 * this is the contract the real proxy meets, not a mock of the admin code.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Backend, type RequestRecord } from '@helios/core';
import type { AdminProxy } from '../../src/index.js';

export interface PoolBackend {
  url: string;
  pool: string;
  weight?: number;
}

export interface Finished {
  backend?: Backend | undefined;
  route?: string | undefined;
  pool?: string | undefined;
  method?: string;
  status?: number;
  path?: string;
  host?: string;
  durationMs?: number;
  upstreamMs?: number;
  bytesIn?: number;
  bytesOut?: number;
  retries?: number;
  errorCode?: string | undefined;
}

export class PoolProxy extends EventEmitter implements AdminProxy {
  backends: Backend[];
  activeConnections = 0;
  activeUpgrades = 0;
  #sequence = 0;

  constructor(backends: readonly PoolBackend[]) {
    super();
    this.backends = backends.map(
      (b, index) =>
        new Backend({ url: new URL(b.url), weight: b.weight ?? 1, index, pool: b.pool }),
    );
  }

  /** The backend of `pool` at `url`'s origin. */
  backend(pool: string, url: string): Backend {
    const id = new URL(url).origin;
    const found = this.backends.find((b) => b.pool === pool && b.id === id);
    if (found === undefined) throw new Error(`no backend ${id} in pool ${pool}`);
    return found;
  }

  address(): AddressInfo {
    return { address: '127.0.0.1', family: 'IPv4', port: 8080 };
  }

  /** Emit `request:end` for a request that finished just now. */
  finish(request: Finished): void {
    const durationMs = request.durationMs ?? 2;
    const host = request.host ?? 'shop.example';
    const record: RequestRecord = {
      id: `req-${++this.#sequence}`,
      method: request.method ?? 'GET',
      httpVersion: '1.1',
      path: request.path ?? '/',
      clientAddress: '127.0.0.1',
      backend: request.backend,
      route: request.route,
      pool: request.pool ?? request.backend?.pool,
      status: request.status ?? 200,
      bytesIn: request.bytesIn ?? 0,
      bytesOut: request.bytesOut ?? 0,
      startTime: performance.now() - durationMs,
      durationMs,
      upstreamMs: request.upstreamMs ?? (request.backend === undefined ? -1 : durationMs / 2),
      retries: request.retries ?? 0,
      errorCode: request.errorCode,
      header: (name) => (name === 'host' ? host : undefined),
    };
    this.emit('request:end', record);
  }

  /** `finish` the same request `count` times. */
  finishMany(count: number, request: Finished): void {
    for (let i = 0; i < count; i++) this.finish(request);
  }
}
