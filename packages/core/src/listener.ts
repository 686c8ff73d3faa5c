/**
 * The client-facing HTTP/1.1 server and its limits. Node's parser (llhttp, strict mode) already
 * refuses ambiguous framing — Content-Length with Transfer-Encoding, bad chunk sizes, obs-fold,
 * duplicate Content-Length — before a request object exists, so such requests never reach a
 * backend; Helios answers them here with a 400 (431 for oversized headers, 408 for slow ones).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HeliosConfig } from './config/types.js';
import { ProxyErrorCode } from './error-codes.js';
import { writeRawError } from './error-response.js';
import type { Logger } from './logger.js';

export interface ListenerHandlers {
  request(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void;
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void;
  connection(socket: Socket): void;
}

/** How often Node checks header timeouts: often enough for short limits, rarely otherwise. */
function checkingInterval(headerTimeout: number): number {
  return Math.max(50, Math.min(1_000, Math.floor(headerTimeout / 4)));
}

export function createListener(
  config: HeliosConfig,
  handlers: ListenerHandlers,
  logger: Logger,
): Server {
  const server = createServer({
    maxHeaderSize: config.limits.maxHeaderSize,
    headersTimeout: config.timeouts.clientHeader,
    // Uploads may legitimately take long; idleness is bounded by the upstream idle timeout.
    requestTimeout: 0,
    keepAliveTimeout: config.timeouts.clientIdle,
    connectionsCheckingInterval: checkingInterval(config.timeouts.clientHeader),
    noDelay: true,
  });
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
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    writeRawError(
      socket,
      ProxyErrorCode.methodNotAllowed,
      undefined,
      'allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n',
    );
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    onClientError(err, socket, logger);
  });
  return server;
}

/** The timeouts a reload can change on a live server. */
export function applyServerTimeouts(server: Server, config: HeliosConfig): void {
  server.headersTimeout = config.timeouts.clientHeader;
  server.keepAliveTimeout = config.timeouts.clientIdle;
  server.requestTimeout = 0;
}

interface SocketWithMessage extends Socket {
  _httpMessage?: ServerResponse | null;
}

function onClientError(err: Error & { code?: string }, socket: Socket, logger: Logger): void {
  const code = err.code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  const pending = (socket as SocketWithMessage)._httpMessage;
  if (pending?.headersSent) {
    socket.destroy();
    return;
  }
  const helios =
    code === 'HPE_HEADER_OVERFLOW'
      ? ProxyErrorCode.headersTooLarge
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ProxyErrorCode.headerTimeout
        : ProxyErrorCode.badRequest;
  if (logger.isLevelEnabled('info')) {
    logger.info(
      { code: helios, parserCode: code, remoteAddress: socket.remoteAddress, reason: err.message },
      'refused a malformed or slow client request',
    );
  }
  writeRawError(socket, helios, undefined);
  socket.destroySoon();
}
