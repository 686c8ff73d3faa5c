/**
 * The one place a TLS listener's server is created: Node's HTTPS server, so HTTP/1.1 over TLS
 * keeps every option, limit and connection-tracking feature of the plain listener. With
 * `listener.http2` it offers `h2` before `http/1.1` by ALPN and hands each connection that chose
 * `h2` to the HTTP/2 side (h2-listener.ts); the others reach the HTTPS server's own HTTP/1.1
 * handling unchanged. (`http2.createSecureServer({ allowHTTP1: true })` would also serve both,
 * but its HTTP/1.1 fallback lacks the HTTP server's options and `closeIdleConnections`, which
 * the limits and the drain rely on.) Certificates by SNI, reloads and mTLS live in
 * `ListenerCertificates`, which works on any `tls.Server`.
 */
import type { Server, ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ListenerConfig } from '../config/listener-schema.js';
import type { TlsConfig } from '../config/tls-schema.js';
import { ListenerCertificates } from './secure-contexts.js';

export interface SecureListener {
  server: Server;
  certificates: ListenerCertificates;
}

export function createSecureListenerServer(
  httpOptions: ServerOptions,
  listener: ListenerConfig & { tls: TlsConfig },
  h2: ((socket: TLSSocket) => void) | undefined,
): SecureListener {
  const certificates = new ListenerCertificates(listener.tls);
  const offerH2 = listener.http2 && h2 !== undefined;
  const server = createHttpsServer({
    ...httpOptions,
    ...ListenerCertificates.serverOptions(listener.tls, certificates),
    ALPNProtocols: offerH2 ? ['h2', 'http/1.1'] : ['http/1.1'],
    // A client that opens the connection and never finishes the handshake is a slowloris
    // before the HTTP layer (and its header timeout) ever sees it: same bound (Node: 120 s).
    handshakeTimeout: httpOptions.headersTimeout,
  });
  if (offerH2) routeByAlpn(server, h2);
  return { server, certificates };
}

/**
 * The HTTPS server serves every finished handshake with its HTTP/1.1 'secureConnection'
 * listener; put the ALPN choice in front of it. A client without ALPN gets HTTP/1.1.
 */
function routeByAlpn(server: Server, h2: (socket: TLSSocket) => void): void {
  const http1 = server.listeners('secureConnection') as ((socket: TLSSocket) => void)[];
  server.removeAllListeners('secureConnection');
  server.on('secureConnection', function (this: Server, socket: TLSSocket) {
    if (socket.alpnProtocol === 'h2') {
      h2(socket);
      return;
    }
    for (const listener of http1) listener.call(this, socket);
  });
}
