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
import type { ProxyErrorCode } from './error-codes.js';
import { writeRawError } from './error-response.js';

const MAX_WAITING = 32;

export interface InService {
  start(): void;
  /** The socket's idle timer fired while this exchange was in service. */
  clientTimedOut(): void;
  /** Runs `fn` once this exchange's response has been handed to the socket. */
  afterFlush(fn: () => void): void;
  /** Has the parser seen this request's whole body? */
  readonly requestComplete: boolean;
  /** The parser failed inside this request's own body: it cannot go on. */
  malformed(): void;
}

const kInService = Symbol('helios.inService');
const kWaiting = Symbol('helios.waiting');
const kClosing = Symbol('helios.closing');
const kEnded = Symbol('helios.ended');

interface SequencedSocket extends Socket {
  [kInService]?: InService | undefined;
  [kWaiting]?: InService[] | undefined;
  /** Unparseable bytes followed the pending requests: answer this once they are done. */
  [kClosing]?: ProxyErrorCode;
  /** An answer closed the connection: nothing more is served on it. */
  [kEnded]?: boolean;
}

/** Start `exchange` now, or after the requests before it on the same connection. */
export function startInOrder(socket: Socket, exchange: InService): void {
  const s = socket as SequencedSocket;
  if (s[kEnded] === true) return;
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

/**
 * `exchange` is finished: the next request of the connection may start. When its answer closes
 * the connection (`keepAlive` false), nothing after it is served: RFC 9112 §9.6, and what the
 * parser took for further requests may be the unread body of a refused one.
 */
export function finishedInOrder(socket: Socket, exchange: InService, keepAlive: boolean): void {
  const s = socket as SequencedSocket;
  if (s[kInService] !== exchange) return;
  if (!keepAlive) {
    s[kEnded] = true;
    s[kWaiting] = undefined;
    s[kInService] = undefined;
    return;
  }
  const next = s[kWaiting]?.shift();
  s[kInService] = next;
  if (next === undefined) {
    const code = s[kClosing];
    if (code !== undefined) exchange.afterFlush(() => writeRawError(socket, code, undefined));
    return;
  }
  if ((s[kWaiting]?.length ?? 0) < MAX_WAITING && socket.isPaused()) socket.resume();
  // Not synchronously: a run of requests refused at once must not nest one stack frame each.
  setImmediate(startNext, next);
}

/**
 * The client sent bytes that cannot be parsed behind requests still being answered: answer
 * those first, then close. False when nothing is pending (the error can be answered at once).
 */
export function closeAfterPending(socket: Socket, code: ProxyErrorCode): boolean {
  const s = socket as SequencedSocket;
  const current = s[kInService];
  if (current === undefined) return false;
  // The bad bytes are inside the body of the request in service, not after it.
  if (!current.requestComplete) current.malformed();
  else s[kClosing] = code;
  return true;
}

/** The exchange in service on this connection, if any. */
export function inService(socket: Socket): InService | undefined {
  return (socket as SequencedSocket)[kInService];
}

function startNext(exchange: InService): void {
  exchange.start();
}
