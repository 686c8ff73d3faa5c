#!/usr/bin/env node
/**
 * CPU instructions per proxied request, counted by valgrind's callgrind: a cost measure that a
 * noisy (virtual, shared) machine cannot blur, for before/after comparisons of the data path.
 * Helios runs under callgrind twice per scenario, serving N and then 3N requests from a client
 * in another process; the difference divided by 2N is the cost of one request, with start-up and
 * shutdown cancelled out.
 *
 *   node bench/instructions.mjs                 # this checkout
 *   node bench/instructions.mjs --root ../other # another checkout (built), for a before/after
 *   node bench/instructions.mjs --requests 1500 --scenarios small,post
 *   node bench/instructions.mjs --targets helios,fastify,http-proxy   # against the Node peers
 *   node bench/instructions.mjs --scenarios small --routes 200   # Helios behind 200 routes
 *
 * Needs valgrind (Debian: apt-get install valgrind). Loopback only; a few minutes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: resolve(here, '..') },
    requests: { type: 'string', default: '1000' },
    scenarios: { type: 'string', default: 'small,64k,post' },
    targets: { type: 'string', default: 'helios' },
    // Helios only: a route table of this size (see servers/helios.mjs); 0 = top-level backends.
    routes: { type: 'string', default: '0' },
  },
});
/** The same server scripts the throughput bench starts (bench/servers/). */
const SERVERS = {
  helios: 'helios.mjs',
  fastify: 'fastify-proxy.mjs',
  'http-proxy': 'http-proxy.mjs',
};
const ROOT = resolve(args.root);
const N = Number(args.requests);
const SCENARIOS = {
  small: { method: 'GET', path: '/small', body: undefined },
  '64k': { method: 'GET', path: '/64k', body: undefined },
  post: { method: 'POST', path: '/post', body: Buffer.alloc(16 * 1024, 0x61) },
};

function readyLine(child) {
  return new Promise((resolveReady, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line !== undefined) resolveReady(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ready`)));
  });
}

async function drive(port, scenario, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  let left = count;
  const one = () =>
    new Promise((done, fail) => {
      const req = request(
        { host: '127.0.0.1', port, path: scenario.path, method: scenario.method, agent },
        (res) => {
          res.resume();
          res.on('end', done);
        },
      );
      req.on('error', fail);
      req.end(scenario.body);
    });
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (left > 0) {
        left--;
        await one();
      }
    }),
  );
  agent.destroy();
}

/** Instructions a proxy executed while serving `count` requests of `scenario`, start to exit. */
async function measure(target, backendUrl, scenario, count) {
  const out = join(mkdtempSync(join(tmpdir(), 'helios-callgrind-')), 'out');
  const helios = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      process.execPath,
      join(ROOT, 'bench/servers', SERVERS[target]),
      backendUrl,
      ...(target === 'helios' && args.routes !== '0' ? [`--routes=${args.routes}`] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
  );
  const { port } = await readyLine(helios);
  await drive(port, scenario, Math.min(50, count)); // warm-up: JIT tiers, pools
  await drive(port, scenario, count);
  helios.kill('SIGTERM');
  await new Promise((done) => helios.once('exit', done));
  const totals = /^(?:summary|totals): (\d+)/m.exec(readFileSync(out, 'utf8'));
  return Number(totals?.[1] ?? Number.NaN);
}

const backend = spawn(process.execPath, [join(here, 'servers/backend.mjs')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const { port: backendPort } = await readyLine(backend);
const backendUrl = `http://127.0.0.1:${backendPort}`;
console.log(
  `instructions per request, callgrind, ${ROOT} (N=${N} and ${3 * N})${args.routes === '0' ? '' : `, Helios behind ${args.routes} routes`}`,
);
for (const name of args.scenarios.split(',')) {
  const scenario = SCENARIOS[name];
  for (const target of args.targets.split(',')) {
    const low = await measure(target, backendUrl, scenario, N);
    const high = await measure(target, backendUrl, scenario, 3 * N);
    const perRequest = Math.round((high - low) / (2 * N));
    console.log(`${name} ${target}: ${perRequest.toLocaleString('en')} instructions/request`);
  }
}
backend.kill();
