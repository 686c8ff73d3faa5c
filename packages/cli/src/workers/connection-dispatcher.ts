/**
 * The primary's side of every client connection. The primary's listening socket accepts each
 * connection paused (nothing is read) and this dispatcher passes it to a serving worker, round
 * robin, as the handle of an IPC message. The primary keeps its own copy of the socket until the
 * worker says it owns it (`accepted`), so a connection is never lost on the way:
 *
 * - no worker can take it (all starting, respawning or draining): it waits in a bounded queue
 *   and goes to the next worker that is ready;
 * - the send fails, the worker returns it (it began draining meanwhile), or the worker dies
 *   before acknowledging it: it goes back to the front of the queue.
 *
 * Bounds: at most `maxQueued` connections wait (beyond that a new connection is closed at once),
 * none waits longer than `maxWaitMs`, and a worker holds at most `maxOutstanding` connections
 * it has not acknowledged yet (a stalled worker stops receiving; the others take over).
 */
import type { Socket } from 'node:net';
import type { Logger } from '@helios/core';

/** A worker process that can take connections. */
export interface HandoffTarget {
  /** Unique per worker process. */
  readonly id: number;
  /**
   * Pass `socket` as connection `connection`, accepted by listener `listener` (its index in the
   * config's `listeners`); call `failed` if it could not be sent.
   */
  handOff(
    connection: number,
    socket: Socket,
    failed: (connection: number) => void,
    listener: number,
  ): void;
}

export interface DispatcherLimits {
  /** Connections that may wait for a worker (default 1024). */
  maxQueued?: number;
  /** Longest wait for a worker, in ms (default 30 s). */
  maxWaitMs?: number;
  /** Connections a worker may hold unacknowledged (default 64). */
  maxOutstanding?: number;
}

interface Waiting {
  socket: Socket;
  since: number;
  /** Index of the listener that accepted it. */
  listener: number;
}

interface Sent extends Waiting {
  target: number;
}

// Paused sockets rarely error; when one does, the close that follows is all that matters.
function ignoreError(): void {}

export class ConnectionDispatcher {
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #maxQueued: number;
  readonly #maxWaitMs: number;
  readonly #maxOutstanding: number;
  #targets: HandoffTarget[] = [];
  #next = 0;
  #queue: Waiting[] = [];
  readonly #sent = new Map<number, Sent>();
  readonly #outstanding = new Map<number, number>();
  #nextConnection = 0;
  #sweep: NodeJS.Timeout | undefined;
  #closed = false;
  #refused = 0;

  constructor(logger: Logger, limits: DispatcherLimits = {}, now: () => number = Date.now) {
    this.#logger = logger;
    this.#now = now;
    this.#maxQueued = limits.maxQueued ?? 1_024;
    this.#maxWaitMs = limits.maxWaitMs ?? 30_000;
    this.#maxOutstanding = limits.maxOutstanding ?? 64;
  }

  /** Connections waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Connections handed to a worker that has not acknowledged them yet. */
  get unacknowledged(): number {
    return this.#sent.size;
  }

  /** Workers taking connections now. */
  get targets(): number {
    return this.#targets.length;
  }

  /** A connection listener `listener` accepted (paused). */
  accept(socket: Socket, listener = 0): void {
    socket.on('error', ignoreError);
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const waiting: Waiting = { socket, since: this.#now(), listener };
    if (this.#queue.length === 0 && this.#send(waiting)) return;
    if (this.#queue.length >= this.#maxQueued) {
      this.#refuse(socket);
      return;
    }
    this.#queue.push(waiting);
    this.#armSweep();
  }

  /** `target` takes connections (again): what waits goes to it and the others. */
  add(target: HandoffTarget): void {
    if (this.#targets.some((t) => t.id === target.id)) return;
    this.#targets.push(target);
    this.#outstanding.set(target.id, this.#outstanding.get(target.id) ?? 0);
    this.#flush();
  }

  /** `target` takes no more connections (draining, or gone). */
  remove(targetId: number): void {
    this.#targets = this.#targets.filter((t) => t.id !== targetId);
  }

  /** The worker owns the connection now: close the primary's copy. */
  accepted(targetId: number, connection: number): void {
    const sent = this.#take(targetId, connection);
    sent?.socket.destroy();
    this.#flush();
  }

  /** The worker gave the connection back: another worker gets it. */
  returned(targetId: number, connection: number): void {
    const sent = this.#take(targetId, connection);
    if (sent !== undefined) this.#requeue([sent]);
  }

  /**
   * The worker's channel is gone (it exited): connections it did not acknowledge never reached
   * its HTTP server, so they go to another worker. Call once every message of that worker has
   * been read, so no acknowledgement is still on its way.
   */
  lost(targetId: number): void {
    this.remove(targetId);
    const back: Sent[] = [];
    for (const [connection, sent] of this.#sent) {
      if (sent.target !== targetId) continue;
      this.#sent.delete(connection);
      back.push(sent);
    }
    this.#outstanding.delete(targetId);
    if (back.length > 0) this.#requeue(back);
  }

  /**
   * Stop: hand what waits to the workers still taking connections, close what nobody can take.
   * Connections already handed over stay until their workers acknowledge them.
   */
  stop(): void {
    this.#flush();
    this.#closed = true;
    for (const waiting of this.#queue) waiting.socket.destroy();
    this.#queue = [];
    this.#disarmSweep();
  }

  /** Close everything still held (the primary exits). */
  close(): void {
    this.stop();
    for (const sent of this.#sent.values()) sent.socket.destroy();
    this.#sent.clear();
  }

  #take(targetId: number, connection: number): Sent | undefined {
    const sent = this.#sent.get(connection);
    if (sent === undefined || sent.target !== targetId) return undefined;
    this.#sent.delete(connection);
    const outstanding = this.#outstanding.get(targetId);
    if (outstanding !== undefined) this.#outstanding.set(targetId, Math.max(0, outstanding - 1));
    return sent;
  }

  #requeue(back: readonly Sent[]): void {
    const waiting = back.map(({ socket, since, listener }) => ({ socket, since, listener }));
    if (this.#closed) {
      for (const w of waiting) w.socket.destroy();
      return;
    }
    this.#queue.unshift(...waiting);
    this.#flush();
    if (this.#queue.length > 0) this.#armSweep();
  }

  /** Hand waiting connections over while some worker can take one. */
  #flush(): void {
    while (this.#queue.length > 0) {
      const head = this.#queue[0];
      if (head === undefined || !this.#send(head)) return;
      this.#queue.shift();
    }
    this.#disarmSweep();
  }

  /** Round robin over the workers below their outstanding limit; false when none is. */
  #send(waiting: Waiting): boolean {
    const { socket, since, listener } = waiting;
    const count = this.#targets.length;
    for (let i = 0; i < count; i++) {
      const target = this.#targets[(this.#next + i) % count];
      if (target === undefined) continue;
      const outstanding = this.#outstanding.get(target.id) ?? 0;
      if (outstanding >= this.#maxOutstanding) continue;
      this.#next = (this.#next + i + 1) % count;
      const connection = ++this.#nextConnection;
      this.#sent.set(connection, { socket, since, listener, target: target.id });
      this.#outstanding.set(target.id, outstanding + 1);
      try {
        target.handOff(connection, socket, this.#failed, listener);
      } catch {
        this.#failed(connection);
      }
      return true;
    }
    return false;
  }

  /** The message could not be sent: that worker's channel is broken. */
  readonly #failed = (connection: number): void => {
    const sent = this.#sent.get(connection);
    if (sent === undefined) return;
    this.remove(sent.target);
    const taken = this.#take(sent.target, connection);
    if (taken !== undefined) this.#requeue([taken]);
  };

  #refuse(socket: Socket): void {
    socket.destroy();
    this.#refused++;
    if (this.#refused === 1 || this.#refused % 1_000 === 0) {
      this.#logger.warn(
        { refused: this.#refused, queued: this.#queue.length },
        `no worker can take connections and ${this.#maxQueued} are already waiting; closing new ones`,
      );
    }
  }

  #armSweep(): void {
    if (this.#sweep !== undefined || this.#closed) return;
    const every = Math.max(10, Math.min(1_000, Math.floor(this.#maxWaitMs / 4)));
    this.#sweep = setInterval(() => this.#expire(), every);
    this.#sweep.unref();
  }

  #disarmSweep(): void {
    if (this.#queue.length > 0 || this.#sweep === undefined) return;
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  /** Close connections that waited longer than `maxWaitMs` (their clients gave up already). */
  #expire(): void {
    const oldest = this.#now() - this.#maxWaitMs;
    let expired = 0;
    while (this.#queue.length > 0 && (this.#queue[0]?.since ?? Infinity) <= oldest) {
      this.#queue.shift()?.socket.destroy();
      expired++;
    }
    if (expired > 0) {
      this.#logger.warn(
        { expired, waitMs: this.#maxWaitMs },
        `closed ${expired} connection${expired === 1 ? '' : 's'} that waited ${this.#maxWaitMs} ms for a worker`,
      );
    }
    this.#disarmSweep();
  }
}
