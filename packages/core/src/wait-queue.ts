/**
 * The bounded wait queue in front of a backend that has every connection busy (HAProxy's server
 * queue and `timeout queue`, Envoy's `max_pending_requests`). First in, first out; at most
 * `maxPending` waiters; a waiter that waits longer than `timeout` is expired (503). All waiters
 * share one timeout, so the head is always the next to expire and one timer serves the whole
 * queue, armed for the head only: no timer per request.
 */
import { performance } from 'node:perf_hooks';

export interface Waiter {
  /** `performance.now()` when it joined; set by the queue. */
  queuedAt: number;
  /** The queue holding it, `undefined` once it left (admitted, expired or cancelled). */
  waitingIn: WaitQueue | undefined;
  /** A connection is free: go. */
  admit(): void;
  /** Waited `timeout` without a free connection. */
  expire(): void;
  /** The backend it waited for left service (a reload removed it): choose again. */
  reroute(): void;
}

export interface WaitQueueLimits {
  maxPending: number;
  timeout: number;
}

export class WaitQueue {
  #limits: WaitQueueLimits;
  #items: (Waiter | undefined)[] = [];
  #head = 0;
  #live = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(limits: WaitQueueLimits) {
    this.#limits = limits;
  }

  /** New limits (reload); the deadlines of waiters already queued follow the new timeout. */
  configure(limits: WaitQueueLimits): void {
    this.#limits = limits;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#arm(1);
    }
  }

  get size(): number {
    return this.#live;
  }

  /** Adds a waiter; false when the queue is full (the caller answers 503). */
  push(waiter: Waiter): boolean {
    if (this.#live >= this.#limits.maxPending) return false;
    waiter.queuedAt = performance.now();
    waiter.waitingIn = this;
    this.#items.push(waiter);
    this.#live++;
    if (this.#timer === undefined) this.#arm(this.#limits.timeout);
    return true;
  }

  /** The oldest waiter, removed from the queue; `undefined` when none waits. */
  shift(): Waiter | undefined {
    while (this.#head < this.#items.length) {
      const waiter = this.#items[this.#head];
      this.#items[this.#head++] = undefined;
      if (waiter === undefined || waiter.waitingIn !== this) continue;
      waiter.waitingIn = undefined;
      this.#live--;
      this.#compact();
      return waiter;
    }
    this.#compact();
    return undefined;
  }

  /** Takes a waiter out (its client left); O(1), the slot is skipped later. */
  remove(waiter: Waiter): void {
    if (waiter.waitingIn !== this) return;
    waiter.waitingIn = undefined;
    this.#live--;
    if (this.#live === 0) this.#reset();
  }

  /** Empties the queue and returns who was waiting, oldest first (the backend was retired). */
  drain(): Waiter[] {
    const waiters: Waiter[] = [];
    for (let w = this.shift(); w !== undefined; w = this.shift()) waiters.push(w);
    return waiters;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#expire, Math.max(1, Math.ceil(ms)));
    this.#timer.unref();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const timeout = this.#limits.timeout;
    while (this.#head < this.#items.length) {
      const waiter = this.#items[this.#head];
      if (waiter !== undefined && waiter.waitingIn === this) {
        const left = waiter.queuedAt + timeout - now;
        if (left > 0) {
          this.#arm(left);
          return;
        }
        waiter.waitingIn = undefined;
        this.#live--;
        this.#items[this.#head++] = undefined;
        waiter.expire();
        continue;
      }
      this.#items[this.#head++] = undefined;
    }
    this.#reset();
  };

  #compact(): void {
    if (this.#live === 0) {
      this.#reset();
      return;
    }
    // Drop the consumed front now and then, so the array does not grow without bound.
    if (this.#head > 1_024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  #reset(): void {
    this.#items = [];
    this.#head = 0;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
