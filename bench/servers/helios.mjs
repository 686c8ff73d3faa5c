/**
 * Helios under test, single process: the smallest embedding of @helios/core — resolveConfig +
 * createProxy + createStrategy('round-robin') over the given upstreams, logging silent, no
 * health checker (so nothing but the data path runs).
 *   node helios.mjs <upstream,...> [--admin]
 * --admin  also start the admin/metrics listener (createAdminServer from @helios/admin).
 * Several workers are measured through the real `helios start --workers N` (lib/targets.mjs).
 * Prints {"ready":true,"port":N,"admin":...} once listening; SIGTERM exits cleanly so that
 * `node --cpu-prof` can write its profile.
 */
import { createProxy, resolveConfig } from '@helios/core';
import { createStrategy } from '@helios/strategies';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('usage: helios.mjs <upstream,...> [--admin]');
const wantAdmin = process.argv.includes('--admin');

const config = resolveConfig(
  {
    port: 0,
    host: '127.0.0.1',
    strategy: 'round-robin',
    backends: targets.map((url) => ({ url })),
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

const proxy = createProxy({ config, strategy: createStrategy(config.strategy) });
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
process.stdout.write(`${JSON.stringify({ ready: true, port: addr.port, admin, workers: 1 })}\n`);
