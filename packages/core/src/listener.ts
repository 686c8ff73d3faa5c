/**
 * The client-facing HTTP/1.1 server and its limits. Node's parser (llhttp, strict mode) already
 * refuses ambiguous framing — Content-Length with Transfer-Encoding, bad chunk sizes, obs-fold,
 * duplicate Content-Length — before a request object exists, so such requests never reach a
 * backend; Helios answers them here with a 400 (414/431 for oversized heads, 408 for slow ones).
 *
 * The parser's own limits are set a little wide on purpose: its head limit covers the request
 * line too, so it gets room for `maxUrlLength` on top of `maxHeaderSize` (each is then checked on
 * its own, so a long URL gets 414, not 431), and it keeps one header line more than
 * `maxHeaderCount` (Node silently drops lines past its count; one extra shows there were more).
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ListenerConfig } from './config/listener-schema.js';
import type { TlsConfig } from './config/tls-schema.js';
import type { HeliosConfig } from './config/types.js';
import { closeAfterPending } from './connection-sequence.js';
import { ProxyErrorCode } from './error-codes.js';
import { writeRawError } from './error-response.js';
import type { Logger } from './logger.js';
import type { ListenerCertificates } from './tls/secure-contexts.js';
import { createSecureListenerServer } from './tls/secure-server.js';

export interface ListenerHandlers {
  request(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void;
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  connection(socket: Socket): void;
  /** A client socket's idle timer fired (Node destroys it unless someone handles this). */
  timeout(socket: Socket): void;
  /** A TLS connection whose ALPN chose `h2` (listeners with `http2` only). */
  h2?: ((socket: TLSSocket) => void) | undefined;
}

/** How often Node checks header timeouts: often enough for short limits, rarely otherwise. */
function checkingInterval(headerTimeout: number): number {
  return Math.max(50, Math.min(1_000, Math.floor(headerTimeout / 4)));
}

/** A listening server, and for a TLS listener what swaps its certificates on reload. */
export interface CreatedListener {
  server: Server;
  certificates: ListenerCertificates | undefined;
}

export function createListener(
  config: HeliosConfig,
  handlers: ListenerHandlers,
  logger: Logger,
  listener: ListenerConfig | undefined = config.listeners[0],
): CreatedListener {
  const options: ServerOptions = {
    maxHeaderSize: config.limits.maxHeaderSize + config.limits.maxUrlLength,
    headersTimeout: config.timeouts.clientHeader,
    // Uploads may legitimately take long; idleness is bounded by the upstream idle timeout.
    requestTimeout: 0,
    keepAliveTimeout: config.timeouts.clientIdle,
    connectionsCheckingInterval: checkingInterval(config.timeouts.clientHeader),
    noDelay: true,
  };
  const tls = listener?.tls;
  let server: Server;
  let certificates: ListenerCertificates | undefined;
  if (listener !== undefined && tls !== undefined) {
    ({ server, certificates } = createSecureListenerServer(
      options,
      listener as ListenerConfig & { tls: TlsConfig },
      handlers.h2,
    ));
    server.on('tlsClientError', (err: Error & { code?: string }, socket: Socket) => {
      onHandshakeError(err, socket, logger);
    });
  } else {
    server = createServer(options);
  }
  applyServerTimeouts(server, config);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handlers.request(req, res, false);
  });
  // Helios answers `100 Continue` itself once the request passed its own checks; undici does
  // not relay `Expect` to HTTP/1.1 backends.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    handlers.request(req, res, true);
  });
  server.on('upgrade', handlers.upgrade);
  server.on('connection', handlers.connection);
  server.on('timeout', handlers.timeout);
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    writeRawError(
      socket,
      ProxyErrorCode.methodNotAllowed,
      undefined,
      'allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n',
    );
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    onClientError(err, socket, logger, config.limits.maxUrlLength);
  });
  return { server, certificates };
}

const PLAIN_HTTP_BODY =
  'Helios: 400 Bad Request. This port speaks HTTPS: use an https:// URL. Code HELIOS_BAD_REQUEST.\n';
const PLAIN_HTTP_ANSWER =
  'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n' +
  `content-length: ${Buffer.byteLength(PLAIN_HTTP_BODY)}\r\nconnection: close\r\n\r\n${PLAIN_HTTP_BODY}`;

/**
 * A failed handshake (a scanner, plaintext sent to the TLS port, a refused client
 * certificate, a protocol version below `minVersion`) is the client's business: Node has closed
 * the socket; it is noted at debug level only, so a flood of them cannot flood the log.
 */
function onHandshakeError(err: Error & { code?: string }, socket: Socket, logger: Logger): void {
  // Plain HTTP sent to the TLS port: answer in plain HTTP, as nginx does, so the person at the
  // other end reads why instead of an empty reply. `_parent` is the TCP socket under the TLS
  // one (a Node internal; without it the connection is just closed).
  const raw = (socket as Socket & { _parent?: Socket | null })._parent;
  if (err.code === 'ERR_SSL_HTTP_REQUEST' && raw != null && raw.writable) {
    raw.end(PLAIN_HTTP_ANSWER);
  } else if (!socket.destroyed) socket.destroy();
  if (logger.isLevelEnabled('debug')) {
    logger.debug(
      { tlsCode: err.code, remoteAddress: socket.remoteAddress, reason: err.message },
      'TLS handshake failed',
    );
  }
}

/** The timeouts and limits a reload can change on a live server (new connections see them). */
export function applyServerTimeouts(server: Server, config: HeliosConfig): void {
  server.headersTimeout = config.timeouts.clientHeader;
  server.keepAliveTimeout = config.timeouts.clientIdle;
  // Bodies are bounded by timeouts.clientBody (idle), not by a whole-request deadline.
  server.requestTimeout = 0;
  server.maxHeadersCount = config.limits.maxHeaderCount + 1;
  // Past this, Node closes new sockets at once: descriptors stay free for backend connections.
  server.maxConnections = config.limits.maxConnections;
}

interface SocketWithMessage extends Socket {
  _httpMessage?: ServerResponse | null;
}

/**
 * The parser stopped because the head outgrew its limit. When the packet it stopped in starts
 * with a request line that is itself longer than `maxUrlLength` (or has no end yet), the URL is
 * what is too long: 414; otherwise the headers are: 431.
 */
function overflowCode(err: Error & { rawPacket?: Buffer }, maxUrlLength: number): ProxyErrorCode {
  const packet = err.rawPacket;
  if (
    packet === undefined ||
    !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /.test(packet.toString('latin1', 0, 32))
  )
    return ProxyErrorCode.headersTooLarge;
  const lineEnd = packet.indexOf(0x0a);
  return lineEnd === -1 || lineEnd > maxUrlLength
    ? ProxyErrorCode.urlTooLong
    : ProxyErrorCode.headersTooLarge;
}

/** llhttp only knows HTTP/0.9 to 2.0: a well-formed `HTTP/3.0` line is a version, not garbage. */
function newerMajor(err: Error & { rawPacket?: Buffer }): boolean {
  const line = err.rawPacket?.toString('latin1', 0, 8_192).split('\n', 1)[0] ?? '';
  const version = / HTTP\/(\d)\.\d\r?$/.exec(line);
  return version !== null && Number(version[1]) >= 2;
}

function onClientError(
  err: Error & { code?: string },
  socket: Socket,
  logger: Logger,
  maxUrlLength: number,
): void {
  const code = err.code;
  // A client that closes mid-request (EOF inside a body) left; there is nobody to answer.
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'HPE_INVALID_EOF_STATE' ||
    !socket.writable
  ) {
    socket.destroy();
    return;
  }
  const helios =
    code === 'HPE_HEADER_OVERFLOW'
      ? overflowCode(err as Error & { rawPacket?: Buffer }, maxUrlLength)
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ProxyErrorCode.headerTimeout
        : code === 'HPE_INVALID_VERSION' && newerMajor(err as Error & { rawPacket?: Buffer })
          ? ProxyErrorCode.versionNotSupported
          : ProxyErrorCode.badRequest;
  if (logger.isLevelEnabled('info')) {
    logger.info(
      { code: helios, parserCode: code, remoteAddress: socket.remoteAddress, reason: err.message },
      'refused a malformed or slow client request',
    );
  }
  // Unparseable bytes behind requests still being answered: answer those first, then this,
  // rather than replace their answers (the backend may be running them already).
  if (closeAfterPending(socket, helios)) return;
  const pending = (socket as SocketWithMessage)._httpMessage;
  if (pending != null && !pending.writableFinished) {
    pending.once('finish', () => writeRawError(socket, helios, undefined));
    return;
  }
  writeRawError(socket, helios, undefined);
  socket.destroySoon();
}
