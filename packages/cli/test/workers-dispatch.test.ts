/**
 * The primary's connection dispatcher (connection-dispatcher.ts) with real loopback sockets and
 * stand-in workers: round robin over the workers taking connections, a bounded wait while none
 * can, and no connection lost when a worker returns it, fails to receive it or dies before
 * acknowledging it. A stand-in worker records what it is handed; "serving" a connection here
 * means writing one line to it, which the client must read.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { silentLogger } from '@helios/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionDispatcher, type HandoffTarget } from '../src/workers/connection-dispatcher.js';

const servers: Server[] = [];
const clients: Socket[] = [];
const standIns: StandIn[] = [];
const dispatchers: ConnectionDispatcher[] = [];

interface Handed {
  connection: number;
  socket: Socket;
}

class StandIn implements HandoffTarget {
  readonly handed: Handed[] = [];
  /** Fail every send (a broken channel). */
  broken = false;
  constructor(readonly id: number) {
    standIns.push(this);
  }
  handOff(connection: number, socket: Socket, failed: (connection: number) => void): void {
    if (this.broken) {
      setImmediate(() => failed(connection));
      return;
    }
    this.handed.push({ connection, socket });
  }
}

afterEach(async () => {
  for (const d of dispatchers.splice(0)) d.close();
  for (const w of standIns.splice(0)) for (const h of w.handed) h.socket.destroy();
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(
    servers.splice(0).map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))),
  );
});

function newDispatcher(...args: ConstructorParameters<typeof ConnectionDispatcher>) {
  const dispatcher = new ConnectionDispatcher(...args);
  dispatchers.push(dispatcher);
  return dispatcher;
}

/** A paused listening socket feeding `dispatcher`, as in the primary. */
async function front(dispatcher: ConnectionDispatcher): Promise<number> {
  const server = createServer({ pauseOnConnect: true }, (socket) => dispatcher.accept(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A client connection; resolves with what it reads until the server closes it. */
function client(port: number): { connected: Promise<void>; received: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  clients.push(socket);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
  });
  socket.on('error', () => undefined);
  return {
    connected: new Promise((resolve) => socket.once('connect', () => resolve())),
    received: new Promise((resolve) => socket.on('close', () => resolve(text))),
  };
}

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !test(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(test()).toBe(true);
}

/** Serve a handed connection the way a worker would: answer, then close. */
function serve(handed: Handed | undefined, line: string): void {
  handed?.socket.end(`${line}\n`);
}

describe('ConnectionDispatcher', () => {
  it('hands connections to the workers in turn', async () => {
    const dispatcher = newDispatcher(silentLogger);
    const a = new StandIn(1);
    const b = new StandIn(2);
    dispatcher.add(a);
    dispatcher.add(b);
    const port = await front(dispatcher);
    for (let i = 0; i < 4; i++) await client(port).connected;
    await until(() => a.handed.length + b.handed.length === 4);
    expect([a.handed.length, b.handed.length]).toEqual([2, 2]);
    expect(dispatcher.unacknowledged).toBe(4);
    for (const h of [...a.handed]) dispatcher.accepted(a.id, h.connection);
    expect(dispatcher.unacknowledged).toBe(2);
    dispatcher.close();
  });

  it('keeps connections waiting while no worker takes them, then hands them over in order', async () => {
    const dispatcher = newDispatcher(silentLogger);
    const port = await front(dispatcher);
    const first = client(port);
    const second = client(port);
    await Promise.all([first.connected, second.connected]);
    await until(() => dispatcher.queued === 2);
    const late = new StandIn(7);
    dispatcher.add(late);
    expect(late.handed).toHaveLength(2);
    expect(dispatcher.queued).toBe(0);
    serve(late.handed[0], 'one');
    serve(late.handed[1], 'two');
    expect([await first.received, await second.received].sort()).toEqual(['one\n', 'two\n']);
  });

  it('gives a returned connection to another worker, which serves it', async () => {
    const dispatcher = newDispatcher(silentLogger);
    const draining = new StandIn(1);
    const other = new StandIn(2);
    dispatcher.add(draining);
    const port = await front(dispatcher);
    const c = client(port);
    await until(() => draining.handed.length === 1);
    dispatcher.remove(draining.id);
    dispatcher.add(other);
    dispatcher.returned(draining.id, draining.handed[0]?.connection ?? 0);
    expect(other.handed).toHaveLength(1);
    serve(other.handed[0], 'served elsewhere');
    expect(await c.received).toBe('served elsewhere\n');
  });

  it('requeues what a dead worker never acknowledged, not what it did', async () => {
    const dispatcher = newDispatcher(silentLogger);
    const dying = new StandIn(1);
    dispatcher.add(dying);
    const port = await front(dispatcher);
    const owned = client(port);
    const pending = client(port);
    await Promise.all([owned.connected, pending.connected]);
    await until(() => dying.handed.length === 2);
    // The worker owns the first (the primary closes its copy)...
    const [first, second] = dying.handed;
    dispatcher.accepted(dying.id, first?.connection ?? 0);
    expect(first?.socket.destroyed).toBe(true);
    // ...and dies before acknowledging the second, which must not be lost.
    dispatcher.lost(dying.id);
    expect(dispatcher.queued).toBe(1);
    const next = new StandIn(2);
    dispatcher.add(next);
    expect(next.handed.map((h) => h.socket)).toEqual([second?.socket]);
    serve(next.handed[0], 'rescued');
    expect(await pending.received).toBe('rescued\n');
  });

  it('moves a connection whose send failed to another worker and stops using the broken one', async () => {
    const dispatcher = newDispatcher(silentLogger);
    const broken = new StandIn(1);
    broken.broken = true;
    const healthy = new StandIn(2);
    dispatcher.add(broken);
    dispatcher.add(healthy);
    const port = await front(dispatcher);
    const clientsDone = [client(port), client(port), client(port)];
    await until(() => healthy.handed.length === 3);
    expect(dispatcher.targets).toBe(1);
    for (const h of healthy.handed) serve(h, 'ok');
    for (const c of clientsDone) expect(await c.received).toBe('ok\n');
  });

  it('stops handing connections to a worker that acknowledges none (maxOutstanding)', async () => {
    const dispatcher = newDispatcher(silentLogger, { maxOutstanding: 2 });
    const stalled = new StandIn(1);
    const live = new StandIn(2);
    dispatcher.add(stalled);
    dispatcher.add(live);
    const port = await front(dispatcher);
    for (let i = 0; i < 6; i++) {
      await client(port).connected;
      await until(() => stalled.handed.length + live.handed.length + dispatcher.queued === i + 1);
      for (const h of live.handed) dispatcher.accepted(live.id, h.connection);
    }
    expect(stalled.handed).toHaveLength(2);
    expect(live.handed).toHaveLength(4);
    dispatcher.close();
  });

  it('closes new connections beyond maxQueued and those that waited longer than maxWaitMs', async () => {
    const dispatcher = newDispatcher(silentLogger, { maxQueued: 2, maxWaitMs: 200 });
    const port = await front(dispatcher);
    const waiting = [client(port), client(port)];
    await until(() => dispatcher.queued === 2);
    const over = client(port);
    // Beyond the bound: closed at once, nothing to read.
    expect(await over.received).toBe('');
    expect(dispatcher.queued).toBe(2);
    // And the two that wait are closed once they waited 200 ms with no worker to take them.
    for (const w of waiting) expect(await w.received).toBe('');
    expect(dispatcher.queued).toBe(0);
  });

  it('on stop closes what waits and refuses new connections; handed ones stay with their worker', async () => {
    const dispatcher = newDispatcher(silentLogger, { maxOutstanding: 1 });
    const worker = new StandIn(1);
    dispatcher.add(worker);
    const port = await front(dispatcher);
    const handed = client(port);
    await until(() => worker.handed.length === 1);
    const waiting = client(port);
    await until(() => dispatcher.queued === 1);
    dispatcher.stop();
    expect(await waiting.received).toBe('');
    serve(worker.handed[0], 'still served');
    expect(await handed.received).toBe('still served\n');
    const late = client(port);
    expect(await late.received).toBe('');
    expect(worker.handed).toHaveLength(1);
  });
});
