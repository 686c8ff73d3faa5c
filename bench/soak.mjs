#!/usr/bin/env node
/**
 * Soak test: Helios (the real CLI, its own process) in front of three healthy loopback backends,
 * under legitimate traffic and a steady mix of hostile clients, for a bounded time. It reports
 * what a load balancer is judged by:
 *   - ejections of healthy backends (from the admin's transitions and metrics): must be 0;
 *   - legitimate requests that failed or stalled (slower than --stall-ms): must be 0;
 *   - Helios' RSS over time: must stay flat (the last third's peak within --rss-growth-mib of
 *     the first third's).
 * Not part of `pnpm test`. Loopback only, bounded counts and durations.
 *
 *   pnpm soak                      # 3 minutes
 *   pnpm soak -- --duration 30     # a quick run
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '180' },
    'stall-ms': { type: 'string', default: '2000' },
    'rss-growth-mib': { type: 'string', default: '48' },
    json: { type: 'string' },
  },
});
const DURATION_S = Number(args.duration);
const STALL_MS = Number(args['stall-ms']);
const RSS_GROWTH = Number(args['rss-growth-mib']) * 1024 * 1024;
const cli = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

// ---- backends: healthy, with a few paths of different shapes -------------------------------

const BIG = Buffer.alloc(4 * 1024 * 1024, 0x62);
function startBackend(index) {
  const server = createServer((req, res) => {
    if (req.url === '/health') return res.end('ok');
    if (req.url === '/big') {
      res.writeHead(200, { 'content-length': String(BIG.length) });
      return res.end(BIG);
    }
    let bytes = 0;
    req.on('data', (c) => {
      bytes += c.length;
    });
    req.on('end', () => {
      const delay = req.url === '/slow' ? 200 : 0;
      setTimeout(() => res.end(`Halo dari Server ${index} (${bytes} bytes)`), delay);
    });
  });
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

// ---- Helios --------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startHelios(backends) {
  const dir = mkdtempSync(join(tmpdir(), 'helios-soak-'));
  const port = await freePort();
  const adminPort = await freePort();
  const file = join(dir, 'helios.yaml');
  writeFileSync(
    file,
    [
      `port: ${port}`,
      'host: 127.0.0.1',
      'backends:',
      ...backends.map((b) => `  - ${b.url}`),
      'timeouts: { clientHeader: 5s, clientBody: 5s, clientSend: 5s, response: 10s }',
      'health:',
      '  active: { interval: 2s, timeout: 1s }',
      `admin: { port: ${adminPort}, host: 127.0.0.1 }`,
      'logging: { level: error, format: json }',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [cli, '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => {
    output = (output + c).slice(-4096);
  });
  child.stderr.on('data', (c) => {
    output = (output + c).slice(-4096);
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await get(`http://127.0.0.1:${adminPort}/healthz`).catch(() => false)) break;
    await sleep(100);
  }
  return { child, port, adminPort, output: () => output };
}

function get(url) {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

// ---- legitimate clients --------------------------------------------------------------------

const legit = { ok: 0, failed: 0, stalled: 0, maxMs: 0, failures: {} };
const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 3_000 });

async function legitLoop(port, stopAt, kind) {
  const body = Buffer.alloc(kind === 'upload' ? 200 * 1024 : 1024, 0x61);
  while (Date.now() < stopAt) {
    const started = performance.now();
    const path = kind === 'slow' ? '/slow' : kind === 'download' ? '/big' : '/';
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: kind === 'get' || kind === 'slow' || kind === 'download' ? 'GET' : 'POST',
        body: kind === 'get' || kind === 'slow' || kind === 'download' ? undefined : body,
        dispatcher,
        signal: AbortSignal.timeout(STALL_MS * 5),
      });
      await res.arrayBuffer();
      const ms = performance.now() - started;
      legit.maxMs = Math.max(legit.maxMs, ms);
      if (res.status !== 200) {
        legit.failed++;
        legit.failures[res.status] = (legit.failures[res.status] ?? 0) + 1;
      } else if (ms > STALL_MS + (kind === 'slow' ? 200 : 0)) {
        legit.stalled++;
      } else {
        legit.ok++;
      }
    } catch (error) {
      legit.failed++;
      const key = error?.cause?.code ?? error?.name ?? 'error';
      legit.failures[key] = (legit.failures[key] ?? 0) + 1;
    }
  }
}

// ---- hostile clients -----------------------------------------------------------------------

const hostile = {};
function count(name) {
  hostile[name] = (hostile[name] ?? 0) + 1;
}

/** One raw connection: write `parts` (strings, or numbers = pause in ms), then hold or close. */
function raw(port, parts, { holdMs = 0, destroyAfter = false } = {}) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    const done = () => {
      socket.destroy();
      resolve();
    };
    socket.on('close', resolve);
    socket.on('connect', async () => {
      for (const part of parts) {
        if (socket.destroyed) return;
        if (typeof part === 'number') await sleep(part);
        else socket.write(part);
      }
      if (destroyAfter) return done();
      if (holdMs > 0) setTimeout(done, holdMs);
    });
  });
}

const attacks = {
  // Headers one byte at a time, well under the header timeout per byte.
  slowloris: (port) =>
    raw(
      port,
      [
        'GET / HTTP/1.1\r\n',
        ...Array.from({ length: 20 }, (_, i) => [250, `X-${i}: y\r\n`]).flat(),
      ],
      {
        holdMs: 1_000,
      },
    ),
  // A body that stops after 10 of 100 bytes, buffered and streamed sizes.
  slowBody: (port) =>
    raw(port, ['POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789'], {
      holdMs: 8_000,
    }),
  slowBigBody: (port) =>
    raw(
      port,
      [
        `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
        'x'.repeat(70_000),
      ],
      {
        holdMs: 8_000,
      },
    ),
  // Reset in the middle of an upload and in the middle of a download.
  resetUpload: (port) =>
    raw(
      port,
      [`POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(50_000)}`, 20],
      {
        destroyAfter: true,
      },
    ),
  resetDownload: (port) =>
    raw(port, ['GET /big HTTP/1.1\r\nHost: a\r\n\r\n', 5], { destroyAfter: true }),
  // Never reads a 4 MiB answer.
  slowReader: (port) =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('GET /big HTTP/1.1\r\nHost: a\r\n\r\n');
        socket.pause();
      });
      socket.on('error', () => undefined);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 8_000);
    }),
  duplicateHost: (port) =>
    raw(port, ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'], { holdMs: 200 }),
  invalidHost: (port) => raw(port, ['GET / HTTP/1.1\r\nHost: a b@c/d\r\n\r\n'], { holdMs: 200 }),
  http09Injection: (port) =>
    raw(port, ['GET /a\nX-Injected: yes HTTP/1.1\r\nHost: a\r\n\r\n'], { holdMs: 200 }),
  h2cWithBody: (port) =>
    raw(
      port,
      [
        'POST / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Length: 5\r\n\r\nhello',
      ],
      {
        holdMs: 200,
      },
    ),
  tooManyHeaders: (port) => {
    let head = 'GET / HTTP/1.1\r\nHost: a\r\n';
    for (let i = 0; i < 1_100; i++) head += `X-${i}: v\r\n`;
    return raw(port, [`${head}\r\n`], { holdMs: 200 });
  },
  longUrl: (port) =>
    raw(port, [`GET /${'u'.repeat(100_000)} HTTP/1.1\r\nHost: a\r\n\r\n`], { holdMs: 200 }),
  pipelineBurst: (port) => {
    let burst = '';
    for (let i = 0; i < 500; i++) burst += 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
    return raw(port, [burst], { holdMs: 2_000 });
  },
  http10Chunked: (port) =>
    raw(
      port,
      ['POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
      {
        holdMs: 200,
      },
    ),
  absoluteFormUserinfo: (port) =>
    raw(port, ['GET http://u:p@evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n'], { holdMs: 200 }),
};

async function hostileLoop(port, stopAt, name, concurrency) {
  const attack = attacks[name];
  const workers = Array.from({ length: concurrency }, async () => {
    while (Date.now() < stopAt) {
      await attack(port);
      count(name);
    }
  });
  await Promise.all(workers);
}

// ---- the run -------------------------------------------------------------------------------

const backends = await Promise.all([1, 2, 3].map(startBackend));
const helios = await startHelios(backends);
console.log(
  `soak: ${DURATION_S}s against Helios pid ${helios.child.pid} on :${helios.port}, 3 healthy backends`,
);
const startedAt = Date.now();
const stopAt = startedAt + DURATION_S * 1000;
const rss = [];
const sampler = setInterval(() => {
  try {
    rss.push({ t: Math.round((Date.now() - startedAt) / 1000), rss: rssOf(helios.child.pid) });
  } catch {
    // process gone; reported below
  }
}, 2_000);

await Promise.all([
  ...['get', 'get', 'post', 'upload', 'slow', 'download'].map((kind) =>
    legitLoop(helios.port, stopAt, kind),
  ),
  hostileLoop(helios.port, stopAt, 'slowloris', 20),
  hostileLoop(helios.port, stopAt, 'slowBody', 20),
  hostileLoop(helios.port, stopAt, 'slowBigBody', 4),
  hostileLoop(helios.port, stopAt, 'resetUpload', 2),
  hostileLoop(helios.port, stopAt, 'resetDownload', 2),
  hostileLoop(helios.port, stopAt, 'slowReader', 4),
  ...[
    'duplicateHost',
    'invalidHost',
    'http09Injection',
    'h2cWithBody',
    'tooManyHeaders',
    'longUrl',
    'pipelineBurst',
    'http10Chunked',
    'absoluteFormUserinfo',
  ].map((name) => hostileLoop(helios.port, stopAt, name, 1)),
]);
clearInterval(sampler);

const status = JSON.parse(await get(`http://127.0.0.1:${helios.adminPort}/api/status`));
const metrics = await get(`http://127.0.0.1:${helios.adminPort}/metrics`);
const ejections = [...metrics.matchAll(/^helios_backend_ejections_total\{[^}]*\} (\d+)/gm)].reduce(
  (sum, m) => sum + Number(m[1]),
  0,
);
const downTransitions = status.transitions.filter((t) => !t.healthy);
const third = Math.max(1, Math.floor(rss.length / 3));
const firstPeak = Math.max(...rss.slice(0, third).map((s) => s.rss));
const lastPeak = Math.max(...rss.slice(-third).map((s) => s.rss));
const alive = helios.child.exitCode === null;
helios.child.kill('SIGTERM');
await new Promise((resolve) => helios.child.once('exit', resolve));
await dispatcher.close();
for (const b of backends) b.server.close();

const result = {
  durationSeconds: DURATION_S,
  node: process.version,
  heliosAlive: alive,
  legit,
  hostile,
  ejections,
  downTransitions,
  rssMiB: {
    firstThirdPeak: +(firstPeak / 1048576).toFixed(1),
    lastThirdPeak: +(lastPeak / 1048576).toFixed(1),
    samples: rss.map((s) => [s.t, +(s.rss / 1048576).toFixed(1)]),
  },
};
const pass =
  alive &&
  ejections === 0 &&
  downTransitions.length === 0 &&
  legit.failed === 0 &&
  legit.stalled === 0 &&
  lastPeak - firstPeak <= RSS_GROWTH;
if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
console.log(
  JSON.stringify({ ...result, rssMiB: { ...result.rssMiB, samples: undefined } }, null, 2),
);
console.log(pass ? 'soak: PASS' : 'soak: FAIL');
if (!pass && !alive) console.log(helios.output());
process.exit(pass ? 0 : 1);
