/**
 * Reference floor (optional target `undici-bare`, not a real proxy): node:http server + one undici
 * Pool per upstream + `dispatch` with a minimal handler — no header rules, no X-Forwarded-*, no
 * retries, no events. It shows what Helios's architecture costs before any of its features.
 * Usage: node undici-bare.mjs http://127.0.0.1:A,http://127.0.0.1:B
 */
import http from 'node:http';
import { Pool } from 'undici';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('usage: undici-bare.mjs <upstream,...>');
const pools = targets.map((t) => new Pool(t, { connections: 128, pipelining: 1 }));

class Handler {
  constructor(res) {
    this.res = res;
  }
  onRequestStart() {}
  onResponseStart(controller, statusCode) {
    const raw = controller.rawHeaders;
    const headers = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toString('latin1');
      if (name.length === 10 && name.toLowerCase() === 'connection') continue;
      headers.push(name, raw[i + 1].toString('latin1'));
    }
    this.res.writeHead(statusCode, headers);
  }
  onResponseData(controller, chunk) {
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }
  onResponseEnd() {
    this.res.end();
  }
  onResponseError(_controller, err) {
    if (!this.res.headersSent) this.res.writeHead(502);
    this.res.end(String(err?.message ?? err));
  }
}

let next = 0;
const server = http.createServer((req, res) => {
  const pool = pools[next];
  next = (next + 1) % pools.length;
  const raw = req.rawHeaders;
  const headers = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (lower === 'connection' || lower === 'keep-alive') continue;
    headers.push(raw[i], raw[i + 1]);
  }
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'];
  pool.dispatch(
    { path: req.url, method: req.method, headers, body: hasBody ? req : null },
    new Handler(res),
  );
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
