/**
 * Ways of killing a connection, named for what the client observes. Over HTTP/2 the request is
 * a stream on a shared connection (and Node forbids touching that socket): the stream is reset.
 */

import type { IncomingMessage } from 'node:http';
import { constants, type Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';

/** A request of either protocol (the HTTP/2 compatibility API mimics IncomingMessage). */
export type AnyRequest = IncomingMessage | Http2ServerRequest;

/** HTTP/1.x: a TCP RST; HTTP/2: RST_STREAM (INTERNAL_ERROR) on the request's stream. */
export function resetRequest(req: AnyRequest): void {
  if ('stream' in req) req.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else resetSocket(req.socket);
}

/** HTTP/1.x: close after what was flushed; HTTP/2: the stream is reset (no clean end). */
export function cutRequest(req: AnyRequest): void {
  if ('stream' in req) req.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
  else cutSocket(req.socket);
}

/** Sends a TCP RST so the client sees ECONNRESET (falls back to a plain close). */
export function resetSocket(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) {
    socket.resetAndDestroy();
  } else {
    socket.destroy();
  }
}

/**
 * Closes after flushed data (FIN, not RST) so the client receives the partial body before the
 * connection ends early; an RST could make the kernel drop bytes still in flight.
 */
export function cutSocket(socket: Socket): void {
  socket.destroy();
}
