/**
 * Wraps a worker's strategy to learn when in-flight counts change: the core tells the strategy
 * about every request start and end, so the wrapper forwards each call and pokes the in-flight
 * reporter (which only arms a timer). Picking is untouched.
 */
import type { BackendView, FailureKind, PickRequest, Strategy } from '@helios/core';

export class CountingStrategy implements Strategy {
  readonly inner: Strategy;
  readonly #changed: () => void;

  constructor(inner: Strategy, changed: () => void) {
    this.inner = inner;
    this.#changed = changed;
  }

  get name(): string {
    return this.inner.name;
  }

  update(backends: readonly BackendView[]): void {
    this.inner.update(backends);
  }

  pick(request: PickRequest, exclude?: BackendView): BackendView | undefined {
    return this.inner.pick(request, exclude);
  }

  onRequestStart(backend: BackendView): void {
    this.inner.onRequestStart?.(backend);
    this.#changed();
  }

  onRequestEnd(
    backend: BackendView,
    latencyMs: number,
    status: number,
    failure: FailureKind | undefined,
  ): void {
    this.inner.onRequestEnd?.(backend, latencyMs, status, failure);
    this.#changed();
  }
}
