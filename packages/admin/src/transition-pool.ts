/**
 * Which pool a health change belongs to. A checker may say so itself (`pool` on the event);
 * `@helios/health` reports backend ids only, so the pool is then looked up among the proxy's
 * current backends. An origin that serves in several pools has one backend object per pool;
 * the one whose state the event describes (held down by that source, or not) is chosen.
 */
import { DEFAULT_POOL_NAME } from '@helios/core';
import type { AdminBackend, HealthTransition } from './types.js';

export function transitionPool(
  transition: HealthTransition,
  backends: readonly AdminBackend[],
): string {
  if (transition.pool !== undefined) return transition.pool;
  let first: string | undefined;
  for (const backend of backends) {
    if (backend.id !== transition.backend) continue;
    first ??= backend.pool;
    const down = backend.isDown?.(transition.source) ?? !backend.available;
    if (down !== transition.healthy) return backend.pool;
  }
  return first ?? DEFAULT_POOL_NAME;
}
