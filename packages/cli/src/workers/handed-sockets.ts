/**
 * The client connections a worker was handed, while they are open. When the worker drains, a
 * connection the primary passed over a moment ago may not have been read from yet: to the HTTP
 * server it is idle (no request has begun), and the drain would close it under a client that
 * has already sent its request. So the drain first waits, briefly and bounded, until every such
 * connection has delivered its first bytes (then its request is in progress and is served, with
 * `Connection: close`) or has closed.
 */
import type { Socket } from 'node:net';

const POLL_MS = 5;

export class HandedSockets {
  readonly #open = new Set<Socket>();
  /** One function for every socket (a 'close' listener is called with the socket as `this`). */
  readonly #forget: (this: Socket) => void;

  constructor() {
    const open = this.#open;
    this.#forget = function forget(this: Socket) {
      open.delete(this);
    };
  }

  add(socket: Socket): void {
    this.#open.add(socket);
    socket.once('close', this.#forget);
  }

  /** Open connections nothing has been read from yet. */
  unread(): number {
    let count = 0;
    for (const socket of this.#open) if (socket.bytesRead === 0 && !socket.destroyed) count++;
    return count;
  }

  /** Resolve once no open connection is unread, or after `maxMs`. */
  settle(maxMs: number): Promise<void> {
    if (this.unread() === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const deadline = Date.now() + maxMs;
      const timer = setInterval(() => {
        if (this.unread() > 0 && Date.now() < deadline) return;
        clearInterval(timer);
        resolve();
      }, POLL_MS);
    });
  }
}
