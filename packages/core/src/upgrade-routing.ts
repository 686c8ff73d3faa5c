/**
 * Which `Upgrade` requests become tunnels. Node's server sends every request with an `Upgrade`
 * header to the upgrade path, body and all, so `POST /x` with `Upgrade: h2c` (curl --http2, Java's
 * HttpClient) would lose its body there. Only a WebSocket handshake (GET, `websocket` among the
 * offered protocols) is tunnelled. Any other upgrade is declined the way RFC 9110 §7.8 allows,
 * by ignoring it: the head is rebuilt without `Upgrade` and handed back to the HTTP server on the
 * same socket, ahead of the bytes already read, so it is parsed and served as a plain request
 * with its body, and the connection stays usable for the next one.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Is this a WebSocket handshake Helios should tunnel? */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const upgrade = req.headers.upgrade;
  if (upgrade === undefined) return false;
  for (const token of upgrade.split(',')) {
    if (token.trim().toLowerCase() === 'websocket') return true;
  }
  return false;
}

/** Serve an upgrade request Helios declines as a plain request, on the same connection. */
export function serveAsPlainRequest(
  server: Server,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
): void {
  let text = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 7 && name.toLowerCase() === 'upgrade') continue;
    text += `${name}: ${raw[i + 1] as string}\r\n`;
  }
  if (head.length > 0) socket.unshift(head);
  socket.unshift(Buffer.from(`${text}\r\n`, 'latin1'));
  server.emit('connection', socket);
}
