/** Ways of killing a connection, named for what the client observes. */

import type { Socket } from 'node:net';

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
