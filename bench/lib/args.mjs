/** Command-line options of `pnpm bench` (see bench/README.md for the meaning of each). */
import os from 'node:os';

export const THROUGHPUT_SCENARIOS = {
  small: { label: 'small response (13 B)', path: '/small', method: 'GET', bodyBytes: 0 },
  '64k': { label: '64 KiB response', path: '/64k', method: 'GET', bodyBytes: 0 },
  post: { label: '16 KiB POST body', path: '/post', method: 'POST', bodyBytes: 16 * 1024 },
};
export const SUITES = ['memory', 'metrics', 'routes', 'tls', 'scaling', 'profile'];
const DEFAULT_SCENARIOS = ['small', '64k', 'post', 'memory', 'metrics', 'routes'];
const DEFAULT_TARGETS = ['direct', 'helios', 'http-proxy', 'fastify', 'nginx', 'haproxy'];
/** Not in the default run: bare proxies that show the floor of each architecture. */
const REFERENCE_TARGETS = ['undici-bare', 'node-http-bare'];

export const USAGE = `pnpm bench [-- options]   (or: node bench/run.mjs [options])
  --quick                 2 s warm-up, 3 s per cell, 256 MiB memory transfers
  --duration=S            measured seconds per cell (default 5)
  --warmup=S              warm-up seconds per cell (default 3; Node's JIT needs 2-4 s
                          to reach full speed after a cold start)
  --connections=N         concurrent client connections (default 64)
  --rounds=N              measure every throughput cell N times, interleaved across targets,
                          and keep each target's best round (default 1)
  --backends=N            origin processes (default 2; proxies balance round robin)
  --only=a,b              targets: ${DEFAULT_TARGETS.join(', ')}
                          (optional references: ${REFERENCE_TARGETS.join(', ')})
  --scenarios=a,b         any of: small, 64k, post, memory, metrics, routes, tls, scaling, profile
                          (default: ${DEFAULT_SCENARIOS.join(',')}; --scenario= is an alias)
  --workers=1,2,auto      scaling steps (worker processes / nginx worker_processes / HAProxy nbthread)
  --memory-size=MiB       size of each memory-bench transfer (default 1024)
  --memory-peers          run the memory bench through the other selected proxies too
                          (default: Helios only)
  --profile-peers         profile the selected Node peers too (scenario "profile")
  --profile-metrics       also profile Helios with the admin/metrics listener on
  --metrics-rounds=N      off/on pairs in the metrics comparison (default 2)
  --route-counts=0,1,200  route table sizes in the routes comparison (0: backends, no routes)
  --routes-rounds=N       rounds over those sizes in the routes comparison (default 2)
  --max-foreign=PCT       re-measure a cell when other processes took more than PCT% of the
                          proxy's core during it (default 10)
  --noise-retries=N       at most N re-measurements per cell (default 2; keeps the cleanest;
                          all re-measurements together get a budget of --quiet-wait seconds)
  --nice=N                run the whole bench in its own session (scheduler autogroup) at this
                          niceness (default -10 as root, else 0 = as started)
  --quiet-wait=S          before each cell wait for the machine to go quiet, at most S seconds
                          in total over the run (default 30; 0 = never wait)
  --loadgen=wrk|autocannon  load generator (default wrk when installed)
  --no-pin                do not pin with taskset
  --out=DIR               results directory (default bench/results)`;

function list(v) {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseArgs(argv, hasWrk) {
  const o = {
    duration: 5,
    warmup: 3,
    connections: 64,
    backends: 2,
    targets: DEFAULT_TARGETS,
    scenarios: DEFAULT_SCENARIOS,
    workers: ['1', '2', 'auto'],
    memoryMiB: 1024,
    metricsRounds: 2,
    routeCounts: [0, 1, 200],
    routesRounds: 2,
    memoryPeers: false,
    profilePeers: false,
    profileMetrics: false,
    rounds: 1,
    noiseRetries: 2,
    nice: process.getuid?.() === 0 ? -10 : 0,
    quietWait: 30,
    maxForeign: 10,
    loadgen: hasWrk ? 'wrk' : 'autocannon',
    pin: true,
    out: undefined,
    help: false,
  };
  for (const arg of argv) {
    // `pnpm bench -- --quick` hands the separator through.
    if (arg === '--') continue;
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    switch (key) {
      case 'quick':
        o.duration = 3;
        o.warmup = 2;
        o.memoryMiB = 256;
        o.noiseRetries = 1;
        break;
      case 'duration':
        o.duration = Number(value);
        break;
      case 'warmup':
        o.warmup = Number(value);
        break;
      case 'connections':
        o.connections = Number(value);
        break;
      case 'backends':
        o.backends = Number(value);
        break;
      case 'only':
        o.targets = list(value);
        break;
      case 'scenario':
      case 'scenarios':
        o.scenarios = list(value);
        break;
      case 'workers':
        o.workers = list(value);
        break;
      case 'memory-size':
        o.memoryMiB = Number(value);
        break;
      case 'memory-peers':
        o.memoryPeers = true;
        break;
      case 'profile-metrics':
        o.profileMetrics = true;
        break;
      case 'profile-peers':
        o.profilePeers = true;
        break;
      case 'metrics-rounds':
        o.metricsRounds = Number(value);
        break;
      case 'route-counts':
        o.routeCounts = list(value).map(Number);
        break;
      case 'routes-rounds':
        o.routesRounds = Number(value);
        break;
      case 'rounds':
        o.rounds = Number(value);
        break;
      case 'noise-retries':
        o.noiseRetries = Number(value);
        break;
      case 'nice':
        o.nice = Number(value);
        break;
      case 'quiet-wait':
        o.quietWait = Number(value);
        break;
      case 'max-foreign':
        o.maxForeign = Number(value);
        break;
      case 'loadgen':
        o.loadgen = value;
        break;
      case 'no-pin':
        o.pin = false;
        break;
      case 'out':
        o.out = value;
        break;
      case 'help':
      case 'h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option --${key}\n${USAGE}`);
    }
  }
  for (const t of o.targets) {
    if (!DEFAULT_TARGETS.includes(t) && !REFERENCE_TARGETS.includes(t))
      throw new Error(`unknown target "${t}" in --only\n${USAGE}`);
  }
  for (const s of o.scenarios) {
    if (!(s in THROUGHPUT_SCENARIOS) && !SUITES.includes(s)) {
      throw new Error(`unknown scenario "${s}"\n${USAGE}`);
    }
  }
  if (o.routeCounts.some((n) => !Number.isInteger(n) || n < 0) || !(o.routesRounds >= 1))
    throw new Error('--route-counts takes whole numbers >= 0; --routes-rounds a number >= 1');
  if (o.loadgen === 'wrk' && !hasWrk) throw new Error('--loadgen=wrk but wrk is not installed');
  for (const [k, v] of Object.entries({
    rounds: o.rounds,
    duration: o.duration,
    warmup: o.warmup,
    connections: o.connections,
    backends: o.backends,
  })) {
    if (!Number.isFinite(v) || v < (k === 'warmup' ? 0 : 1))
      throw new Error(`--${k} must be a positive number`);
  }
  return o;
}

/** Core layout: the proxy on the first `proxyCores`, load generator + backends on the rest. */
export function cpuLayout(proxyCores, pin) {
  const n = os.cpus().length;
  if (!pin || n < 2) {
    return { proxyCpus: undefined, loadCpus: undefined, loadCores: n, shared: true };
  }
  if (proxyCores >= n) {
    // Everything shares every core. Spell the set out: children would otherwise inherit the
    // harness's own affinity (it pins itself to the load cores of the main layout).
    const all = `0-${n - 1}`;
    return { proxyCpus: all, loadCpus: all, loadCores: n, shared: true };
  }
  return {
    proxyCpus: proxyCores === 1 ? '0' : `0-${proxyCores - 1}`,
    loadCpus: proxyCores === n - 1 ? String(n - 1) : `${proxyCores}-${n - 1}`,
    loadCores: n - proxyCores,
    shared: false,
  };
}
