/**
 * `pnpm bench`: Helios side by side with the Node peers (http-proxy, @fastify/http-proxy),
 * nginx and HAProxy, under the same load in one run. See bench/README.md and docs/benchmarks.md.
 * Writes bench/results/latest.json and latest.md and prints the tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuLayout, parseArgs, THROUGHPUT_SCENARIOS, USAGE } from './lib/args.mjs';
import { startBackends } from './lib/backends.mjs';
import { hasH2load, hasWrk } from './lib/load.mjs';
import { machineInfo } from './lib/machine.mjs';
import { memorySuite } from './lib/memory.mjs';
import { canPin, killAllStarted, repin } from './lib/procs.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { inBenchSession, rerunInOwnSession } from './lib/session.mjs';
import {
  describe,
  metricsSuite,
  profileSuite,
  routesSuite,
  scalingSuite,
  throughputSuite,
} from './lib/suites.mjs';
import { TARGETS } from './lib/targets.mjs';
import { tlsSuite } from './lib/tls.mjs';

const argv = process.argv.slice(2);
let opts;
try {
  opts = parseArgs(argv, hasWrk);
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!inBenchSession(opts.nice)) process.exit(await rerunInOwnSession(opts.nice));

const started = Date.now();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAllStarted();
    process.exit(130);
  });
}
const log = (line) =>
  process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}\n`);
const outDir = opts.out ?? fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(outDir, { recursive: true });

const pin = opts.pin && canPin();
const layout = cpuLayout(1, pin);
const targets = opts.targets.filter((t) => {
  if (TARGETS[t].available()) return true;
  log(`skip ${t}: not installed`);
  return false;
});
const setup = layout.shared
  ? `no pinning (${pin ? `${os.cpus().length} core(s)` : 'disabled'}): proxy, ${opts.loadgen} and backends share the cores`
  : `proxy under test pinned to cpu ${layout.proxyCpus} (taskset); ${opts.loadgen} (${layout.loadCores} thread(s), ${opts.connections} connections), ${opts.backends} node:http backend processes and this harness on cpu ${layout.loadCpus}; loopback; ${opts.warmup} s warm-up + ${opts.duration} s measured per cell; each cell starts a fresh proxy process${opts.rounds > 1 ? `; best of ${opts.rounds} interleaved rounds per cell` : ''}${opts.nice ? `; the bench runs in its own session (scheduler autogroup) at nice ${opts.nice}` : ''}`;

// The harness itself (memory-bench client, orchestration) stays off the proxy's core.
if (layout.loadCpus) repin(process.pid, layout.loadCpus);

log(`setup: ${setup}`);
const backends = await startBackends(opts.backends, layout.loadCpus);
log(`backends: ${backends.urls.join(', ')}`);

const ctx = {
  upstreams: backends.urls,
  layout,
  opts,
  log,
  backends,
  outDir,
  quietBudgetMs: opts.quietWait * 1000,
  retryBudgetMs: opts.quietWait * 1000,
};
const results = {
  meta: {
    startedAt: new Date(started).toISOString(),
    finishedAt: undefined,
    command: `node bench/run.mjs ${argv.filter((a) => a !== '--').join(' ')}`.trim(),
    setup,
    options: opts,
    machine: machineInfo(),
  },
};

let exitCode = 0;
try {
  const cellScenarios = opts.scenarios.filter((s) => s in THROUGHPUT_SCENARIOS);
  if (cellScenarios.length > 0) {
    log(`throughput: ${cellScenarios.join(', ')} x ${targets.join(', ')}`);
    results.throughput = await throughputSuite(cellScenarios, targets, ctx);
  }
  if (opts.scenarios.includes('memory')) {
    const proxies = targets.filter((t) => t !== 'direct' && (opts.memoryPeers || t === 'helios'));
    log(`memory: ${opts.memoryMiB} MiB up and down through ${proxies.join(', ')}`);
    results.memory = await memorySuite(proxies, ctx);
  }
  if (opts.scenarios.includes('metrics') && targets.includes('helios')) {
    log('metrics: Helios with the admin/metrics listener off and on');
    results.metrics = await metricsSuite(ctx);
  }
  if (opts.scenarios.includes('routes') && targets.includes('helios')) {
    log(`routes: Helios with ${opts.routeCounts.join(', ')} routes`);
    results.routes = await routesSuite(ctx);
  }
  if (opts.scenarios.includes('tls')) {
    const names = targets.filter((t) => ['helios', 'fastify', 'nginx'].includes(t));
    if (!hasH2load)
      log('tls: h2load is not installed (apt-get install nghttp2-client): h2 rows fail');
    log(`tls: HTTP/1.1 and HTTP/2 over TLS through ${names.join(', ')}`);
    results.tls = await tlsSuite(names, ctx, describe);
  }
  if (opts.scenarios.includes('scaling')) {
    log(`scaling: workers ${opts.workers.join(', ')}`);
    results.scaling = await scalingSuite(targets, ctx);
  }
  if (opts.scenarios.includes('profile')) {
    const names = targets.filter(
      (t) => t === 'helios' || (opts.profilePeers && TARGETS[t].kind === 'node-peer'),
    );
    log(`profile: ${names.join(', ')} under the small-response load with --cpu-prof`);
    results.profile = await profileSuite(names, ctx);
  }
} catch (err) {
  log(`bench failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await backends.close();
}

results.meta.finishedAt = new Date().toISOString();
const md = renderMarkdown(results);
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(join(outDir, 'latest.md'), md);
process.stdout.write(`\n${md}\n`);
log(`wrote ${join(outDir, 'latest.json')} and latest.md`);
process.exit(exitCode);
