/**
 * Drives load with wrk (preferred, Debian's package) or autocannon in a separate process,
 * pinned to the load cores, and returns one normalised summary.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnPinned } from './procs.mjs';

const wrkScript = fileURLToPath(new URL('../wrk/bench.lua', import.meta.url));
const acRunner = fileURLToPath(new URL('../servers/autocannon-runner.mjs', import.meta.url));

export const hasWrk = spawnSync('wrk', ['-v']).error === undefined;

export function wrkVersion() {
  if (!hasWrk) return undefined;
  const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  const m = `${r.stdout}${r.stderr}`.match(/wrk (\S+)/);
  return m ? m[1] : 'unknown';
}

export const hasH2load = spawnSync('h2load', ['--version']).error === undefined;

/** Concurrent streams per h2load connection: 64 connections' worth of requests over 8. */
const H2_STREAMS = 8;

/**
 * h2load over TLS (ALPN h2): `connections` requests in flight, as `connections / 8` sessions of
 * 8 streams each, the way a browser multiplexes. It reports the mean and spread of request
 * times, not percentiles, so p50/p99 stay empty for its rows.
 */
async function runH2load(o, url) {
  const sessions = Math.max(1, Math.round(o.connections / H2_STREAMS));
  const child = spawnPinned(o.cpus, 'h2load', [
    '-c',
    String(sessions),
    '-m',
    String(H2_STREAMS),
    '-t',
    String(Math.min(o.threads, sessions)),
    '-D',
    String(o.duration),
    url,
  ]);
  const { code } = await child.exited;
  const out = child.output;
  const finished = out.match(/finished in ([\d.]+)(m?s), ([\d.]+) req\/s/);
  const done = out.match(
    /requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/,
  );
  const status = out.match(/status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/);
  const time = out.match(/time for request:\s+(\S+)\s+(\S+)\s+(\S+)/);
  if (!finished || !done || !status) throw new Error(`h2load failed (exit ${code}):\n${out}`);
  const toMs = (v) =>
    v.endsWith('us')
      ? Number.parseFloat(v) / 1000
      : v.endsWith('ms')
        ? Number.parseFloat(v)
        : Number.parseFloat(v) * 1000;
  return {
    rps: Number(finished[3]),
    p50Ms: Number.NaN,
    p99Ms: Number.NaN,
    p999Ms: Number.NaN,
    meanMs: time ? toMs(time[3]) : Number.NaN,
    requests: Number(done[2]),
    errors: Number(done[3]) + Number(done[4]) + Number(done[5]),
    non2xx: Number(status[2]) + Number(status[3]) + Number(status[4]),
    bytesPerSec: Number.NaN,
  };
}

/**
 * @param {object} o { port, path, method, bodyBytes, connections, duration (s), threads, cpus, tool, scheme }
 * @returns {Promise<{rps, p50Ms, p99Ms, p999Ms, meanMs, requests, errors, non2xx, bytesPerSec}>}
 */
export async function runLoad(o) {
  const url = `${o.scheme ?? 'http'}://127.0.0.1:${o.port}${o.path}`;
  if (o.tool === 'h2load') return runH2load(o, url);
  let child;
  if (o.tool === 'wrk') {
    child = spawnPinned(
      o.cpus,
      'wrk',
      [
        '-t',
        String(o.threads),
        '-c',
        String(Math.max(o.connections, o.threads)),
        '-d',
        `${o.duration}s`,
        '--timeout',
        '10s',
        '-s',
        wrkScript,
        url,
      ],
      {
        env: {
          ...process.env,
          BENCH_METHOD: o.method,
          BENCH_BODY_BYTES: String(o.bodyBytes),
        },
      },
    );
  } else {
    const spec = {
      url,
      connections: o.connections,
      duration: o.duration,
      method: o.method,
      bodyBytes: o.bodyBytes,
    };
    child = spawnPinned(o.cpus, process.execPath, [acRunner, JSON.stringify(spec)]);
  }
  const { code } = await child.exited;
  const line = child.output.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`${o.tool} failed (exit ${code}):\n${child.output}`);
  const s = JSON.parse(line.slice('BENCH_JSON '.length));
  const seconds = s.durationUs / 1e6;
  const e = s.errors;
  return {
    rps: s.requests / seconds,
    p50Ms: s.latencyUs.p50 / 1000,
    p99Ms: s.latencyUs.p99 / 1000,
    p999Ms: s.latencyUs.p999 / 1000,
    meanMs: s.latencyUs.mean / 1000,
    requests: s.requests,
    errors: e.connect + e.read + e.write + e.timeout,
    non2xx: e.status,
    bytesPerSec: s.bytes / seconds,
  };
}
