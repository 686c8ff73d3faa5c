/**
 * The one place a TLS listener's server is created. It offers HTTP/1.1 only (ALPN `http/1.1`)
 * for now; HTTP/2 from clients switches this to `http2.createSecureServer({ allowHTTP1: true })`
 * when `listener.http2` is true. Everything else (certificates by SNI, reloads, mTLS) lives in
 * `ListenerCertificates`, which works on any `tls.Server`, http2's included.
 */
import type { Server, ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
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
): SecureListener {
  const certificates = new ListenerCertificates(listener.tls);
  const server = createHttpsServer({
    ...httpOptions,
    ...ListenerCertificates.serverOptions(listener.tls, certificates),
    ALPNProtocols: ['http/1.1'],
    // A client that opens the connection and never finishes the handshake is a slowloris
    // before the HTTP layer (and its header timeout) ever sees it: same bound (Node: 120 s).
    handshakeTimeout: httpOptions.headersTimeout,
  });
  return { server, certificates };
}
