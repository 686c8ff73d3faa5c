/**
 * Reference (optional target `node-http-bare`): the plain node:http proxy the issue mentions —
 * `http.request` with a keep-alive agent, piping both ways, no header rules or retries.
 * Usage: node node-http-bare.mjs http://127.0.0.1:A,http://127.0.0.1:B
 */
import http from 'node:http';

const targets = (process.argv[2] ?? '')
  .split(',')
  .filter(Boolean)
  .map((t) => new URL(t));
if (targets.length === 0) throw new Error('usage: node-http-bare.mjs <upstream,...>');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

let next = 0;
const server = http.createServer((req, res) => {
  const t = targets[next];
  next = (next + 1) % targets.length;
  const up = http.request(
    {
      host: t.hostname,
      port: t.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
      agent,
    },
    (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    },
  );
  up.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(up);
});
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
