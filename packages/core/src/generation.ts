/**
 * A config generation: everything a request reads, built from one config and swapped as one
 * object, so a request never sees half a reload. It holds the pools (backends with their
 * connections, strategy, health hooks, retry budget), the compiled routes and the header rules.
 *
 * Building the next generation reuses what did not change: a pool of the same name keeps its
 * strategy (and what it learned) unless its `strategy` section changed, its health hooks and
 * retry budget always, and each backend keeps its `Backend` (health, in-flight count) and, when
 * nothing about the connection changed (timeouts, `maxConnections`, and for `https://` backends
 * `upstreamTls`, the certificate files' contents and `upstreamHttp2`), its undici pool and
 * keep-alive sockets. Everything that
 * can fail (building strategies, health hooks, routes) happens before anything running is
 * touched, so a reload that throws changes nothing.
 */
import type { Backend } from './backend.js';
import type { PoolConfig } from './config/pools.js';
import type { HeliosConfig } from './config/types.js';
import type { ForwardingOptions } from './forwarded-headers.js';
import type { HealthHooks } from './health-hooks.js';
import { RetryBudget } from './retry-budget.js';
import { type CompiledRoute, compileRoute } from './routing/compiled-route.js';
import { RouteTable } from './routing/route-table.js';
import type { Strategy } from './strategy.js';
import { TrustPolicy } from './trust-policy.js';
import { Upstream, upstreamKey } from './upstream.js';
import { type UpstreamTransport, upstreamTransport } from './upstream-tls.js';

/** One pool in one generation. */
export interface PoolRuntime {
  readonly name: string;
  readonly config: PoolConfig;
  readonly strategy: Strategy;
  /** Indexed by `Backend.index`. */
  readonly upstreams: readonly Upstream[];
  readonly backends: readonly Backend[];
  readonly health: HealthHooks | undefined;
  readonly budget: RetryBudget;
  /** How its `https://` backends are dialled (also handed to health probes). */
  readonly transport: UpstreamTransport;
}

export type Route = CompiledRoute<PoolRuntime>;

export interface Generation {
  readonly config: HeliosConfig;
  readonly pools: ReadonlyMap<string, PoolRuntime>;
  readonly routes: RouteTable<Route>;
  /** The one route when it matches everything (no `routes`, or a lone catch-all): no lookup. */
  readonly only: Route | undefined;
  /** Some route reads the path: requests with dot segments are refused (route-path.ts). */
  readonly routesReadPaths: boolean;
  /** Header rules compiled from the config (trusted proxies, Host, size limit). */
  readonly forwarding: ForwardingOptions;
  /** Every pool's backends, for `proxy.backends`. */
  readonly backends: readonly Backend[];
}

/** How the embedding (the CLI, a test) supplies what core does not build itself. */
export interface PoolFactories {
  createStrategy(pool: PoolConfig): Strategy;
  createHealth(pool: PoolConfig): HealthHooks | undefined;
}

export interface NextGeneration {
  generation: Generation;
  /** Upstreams no longer in use: their waiters must be routed again, their pools closed. */
  retired: Upstream[];
  /** Health hooks of pools that are gone: to close. */
  closedHealth: HealthHooks[];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

interface PoolPlan {
  config: PoolConfig;
  previous: PoolRuntime | undefined;
  strategy: Strategy;
  health: HealthHooks | undefined;
  upstreams: Upstream[];
  reused: Set<Upstream>;
  transport: UpstreamTransport;
}

/** Build the generation for `config`, reusing what it can of `previous`. */
export function nextGeneration(
  config: HeliosConfig,
  factories: PoolFactories,
  previous: Generation | undefined,
  /** Build every pool's strategy anew, changed or not (an explicit `reload(config, strategy)`). */
  newStrategies = false,
): NextGeneration {
  const created: Upstream[] = [];
  const plans: PoolPlan[] = [];
  try {
    for (const pool of Object.values(config.pools)) {
      const before = previous?.pools.get(pool.name);
      plans.push(planPool(pool, before, factories, created, newStrategies));
    }
  } catch (error) {
    // Nothing running was touched: drop what this attempt built.
    for (const upstream of created) void upstream.pool.close().catch(() => undefined);
    throw error;
  }
  // From here on nothing throws: apply the plans to what runs.
  const pools = new Map<string, PoolRuntime>();
  const backends: Backend[] = [];
  for (const plan of plans) {
    const runtime = applyPlan(plan);
    pools.set(runtime.name, runtime);
    backends.push(...runtime.backends);
  }
  const list = config.routes.map((route, index) =>
    compileRoute(route, index, (name) => pools.get(name)),
  );
  const only = list.length === 1 && list[0]?.catchAll === true ? list[0] : undefined;
  const generation: Generation = {
    config,
    pools,
    routes: new RouteTable(list),
    only,
    routesReadPaths: list.some((r) => r.readsPath),
    forwarding: {
      preserveHost: config.preserveHost,
      trust: new TrustPolicy(config.trustProxy),
      maxHeaderSize: config.limits.maxHeaderSize,
    },
    backends,
  };
  const retired: Upstream[] = [];
  const closedHealth: HealthHooks[] = [];
  for (const old of previous?.pools.values() ?? []) {
    const plan = plans.find((p) => p.previous === old);
    for (const upstream of old.upstreams) {
      if (plan === undefined || !plan.reused.has(upstream)) retired.push(upstream);
    }
    if (plan === undefined && old.health !== undefined) closedHealth.push(old.health);
  }
  return { generation, retired, closedHealth };
}

function planPool(
  config: PoolConfig,
  previous: PoolRuntime | undefined,
  factories: PoolFactories,
  created: Upstream[],
  newStrategy: boolean,
): PoolPlan {
  const keepStrategy =
    !newStrategy && previous !== undefined && sameJson(previous.config.strategy, config.strategy);
  const strategy = keepStrategy
    ? (previous as PoolRuntime).strategy
    : factories.createStrategy(config);
  const transport = poolTransport(config, previous);
  const byOrigin = new Map<string, Upstream>();
  for (const u of previous?.upstreams ?? []) byOrigin.set(u.backend.id, u);
  const upstreams: Upstream[] = [];
  const reused = new Set<Upstream>();
  config.backends.forEach((b, index) => {
    const old = byOrigin.get(b.url.origin);
    if (
      old !== undefined &&
      !reused.has(old) &&
      old.key === upstreamKey(b, config.timeouts, transport)
    ) {
      reused.add(old);
      upstreams.push(old);
      return;
    }
    // New, or the same backend with new connection settings: a new undici pool; a backend
    // that stays keeps its identity (health, in-flight count).
    const upstream = new Upstream(
      b,
      index,
      config.timeouts,
      config.queue,
      config.name,
      transport,
      old?.backend,
    );
    created.push(upstream);
    upstreams.push(upstream);
  });
  const health = previous !== undefined ? previous.health : factories.createHealth(config);
  return { config, previous, strategy, health, upstreams, reused, transport };
}

/** The pool's transport; the previous object when nothing changed (health keeps its agent). */
function poolTransport(config: PoolConfig, previous: PoolRuntime | undefined): UpstreamTransport {
  const next = upstreamTransport(config);
  const before = previous?.transport;
  return before !== undefined && before.fingerprint === next.fingerprint ? before : next;
}

function applyPlan(plan: PoolPlan): PoolRuntime {
  const { config, previous } = plan;
  plan.upstreams.forEach((upstream, index) => {
    const b = config.backends[index];
    upstream.backend.index = index;
    if (b !== undefined) upstream.backend.weight = b.weight;
    upstream.queue.configure(config.queue);
  });
  const backends = plan.upstreams.map((u) => u.backend);
  plan.strategy.update(backends);
  if (previous !== undefined && !sameJson(previous.config.health, config.health)) {
    plan.health?.configure?.(config.health, config.backends);
  }
  if (previous !== undefined && previous.transport !== plan.transport) {
    plan.health?.configureTransport?.(plan.transport);
  }
  plan.health?.update(backends);
  let budget: RetryBudget;
  if (previous === undefined) {
    budget = new RetryBudget(config.retryBudget);
  } else {
    budget = previous.budget;
    budget.configure(config.retryBudget);
  }
  return {
    name: config.name,
    config,
    strategy: plan.strategy,
    upstreams: plan.upstreams,
    backends,
    health: plan.health,
    budget,
    transport: plan.transport,
  };
}
