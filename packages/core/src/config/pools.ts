/**
 * From what helios.yaml says to the pools and routes Helios runs. The top-level `backends` (the
 * only form before pools existed) is the pool `default`; every pool inherits the top-level
 * `strategy`, `health`, `retries`, `retryBudget`, `queue` and `upstreamHttp2` unless it gives
 * its own, and overrides only the `timeouts`, `limits` and `upstreamTls` keys it names. Without `routes`, everything goes to
 * the one pool there is. The checks across sections (a route naming a pool that does not exist,
 * two definitions of `default`, pools without routes) live here too, with did-you-mean.
 */
import type { z } from 'zod';
import type { healthSchema } from './health-schema.js';
import type { PoolInput } from './pool-schema.js';
import type { RouteConfig } from './route-schema.js';
import type { strategySchema } from './strategy-schema.js';
import { closestMatch } from './suggest.js';
import type { queueSchema, retryBudgetSchema } from './upstream-fields.js';
import {
  resolvePoolUpstreamTls,
  resolveTopUpstreamTls,
  type UpstreamTlsConfig,
  type UpstreamTlsInput,
} from './upstream-tls-schema.js';

/** The pool of a config that lists `backends` at the top level. */
export const DEFAULT_POOL_NAME = 'default';

type StrategyConfig = z.output<typeof strategySchema>;
type HealthConfig = z.output<typeof healthSchema>;
type RetryBudgetConfig = z.output<typeof retryBudgetSchema>;
type QueueConfig = z.output<typeof queueSchema>;

/** The parts of the top-level config a pool inherits from. */
export interface PoolDefaults {
  strategy: StrategyConfig;
  health: HealthConfig;
  retries: number;
  retryBudget: RetryBudgetConfig;
  timeouts: { connect: number; response: number; upstreamIdle: number };
  queue: QueueConfig;
  limits: { bodyBuffer: number; maxBodySize?: number | undefined };
  /** TLS to `https://` backends (the top level's section, resolved). */
  upstreamTls: UpstreamTlsConfig;
  upstreamHttp2: boolean;
}

/** The top level of the config as written: `upstreamTls` not yet resolved. */
export type TopLevelDefaults = Omit<PoolDefaults, 'upstreamTls'> & {
  upstreamTls?: UpstreamTlsInput | undefined;
};

/** A pool as Helios runs it: every setting resolved, the top-level defaults applied. */
export interface PoolConfig extends PoolDefaults {
  name: string;
  backends: PoolInput['backends'];
}

type Issue = z.core.$ZodRawIssue;
type AddIssue = (issue: Issue) => void;

export interface PoolSources {
  backends?: PoolInput['backends'] | undefined;
  pools?: Record<string, PoolInput> | undefined;
  routes?: RouteConfig[] | undefined;
}

/** Cross-section checks: names, references, and that there is somewhere to send requests. */
export function checkPools(sources: PoolSources, addIssue: AddIssue): void {
  if (typeof sources !== 'object' || sources === null) return;
  const pools: unknown = sources.pools;
  const names =
    typeof pools === 'object' && pools !== null && !Array.isArray(pools) ? Object.keys(pools) : [];
  if (sources.backends !== undefined && names.includes(DEFAULT_POOL_NAME)) {
    addIssue({
      code: 'custom',
      path: ['pools', DEFAULT_POOL_NAME],
      message: 'a pool name other than `default`',
      input: DEFAULT_POOL_NAME,
      params: {
        problem:
          'the top-level `backends` already define the pool `default`; rename this pool or move those backends into it',
      },
    });
  }
  if (sources.backends === undefined && names.length === 0) {
    addIssue({
      code: 'custom',
      path: ['backends'],
      message: 'a list of backends, or `pools` of backends',
      input: undefined,
    });
    return;
  }
  const known = sources.backends === undefined ? names : [DEFAULT_POOL_NAME, ...names];
  if (sources.routes === undefined) {
    if (known.length > 1 && !known.includes(DEFAULT_POOL_NAME)) {
      addIssue({
        code: 'custom',
        path: ['routes'],
        message: 'routes that say which requests go to which pool',
        input: undefined,
        params: {
          problem: `there are ${known.length} pools (${known.join(', ')}) and no \`routes\``,
        },
      });
    }
    return;
  }
  if (!Array.isArray(sources.routes)) return;
  sources.routes.forEach((route: Partial<RouteConfig> | undefined, index) => {
    const pool: unknown = route?.pool;
    if (typeof pool !== 'string' || known.includes(pool)) return;
    const suggestion = closestMatch(pool, known);
    addIssue({
      code: 'custom',
      path: ['routes', index, 'pool'],
      message: `the name of a pool (${known.map((n) => `\`${n}\``).join(', ')})`,
      input: pool,
      params: {
        problem: 'no pool has this name',
        suggestion,
      },
    });
  });
}

/** Every pool, resolved against the top-level defaults; `default` first when it exists. */
export function resolvePools(
  sources: PoolSources,
  top: TopLevelDefaults,
): Record<string, PoolConfig> {
  const d: PoolDefaults = { ...top, upstreamTls: resolveTopUpstreamTls(top.upstreamTls) };
  const pools: Record<string, PoolConfig> = {};
  const base = (name: string, backends: PoolInput['backends']): PoolConfig => ({
    name,
    backends,
    strategy: d.strategy,
    health: d.health,
    retries: d.retries,
    retryBudget: d.retryBudget,
    timeouts: {
      connect: d.timeouts.connect,
      response: d.timeouts.response,
      upstreamIdle: d.timeouts.upstreamIdle,
    },
    queue: d.queue,
    limits: { bodyBuffer: d.limits.bodyBuffer, maxBodySize: d.limits.maxBodySize },
    upstreamTls: d.upstreamTls,
    upstreamHttp2: d.upstreamHttp2,
  });
  if (sources.backends !== undefined) {
    pools[DEFAULT_POOL_NAME] = base(DEFAULT_POOL_NAME, sources.backends);
  }
  for (const [name, input] of Object.entries(sources.pools ?? {})) {
    const pool = base(name, input.backends);
    pool.strategy = input.strategy ?? pool.strategy;
    pool.health = input.health ?? pool.health;
    pool.retries = input.retries ?? pool.retries;
    pool.retryBudget = input.retryBudget ?? pool.retryBudget;
    pool.queue = input.queue ?? pool.queue;
    pool.timeouts = {
      connect: input.timeouts?.connect ?? pool.timeouts.connect,
      response: input.timeouts?.response ?? pool.timeouts.response,
      upstreamIdle: input.timeouts?.upstreamIdle ?? pool.timeouts.upstreamIdle,
    };
    pool.limits = {
      bodyBuffer: input.limits?.bodyBuffer ?? pool.limits.bodyBuffer,
      maxBodySize: input.limits?.maxBodySize ?? pool.limits.maxBodySize,
    };
    pool.upstreamTls = resolvePoolUpstreamTls(
      pool.upstreamTls,
      input.upstreamTls as UpstreamTlsInput | undefined,
      name,
    );
    pool.upstreamHttp2 = input.upstreamHttp2 ?? pool.upstreamHttp2;
    pools[name] = pool;
  }
  return pools;
}

/** The routes Helios runs: as written, or one catch-all to the only pool. */
export function resolveRoutes(
  routes: RouteConfig[] | undefined,
  poolNames: readonly string[],
): RouteConfig[] {
  if (routes !== undefined) return routes;
  const target = poolNames.includes(DEFAULT_POOL_NAME) ? DEFAULT_POOL_NAME : poolNames[0];
  return [{ pool: target, stripPrefix: false }];
}
