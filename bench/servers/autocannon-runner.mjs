/**
 * Load generator fallback when wrk is not installed: autocannon in its own process (so it gets
 * its own core, like wrk), printing the same BENCH_JSON summary line as bench/wrk/bench.lua.
 * Usage: node autocannon-runner.mjs '{"url":...,"connections":64,"duration":10,"method":"GET","bodyBytes":0}'
 */
import autocannon from 'autocannon';

const o = JSON.parse(process.argv[2] ?? '{}');
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.duration,
  method: o.method,
  body: o.bodyBytes > 0 ? Buffer.alloc(o.bodyBytes, 'p') : undefined,
  headers: o.bodyBytes > 0 ? { 'content-type': 'application/octet-stream' } : undefined,
});
const ms = (v) => Math.round((v ?? 0) * 1000);
const summary = {
  requests: result.requests.total,
  durationUs: Math.round(result.duration * 1e6),
  bytes: result.throughput.total,
  errors: {
    connect: 0,
    read: result.errors,
    write: 0,
    status: result.non2xx,
    timeout: result.timeouts,
  },
  latencyUs: {
    mean: ms(result.latency.mean),
    max: ms(result.latency.max),
    p50: ms(result.latency.p50),
    p90: ms(result.latency.p90),
    p99: ms(result.latency.p99),
    p999: ms(result.latency.p99_9),
  },
};
process.stdout.write(`BENCH_JSON ${JSON.stringify(summary)}\n`);
