/**
 * An HTTP/2 stream and its response, on top of the shared attempt runner (exchange.ts): the
 * client side of the data path for HTTP/2, forwarding to the same HTTP/1.1 backends. Same rules
 * as http-exchange.ts: small bodies are read whole first (a retry can send them again), larger
 * ones stream through a counting limiter, with backpressure both ways (a full stream pauses
 * the backend; an unread upload stops HTTP/2 flow-control credit to the client). Differences
 * that belong to HTTP/2:
 * - a client that resets its stream aborts the upstream request (and feeds the rapid-reset
 *   guard, h2-session.ts); a response that cannot be completed is reset with INTERNAL_ERROR,
 *   never ended cleanly;
 * - chunked trailers from the backend are relayed as an HTTP/2 trailer section;
 * - `timeouts.clientBody` and `timeouts.clientSend` run on the stream's own idle timer;
 * - an answer given before the upload ended is followed by RST_STREAM(NO_ERROR), which tells
 *   the client to stop sending (RFC 9113 §8.1) instead of leaving it stuck on flow control.
 */
import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Readable } from 'node:stream';
import {
  ClientExchange,
  type ClientTagged,
  kExchange,
  onBodyData,
  onBodyEnd,
} from './client-exchange.js';
import { errorInfo, ProxyErrorCode } from './error-codes.js';
import { errorBody, RETRY_AFTER_SECONDS } from './error-response.js';
import type { H2RequestHead } from './h2-request-head.js';
import { h2ResponseHeaders, h2Trailers } from './h2-response-headers.js';
import type { H2Session } from './h2-session.js';
import {
  buildClientHeaders,
  dropContentLength,
  earlyHintLinks,
  trailerList,
  type UpstreamTrailers,
} from './response-headers.js';
import type { Runtime } from './runtime.js';

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = constants;

interface TaggedStream extends ServerHttp2Stream, ClientTagged {
  [kExchange]?: H2Exchange;
}

// Listeners shared by every stream: `this` is the stream, the exchange is found by its tag.
function onStreamClose(this: TaggedStream): void {
  this[kExchange]?.clientClosed();
}
function onStreamTimeout(this: TaggedStream): void {
  this[kExchange]?.timedOut();
}
function onWantTrailers(this: TaggedStream): void {
  this[kExchange]?.sendTrailers();
}
/**
 * After the response: the client need not send the rest of its upload (RFC 9113 §8.1). Only if
 * it is still sending: a client that finished meanwhile (a gRPC stream that half-closed before
 * the server's status) must get the trailers, which a NO_ERROR reset would cut off.
 */
function onAnsweredEarly(this: TaggedStream): void {
  if (!this.closed && !this.destroyed && !this.readableEnded) this.close(NGHTTP2_NO_ERROR);
}
/**
 * gRPC sends messages both ways on one request: holding its body until it ends (or fills
 * `bodyBuffer`) would stall every client- or bidirectional-streaming call, so it is streamed
 * from the first byte, as nginx's grpc_pass and Envoy do.
 */
function isGrpc(contentType: string | undefined): boolean {
  return contentType?.startsWith('application/grpc') === true;
}
/** Stream errors (a peer's RST_STREAM with an error code) end the stream; 'close' follows. */
function ignore(): void {}

export class H2Exchange extends ClientExchange<H2RequestHead, TaggedStream> {
  readonly #session: H2Session;
  /** A body of unknown length (no Content-Length): checked against maxBodySize as it comes. */
  #unknownLength = false;
  #continueSent = false;
  /** The response ends with a trailer section (the backend's, or an empty one). */
  #trailers: OutgoingHttpHeaders | undefined;

  constructor(rt: Runtime, stream: ServerHttp2Stream, head: H2RequestHead, session: H2Session) {
    super(rt, head, stream);
    this.#session = session;
  }

  protected override headProblem(): ProxyErrorCode | undefined {
    return this.req.problem;
  }

  start(): void {
    const stream = this.out;
    stream[kExchange] = this;
    stream.on('close', onStreamClose);
    stream.on('error', ignore);
    stream.on('timeout', onStreamTimeout);
    this.#session.active++;
    if (this.inspect(this.#session.session.encrypted ? 'https' : 'http') === undefined) return;
    const pool = this.selectRoute();
    if (pool === undefined) return;
    if (stream.endAfterHeaders || this.contentLength === 0) {
      // A declared empty body: its END_STREAM is still to come; read and drop it.
      if (!stream.endAfterHeaders) stream.resume();
      this.pickAndSend();
      return;
    }
    this.#unknownLength = this.contentLength < 0;
    this.bodyPending = true;
    stream.on('end', onBodyEnd);
    this.armTimer();
    const bufferLimit = pool.config.limits.bodyBuffer;
    if (
      !isGrpc(this.req.headers['content-type']) &&
      (this.#unknownLength ? bufferLimit > 0 : this.contentLength <= bufferLimit)
    ) {
      this.chunks = [];
      this.sendContinue();
      stream.on('data', onBodyData);
      return;
    }
    this.body = this.streamFrom([]);
    this.pickAndSend();
  }

  /** A declared length was checked up front, and nghttp2 holds DATA to it. */
  bufferChunk(chunk: Buffer): void {
    this.holdChunk(this.out, chunk, this.#unknownLength);
  }

  bodyEnded(): void {
    const chunks = this.uploadEnded();
    if (chunks !== undefined) this.sendWhole(chunks);
  }

  /**
   * The upload, streamed through a counter that enforces maxBodySize (for bodies of unknown
   * length) and keeps bytesIn exact. It also stands between undici and the HTTP/2 stream:
   * undici destroys the body it was given when an attempt fails, and the stream must survive
   * that to carry Helios' 502.
   */
  protected streamFrom(head: readonly Buffer[]): Readable {
    const maxBody = this.#unknownLength ? this.limits().maxBodySize : undefined;
    return this.countedStream(this.out, head, maxBody);
  }

  /** The stream closed before the exchange finished: the client reset it (or the session went). */
  clientClosed(): void {
    if (this.done) return;
    this.#session.clientReset();
    this.stop(ProxyErrorCode.clientAborted);
  }

  /** The stream was idle for the limit `armTimer` set: decide whose silence it is. */
  timedOut(): void {
    if (this.done) return;
    if (!this.idleIsClients(this.out)) this.setClientTimer(this.armed);
  }

  /** 'wantTrailers': the last DATA frame is out; close the stream with the trailer section. */
  sendTrailers(): void {
    const stream = this.out;
    if (stream.closed || stream.destroyed) return;
    stream.sendTrailers(this.#trailers ?? {});
  }

  // ---- the client side the attempt runner needs ---------------------------------------------

  protected clientIsGone(): boolean {
    const stream = this.out;
    return stream.destroyed || stream.closed;
  }

  protected respondError(code: ProxyErrorCode, _close: boolean): void {
    const stream = this.out;
    if (stream.headersSent) {
      stream.close(NGHTTP2_INTERNAL_ERROR);
      return;
    }
    const info = errorInfo(code);
    const body = errorBody(code, this.id || undefined);
    const headers: OutgoingHttpHeaders = {
      ':status': info.status,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
    };
    if (this.id !== '') headers['x-request-id'] = this.id;
    if (info.status === 503) headers['retry-after'] = RETRY_AFTER_SECONDS;
    this.status = info.status;
    this.#respond(headers, this.method === 'HEAD' ? undefined : body);
  }

  protected destroyClient(): void {
    const stream = this.out;
    if (!stream.closed && !stream.destroyed) stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  protected respondDirect(status: number, headers: string[], body: Buffer): void {
    if (this.out.headersSent || this.clientIsGone()) return;
    headers.push('content-length', String(body.length));
    this.#respond(h2ResponseHeaders(headers, status), this.method === 'HEAD' ? undefined : body);
  }

  /** A whole answer of Helios' own; an upload still arriving is stopped once it is out. */
  #respond(headers: OutgoingHttpHeaders, body: string | Buffer | undefined): void {
    const stream = this.out;
    try {
      stream.respond(headers, { endStream: body === undefined });
      if (body !== undefined) stream.end(body);
    } catch {
      // The stream closed under us (the client reset it): there is nobody to answer.
      return;
    }
    if (this.bodyPending) stream.once('finish', onAnsweredEarly);
  }

  protected afterStop(code: ProxyErrorCode): void {
    const stream = this.out;
    if (code === ProxyErrorCode.clientBodyTimeout && !stream.headersSent && !this.clientIsGone()) {
      this.respondError(code, true);
      return;
    }
    if (!stream.closed && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
  }

  protected override onFinish(): void {
    super.onFinish();
    this.#session.active--;
  }

  // ---- undici's callbacks for the response (the same native API as http-exchange.ts) --------

  onHeaders(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    _statusText: string,
  ): boolean {
    if (this.done) return true;
    if (this.clientIsGone()) {
      this.stop(ProxyErrorCode.clientAborted);
      return true;
    }
    if (statusCode < 200) {
      if (statusCode === 103) this.#earlyHints(rawHeaders);
      return true;
    }
    this.responseBegins(statusCode, resume);
    const stream = this.out;
    let noBody = statusCode === 204 || statusCode === 304 || this.method === 'HEAD';
    try {
      const flat = buildClientHeaders(rawHeaders, this.id);
      if (statusCode === 204) dropContentLength(flat);
      this.responseRules?.apply(flat, this);
      const headers = h2ResponseHeaders(flat, statusCode);
      // gRPC's Trailers-Only answer (an immediate error): one header block that ends the
      // stream, carrying `grpc-status`. Sent as headers and then a trailer section, a gRPC
      // client finds no status in the trailers and reports INTERNAL instead of the real one.
      if (headers['grpc-status'] !== undefined) noBody = true;
      // Only a body of unknown length (chunked from the backend) can end in trailers.
      const trailers = !noBody && headers['content-length'] === undefined;
      stream.respond(headers, { endStream: noBody, waitForTrailers: trailers });
      if (trailers) stream.once('wantTrailers', onWantTrailers);
    } catch (err) {
      this.headersNotRelayed(err);
      return true;
    }
    if (this.bodyPending) stream.once('finish', onAnsweredEarly);
    if (noBody) this.complete(null);
    return true;
  }

  /** The trailers go out on 'wantTrailers', once the last DATA frame has. */
  protected complete(rawTrailers: UpstreamTrailers): void {
    this.#trailers = h2Trailers(trailerList(rawTrailers));
    const stream = this.out;
    if (!stream.writableEnded) stream.end();
    this.finishResponse();
  }

  /** `103 Early Hints` from the backend: its `Link` fields go to the client as an interim head. */
  #earlyHints(rawHeaders: Buffer[]): void {
    const stream = this.out;
    if (stream.headersSent) return;
    const link = earlyHintLinks(rawHeaders);
    if (link.length === 0) return;
    try {
      stream.additionalHeaders({ ':status': 103, link });
    } catch {
      // A hint Node refuses is only a hint.
    }
  }

  protected sendContinue(): void {
    if (!this.req.expectContinue || this.#continueSent) return;
    this.#continueSent = true;
    const stream = this.out;
    if (stream.headersSent || this.clientIsGone()) return;
    stream.additionalHeaders({ ':status': 100 });
  }

  /** The client's idle timer is the stream's own. */
  protected setClientTimer(ms: number): void {
    const stream = this.out;
    if (!stream.destroyed) stream.setTimeout(ms);
  }
}
