/** Public face of @helios/core. */

export type { BackendOptions, BackendView, HealthSource, HealthTarget } from './backend.js';
export { Backend } from './backend.js';
export { ConfigError, type ConfigErrorCode } from './config/config-error.js';
export { type ConfigIssue, formatConfigIssue, formatConfigIssues } from './config/config-issue.js';
export {
  type DurationOptions,
  durationSchema,
  formatDuration,
  parseDuration,
} from './config/duration.js';
export type { Env } from './config/env.js';
export { buildJsonSchema, renderJsonSchema, SCHEMA_URL } from './config/json-schema.js';
export type { ListenerConfig } from './config/listener-schema.js';
export { loadConfig, loadConfigDetailed } from './config/load.js';
export {
  type ConfigParseOptions,
  type ParsedConfig,
  parseConfig,
  parseConfigDetailed,
  resolveConfig,
} from './config/parse.js';
export { DEFAULT_POOL_NAME } from './config/pools.js';
export { type ConfigWarning, routeWarnings } from './config/route-warnings.js';
export { heliosConfigSchema } from './config/schema.js';
export { starterConfig } from './config/starter.js';
export { closestMatch } from './config/suggest.js';
export type { TlsConfig, TlsVersion } from './config/tls-schema.js';
export type * from './config/types.js';
export { loadUpstreamTlsFiles, readUpstreamTlsFiles } from './config/upstream-tls-files.js';
export type {
  TlsFileRef,
  UpstreamTlsConfig,
  UpstreamTlsInput,
} from './config/upstream-tls-schema.js';
export { ProxyErrorCode } from './error-codes.js';
export { HeliosError } from './errors.js';
export type { HealthHooks } from './health-hooks.js';
export type { Logger, LogLevel } from './logger.js';
export { silentLogger } from './logger.js';
export type { ListenAddress, ListenOptions, ProxyOptions } from './proxy.js';
export { createProxy, HeliosProxy } from './proxy.js';
export type { RequestRecord } from './request-record.js';
export { RetryBudget } from './retry-budget.js';
export type { FailureKind, PickRequest, Strategy } from './strategy.js';
export {
  createStrategyCatalog,
  STRATEGY_CATALOG_INVALID,
  STRATEGY_OPTION_INVALID,
  STRATEGY_UNKNOWN,
  type StrategyCatalog,
  type StrategyDescriptor,
  type StrategyOptionsSchema,
  type StrategySpec,
} from './strategy-catalog.js';
export { type LoadedTls, loadTlsMaterial, type TlsIssue, tlsFiles } from './tls/load-material.js';
export type { LoadedCertificate, TlsMaterial } from './tls/material.js';
export type { UpgradeRecord } from './upgrade-exchange.js';
export { type ConnectorOptions, createConnector } from './upstream-connector.js';
export {
  type UpstreamTlsOptions,
  type UpstreamTransport,
  upstreamTlsOptions,
  upstreamTransport,
} from './upstream-tls.js';
