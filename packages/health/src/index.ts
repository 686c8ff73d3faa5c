/** Public face of @helios/health. */
export type { BackendHealthOverrides } from './active.js';
export { jitteredInterval } from './active.js';
export type { HealthCheckerEvents, HealthCheckerOptions } from './checker.js';
export { createHealthChecker, HealthChecker } from './checker.js';
export type { Clock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export { ejectionCooldown, maxEjectable } from './passive.js';
export type { Probe, ProbeRequest, ProbeResult } from './probe.js';
export { MIN_FACTOR, rampFactor } from './slow-start.js';
export type { HealthTransition } from './transition.js';
