/**
 * One worker process as the primary tracks it: its slot (1..N, what logs call "worker 2"), its
 * life stage, the generation it runs, and the requests waiting for its answers (reload
 * acknowledgements, admin reports). It is also where connections are handed to that process.
 *
 * Stages: `forked` (loading; it cannot receive messages before it says `ready`), `starting`
 * (its start message is sent), `serving` (it takes connections), `draining` (it finishes what
 * it has and exits). A process is never started once it was told to stop.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { HandoffTarget } from './connection-dispatcher.js';
import type { FromWorker, ToWorker } from './messages.js';

type Reply = Extract<FromWorker, { helios: 'reloaded' | 'report' }>;

export type WorkerStage = 'forked' | 'starting' | 'serving' | 'draining';

/** Why an awaited answer did not come. */
export type NoAnswer = 'timeout' | 'exited';

// A send on a channel that just closed fails; the 'disconnect'/'exit' handlers deal with that.
function ignoreSendError(): void {}

export class WorkerHandle implements HandoffTarget {
  /** Unique for the life of the primary (a slot's replacement gets a new id). */
  readonly id: number;
  readonly slot: number;
  readonly process: ChildProcess;
  readonly startedAt: number;
  stage: WorkerStage = 'forked';
  /** The config generation it acknowledged last (its start generation, then reloads). */
  generation = -1;
  /** The primary told it to stop: it is never started, and not replaced. */
  stopRequested = false;
  /** Ever reached `serving`. */
  served = false;
  readonly #waiting = new Map<string, (reply: Reply | NoAnswer) => void>();

  constructor(id: number, slot: number, child: ChildProcess, startedAt: number) {
    this.id = id;
    this.slot = slot;
    this.process = child;
    this.startedAt = startedAt;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get connected(): boolean {
    return this.process.connected;
  }

  send(message: ToWorker): void {
    if (this.process.connected) this.process.send(message, ignoreSendError);
  }

  handOff(
    connection: number,
    socket: Socket,
    failed: (connection: number) => void,
    listener: number,
  ): void {
    if (!this.process.connected) {
      failed(connection);
      return;
    }
    // The first (often only) listener goes without saying.
    const message: ToWorker =
      listener === 0
        ? { helios: 'conn', id: connection }
        : { helios: 'conn', id: connection, listener };
    // keepOpen: the primary's copy stays open until the worker acknowledges the connection.
    this.process.send(message, socket, { keepOpen: true }, (error) => {
      if (error !== null && error !== undefined) failed(connection);
    });
  }

  /** Send a request and wait for the reply with `key` (`kind:id`), or why none came. */
  ask(message: ToWorker, key: string, timeoutMs: number): Promise<Reply | NoAnswer> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        resolve('timeout');
      }, timeoutMs);
      this.#waiting.set(key, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.send(message);
    });
  }

  /** A reply arrived; true when someone was waiting for it. */
  answer(reply: Reply): boolean {
    const key = `${reply.helios}:${reply.helios === 'report' ? reply.id : reply.generation}`;
    const waiter = this.#waiting.get(key);
    if (waiter === undefined) return false;
    this.#waiting.delete(key);
    waiter(reply);
    return true;
  }

  /** The process is gone: nobody will answer the pending requests. */
  abandon(): void {
    for (const waiter of this.#waiting.values()) waiter('exited');
    this.#waiting.clear();
  }
}
