/**
 * What the data path tells a health checker. Core never imports `@helios/health`; the CLI (or a
 * user embedding core) hands an object of this shape to the proxy.
 */
import type { HealthTarget } from './backend.js';
import type { BackendConfig, HealthConfig } from './config/types.js';
import type { FailureKind } from './strategy.js';
import type { UpstreamTransport } from './upstream-tls.js';

export interface HealthHooks {
  /** The backend set changed (start-up or reload): start checking new ones, stop removed ones. */
  update(backends: readonly HealthTarget[]): void;
  /**
   * The pool's `health` section changed on a reload (called before `update`); `backends` carry
   * the per-backend overrides. Hooks without settings need not implement it.
   */
  configure?(health: HealthConfig, backends: readonly BackendConfig[]): void;
  /**
   * The pool's `upstreamTls`/`upstreamHttp2` changed on a reload: probes of `https://` backends
   * must dial with the new settings (the same CA, server name and client certificate as the
   * proxy's own connections). The settings at start are given to the checker by whoever makes
   * it (`upstreamTransport(pool)` of @helios/core).
   */
  configureTransport?(transport: UpstreamTransport): void;
  /**
   * Every finished upstream request, for passive (outlier) detection. Runs on the request path:
   * no allocation, no I/O. `status` is 0 when no response arrived.
   */
  onRequestEnd?(backend: HealthTarget, status: number, failure: FailureKind | undefined): void;
  /** Stop every timer and socket; the proxy awaits this on close. */
  close(): Promise<void> | void;
}
