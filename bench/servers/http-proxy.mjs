/**
 * Peer: node-http-proxy behind a plain node:http server, with a keep-alive agent (maxSockets 256,
 * the fair setup from the field notes) and X-Forwarded-* on, round robin over the upstreams.
 * Usage: node http-proxy.mjs http://127.0.0.1:A,http://127.0.0.1:B
 */
import http from 'node:http';
import httpProxy from 'http-proxy';

const targets = (process.argv[2] ?? '').split(',').filter(Boolean);
if (targets.length === 0) throw new Error('usage: http-proxy.mjs <upstream,...>');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 60_000 });
const proxy = httpProxy.createProxyServer({ agent, xfwd: true });
proxy.on('error', (_err, _req, res) => {
  if (res.headersSent === false) res.writeHead(502);
  res.end();
});

let next = 0;
const server = http.createServer((req, res) => {
  const target = targets[next];
  next = (next + 1) % targets.length;
  proxy.web(req, res, { target });
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
