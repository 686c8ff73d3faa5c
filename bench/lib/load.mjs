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

/**
 * @param {object} o { port, path, method, bodyBytes, connections, duration (s), threads, cpus, tool }
 * @returns {Promise<{rps, p50Ms, p99Ms, p999Ms, meanMs, requests, errors, non2xx, bytesPerSec}>}
 */
export async function runLoad(o) {
  const url = `http://127.0.0.1:${o.port}${o.path}`;
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
