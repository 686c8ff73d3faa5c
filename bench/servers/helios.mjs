/**
 * Helios under test, single process: the smallest embedding of @helios/core — resolveConfig +
 * createProxy + createStrategy('round-robin') over the given upstreams, logging silent, no
 * health checker (so nothing but the data path runs).
 *   node helios.mjs <upstream,...> [--admin] [--routes=N]
 * --admin     also start the admin/metrics listener (createAdminServer from @helios/admin).
 * --routes=N  put the upstreams in a pool behind N routes, the request matching only the last
 *             (see routeTable below); without it, top-level `backends` and no route lookup.
 * Several workers are measured through the real `helios start --workers N` (lib/targets.mjs).
 * Prints {"ready":true,"port":N,"admin":...} once listening; SIGTERM exits cleanly so that
 * `node --cpu-prof` can write its profile.
 */
import { createProxy, resolveConfig } from '@helios/core';
import { createStrategy } from '@helios/strategies';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('usage: helios.mjs <upstream,...> [--admin]');
const wantAdmin = process.argv.includes('--admin');
const routeCount = Number(
  process.argv.find((a) => a.startsWith('--routes='))?.slice('--routes='.length) ?? 0,
);
if (!Number.isInteger(routeCount) || routeCount < 0) throw new Error('--routes=N: N >= 0');

/**
 * N routes where a benchmark request (any path, Host 127.0.0.1) matches only the last, a
 * catch-all: before it, a mix shaped like real configs, each kind in proportion: exact hosts,
 * wildcard hosts, path prefixes in the request's first segment (`/small/v<i>`, so they share
 * its bucket and are really tried), prefixes elsewhere, exact paths, and regexes (never
 * bucketed: every one is tried on every request).
 */
function routeTable(n) {
  const routes = [];
  for (let i = 0; routes.length < n - 1; i++) {
    const kind = i % 6;
    const match =
      kind === 0
        ? { host: `svc${i}.example.com` }
        : kind === 1
          ? { host: `*.zone${i}.example.com` }
          : kind === 2
            ? { pathPrefix: `/small/v${i}` }
            : kind === 3
              ? { pathPrefix: `/api${i}` }
              : kind === 4
                ? { path: `/exact/${i}` }
                : { pathRegex: `^/re${i}/[0-9]+$` };
    routes.push({ name: `r${i}`, match, pool: 'app' });
  }
  routes.push({ name: 'last', pool: 'app' });
  return routes;
}

const upstreams = targets.map((url) => ({ url }));
const shape =
  routeCount === 0
    ? { backends: upstreams }
    : { pools: { app: { backends: upstreams } }, routes: routeTable(routeCount) };

const config = resolveConfig(
  {
    port: 0,
    host: '127.0.0.1',
    strategy: 'round-robin',
    ...shape,
    timeouts: { clientIdle: '120s' },
    health: { active: { enabled: false }, passive: { enabled: false } },
    logging: { level: 'silent' },
    ...(wantAdmin ? { admin: { port: 0, host: '127.0.0.1' } } : {}),
  },
  'bench/servers/helios.mjs',
);

/** Loaded only with --admin, so the run without it loads exactly what it did before. */
async function startAdmin(proxy) {
  const { createAdminServer } = await import('@helios/admin');
  const admin = createAdminServer({
    config: config.admin,
    proxy,
    info: { version: 'bench', strategy: config.strategy.name },
  });
  const addr = await admin.listen();
  return `on (:${addr.port})`;
}

const proxy = createProxy({ config, createStrategy: (pool) => createStrategy(pool.strategy) });
const admin = wantAdmin ? await startAdmin(proxy) : 'off';
const addr = await proxy.listen();
process.on('SIGTERM', () => {
  // Exit promptly (profiles are flushed by process.exit); drain is not under test here.
  const timer = setTimeout(() => process.exit(0), 500);
  proxy.close().finally(() => {
    clearTimeout(timer);
    process.exit(0);
  });
});
process.stdout.write(
  `${JSON.stringify({ ready: true, port: addr.port, admin, workers: 1, routes: routeCount })}\n`,
);
