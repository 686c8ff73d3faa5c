/**
 * One request at a time per client connection. Node's HTTP server hands every pipelined request
 * of a packet to the application at once, so one 64 KiB write of `GET / HTTP/1.1` lines would
 * become thousands of concurrent upstream requests from a single client and fill every backend's
 * queue. Helios serves a connection's requests in order, one at a time (as nginx and HAProxy
 * do), and stops reading from a client that has `MAX_WAITING` requests queued behind the one in
 * service, so memory per connection stays bounded too.
 *
 * The socket also carries the exchange in service, so that socket-level events (the idle timer)
 * reach the right request.
 */
import type { Socket } from 'node:net';

const MAX_WAITING = 32;

export interface InService {
  start(): void;
  /** The socket's idle timer fired while this exchange was in service. */
  clientTimedOut(): void;
}

const kInService = Symbol('helios.inService');
const kWaiting = Symbol('helios.waiting');

interface SequencedSocket extends Socket {
  [kInService]?: InService | undefined;
  [kWaiting]?: InService[];
}

/** Start `exchange` now, or after the requests before it on the same connection. */
export function startInOrder(socket: Socket, exchange: InService): void {
  const s = socket as SequencedSocket;
  if (s[kInService] === undefined) {
    s[kInService] = exchange;
    exchange.start();
    return;
  }
  let waiting = s[kWaiting];
  if (waiting === undefined) {
    waiting = [];
    s[kWaiting] = waiting;
  }
  waiting.push(exchange);
  if (waiting.length >= MAX_WAITING) socket.pause();
}

/** `exchange` is finished: the next request of the connection may start. */
export function finishedInOrder(socket: Socket, exchange: InService): void {
  const s = socket as SequencedSocket;
  if (s[kInService] !== exchange) return;
  const next = s[kWaiting]?.shift();
  s[kInService] = next;
  if (next === undefined) return;
  if ((s[kWaiting]?.length ?? 0) < MAX_WAITING && socket.isPaused()) socket.resume();
  // Not synchronously: a run of requests refused at once must not nest one stack frame each.
  setImmediate(startNext, next);
}

/** The exchange in service on this connection, if any. */
export function inService(socket: Socket): InService | undefined {
  return (socket as SequencedSocket)[kInService];
}

function startNext(exchange: InService): void {
  exchange.start();
}
