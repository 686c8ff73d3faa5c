/**
 * Memory bench (issue 3): a large upload and a large download through each proxy, one at a
 * time, recording how far the proxy's resident set grows above its warmed-up baseline.
 * Bodies are generated and discarded on both ends, so only the proxy can hold bytes.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentRss, peakRss, resetPeakRss } from './procs.mjs';
import { TARGETS } from './targets.mjs';

const CHUNK = Buffer.alloc(64 * 1024, 'u');
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
export const LIMIT_MIB = 64;

function request(port, method, path, uploadBytes) {
  return new Promise((resolve, reject) => {
    const headers = uploadBytes > 0 ? { 'content-length': uploadBytes } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let received = 0;
      let text = '';
      res.on('data', (c) => {
        received += c.length;
        if (text.length < 64) text += c.toString('latin1', 0, Math.min(c.length, 64));
      });
      res.on('end', () => resolve({ status: res.statusCode, received, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    let left = uploadBytes;
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

async function transfer(name, direction, bytes, ctx) {
  let running;
  try {
    running = await TARGETS[name].start({
      upstreams: ctx.upstreams,
      cpus: ctx.layout.proxyCpus,
      threads: 1,
    });
  } catch (err) {
    return {
      target: name,
      direction,
      error: `failed to start: ${String(err?.message ?? err).split('\n')[0]}`,
    };
  }
  try {
    // Warm the proxy's pools and JIT first so the baseline is its steady state.
    for (let i = 0; i < 200; i++) await request(running.port, 'GET', '/small', 0);
    await request(running.port, 'POST', '/post', 16 * 1024);
    await sleep(200);
    resetPeakRss(running.pid);
    const baseline = currentRss(running.pid);
    const t0 = performance.now();
    const r =
      direction === 'download'
        ? await request(running.port, 'GET', `/stream?bytes=${bytes}`, 0)
        : await request(running.port, 'POST', '/sink', bytes);
    const seconds = (performance.now() - t0) / 1000;
    const peak = peakRss(running.pid);
    const moved = direction === 'download' ? r.received : Number.parseInt(r.text, 10);
    const growthMiB = Math.max(0, peak - baseline) / 2 ** 20;
    return {
      target: name,
      direction,
      status: r.status,
      complete: moved === bytes,
      bytes,
      seconds,
      mibPerSec: bytes / 2 ** 20 / seconds,
      baselineMiB: baseline / 2 ** 20,
      peakMiB: peak / 2 ** 20,
      growthMiB,
      pass: r.status === 200 && moved === bytes && growthMiB < LIMIT_MIB,
    };
  } catch (err) {
    return { target: name, direction, error: String(err?.message ?? err).split('\n')[0] };
  } finally {
    await running.cleanup();
  }
}

export async function memorySuite(targets, ctx) {
  const bytes = ctx.opts.memoryMiB * 2 ** 20;
  const rows = [];
  for (const name of targets) {
    for (const direction of ['download', 'upload']) {
      const row = await transfer(name, direction, bytes, ctx);
      ctx.log(
        row.error
          ? `  memory ${name} ${direction}: ${row.error}`
          : `  memory ${name} ${direction}: +${row.growthMiB.toFixed(1)} MiB over ${row.baselineMiB.toFixed(1)} MiB, ${row.mibPerSec.toFixed(0)} MiB/s${row.pass ? '' : ' (FAIL)'}`,
      );
      rows.push(row);
    }
  }
  agent.destroy();
  return rows;
}
