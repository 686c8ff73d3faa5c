/**
 * The systems under test. Each target starts one minimal proxy process (or none for `direct`)
 * pinned to the proxy cores and returns the port to load plus the pid to measure.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haproxyBin, haproxyCommand, nginxBin, nginxCommand } from './native.mjs';
import { freePort, spawnPinned, stop, waitForPort, waitReadyLine } from './procs.mjs';

const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));

function profFlags(opts) {
  return opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
}

async function startNode(label, script, opts, extraArgs = [], nodeFlags = []) {
  const child = spawnPinned(opts.cpus, process.execPath, [
    ...nodeFlags,
    join(serversDir, script),
    opts.upstreams.join(','),
    ...extraArgs,
  ]);
  const ready = await waitReadyLine(child, label);
  return { child, pid: child.pid, port: ready.port, info: ready, cleanup: () => stop(child) };
}

async function startNative(label, build, opts) {
  const dir = mkdtempSync(join(tmpdir(), `helios-bench-${label}-`));
  const port = await freePort();
  const { cmd, args } = build(dir, port, opts.upstreams, opts.threads ?? 1, opts.tls);
  const child = spawnPinned(opts.cpus, cmd, args);
  try {
    await waitForPort(port, child, label);
  } catch (err) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    child,
    pid: child.pid,
    port,
    info: {},
    cleanup: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const cliBin = fileURLToPath(new URL('../node_modules/@helios/cli/dist/bin.js', import.meta.url));

/**
 * Helios through its own command, `helios start --workers N` (node:cluster workers behind one
 * port): every scaling step, and any run with more than one worker, measures what users run.
 */
async function startHeliosCli(opts) {
  const dir = mkdtempSync(join(tmpdir(), 'helios-bench-cli-'));
  const port = await freePort();
  const yaml = [
    `port: ${port}`,
    'host: 127.0.0.1',
    'strategy: round-robin',
    'backends:',
    ...opts.upstreams.map((u) => `  - ${u}`),
    'health:',
    '  active:',
    '    enabled: false',
    'logging:',
    '  level: silent',
    `workers: ${opts.threads}`,
    ...(opts.tls
      ? ['tls:', `  cert: ${opts.tls.cert}`, `  key: ${opts.tls.key}`, `http2: ${opts.tls.http2}`]
      : []),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'helios.yaml'), yaml);
  const child = spawnPinned(opts.cpus, process.execPath, [
    cliBin,
    'start',
    '--config',
    join(dir, 'helios.yaml'),
    '--workers',
    String(opts.threads),
  ]);
  const cleanup = async () => {
    await stop(child, 5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, 'helios --workers');
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    child,
    pid: child.pid,
    port,
    info: { mode: 'helios start --workers N' },
    cleanup,
  };
}

/**
 * name -> { label, kind, available(), start(opts) }
 * opts: { upstreams, cpus, threads, cli, admin, routes, tls, profileDir }; `cli` runs Helios through
 * its command; `tls` = { cert, key, ca, http2 } terminates TLS (HTTP/2 too when `http2`).
 */
export const TARGETS = {
  direct: {
    label: 'direct (no proxy)',
    kind: 'baseline',
    available: () => true,
    start: async (opts) => ({
      child: undefined,
      pid: undefined,
      port: Number(new URL(opts.upstreams[0]).port),
      info: {},
      cleanup: async () => {},
    }),
  },
  helios: {
    label: 'Helios',
    kind: 'helios',
    available: () => true,
    // TLS is measured through the command too: certificates are read as users configure them.
    start: (opts) =>
      opts.cli || opts.threads > 1 || opts.tls
        ? startHeliosCli(opts)
        : startNode(
            'helios',
            'helios.mjs',
            opts,
            [
              ...(opts.admin ? ['--admin'] : []),
              ...(opts.routes ? [`--routes=${opts.routes}`] : []),
            ],
            profFlags(opts),
          ),
  },
  'http-proxy': {
    label: 'http-proxy (keep-alive agent)',
    kind: 'node-peer',
    available: () => true,
    start: (opts) => startNode('http-proxy', 'http-proxy.mjs', opts, [], profFlags(opts)),
  },
  fastify: {
    label: '@fastify/http-proxy (undici)',
    kind: 'node-peer',
    available: () => true,
    start: (opts) =>
      startNode(
        'fastify',
        'fastify-proxy.mjs',
        opts,
        opts.tls
          ? [`--tls=${opts.tls.cert},${opts.tls.key}`, ...(opts.tls.http2 ? ['--http2'] : [])]
          : [],
        profFlags(opts),
      ),
  },
  'undici-bare': {
    label: 'reference: bare node:http + undici dispatch',
    kind: 'reference',
    available: () => true,
    start: (opts) => startNode('undici-bare', 'undici-bare.mjs', opts, [], profFlags(opts)),
  },
  'node-http-bare': {
    label: 'reference: bare node:http + keep-alive agent',
    kind: 'reference',
    available: () => true,
    start: (opts) => startNode('node-http-bare', 'node-http-bare.mjs', opts, [], profFlags(opts)),
  },
  nginx: {
    label: 'nginx',
    kind: 'native',
    available: () => nginxBin !== undefined,
    start: (opts) => startNative('nginx', nginxCommand, opts),
  },
  haproxy: {
    label: 'HAProxy',
    kind: 'native',
    available: () => haproxyBin !== undefined,
    start: (opts) => startNative('haproxy', haproxyCommand, opts),
  },
};
