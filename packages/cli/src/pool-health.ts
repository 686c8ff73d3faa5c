/**
 * Health checking per pool in a single process: each pool gets its own checker (its own
 * `health` settings, probes and passive state, so one pool's outage never touches another), and
 * their transitions meet in one event stream, tagged with the pool, for the admin server.
 * Core asks for a pool's checker when the pool appears and keeps it while the pool exists.
 */
import { EventEmitter } from 'node:events';
import { type HealthHooks, type Logger, type PoolConfig, upstreamTransport } from '@helios/core';
import { createHealthChecker, type HealthTransition } from '@helios/health';

/** A transition of one pool's checker. */
export interface PoolTransition extends HealthTransition {
  pool: string;
}

/** Emits `transition` (a `PoolTransition`) for every pool. */
export class HealthEvents extends EventEmitter {}

/** Core's `createHealth` for a single process: a checker per pool, reporting to `events`. */
export function poolHealthFactory(
  logger: Logger,
  events: HealthEvents,
): (pool: PoolConfig) => HealthHooks {
  return (pool) => {
    const checker = createHealthChecker({
      health: pool.health,
      backends: pool.backends,
      logger,
      // Probes of https:// backends trust what the proxy trusts (core reports later changes).
      transport: upstreamTransport(pool),
    });
    checker.on('transition', (t: HealthTransition) => {
      const tagged: PoolTransition = { ...t, pool: pool.name };
      events.emit('transition', tagged);
    });
    return checker;
  };
}
