/**
 * A plain HTTP request and its response, on top of the shared attempt runner (exchange.ts): the
 * client side of the data path. Small bodies are read whole before a backend is chosen, so a
 * slow upload never holds a backend connection and such requests can be retried; larger ones
 * stream with backpressure both ways and are never buffered. The client is held to two idle
 * limits (`timeouts.clientBody` while Helios waits for body bytes, `timeouts.clientSend` while
 * it waits for the client to read), through the socket's own timer: no timer per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import {
  ClientExchange,
  type ClientTagged,
  kExchange,
  onBodyData,
  onBodyEnd,
} from './client-exchange.js';
import { finishedInOrder, type InService } from './connection-sequence.js';
import { ProxyErrorCode } from './error-codes.js';
import { sendError } from './error-response.js';
import { LENIENT_PARSER, strictTrailersOk } from './lenient-parser.js';
import {
  buildClientHeaders,
  dropContentLength,
  earlyHintLinks,
  trailerPairs,
  type UpstreamTrailers,
} from './response-headers.js';
import type { Runtime } from './runtime.js';

interface Tagged extends ClientTagged {
  [kExchange]?: HttpExchange;
}
type TaggedResponse = ServerResponse & Tagged;
type TaggedRequest = IncomingMessage & Tagged;

// Listeners shared by every request: `this` is the stream, the exchange is found by its tag.
function onResponseClose(this: TaggedResponse): void {
  this[kExchange]?.clientClosed();
}
/** A client that aborts mid-upload must not surface as an unhandled stream error. */
function onRequestError(): void {}

export class HttpExchange
  extends ClientExchange<IncomingMessage, TaggedResponse>
  implements InService
{
  readonly #expectContinue: boolean;
  #continueSent = false;
  /** Helios' own answer closes the connection. */
  #closing = false;

  constructor(rt: Runtime, req: IncomingMessage, res: ServerResponse, expectContinue: boolean) {
    super(rt, req, res);
    this.#expectContinue = expectContinue;
  }

  start(): void {
    const req = this.req as TaggedRequest;
    const res = this.out;
    if (this.clientIsGone()) {
      // A pipelined request whose connection closed while it waited its turn.
      this.done = true;
      finishedInOrder(this.socket, this, false);
      return;
    }
    res[kExchange] = this;
    res.on('close', onResponseClose);
    const socket = this.socket;
    const proto = 'encrypted' in socket && socket.encrypted === true ? 'https' : 'http';
    if (this.inspect(proto) === undefined) return;
    const pool = this.selectRoute();
    if (pool === undefined) return;
    if (this.contentLength <= 0 && !this.chunked) {
      this.pickAndSend();
      return;
    }
    req[kExchange] = this;
    req.on('error', onRequestError);
    // Not `req.complete` alone: a pipelined request's body may be parsed already but not read.
    req.on('end', onBodyEnd);
    this.bodyPending = !req.complete;
    this.armTimer();
    const bufferLimit = pool.config.limits.bodyBuffer;
    if (this.chunked ? bufferLimit > 0 : this.contentLength <= bufferLimit) {
      // Read it whole first (as nginx does): the backend connection is taken only once the
      // request is complete and well-formed, and the bytes can be sent again on a retry. A
      // chunked body that outgrows the buffer is streamed from there on.
      this.chunks = [];
      this.sendContinue();
      req.on('data', onBodyData);
      return;
    }
    this.body = this.chunked ? this.streamFrom([]) : req;
    if (!this.chunked) this.bytesIn = this.contentLength;
    this.pickAndSend();
  }

  /** Only a chunked body has an unknown length (the request had one or the other, or none). */
  bufferChunk(chunk: Buffer): void {
    this.holdChunk(this.req, chunk, this.chunked);
  }

  /** The request body arrived completely. */
  bodyEnded(): void {
    const chunks = this.uploadEnded();
    if (chunks === undefined) return;
    if (LENIENT_PARSER && !strictTrailersOk(this.req.rawTrailers)) {
      this.refuse(ProxyErrorCode.badRequest);
      return;
    }
    this.sendWhole(chunks);
  }

  /** A chunked body of unknown length, streamed through a counter that enforces maxBodySize. */
  protected streamFrom(head: readonly Buffer[]): Readable {
    return this.countedStream(this.req, head, this.limits().maxBodySize);
  }

  /** The client connection closed (normally after the response ended; otherwise an abort). */
  clientClosed(): void {
    if (!this.done) this.stop(ProxyErrorCode.clientAborted);
  }

  /** The socket was idle for the limit set by `armTimer`: decide whose silence it is. */
  clientTimedOut(): void {
    if (this.done) return;
    const socket = this.socket;
    if (socket.timeout !== this.armed) {
      // Node re-set the socket's timer for its own reasons (keep-alive of a pipelined
      // predecessor): the silence was not measured against our limit.
      this.setClientTimer(this.armed);
      return;
    }
    if (!this.idleIsClients(this.req)) this.setClientTimer(this.armed);
  }

  // ---- the client side the attempt runner needs ---------------------------------------------

  protected clientIsGone(): boolean {
    return this.out.destroyed || this.socket.destroyed;
  }

  protected respondError(code: ProxyErrorCode, close: boolean): void {
    const res = this.out;
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // An unread body would be parsed as the next request: close such connections.
    this.#closing = close || this.rt.draining || this.bodyPending;
    sendError(res, code, this.id || undefined, this.#closing);
    this.status = res.statusCode;
  }

  protected destroyClient(): void {
    this.out.destroy();
  }

  protected respondDirect(status: number, headers: string[], body: Buffer): void {
    const res = this.out;
    if (res.headersSent || res.destroyed) return;
    // An unread body would be parsed as the next request.
    this.#closing = this.rt.draining || this.bodyPending || this.contentLength > 0 || this.chunked;
    headers.push('content-length', String(body.length));
    if (this.#closing) headers.push('connection', 'close');
    res.writeHead(status, headers);
    res.end(this.method === 'HEAD' ? undefined : body);
  }

  protected afterStop(code: ProxyErrorCode): void {
    const answerable =
      code === ProxyErrorCode.clientBodyTimeout || code === ProxyErrorCode.badRequest;
    if (answerable && !this.clientIsGone()) {
      this.respondError(code, true);
      if (!this.out.headersSent) this.out.destroy();
      return;
    }
    this.out.destroy();
  }

  protected override onFinish(): void {
    super.onFinish();
    const res = this.out;
    finishedInOrder(this.socket, this, !this.#closing && res.shouldKeepAlive && !res.destroyed);
  }

  get requestComplete(): boolean {
    return this.req.complete;
  }

  malformed(): void {
    if (!this.done) this.stop(ProxyErrorCode.badRequest);
  }

  afterFlush(fn: () => void): void {
    const res = this.out;
    if (res.writableFinished || res.destroyed) {
      fn();
      return;
    }
    res.once('finish', fn);
    res.once('close', fn);
  }

  // ---- undici's callbacks for the response --------------------------------------------------
  // undici 7's native handler API (onConnect/onHeaders/onData/onComplete/onError). The newer
  // onRequestStart/onResponse* API runs through a per-request adapter in undici 7 that also
  // parses every response header into an object; this path skips both (measured ~4 µs per
  // request). Moving to undici 8 means renaming these to the new API (see docs/core.md).

  onHeaders(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText: string,
  ): boolean {
    if (this.done) return true;
    if (statusCode < 200) {
      this.#informational(statusCode, rawHeaders);
      return true;
    }
    this.responseBegins(statusCode, resume);
    const res = this.out;
    if (this.rt.draining) res.shouldKeepAlive = false;
    try {
      const headers = buildClientHeaders(rawHeaders, this.id);
      if (statusCode === 204) dropContentLength(headers);
      this.responseRules?.apply(headers, this);
      if (statusText) res.writeHead(statusCode, statusText, headers);
      else res.writeHead(statusCode, headers);
    } catch (err) {
      // The backend sent something Node refuses to write (e.g. a bad header value).
      this.headersNotRelayed(err);
      return true;
    }
    // No body by definition (RFC 9110 §6.4.1), whatever length header came with it: a 304 may
    // carry the Content-Length of the full representation. Complete it now; undici's own
    // complaint about the "missing" bytes then finds the attempt closed.
    if (statusCode === 204 || statusCode === 304 || this.method === 'HEAD') this.complete(null);
    return true;
  }

  protected complete(rawTrailers: UpstreamTrailers): void {
    const trailers = trailerPairs(rawTrailers);
    if (trailers !== undefined) this.out.addTrailers(trailers);
    this.out.end();
    this.finishResponse();
  }

  /** 1xx from the backend: relay `103 Early Hints` links to HTTP/1.1 clients, drop the rest. */
  #informational(statusCode: number, rawHeaders: Buffer[]): void {
    if (statusCode !== 103 || this.req.httpVersionMinor < 1 || this.out.headersSent) return;
    const link = earlyHintLinks(rawHeaders);
    if (link.length === 0) return;
    try {
      this.out.writeEarlyHints({ link });
    } catch {
      // Node validates Link values strictly; a hint it refuses is only a hint.
    }
  }

  protected sendContinue(): void {
    if (!this.#expectContinue || this.#continueSent) return;
    this.#continueSent = true;
    this.out.writeContinue();
  }

  /** The client's idle timer is its socket's: no timer per request. */
  protected setClientTimer(ms: number): void {
    const socket = this.socket;
    if (!socket.destroyed) socket.setTimeout(ms);
  }
}
