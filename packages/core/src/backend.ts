/**
 * One upstream server as the data path, the strategies and the health checkers see it.
 * The core owns the `Backend` objects; strategies get a read-only `BackendView`, health
 * checkers get a `HealthTarget` that can also take a backend out of service and back.
 */

import { DEFAULT_POOL_NAME } from './config/pools.js';

export type HealthSource = 'active' | 'passive';

export interface BackendView {
  /** Stable identity across reloads: the backend's origin, e.g. `http://127.0.0.1:9001`. */
  readonly id: string;
  /**
   * The pool it belongs to (`default` for a config without `pools`). The same origin may serve
   * in two pools; each pool then has its own `Backend` (health, in-flight count).
   */
  readonly pool: string;
  /** `<pool> <origin>`: unique across pools (processes of a cluster use it to name backends). */
  readonly key: string;
  readonly url: URL;
  /** Position in the current backend list (changes on reload). */
  readonly index: number;
  /** Weight from helios.yaml (default 1). */
  readonly weight: number;
  /** Weight after slow start, between 0 (exclusive) and `weight`; weighted strategies use this. */
  readonly effectiveWeight: number;
  /** True unless active or passive health checking has removed it. */
  readonly available: boolean;
  /** Requests sent to this backend that have not finished yet. */
  readonly inFlight: number;
}

export interface HealthTarget extends BackendView {
  /** Remove from service on behalf of one checker; `reason` is logged and shown in status. */
  markDown(source: HealthSource, reason: string): void;
  /** Return to service on behalf of one checker (the other may still hold it down). */
  markUp(source: HealthSource, reason: string): void;
  /** Slow start: a factor in (0, 1] applied to `weight`. 1 when not ramping. */
  setWeightFactor(factor: number): void;
  /** Is this backend held down by the given checker? */
  isDown(source: HealthSource): boolean;
  /** The last reason given by a checker that holds it down, if any. */
  readonly downReason: string | undefined;
}

export interface BackendOptions {
  url: URL;
  weight: number;
  index: number;
  /** Default `default`. */
  pool?: string;
}

export class Backend implements HealthTarget {
  readonly id: string;
  readonly pool: string;
  readonly key: string;
  readonly url: URL;
  index: number;
  weight: number;
  /** Requests this process has in flight to the backend. */
  localInFlight = 0;
  /**
   * In-flight requests of other processes (cluster workers), set from outside; 0 when Helios
   * runs as one process. Kept apart so the core's own counting stays exact.
   */
  externalInFlight = 0;
  #factor = 1;
  #activeDown = false;
  #passiveDown = false;
  #activeReason: string | undefined;
  #passiveReason: string | undefined;

  constructor(options: BackendOptions) {
    this.url = options.url;
    this.id = options.url.origin;
    this.pool = options.pool ?? DEFAULT_POOL_NAME;
    this.key = `${this.pool} ${this.id}`;
    this.weight = options.weight;
    this.index = options.index;
  }

  /** Requests in flight to this backend from every process Helios runs. */
  get inFlight(): number {
    return this.localInFlight + this.externalInFlight;
  }

  get available(): boolean {
    return !this.#activeDown && !this.#passiveDown;
  }

  get effectiveWeight(): number {
    return this.weight * this.#factor;
  }

  get downReason(): string | undefined {
    return this.#activeDown
      ? this.#activeReason
      : this.#passiveDown
        ? this.#passiveReason
        : undefined;
  }

  markDown(source: HealthSource, reason: string): void {
    if (source === 'active') {
      this.#activeDown = true;
      this.#activeReason = reason;
    } else {
      this.#passiveDown = true;
      this.#passiveReason = reason;
    }
  }

  markUp(source: HealthSource, _reason: string): void {
    if (source === 'active') {
      this.#activeDown = false;
      this.#activeReason = undefined;
    } else {
      this.#passiveDown = false;
      this.#passiveReason = undefined;
    }
  }

  isDown(source: HealthSource): boolean {
    return source === 'active' ? this.#activeDown : this.#passiveDown;
  }

  setWeightFactor(factor: number): void {
    this.#factor = factor > 1 ? 1 : factor <= 0 ? Number.MIN_VALUE : factor;
  }
}
