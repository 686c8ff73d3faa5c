/**
 * One worker process as the primary tracks it: which slot it fills, when it started, and the
 * requests waiting for its answers (reload acknowledgements, admin reports).
 */
import type { Worker } from 'node:cluster';
import type { FromWorker, ToWorker } from './messages.js';

type Reply = Extract<FromWorker, { id: number }>;

export class WorkerSlot {
  readonly slot: number;
  readonly process: Worker;
  readonly startedAt: number;
  /** The start message (with the config of that moment) has been sent. */
  started = false;
  listening = false;
  /** Called when the worker asks for its start message. */
  onReady: () => void = () => {};
  readonly #waiting = new Map<string, (reply: Reply | undefined) => void>();

  constructor(slot: number, worker: Worker, startedAt: number) {
    this.slot = slot;
    this.process = worker;
    this.startedAt = startedAt;
  }

  get pid(): number | undefined {
    return this.process.process.pid;
  }

  send(message: ToWorker): void {
    if (this.process.isConnected()) this.process.send(message);
  }

  /** Send a request and wait for the reply with the same id (undefined after `timeoutMs`). */
  ask<K extends Reply['helios']>(
    message: ToWorker & { id: number },
    kind: K,
    timeoutMs: number,
  ): Promise<Extract<Reply, { helios: K }> | undefined> {
    return new Promise((resolve) => {
      const key = `${kind}:${message.id}`;
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        resolve(undefined);
      }, timeoutMs);
      this.#waiting.set(key, (reply) => {
        clearTimeout(timer);
        resolve(reply as Extract<Reply, { helios: K }> | undefined);
      });
      this.send(message);
    });
  }

  /** A reply arrived; true when someone was waiting for it. */
  answer(reply: Reply): boolean {
    const key = `${reply.helios}:${reply.id}`;
    const waiter = this.#waiting.get(key);
    if (waiter === undefined) return false;
    this.#waiting.delete(key);
    waiter(reply);
    return true;
  }

  /** The worker is gone: nobody will answer the pending requests. */
  abandon(): void {
    for (const waiter of this.#waiting.values()) waiter(undefined);
    this.#waiting.clear();
  }
}
