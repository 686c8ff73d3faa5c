/** Public face of @helios/core. */

export type { BackendOptions, BackendView, HealthSource, HealthTarget } from './backend.js';
export { Backend } from './backend.js';
export type * from './config/types.js';
export { HeliosError } from './errors.js';
export type { HealthHooks } from './health-hooks.js';
export type { Logger, LogLevel } from './logger.js';
export { silentLogger } from './logger.js';
export type { FailureKind, PickRequest, Strategy } from './strategy.js';
