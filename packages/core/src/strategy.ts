/**
 * The contract between the data path and a load-balancing strategy. It lives in core so that
 * `@helios/strategies` (or a user's own strategy) depends on core and never the other way round.
 * Every method here runs on the request path: implementations must not allocate per call.
 */
import type { BackendView } from './backend.js';

/**
 * Why an attempt at a backend failed (no usable response); `undefined` means it got an answer.
 * The one vocabulary of the retry rules, the strategies and the health checkers.
 */
export type FailureKind = 'connect' | 'timeout' | 'reset';

/** What a strategy may read from the request being balanced (for hashing strategies). */
export interface PickRequest {
  /** The client's address as Helios sees it (after `trustProxy` is applied). */
  readonly clientAddress: string;
  /** A request header by lower-case name, first value only. */
  header(name: string): string | undefined;
}

export interface Strategy {
  /** The name used in `strategy:` in helios.yaml, e.g. `round-robin`. */
  readonly name: string;
  /**
   * The backend set changed (start-up or reload). Called with every configured backend,
   * available or not; `pick` must skip those whose `available` is false.
   */
  update(backends: readonly BackendView[]): void;
  /**
   * Choose a backend for this request among the available ones, never `exclude` (the backend a
   * retry is moving away from) unless it is the only one left. `undefined` when none is
   * available: the core answers 503.
   */
  pick(request: PickRequest, exclude?: BackendView): BackendView | undefined;
  /** A request was sent to `backend` (after the core has counted it in `inFlight`). */
  onRequestStart?(backend: BackendView): void;
  /**
   * A request to `backend` finished (after the core has taken it out of `inFlight`).
   * `status` is 0 when no response arrived; `failure` is set when it did not.
   */
  onRequestEnd?(
    backend: BackendView,
    latencyMs: number,
    status: number,
    failure: FailureKind | undefined,
  ): void;
}
