// Load for the memory tests, run in a child process so that its own buffers do not count
// against the proxy's RSS: an HTTP/1.1 backend that streams or swallows N bytes, and a client
// that downloads or uploads N bytes through the proxy: HTTP/1.1, or HTTP/2 over TLS when a CA
// (base64 PEM) follows N on the command line. Protocol: one JSON line per message.
import { createServer, request } from 'node:http';
import { connect } from 'node:http2';
import { createInterface } from 'node:readline';

const size = Number(process.argv[2]);
const ca =
  process.argv[3] === undefined
    ? undefined
    : Buffer.from(process.argv[3], 'base64').toString('utf8');
const chunk = Buffer.alloc(64 * 1024, 0x61);

function pump(stream, total, done) {
  let sent = 0;
  const step = () => {
    while (sent < total) {
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!stream.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        stream.once('drain', step);
        return;
      }
    }
    done();
  };
  step();
}

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
    });
    req.on('end', () => res.end(String(n)));
    return;
  }
  res.writeHead(200, { 'content-length': String(size) });
  pump(res, size, () => res.end());
});

function reply(obj) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

server.listen(0, '127.0.0.1', () => reply({ port: server.address().port }));

/** HTTP/1.1 through the proxy. */
function viaHttp1(op, port) {
  const req = request(
    { host: '127.0.0.1', port, method: op === 'upload' ? 'POST' : 'GET', agent: false },
    (res) => {
      let n = 0;
      let text = '';
      res.on('data', (c) => {
        n += c.length;
        if (op === 'upload') text += c.toString();
      });
      res.on('end', () =>
        reply({ status: res.statusCode, bytes: op === 'upload' ? Number(text) : n }),
      );
    },
  );
  req.on('error', (err) => reply({ error: err.message }));
  if (op === 'upload') {
    req.setHeader('content-length', String(size));
    pump(req, size, () => req.end());
  } else {
    req.end();
  }
}

/** HTTP/2 over TLS through the proxy, trusting `ca`. */
function viaHttp2(op, port) {
  const session = connect(`https://localhost:${port}`, { ca });
  session.on('error', (err) => reply({ error: err.message }));
  const upload = op === 'upload';
  const stream = session.request(
    upload ? { ':method': 'POST', ':path': '/', 'content-length': String(size) } : { ':path': '/' },
    { endStream: !upload },
  );
  let status = 0;
  let n = 0;
  let text = '';
  stream.on('response', (headers) => {
    status = headers[':status'];
  });
  stream.on('data', (c) => {
    n += c.length;
    if (upload) text += c.toString();
  });
  stream.on('end', () => {
    reply({ status, bytes: upload ? Number(text) : n });
    session.close();
  });
  stream.on('error', (err) => reply({ error: err.message }));
  if (upload) pump(stream, size, () => stream.end());
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const { op, port } = JSON.parse(line);
  if (op === 'exit') {
    server.close();
    process.exit(0);
  }
  if (ca === undefined) viaHttp1(op, port);
  else viaHttp2(op, port);
});
