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
import { BodyLimiter } from './body-limit.js';
import { errorInfo, ProxyErrorCode } from './error-codes.js';
import { errorBody, RETRY_AFTER_SECONDS } from './error-response.js';
import { HeliosError } from './errors.js';
import { Exchange } from './exchange.js';
import type { PoolRuntime } from './generation.js';
import type { H2RequestHead } from './h2-request-head.js';
import { h2ResponseHeaders, h2Trailers } from './h2-response-headers.js';
import type { H2Session } from './h2-session.js';
import {
  buildClientHeaders,
  dropContentLength,
  latin1,
  trailerList,
  type UpstreamTrailers,
} from './response-headers.js';
import type { Runtime } from './runtime.js';

const { NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR, NGHTTP2_NO_ERROR } = constants;

const kExchange = Symbol('helios.h2exchange');

interface TaggedStream extends ServerHttp2Stream {
  [kExchange]?: H2Exchange;
}

// Listeners shared by every stream: `this` is the stream, the exchange is found by its tag.
function onStreamClose(this: TaggedStream): void {
  this[kExchange]?.clientClosed();
}
function onStreamDrain(this: TaggedStream): void {
  this[kExchange]?.drained();
}
function onStreamTimeout(this: TaggedStream): void {
  this[kExchange]?.timedOut();
}
function onBodyData(this: TaggedStream, chunk: Buffer): void {
  this[kExchange]?.bufferChunk(chunk);
}
function onBodyEnd(this: TaggedStream): void {
  this[kExchange]?.bodyEnded();
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

export class H2Exchange extends Exchange<H2RequestHead> {
  readonly #stream: TaggedStream;
  readonly #session: H2Session;
  #limiter: BodyLimiter | undefined;
  #body: Buffer | Readable | null = null;
  #chunks: Buffer[] | undefined;
  #buffered = 0;
  /** A body of unknown length (no Content-Length): checked against maxBodySize as it comes. */
  #unknownLength = false;
  /** Body bytes have yet to arrive from the client. */
  #bodyPending = false;
  #waitingDrain = false;
  #continueSent = false;
  /** The stream's idle limit now set (0: none). */
  #armed = 0;
  #resume: (() => void) | undefined;
  /** The response ends with a trailer section (the backend's, or an empty one). */
  #trailers: OutgoingHttpHeaders | undefined;

  constructor(rt: Runtime, stream: ServerHttp2Stream, head: H2RequestHead, session: H2Session) {
    super(rt, head);
    this.#stream = stream;
    this.#session = session;
  }

  protected override headProblem(): ProxyErrorCode | undefined {
    return this.req.problem;
  }

  start(): void {
    const stream = this.#stream;
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
    this.#bodyPending = true;
    stream.on('end', onBodyEnd);
    this.#armTimer();
    const bufferLimit = pool.config.limits.bodyBuffer;
    if (
      !isGrpc(this.req.headers['content-type']) &&
      (this.#unknownLength ? bufferLimit > 0 : this.contentLength <= bufferLimit)
    ) {
      this.#chunks = [];
      this.#sendContinue();
      stream.on('data', onBodyData);
      return;
    }
    this.#body = this.#countedStream([]);
    this.pickAndSend();
  }

  bufferChunk(chunk: Buffer): void {
    const chunks = this.#chunks;
    if (chunks === undefined) return;
    chunks.push(chunk);
    this.#buffered += chunk.length;
    // A declared length was checked up front, and nghttp2 holds DATA to it.
    if (!this.#unknownLength) return;
    const limits = this.#limits();
    if (limits.maxBodySize !== undefined && this.#buffered > limits.maxBodySize) {
      this.#chunks = undefined;
      this.#stream.off('data', onBodyData);
      this.refuse(ProxyErrorCode.bodyTooLarge);
      return;
    }
    if (this.#buffered <= limits.bodyBuffer) return;
    // Too big to hold: stream what came so far and the rest.
    this.#chunks = undefined;
    this.#stream.off('data', onBodyData);
    this.#body = this.#countedStream(chunks);
    this.pickAndSend();
  }

  bodyEnded(): void {
    this.#bodyPending = false;
    this.#armTimer();
    const chunks = this.#chunks;
    if (chunks === undefined || this.done) return;
    this.#chunks = undefined;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    this.#body = body;
    this.bytesIn = body.length;
    this.pickAndSend();
  }

  /**
   * The upload, streamed through a counter that enforces maxBodySize (for bodies of unknown
   * length) and keeps bytesIn exact. It also stands between undici and the HTTP/2 stream:
   * undici destroys the body it was given when an attempt fails, and the stream must survive
   * that to carry Helios' 502.
   */
  #countedStream(head: readonly Buffer[]): Readable {
    const maxBody = this.#unknownLength ? this.#limits().maxBodySize : undefined;
    const limiter = new BodyLimiter(maxBody ?? Number.POSITIVE_INFINITY);
    this.#limiter = limiter;
    for (const chunk of head) limiter.write(chunk);
    return this.#stream.pipe(limiter);
  }

  #limits(): PoolRuntime['config']['limits'] {
    return (this.poolRuntime as PoolRuntime).config.limits;
  }

  /** The stream closed before the exchange finished: the client reset it (or the session went). */
  clientClosed(): void {
    if (this.done) return;
    this.#session.clientReset();
    this.stop(ProxyErrorCode.clientAborted);
  }

  /** The stream was idle for the limit `#armTimer` set: decide whose silence it is. */
  timedOut(): void {
    if (this.done) return;
    if (this.#waitingDrain) {
      this.stop(ProxyErrorCode.clientSendTimeout);
      return;
    }
    // Waiting for body bytes is the client's fault only while someone is reading them.
    const reading = this.#chunks !== undefined || (this.connected && !this.#stream.isPaused());
    if (this.#bodyPending && reading) {
      this.stop(ProxyErrorCode.clientBodyTimeout);
      return;
    }
    // Not the client's silence (a backend being connected, or holding the upload back): the
    // timer fired once and needs setting again.
    if (!this.#stream.destroyed) this.#stream.setTimeout(this.#armed);
  }

  drained(): void {
    this.#waitingDrain = false;
    this.#armTimer();
    this.#resume?.();
  }

  /** 'wantTrailers': the last DATA frame is out; close the stream with the trailer section. */
  sendTrailers(): void {
    const stream = this.#stream;
    if (stream.closed || stream.destroyed) return;
    stream.sendTrailers(this.#trailers ?? {});
  }

  // ---- the client side the attempt runner needs ---------------------------------------------

  protected beforeDispatch(first: boolean): void {
    const options = this.options;
    if (options !== undefined) options.body = this.#body;
    if (first) this.#sendContinue();
  }

  protected bodyReplayable(): boolean {
    const body = this.#body;
    if (body === null || Buffer.isBuffer(body)) return true;
    return !(body.readableDidRead || body.destroyed);
  }

  protected clientIsGone(): boolean {
    const stream = this.#stream;
    return stream.destroyed || stream.closed;
  }

  protected respondError(code: ProxyErrorCode, _close: boolean): void {
    const stream = this.#stream;
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
    const stream = this.#stream;
    if (!stream.closed && !stream.destroyed) stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  protected respondDirect(status: number, headers: string[], body: Buffer): void {
    if (this.#stream.headersSent || this.clientIsGone()) return;
    headers.push('content-length', String(body.length));
    this.#respond(h2ResponseHeaders(headers, status), this.method === 'HEAD' ? undefined : body);
  }

  /** A whole answer of Helios' own; an upload still arriving is stopped once it is out. */
  #respond(headers: OutgoingHttpHeaders, body: string | Buffer | undefined): void {
    const stream = this.#stream;
    try {
      stream.respond(headers, { endStream: body === undefined });
      if (body !== undefined) stream.end(body);
    } catch {
      // The stream closed under us (the client reset it): there is nobody to answer.
      return;
    }
    if (this.#bodyPending) stream.once('finish', onAnsweredEarly);
  }

  protected afterStop(code: ProxyErrorCode): void {
    const stream = this.#stream;
    if (code === ProxyErrorCode.clientBodyTimeout && !stream.headersSent && !this.clientIsGone()) {
      this.respondError(code, true);
      return;
    }
    if (!stream.closed && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
  }

  protected override onFinish(): void {
    if (this.#limiter !== undefined) this.bytesIn = this.#limiter.bytes;
    this.#chunks = undefined;
    if (this.#armed !== 0) {
      this.#armed = 0;
      if (!this.#stream.destroyed) this.#stream.setTimeout(0);
    }
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
    this.#resume = resume;
    this.responseStarted = true;
    this.upstreamMs = this.sinceDispatch();
    this.status = statusCode;
    const stream = this.#stream;
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
      this.rt.logger.warn(
        { requestId: this.id, backend: this.backend?.id, err },
        'backend response headers could not be relayed',
      );
      this.responseStarted = false;
      this.abortAttempt(
        err instanceof HeliosError
          ? err
          : new HeliosError(ProxyErrorCode.upstreamBadResponse, String(err), { cause: err }),
      );
      return true;
    }
    if (this.#bodyPending) stream.once('finish', onAnsweredEarly);
    if (noBody) this.#complete(null);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    this.bytesOut += chunk.length;
    if (this.#stream.write(chunk)) return true;
    // The client reads slower than the backend sends (its flow-control window is closed, or
    // the session's socket is full): pause the upstream until the stream drains.
    if (!this.#waitingDrain) {
      this.#waitingDrain = true;
      this.#stream.once('drain', onStreamDrain);
      this.#armTimer();
    }
    return false;
  }

  /** `trailers`: a raw list from an HTTP/1.1 backend, an object from an HTTP/2 one (gRPC). */
  onComplete(trailers: UpstreamTrailers): void {
    if (!this.done) this.#complete(trailers);
  }

  #complete(rawTrailers: UpstreamTrailers): void {
    this.#trailers = h2Trailers(trailerList(rawTrailers));
    const stream = this.#stream;
    if (!stream.writableEnded) stream.end();
    this.endAttempt(this.status, undefined);
    this.finish();
  }

  /** `103 Early Hints` from the backend: its `Link` fields go to the client as an interim head. */
  #earlyHints(rawHeaders: Buffer[]): void {
    const stream = this.#stream;
    if (stream.headersSent) return;
    const link: string[] = [];
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as Buffer;
      if (name.length === 4 && latin1(name).toLowerCase() === 'link') {
        link.push(latin1(rawHeaders[i + 1]));
      }
    }
    if (link.length === 0) return;
    try {
      stream.additionalHeaders({ ':status': 103, link });
    } catch {
      // A hint Node refuses is only a hint.
    }
  }

  #sendContinue(): void {
    if (!this.req.expectContinue || this.#continueSent) return;
    this.#continueSent = true;
    const stream = this.#stream;
    if (stream.headersSent || this.clientIsGone()) return;
    stream.additionalHeaders({ ':status': 100 });
  }

  /** Sets the stream's idle limit for what the exchange now waits for from the client. */
  #armTimer(): void {
    const timeouts = this.rt.current.config.timeouts;
    let ms = this.#bodyPending ? timeouts.clientBody : 0;
    if (this.#waitingDrain) ms = ms === 0 ? timeouts.clientSend : Math.min(ms, timeouts.clientSend);
    if (ms === this.#armed) return;
    this.#armed = ms;
    if (!this.#stream.destroyed) this.#stream.setTimeout(ms);
  }
}
