/**
 * The tables of `pnpm bench`: throughput (every target x scenario), metrics on/off for Helios,
 * scaling (Helios workers vs nginx worker_processes vs HAProxy nbthread) and a CPU profile.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { cpuLayout, THROUGHPUT_SCENARIOS } from './args.mjs';
import { measureCell } from './cell.mjs';
import { repin } from './procs.mjs';
import { summariseProfile } from './profile.mjs';
import { TARGETS } from './targets.mjs';

export function describe(row) {
  if (row.error) return `ERROR ${row.error}`;
  const rss = row.peakRssMiB ? `, RSS ${row.peakRssMiB.toFixed(0)} MiB` : '';
  const cpu = Number.isFinite(row.proxyCpuPct)
    ? `, cpu ${row.proxyCpuPct.toFixed(0)}%${Number.isFinite(row.proxyCoresBusyPct) ? ` (core busy ${row.proxyCoresBusyPct.toFixed(0)}%)` : ''}${row.foreignCpuPct > 5 ? ` (foreign ${row.foreignCpuPct.toFixed(0)}%)` : ''}`
    : '';
  const errs = row.errors + row.non2xx > 0 ? `, errors ${row.errors} non2xx ${row.non2xx}` : '';
  const latency = Number.isFinite(row.p99Ms)
    ? `p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms`
    : `mean ${row.meanMs?.toFixed(2)} ms`;
  return `${Math.round(row.rps)} req/s, ${latency}${rss}${cpu}${errs}`;
}

export async function throughputSuite(scenarios, targets, ctx) {
  const out = {};
  const rounds = ctx.opts.rounds;
  for (const s of scenarios) {
    // Rounds interleave the targets so that slow phases of a shared machine hit all of them;
    // each target keeps its best round (noise only ever slows a run down).
    const runs = new Map(targets.map((t) => [t, []]));
    for (let round = 1; round <= rounds; round++) {
      for (const name of targets) {
        const row = await measureCell(name, THROUGHPUT_SCENARIOS[s], ctx);
        const tag = rounds > 1 ? ` r${round}` : '';
        ctx.log(`  ${s.padEnd(5)} ${name.padEnd(10)}${tag} ${describe(row)}`);
        runs.get(name).push(row);
      }
    }
    out[s] = targets.map((name) => {
      const all = runs.get(name);
      const ok = all.filter((r) => !r.error);
      if (ok.length === 0) return all[0];
      const best = ok.reduce((a, b) => (b.rps > a.rps ? b : a));
      if (rounds === 1) return best;
      return {
        ...best,
        medianRps: median(ok.map((r) => r.rps)),
        roundsRps: all.map((r) => (r.error ? null : r.rps)),
      };
    });
  }
  return out;
}

/** Helios without and with the admin/metrics listener, alternating to spread drift evenly. */
export async function metricsSuite(ctx) {
  const rounds = [];
  for (let i = 0; i < ctx.opts.metricsRounds; i++) {
    for (const admin of [false, true]) {
      const row = await measureCell('helios', THROUGHPUT_SCENARIOS.small, ctx, { admin });
      ctx.log(
        `  metrics ${admin ? 'on ' : 'off'} round ${i + 1}: ${describe(row)}${admin ? ` [admin: ${row.info?.admin ?? '?'}]` : ''}`,
      );
      rounds.push({ admin, ...row });
    }
  }
  return summariseMetrics(rounds);
}

/**
 * `small` through Helios with route tables of each size, interleaved rounds (so drift on the
 * machine hits every size alike); medians per size and the cost against the first size.
 */
export async function routesSuite(ctx) {
  const { routeCounts, routesRounds } = ctx.opts;
  const rounds = [];
  for (let i = 0; i < routesRounds; i++) {
    for (const routes of routeCounts) {
      const row = await measureCell('helios', THROUGHPUT_SCENARIOS.small, ctx, { routes });
      ctx.log(`  ${routes} route(s) round ${i + 1}: ${describe(row)}`);
      rounds.push({ routes, ...row });
    }
  }
  return summariseRoutes(rounds, routeCounts);
}

export function summariseRoutes(rounds, routeCounts) {
  const ok = rounds.filter((r) => !r.error);
  const sizes = routeCounts.map((routes) => {
    const mine = ok.filter((r) => r.routes === routes);
    return {
      routes,
      rps: median(mine.map((r) => r.rps)),
      bestRps: Math.max(...mine.map((r) => r.rps)),
      p99Ms: median(mine.map((r) => r.p99Ms)),
    };
  });
  const base = sizes[0]?.rps;
  for (const size of sizes) size.deltaPct = ((base - size.rps) / base) * 100;
  return { rounds, sizes };
}

/** Off/on medians and the cost of metrics, from alternating rounds. */
export function summariseMetrics(rounds) {
  const ok = rounds.filter((r) => !r.error);
  const off = ok.filter((r) => !r.admin);
  const on = ok.filter((r) => r.admin);
  const adminState = on[0]?.info?.admin ?? 'unknown';
  // Medians, not means: one round slowed by other work would otherwise decide the result.
  return {
    rounds,
    offRps: median(off.map((r) => r.rps)),
    onRps: median(on.map((r) => r.rps)),
    offBestRps: Math.max(...off.map((r) => r.rps)),
    onBestRps: Math.max(...on.map((r) => r.rps)),
    offP99Ms: median(off.map((r) => r.p99Ms)),
    onP99Ms: median(on.map((r) => r.p99Ms)),
    deltaPct:
      ((median(off.map((r) => r.rps)) - median(on.map((r) => r.rps))) /
        median(off.map((r) => r.rps))) *
      100,
    adminState,
    adminActive: adminState.startsWith('on'),
  };
}

function median(xs) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Same core budget for each proxy at each step; backends and load generator get the rest. */
export async function scalingSuite(targets, ctx) {
  const n = os.cpus().length;
  const steps = [];
  for (const w of ctx.opts.workers) {
    const cores = w === 'auto' ? n : Number(w);
    if (!Number.isInteger(cores) || cores < 1) throw new Error(`--workers: bad step "${w}"`);
    const existing = steps.find((s) => s.cores === cores);
    if (existing) existing.labels.push(w);
    else steps.push({ cores, labels: [w] });
  }
  const names = ['helios', 'nginx', 'haproxy'].filter(
    (t) => targets.includes(t) && TARGETS[t].available(),
  );
  const rows = [];
  for (const step of steps) {
    const layout = cpuLayout(step.cores, ctx.opts.pin);
    ctx.backends.pin(layout.loadCpus ?? `0-${n - 1}`);
    repin(process.pid, layout.loadCpus ?? `0-${n - 1}`);
    const stepCtx = { ...ctx, layout };
    const row = {
      workers: step.labels.join(' = '),
      cores: step.cores,
      layout: layoutText(layout, step.cores),
      results: {},
    };
    for (const name of names) {
      // Every worker warms its own JIT, and each sees only its share of the warm-up load.
      const r = await measureCell(name, THROUGHPUT_SCENARIOS.small, stepCtx, {
        threads: step.cores,
        cli: true,
        warmup: ctx.opts.warmup * Math.min(step.cores, 3),
      });
      ctx.log(
        `  scaling x${step.cores} ${name.padEnd(8)} ${describe(r)}${r.info?.mode ? ` [${r.info.mode}]` : ''}`,
      );
      row.results[name] = r;
    }
    rows.push(row);
  }
  ctx.backends.pin(ctx.layout.loadCpus ?? `0-${n - 1}`);
  repin(process.pid, ctx.layout.loadCpus ?? `0-${n - 1}`);
  return rows;
}

function layoutText(layout, cores) {
  if (layout.shared)
    return `${cores} proxy worker(s); proxy, load generator and backends share all cores`;
  return `proxy on cpu ${layout.proxyCpus}; load generator + backends on cpu ${layout.loadCpus}`;
}

/**
 * Node targets under the small-response load with `node --cpu-prof`: Helios, plus the Node peers
 * with `--profile-peers` (to compare where each spends its time). Returns one summary each.
 */
export async function profileSuite(names, ctx) {
  const out = [];
  const jobs = names.map((name) => ({ name, admin: false }));
  if (ctx.opts.profileMetrics && names.includes('helios'))
    jobs.push({ name: 'helios', admin: true });
  for (const { name, admin } of jobs) {
    const dir = mkdtempSync(join(os.tmpdir(), 'helios-bench-prof-'));
    try {
      const row = await measureCell(name, THROUGHPUT_SCENARIOS.small, ctx, {
        profileDir: dir,
        admin,
      });
      ctx.log(`  profile ${name}${admin ? ' (metrics on)' : ''}: ${describe(row)}`);
      const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (!file) {
        out.push({
          target: name,
          row,
          error: 'no .cpuprofile written (no clean exit on SIGTERM?)',
        });
        continue;
      }
      const keep = join(ctx.outDir, `${name}${admin ? '-metrics' : ''}.cpuprofile`);
      copyFileSync(join(dir, file), keep);
      out.push({ target: name, admin, row, ...summariseProfile(keep) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}
