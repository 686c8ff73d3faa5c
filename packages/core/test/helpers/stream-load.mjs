// Load for the memory tests, run in a child process so that its own buffers do not count
// against the proxy's RSS: a backend that streams or swallows N bytes, and a client that
// downloads or uploads N bytes through the proxy. Protocol: one JSON line per message.
import { createServer, request } from 'node:http';
import { createInterface } from 'node:readline';

const size = Number(process.argv[2]);
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

createInterface({ input: process.stdin }).on('line', (line) => {
  const { op, port } = JSON.parse(line);
  if (op === 'exit') {
    server.close();
    process.exit(0);
  }
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
});
