/**
 * The resolved helios.yaml (all defaults applied, durations in ms, sizes in bytes), inferred
 * from the one schema in `schema.ts` so types and validation can never disagree.
 */
import type { z } from 'zod';
import type { heliosConfigSchema } from './schema.js';

export type { StatusRange } from './status.js';
export type { StrategyConfig } from './strategy-schema.js';

/** The resolved configuration every part of Helios reads. */
export type HeliosConfig = z.output<typeof heliosConfigSchema>;
/** What may be written in helios.yaml (or passed to `resolveConfig`): short forms, unit strings. */
export type HeliosConfigInput = z.input<typeof heliosConfigSchema>;

export type { PoolConfig } from './pools.js';
export type { RouteConfig } from './route-schema.js';
export type BackendConfig = HeliosConfig['pools'][string]['backends'][number];
export type TimeoutsConfig = HeliosConfig['timeouts'];
export type RetryBudgetConfig = HeliosConfig['retryBudget'];
export type LimitsConfig = HeliosConfig['limits'];
export type QueueConfig = HeliosConfig['queue'];
export type { TrustProxyConfig } from './trust-proxy-schema.js';
export type HealthConfig = HeliosConfig['health'];
export type PassiveHealthConfig = HealthConfig['passive'];
export type ActiveHealthConfig = HealthConfig['active'];
export type LoggingConfig = HeliosConfig['logging'];
export type AccessLogConfig = HeliosConfig['accessLog'];
export type AdminConfig = NonNullable<HeliosConfig['admin']>;
