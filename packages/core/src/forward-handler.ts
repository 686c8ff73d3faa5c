/**
 * One proxied request, start to finish. The same object is the undici dispatch handler of every
 * attempt, the strategy's `PickRequest`, the header pass's `RequestFacts` and the `RequestRecord`
 * handed to event listeners: one allocation carries the whole request, with no per-request
 * closures. Bodies stream both ways with backpressure and are never buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Backend } from './backend.js';
import { BodyLimiter } from './body-limit.js';
import { ProxyErrorCode } from './error-codes.js';
import { sendError } from './error-response.js';
import { buildUpstreamHeaders, type RequestFacts } from './forwarded-headers.js';
import type { RequestRecord } from './request-record.js';
import { originFormPath } from './request-target.js';
import { buildClientHeaders, rawList, trailerPairs } from './response-headers.js';
import { type AttemptFailure, mayRetry } from './retry.js';
import type { Generation, Runtime } from './runtime.js';
import type { FailureKind, PickRequest, Strategy } from './strategy.js';
import { classifyUpstreamError } from './upstream-error.js';
import type { Upstream, UpstreamDispatchOptions } from './upstream-pool.js';

const kForward = Symbol('helios.forward');

interface TaggedResponse extends ServerResponse {
  [kForward]?: ForwardRequest;
}

/** Listener shared by every request: `this` is the response, the request is found by tag. */
function onResponseClose(this: TaggedResponse): void {
  this[kForward]?.clientClosed();
}

function onResponseDrain(this: TaggedResponse): void {
  this[kForward]?.resumeUpstream();
}

export class ForwardRequest
  implements Dispatcher.DispatchHandler, RequestRecord, RequestFacts, PickRequest
{
  id = '';
  readonly method: string;
  path = '';
  clientAddress = '';
  backend: Backend | undefined = undefined;
  status = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly startTime: number;
  durationMs = 0;
  upstreamMs = 0;
  retries = 0;
  errorCode: string | undefined = undefined;
  contentLength = -1;
  chunked = false;
  otherCoding = false;

  readonly #rt: Runtime;
  readonly #req: IncomingMessage;
  readonly #res: TaggedResponse;
  readonly #expectContinue: boolean;
  #options: UpstreamDispatchOptions | undefined;
  #limiter: BodyLimiter | undefined;
  #strategy: Strategy | undefined;
  #abort: ((err?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #attemptOpen = false;
  #connected = false;
  #responseStarted = false;
  #waitingDrain = false;
  #attemptStart = 0;
  #clientGone = false;
  #done = false;

  constructor(rt: Runtime, req: IncomingMessage, res: ServerResponse, expectContinue: boolean) {
    this.#rt = rt;
    this.#req = req;
    this.#res = res;
    this.#expectContinue = expectContinue;
    this.method = req.method ?? 'GET';
    this.startTime = performance.now();
  }

  /** PickRequest: first value of a request header, for hashing strategies. */
  header(name: string): string | undefined {
    const value = this.#req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  start(): void {
    const req = this.#req;
    const config = this.#rt.current.config;
    const socket = req.socket;
    const url = req.url ?? '/';
    this.path = url;
    this.#res[kForward] = this;
    this.#res.on('close', onResponseClose);
    const headers = buildUpstreamHeaders(
      req.rawHeaders,
      config,
      socket.remoteAddress ?? '',
      'encrypted' in socket && socket.encrypted === true ? 'https' : 'http',
      this,
    );
    this.#rt.requestStarted(this);
    if (url.length > config.limits.maxUrlLength) {
      this.#reject(ProxyErrorCode.urlTooLong);
      return;
    }
    const path = originFormPath(url);
    if (path === undefined) {
      this.#reject(ProxyErrorCode.badRequest);
      return;
    }
    if (this.otherCoding) {
      this.#reject(ProxyErrorCode.unsupportedCoding);
      return;
    }
    const maxBody = config.limits.maxBodySize;
    if (maxBody !== undefined && this.contentLength > maxBody) {
      this.#reject(ProxyErrorCode.bodyTooLarge);
      return;
    }
    let body: Readable | null = null;
    if (this.chunked) {
      // Bodies of unknown length pass through a counter (enforcing maxBodySize when set), so
      // the record's bytesIn is exact; they are rare enough that the extra stream is cheap.
      this.#limiter = new BodyLimiter(maxBody ?? Number.POSITIVE_INFINITY);
      req.on('error', onRequestError);
      body = req.pipe(this.#limiter);
    } else if (this.contentLength > 0) {
      body = req;
      this.bytesIn = this.contentLength;
    }
    this.#options = {
      path,
      method: this.method,
      headers,
      body,
      headersTimeout: config.timeouts.response,
      bodyTimeout: config.timeouts.upstreamIdle,
    };
    const generation = this.#rt.current;
    const upstream = this.#rt.pick(generation, this, undefined);
    if (upstream === undefined) {
      this.#fail(ProxyErrorCode.noBackend);
      return;
    }
    this.#attempt(generation, upstream);
  }

  #attempt(generation: Generation, upstream: Upstream): void {
    const strategy = generation.strategy;
    const backend = upstream.backend;
    this.backend = backend;
    this.#strategy = strategy;
    this.#rt.attemptStarted(strategy, backend);
    this.#attemptOpen = true;
    this.#connected = false;
    this.#attemptStart = performance.now();
    if (this.#expectContinue && this.retries === 0) this.#res.writeContinue();
    const options = this.#options as UpstreamDispatchOptions;
    options.servername = upstream.servername;
    options.headersTimeout = generation.config.timeouts.response;
    options.bodyTimeout = generation.config.timeouts.upstreamIdle;
    try {
      upstream.pool.dispatch(options, this);
    } catch (err) {
      // A pool closed by a concurrent reload (or an option undici refuses): nothing was sent.
      this.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  // undici 7's native handler callbacks (onConnect/onHeaders/onData/onComplete/onError). The
  // newer onRequestStart/onResponse* API runs through a per-request adapter in undici 7 that
  // also parses every response header into an object; this path skips both (measured ~4 µs per
  // request). Moving to undici 8 means renaming these to the new API (see docs/core.md).

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    this.#connected = true;
    if (this.#clientGone) abort(clientGoneError());
  }

  onHeaders(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText: string,
  ): boolean {
    if (statusCode < 200) return true;
    this.#resume = resume;
    this.#responseStarted = true;
    this.upstreamMs = performance.now() - this.#attemptStart;
    this.status = statusCode;
    const res = this.#res;
    if (this.#rt.draining) res.shouldKeepAlive = false;
    const headers = buildClientHeaders(rawHeaders, this.id);
    try {
      if (statusText) res.writeHead(statusCode, statusText, headers);
      else res.writeHead(statusCode, headers);
    } catch (err) {
      // The backend sent something Node refuses to write (e.g. a bad header value).
      this.#rt.logger.warn(
        { requestId: this.id, backend: this.backend?.id, err },
        'backend response headers could not be relayed',
      );
      this.#responseStarted = false;
      this.#abort?.(err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytesOut += chunk.length;
    if (this.#res.write(chunk)) return true;
    // The client reads slower than the backend sends: pause the upstream until it drains.
    if (!this.#waitingDrain) {
      this.#waitingDrain = true;
      this.#res.once('drain', onResponseDrain);
    }
    return false;
  }

  onComplete(rawTrailers: Buffer[] | string[] | null): void {
    const trailers = trailerPairs(rawList(rawTrailers));
    if (trailers !== undefined) this.#res.addTrailers(trailers);
    this.#res.end();
    this.#endAttempt(this.status, undefined);
    this.#finish();
  }

  onError(err: Error): void {
    if (!this.#attemptOpen) return;
    const clientGone =
      this.#clientGone || this.#res.destroyed || this.#res.socket?.destroyed === true;
    const kind = classifyUpstreamError(err, this.#connected, this.#responseStarted);
    if (clientGone) {
      this.#endAttempt(this.#responseStarted ? this.status : 0, undefined);
      this.errorCode = ProxyErrorCode.clientAborted;
      this.#res.destroy();
      this.#finish();
      return;
    }
    if (kind.code === ProxyErrorCode.bodyTooLarge) {
      this.#endAttempt(0, undefined);
      if (this.#responseStarted) this.#res.destroy();
      else this.#reject(ProxyErrorCode.bodyTooLarge);
      return;
    }
    const failedBackend = this.backend;
    this.#endAttempt(0, kind.failure);
    if (this.#canRetry(kind.failure)) {
      const generation = this.#rt.current;
      const next = this.#rt.pick(generation, this, failedBackend);
      if (next !== undefined && next.backend !== failedBackend && this.#rt.budget.tryAcquire()) {
        this.retries++;
        this.#log('info', kind.code, err, 'retrying on another backend');
        this.#attempt(generation, next);
        return;
      }
    }
    this.#log('warn', kind.code, err, 'request failed');
    if (this.#responseStarted) {
      // Bytes already reached the client: cut the connection so it cannot mistake a truncated
      // body for a complete one.
      this.errorCode = kind.code;
      this.#res.destroy();
      this.#finish();
    } else {
      this.#fail(kind.code);
    }
  }

  /** The client connection closed (normally after the response ended; otherwise an abort). */
  clientClosed(): void {
    if (this.#done) return;
    this.#clientGone = true;
    this.errorCode = ProxyErrorCode.clientAborted;
    const abort = this.#abort;
    if (abort !== undefined) {
      abort(clientGoneError());
    } else if (!this.#attemptOpen) {
      this.#finish();
    }
    // Otherwise the attempt is queued in the pool: onConnect aborts it when it starts.
  }

  resumeUpstream(): void {
    this.#waitingDrain = false;
    this.#resume?.();
  }

  #canRetry(failure: AttemptFailure): boolean {
    const req = this.#req;
    // The body stream undici reads: the client request, or the counter it is piped through.
    // Until undici reads from it, nothing of the body left Helios and a resend is safe.
    const stream = this.#limiter ?? req;
    const bodyConsumed =
      (this.contentLength > 0 || this.chunked) && (stream.readableDidRead || stream.destroyed);
    return mayRetry({
      failure,
      method: this.method,
      responseStarted: this.#responseStarted,
      bodyConsumed,
      attemptsSoFar: this.retries + 1,
      maxRetries: this.#rt.current.config.retries,
    });
  }

  #endAttempt(status: number, failure: FailureKind | undefined): void {
    if (!this.#attemptOpen) return;
    this.#attemptOpen = false;
    this.#abort = undefined;
    this.#resume = undefined;
    const latency = performance.now() - this.#attemptStart;
    this.#rt.attemptEnded(this.#strategy, this.backend as Backend, latency, status, failure);
  }

  /** Answer with Helios' own error (headers not sent yet), then finish. */
  #fail(code: ProxyErrorCode): void {
    this.errorCode = code;
    if (!this.#res.headersSent && !this.#res.destroyed) {
      // An unread body would be parsed as the next request: close such connections.
      const unread = (this.contentLength > 0 || this.chunked) && !this.#req.complete;
      sendError(this.#res, code, this.id, this.#rt.draining || unread);
      this.status = this.#res.statusCode;
    } else {
      this.#res.destroy();
    }
    this.#finish();
  }

  /** Refuse the request before any upstream work; the unread body makes the connection unusable. */
  #reject(code: ProxyErrorCode): void {
    this.errorCode = code;
    if (!this.#res.headersSent && !this.#res.destroyed) {
      sendError(this.#res, code, this.id, true);
      this.status = this.#res.statusCode;
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#limiter !== undefined) this.bytesIn = this.#limiter.bytes;
    this.durationMs = performance.now() - this.startTime;
    this.#rt.requestEnded(this);
  }

  #log(level: 'info' | 'warn', code: string, err: Error, msg: string): void {
    const logger = this.#rt.logger;
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        requestId: this.id,
        code,
        method: this.method,
        path: this.path,
        backend: this.backend?.id,
        retries: this.retries,
        err: { message: err.message, code: (err as { code?: unknown }).code },
      },
      msg,
    );
  }
}

/** A client that aborts mid-upload must not surface as an unhandled stream error. */
function onRequestError(): void {}

function clientGoneError(): Error {
  const err = new Error('The client closed the connection before the response was complete.');
  (err as Error & { code: string }).code = ProxyErrorCode.clientAborted;
  return err;
}
