/** A minimal round-robin Strategy for tests (core must not depend on @helios/strategies). */
import type { BackendView } from '../../src/backend.js';
import type { FailureKind, PickRequest, Strategy } from '../../src/strategy.js';

export interface StrategyCall {
  kind: 'start' | 'end';
  backend: string;
  status?: number;
  failure?: FailureKind | undefined;
}

export class TestRoundRobin implements Strategy {
  readonly name = 'round-robin';
  backends: readonly BackendView[] = [];
  calls: StrategyCall[] = [];
  updates = 0;
  #next = 0;

  update(backends: readonly BackendView[]): void {
    this.backends = backends;
    this.updates++;
  }

  pick(_request: PickRequest, exclude?: BackendView): BackendView | undefined {
    const n = this.backends.length;
    for (let i = 0; i < n; i++) {
      const b = this.backends[(this.#next + i) % n];
      if (b === undefined || !b.available || b === exclude) continue;
      this.#next = (this.#next + i + 1) % n;
      return b;
    }
    if (exclude?.available) return exclude;
    return undefined;
  }

  onRequestStart(backend: BackendView): void {
    this.calls.push({ kind: 'start', backend: backend.id });
  }

  onRequestEnd(
    backend: BackendView,
    _latency: number,
    status: number,
    failure: FailureKind | undefined,
  ): void {
    this.calls.push({ kind: 'end', backend: backend.id, status, failure });
  }
}
