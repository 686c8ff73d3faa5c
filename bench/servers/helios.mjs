/**
 * Helios under test: the smallest embedding of @helios/core — createProxy with round robin over
 * the given upstreams, logging silent, no health checker (so nothing but the data path runs).
 *   node helios.mjs <upstream,...> [--admin] [--workers=N]
 * --admin    also start the admin/metrics listener (issue 8's on/off comparison), if it exists.
 * --workers  N > 1 runs N copies behind node:cluster (a stand-in until Helios ships `workers`).
 * Prints {"ready":true,"port":N,"admin":...} once listening; SIGTERM exits cleanly so that
 * `node --cpu-prof` can write its profile.
 */
import cluster from 'node:cluster';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0)
  throw new Error('usage: helios.mjs <upstream,...> [--admin] [--workers=N]');
const wantAdmin = process.argv.includes('--admin');
const workersArg = process.argv.find((a) => a.startsWith('--workers='));
const workers = workersArg ? Number(workersArg.slice('--workers='.length)) : 1;

const core = await import('@helios/core');
if (typeof core.createProxy !== 'function') {
  process.stderr.write('helios: @helios/core does not export createProxy yet (core not built?)\n');
  process.exit(3);
}

/** The resolved config with the documented defaults (used if loadConfig rejects our YAML). */
function resolvedConfig() {
  return {
    port: 0,
    host: '127.0.0.1',
    strategy: { name: 'round-robin', options: {} },
    backends: targets.map((u) => ({ url: new URL(u), weight: 1, maxConnections: 128, health: {} })),
    preserveHost: true,
    trustProxy: false,
    timeouts: {
      connect: 5_000,
      response: 30_000,
      upstreamIdle: 60_000,
      clientHeader: 10_000,
      clientIdle: 120_000,
      drain: 1_000,
    },
    retries: 1,
    retryBudget: { percent: 20, minPerSecond: 3 },
    limits: { maxHeaderSize: 16_384, maxUrlLength: 8_192, maxBodySize: undefined },
    health: {
      passive: {
        enabled: false,
        failureStatuses: [{ from: 500, to: 599 }],
        failureThreshold: 1,
        cooldown: 30_000,
        maxCooldown: 300_000,
        maxEjectedPercent: 50,
      },
      active: {
        enabled: false,
        path: '/health',
        interval: 10_000,
        timeout: 2_000,
        jitter: 0.1,
        expectedStatuses: [{ from: 200, to: 399 }],
        unhealthyThreshold: 3,
        healthyThreshold: 2,
        host: undefined,
      },
      slowStart: 0,
    },
    logging: { level: 'silent', format: 'json' },
    accessLog: { enabled: false, output: 'stdout' },
    admin: wantAdmin ? { port: 0, host: '127.0.0.1', token: undefined } : undefined,
    workers: 1,
  };
}

/** Prefer the real loader so the bench runs what users run; fall back to the resolved shape. */
async function buildConfig() {
  if (typeof core.loadConfig !== 'function') return resolvedConfig();
  const dir = mkdtempSync(join(tmpdir(), 'helios-bench-'));
  const file = join(dir, 'helios.yaml');
  const yaml = [
    'port: 0',
    'host: 127.0.0.1',
    'strategy: round-robin',
    'backends:',
    ...targets.map((u) => `  - url: ${u}`),
    'timeouts:',
    '  clientIdle: 120s',
    'health:',
    '  active:',
    '    enabled: false',
    '  passive:',
    '    enabled: false',
    'logging:',
    '  level: silent',
    ...(wantAdmin ? ['admin:', '  port: 0', '  host: 127.0.0.1'] : []),
    '',
  ].join('\n');
  writeFileSync(file, yaml);
  try {
    return await core.loadConfig(file);
  } catch (err) {
    process.stderr.write(`helios: loadConfig rejected the bench YAML, using defaults: ${err}\n`);
    return resolvedConfig();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A local round robin, only used while @helios/strategies has no createStrategy. */
function fallbackRoundRobin() {
  let list = [];
  let next = 0;
  return {
    name: 'round-robin',
    update(backends) {
      list = backends;
      next = 0;
    },
    pick(_request, exclude) {
      const n = list.length;
      for (let i = 0; i < n; i++) {
        const b = list[next];
        next = next + 1 === n ? 0 : next + 1;
        if (b.available && b !== exclude) return b;
      }
      return exclude?.available ? exclude : undefined;
    },
  };
}

async function makeStrategy(config) {
  try {
    const strategies = await import('@helios/strategies');
    if (typeof strategies.createStrategy === 'function') {
      return { strategy: strategies.createStrategy(config.strategy, {}), source: 'strategies' };
    }
  } catch {
    // not built yet
  }
  return { strategy: fallbackRoundRobin(), source: 'bench-fallback' };
}

/**
 * The admin listener (issue 8): createAdminServer from @helios/cli's admin module (not part of
 * the package's public face, so it is loaded from the built file).
 */
async function startAdmin(proxy, config) {
  let mod;
  try {
    const url = new URL('../node_modules/@helios/cli/dist/admin/index.js', import.meta.url);
    mod = await import(url.href);
  } catch (err) {
    return `unavailable: @helios/cli admin not built (${err?.code ?? err})`;
  }
  if (typeof mod.createAdminServer !== 'function') return 'unavailable: no createAdminServer';
  try {
    const admin = mod.createAdminServer({
      config: config.admin ?? { port: 0, host: '127.0.0.1', token: undefined },
      proxy,
      info: { version: 'bench', strategy: config.strategy?.name ?? 'round-robin' },
    });
    const addr = await admin.listen();
    return `on (:${addr.port})`;
  } catch (err) {
    return `unavailable: ${err?.message ?? err}`;
  }
}

async function startOne() {
  const config = await buildConfig();
  const { strategy, source } = await makeStrategy(config);
  const proxy = core.createProxy({ config, strategy });
  const adminState = wantAdmin ? await startAdmin(proxy, config) : 'off';
  const addr = await proxy.listen();
  process.on('SIGTERM', () => {
    // Exit promptly (profiles are flushed by process.exit); drain is not under test here.
    const timer = setTimeout(() => process.exit(0), 500);
    proxy.close().finally(() => {
      clearTimeout(timer);
      process.exit(0);
    });
  });
  return { port: addr.port, admin: adminState, strategy: source };
}

if (workers > 1 && cluster.isPrimary) {
  // Stand-in for Helios's own workers: N identical processes sharing one port via node:cluster.
  const ready = [];
  for (let i = 0; i < workers; i++) {
    const w = cluster.fork();
    ready.push(new Promise((resolve) => w.once('message', resolve)));
  }
  const infos = await Promise.all(ready);
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 500);
  });
  const first = infos[0];
  process.stdout.write(
    `${JSON.stringify({ ready: true, ...first, workers, mode: 'bench node:cluster stand-in' })}\n`,
  );
} else {
  const info = await startOne();
  if (cluster.isWorker) process.send?.(info);
  else process.stdout.write(`${JSON.stringify({ ready: true, ...info, workers: 1 })}\n`);
}
