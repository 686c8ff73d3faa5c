/**
 * The primary's side of the one health view. Active results come from the primary's own
 * checker and go to every worker. A passive ejection reported by one worker goes to all the
 * others and stays in force while any worker that ejected the backend still holds it; when the
 * last one lifts it (its cooldown ended, or it exited), every worker is told to lift it too.
 * The primary's backend objects mirror the result, for the admin server.
 */
import type { Backend } from '@helios/core';
import type { HealthTransition } from '../admin/index.js';
import type { HealthChange } from './messages.js';

export interface HealthRelayTargets {
  backends(): readonly Backend[];
  /** Send to every live worker but `except`. */
  broadcast(change: HealthChange, except?: number): void;
  sendTo(worker: number, change: HealthChange): void;
  /** Tell the admin server (transition log, ejection counter). */
  record(transition: HealthTransition): void;
}

interface PassiveHold {
  holders: Set<number>;
  reason: string;
  since: number;
}

export class HealthRelay {
  readonly #targets: HealthRelayTargets;
  readonly #holds = new Map<string, PassiveHold>();
  readonly #now: () => number;

  constructor(targets: HealthRelayTargets, now: () => number = Date.now) {
    this.#targets = targets;
    this.#now = now;
  }

  /** The primary's active checker changed its verdict (it already marked its own backend). */
  active(change: HealthChange): void {
    this.#targets.broadcast(change);
    this.#targets.record(change);
  }

  /** Worker `worker` ejected a backend or lifted its ejection. */
  passive(worker: number, change: HealthChange): void {
    const hold = this.#holds.get(change.backend);
    if (!change.healthy) {
      if (hold !== undefined) {
        hold.holders.add(worker);
        return;
      }
      this.#holds.set(change.backend, {
        holders: new Set([worker]),
        reason: change.reason,
        since: this.#now(),
      });
      this.#backend(change.backend)?.markDown('passive', change.reason);
      this.#targets.broadcast(change, worker);
      this.#targets.record(change);
      return;
    }
    if (hold === undefined) return;
    hold.holders.delete(worker);
    if (hold.holders.size > 0) {
      // Another worker's ejection is still running: this worker must keep avoiding it.
      this.#targets.sendTo(worker, this.#downOf(change.backend, hold));
      return;
    }
    this.#release(change.backend, hold, change.reason, worker);
  }

  /** A worker exited: ejections only it held end now. */
  workerGone(worker: number): void {
    for (const [id, hold] of this.#holds) {
      if (!hold.holders.delete(worker) || hold.holders.size > 0) continue;
      this.#release(id, hold, 'the worker that ejected it exited', undefined);
    }
  }

  /** Everything a newly started worker must apply before it serves. */
  snapshot(): HealthChange[] {
    const changes: HealthChange[] = [];
    for (const backend of this.#targets.backends()) {
      if (backend.isDown('active')) {
        const reason = backend.downReason ?? 'held down by active health checks';
        changes.push({ backend: backend.id, source: 'active', healthy: false, reason });
      }
    }
    for (const [id, hold] of this.#holds) changes.push(this.#downOf(id, hold));
    return changes;
  }

  /** After a reload: forget ejections of backends no longer configured. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.#holds.keys()) if (!ids.has(id)) this.#holds.delete(id);
  }

  /** Is a passive ejection of this backend in force somewhere? */
  isHeld(id: string): boolean {
    return this.#holds.has(id);
  }

  #release(id: string, hold: PassiveHold, reason: string, except: number | undefined): void {
    this.#holds.delete(id);
    this.#backend(id)?.markUp('passive', reason);
    const change: HealthChange = {
      backend: id,
      source: 'passive',
      healthy: true,
      reason,
      downForMs: this.#now() - hold.since,
    };
    this.#targets.broadcast(change, except);
    this.#targets.record(change);
  }

  #downOf(id: string, hold: PassiveHold): HealthChange {
    return { backend: id, source: 'passive', healthy: false, reason: hold.reason };
  }

  #backend(id: string): Backend | undefined {
    return this.#targets.backends().find((b) => b.id === id);
  }
}
