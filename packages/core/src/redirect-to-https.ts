/**
 * A `redirectToHttps` listener: every request gets a 308 to the first TLS listener, same host
 * (from the request's Host, without its port), that listener's port (left out when 443), and
 * the same path and query; nothing is proxied. 308 rather than 301 keeps the method and body
 * of a POST. A Host Helios cannot put in a URL safely gets a 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ProxyErrorCode } from './error-codes.js';
import { sendError, writeRawError } from './error-response.js';

/** A DNS name or IPv4 address, or an IPv6 literal in brackets; then an optional port. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/;

/** The `Location` for this request, or undefined when its Host cannot be used. */
export function httpsLocation(
  host: string | undefined,
  target: string | undefined,
  port: number,
): string | undefined {
  const match = host === undefined ? null : HOST.exec(host);
  if (match === null) return undefined;
  let path = target ?? '/';
  if (!path.startsWith('/')) {
    // absolute-form (`GET http://host/path HTTP/1.1`): keep its path and query only.
    const slash = path.indexOf('/', path.indexOf('//') + 2);
    path = path.indexOf('//') === -1 || slash === -1 ? '/' : path.slice(slash);
  }
  return `https://${match[1]}${port === 443 ? '' : `:${port}`}${path}`;
}

export function redirectRequest(req: IncomingMessage, res: ServerResponse, port: number): void {
  const location = httpsLocation(req.headers.host, req.url, port);
  if (location === undefined) {
    sendError(res, ProxyErrorCode.badRequest, undefined);
    return;
  }
  res.writeHead(308, { location, 'content-length': 0 });
  res.end();
}

/** An Upgrade (WebSocket) to the plain port: the same answer, then the connection closes. */
export function redirectUpgrade(req: IncomingMessage, socket: Socket, port: number): void {
  const location = httpsLocation(req.headers.host, req.url, port);
  if (location === undefined) {
    writeRawError(socket, ProxyErrorCode.badRequest, undefined);
    return;
  }
  socket.end(
    `HTTP/1.1 308 Permanent Redirect\r\nlocation: ${location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
  );
}
