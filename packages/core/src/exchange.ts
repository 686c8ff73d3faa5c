/**
 * One proxied exchange, from the request head to the last byte: the single attempt runner that
 * both plain requests (http-exchange.ts) and upgrades (upgrade-exchange.ts) are built on. It owns
 * what they share, in one order: checking the head, picking a backend, waiting for a free
 * connection, dispatching through undici, telling client faults from backend faults, retrying
 * under the one retry policy and budget, and accounting. The subclass owns the client side: how
 * the answer is written and when the client has gone.
 *
 * The object is also the undici dispatch handler of every attempt, the strategy's `PickRequest`,
 * the header pass's `RequestFacts`, the wait queue's `Waiter` and the `RequestRecord` events
 * carry: one allocation per request, no per-request closures.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { Backend } from './backend.js';
import { ProxyErrorCode } from './error-codes.js';
import { buildUpstreamHeaders, type RequestFacts } from './forwarded-headers.js';
import type { Generation, PoolRuntime, Route } from './generation.js';
import { LENIENT_PARSER, strictHeadOk } from './lenient-parser.js';
import type { RequestHead } from './request-head.js';
import type { RequestRecord } from './request-record.js';
import { originFormPath, targetAuthority } from './request-target.js';
import { mayRetry } from './retry.js';
import { normalizeHost } from './routing/host-pattern.js';
import type { PlaceholderSource } from './routing/placeholders.js';
import { hasDotSegment, stripPathPrefix } from './routing/route-path.js';
import type { RouteRequest } from './routing/route-table.js';
import type { Runtime } from './runtime.js';
import type { FailureKind, PickRequest } from './strategy.js';
import type { Upstream, UpstreamDispatchOptions } from './upstream.js';
import { classifyUpstreamError } from './upstream-error.js';
import type { Waiter, WaitQueue } from './wait-queue.js';

/** Re-routing after a reload closed the chosen pool is bounded, like everything else. */
const MAX_REROUTES = 3;

export abstract class Exchange<Req extends RequestHead = RequestHead>
  implements
    Dispatcher.DispatchHandler,
    RequestRecord,
    RequestFacts,
    PickRequest,
    Waiter,
    RouteRequest,
    PlaceholderSource
{
  // RequestRecord
  id = '';
  readonly method: string;
  path = '';
  clientAddress = '';
  backend: Backend | undefined = undefined;
  route: string | undefined = undefined;
  pool: string | undefined = undefined;
  status = 0;
  bytesIn = 0;
  bytesOut = 0;
  readonly startTime: number;
  durationMs = 0;
  upstreamMs = 0;
  retries = 0;
  errorCode: string | undefined = undefined;
  // RequestFacts
  contentLength = -1;
  chunked = false;
  otherCoding = false;
  host = '';
  problem: ProxyErrorCode | undefined = undefined;
  // Waiter
  queuedAt = 0;
  waitingIn: WaitQueue | undefined = undefined;

  protected readonly rt: Runtime;
  protected readonly req: Req;
  /** The client connection (captured: Node clears `req.socket` once the response is done). */
  protected readonly socket: Socket;
  /** What undici sends; built once, reused by every attempt. */
  protected options: UpstreamDispatchOptions | undefined;
  /** The attempt is dispatched and not ended. */
  protected attemptOpen = false;
  /** undici began writing the current attempt. */
  protected connected = false;
  /** Response bytes (a status line) reached the client. */
  protected responseStarted = false;
  protected done = false;
  /** The pool the matched route sends to; set by `selectRoute`. */
  protected poolRuntime: PoolRuntime | undefined;
  /** The matched route's response header rules, if any. */
  protected responseRules: Route['responseHeaders'];
  #upstream: Upstream | undefined;
  /** The pool of the current attempt (strategy and health hooks are told about its end). */
  #attemptPool: PoolRuntime | undefined;
  #scheme = 'http';
  #query: URLSearchParams | undefined;
  #abort: ((err?: Error) => void) | undefined;
  #attemptStart = 0;
  #dispatches = 0;
  #reroutes = 0;
  /** Set once Helios stops the exchange for the client's sake; no backend is blamed after. */
  #stopped: ProxyErrorCode | undefined;

  constructor(rt: Runtime, req: Req) {
    this.rt = rt;
    this.req = req;
    this.socket = req.socket;
    this.method = req.method ?? 'GET';
    this.startTime = performance.now();
  }

  /** PickRequest: first value of a request header, for hashing strategies. */
  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  // RouteRequest and PlaceholderSource: read lazily, only when a route or a template asks.

  get routeHost(): string {
    return normalizeHost(this.host);
  }

  get hostName(): string {
    const host = this.host;
    if (host.charCodeAt(0) === 91 /* [ */) return host.slice(0, host.indexOf(']') + 1);
    const colon = host.indexOf(':');
    return colon === -1 ? host : host.slice(0, colon);
  }

  /** The forwarded target (origin form), before any `stripPrefix`. */
  get uri(): string {
    return this.options?.path ?? this.path;
  }

  get pathOnly(): string {
    const uri = this.uri;
    const q = uri.indexOf('?');
    return q === -1 ? uri : uri.slice(0, q);
  }

  get queryPart(): string {
    const uri = this.uri;
    const q = uri.indexOf('?');
    return q === -1 ? '' : uri.slice(q);
  }

  get scheme(): string {
    return this.#scheme;
  }

  /** RequestRecord: `1.1`, `1.0` or `2.0`. */
  get httpVersion(): string {
    return this.req.httpVersion;
  }

  queryParam(name: string): string | undefined {
    this.#query ??= new URLSearchParams(this.queryPart);
    return this.#query.get(name) ?? undefined;
  }

  // ---- what the client side provides -------------------------------------------------------

  /** Answer with Helios' own error (nothing was sent yet), optionally closing the connection. */
  protected abstract respondError(code: ProxyErrorCode, close: boolean): void;
  /** Cut the client connection: a partial answer must not pass for a complete one. */
  protected abstract destroyClient(): void;
  /** Has the client connection gone? */
  protected abstract clientIsGone(): boolean;
  /** Right before each dispatch (bodies, `100 Continue`). */
  protected abstract beforeDispatch(first: boolean): void;
  /** Is the request body still available to send again? */
  protected abstract bodyReplayable(): boolean;
  /** The exchange was stopped for the client's sake (`#stopped` says why). */
  protected abstract afterStop(code: ProxyErrorCode): void;
  /** Bookkeeping right before the record is final. */
  protected onFinish(): void {}
  /** Answer for a route that redirects or answers by itself (nothing was sent yet). */
  protected abstract respondDirect(status: number, headers: string[], body: Buffer): void;

  /**
   * What is wrong with the head before any other check, by protocol. HTTP/1: llhttp accepts
   * HTTP/0.9 (`GET /a` with no version, headers still parsed) and 2.0 request lines.
   */
  protected headProblem(): ProxyErrorCode | undefined {
    const major = this.req.httpVersionMajor;
    if (major === 1) return undefined;
    return major > 1 ? ProxyErrorCode.versionNotSupported : ProxyErrorCode.badRequest;
  }

  // ---- the request head ----------------------------------------------------------------------

  /**
   * Counts the request, runs the header pass and every check of the head that does not depend
   * on the kind of exchange. Returns the upstream headers, or `undefined` after refusing it.
   */
  protected inspect(proto: string): string[] | undefined {
    const req = this.req;
    this.#scheme = proto;
    const generation = this.rt.current;
    const limits = generation.config.limits;
    const url = req.url ?? '/';
    this.path = url;
    const authority = targetAuthority(url);
    const headers = buildUpstreamHeaders(
      req.rawHeaders,
      generation.forwarding,
      this.socket.remoteAddress ?? '',
      proto,
      authority ?? '',
      this,
    );
    this.rt.requestStarted(this);
    const refusal = this.#refusal(url, authority, limits);
    const path = refusal === undefined ? originFormPath(url) : undefined;
    if (path === undefined) {
      this.refuse(refusal ?? ProxyErrorCode.badRequest);
      return undefined;
    }
    this.options = { path, method: this.method, headers };
    return headers;
  }

  /** Why the head cannot be served as received, checked in order; `undefined`: it can. */
  #refusal(
    url: string,
    authority: string | undefined,
    limits: Generation['config']['limits'],
  ): ProxyErrorCode | undefined {
    const req = this.req;
    const problem = this.headProblem();
    if (problem !== undefined) return problem;
    if (req.rawHeaders.length > limits.maxHeaderCount * 2) return ProxyErrorCode.tooManyHeaders;
    if (LENIENT_PARSER && !strictHeadOk(url, req.rawHeaders)) return ProxyErrorCode.badRequest;
    if (url.length > limits.maxUrlLength) return ProxyErrorCode.urlTooLong;
    // A fragment never belongs in a request target (RFC 9112 §3.2).
    if (url.includes('#')) return ProxyErrorCode.badRequest;
    if (authority === undefined) return ProxyErrorCode.badRequest;
    if (this.problem !== undefined) return this.problem;
    if (this.host === '' && req.httpVersionMinor >= 1) return ProxyErrorCode.badHost;
    // RFC 9112 §6.1: HTTP/1.0 framing with Transfer-Encoding is faulty; answer and close.
    if (this.chunked && req.httpVersionMinor === 0) return ProxyErrorCode.badFraming;
    if (this.otherCoding) return ProxyErrorCode.unsupportedCoding;
    return undefined;
  }

  /**
   * Finds the route, and answers a redirect, a fixed answer, a 404 (no route) or a refusal
   * (a body over the pool's limit, a dot segment where routes read paths) itself. Returns the
   * pool to send to, or `undefined` once answered.
   */
  protected selectRoute(): PoolRuntime | undefined {
    const generation = this.rt.current;
    if (generation.routesReadPaths && hasDotSegment(this.pathOnly)) {
      this.refuse(ProxyErrorCode.dotSegment);
      return undefined;
    }
    const route = generation.only ?? generation.routes.match(this);
    if (route === undefined) {
      this.fail(ProxyErrorCode.noRoute);
      return undefined;
    }
    this.route = route.label;
    const pool = route.pool;
    if (pool === undefined) {
      this.#answerDirect(route);
      return undefined;
    }
    this.pool = pool.name;
    this.poolRuntime = pool;
    const maxBody = pool.config.limits.maxBodySize;
    if (maxBody !== undefined && this.contentLength > maxBody) {
      this.refuse(ProxyErrorCode.bodyTooLarge);
      return undefined;
    }
    const options = this.options as UpstreamDispatchOptions;
    if (route.requestHeaders !== undefined) {
      route.requestHeaders.apply(options.headers as string[], this);
    }
    if (route.stripPrefix !== undefined) {
      options.path = stripPathPrefix(options.path, route.stripPrefix);
    }
    this.responseRules = route.responseHeaders;
    pool.budget.recordRequest();
    return pool;
  }

  #answerDirect(route: Route): void {
    const redirect = route.redirect;
    let headers: string[];
    let body: Buffer;
    let status: number;
    if (redirect !== undefined) {
      status = redirect.status;
      const location = redirect.to.render(this);
      body = Buffer.from(`Redirecting to ${location}\n`, 'utf8');
      headers = ['location', location, 'content-type', 'text/plain; charset=utf-8'];
    } else {
      const answer = route.answer as NonNullable<Route['answer']>;
      status = answer.status;
      body = answer.body;
      headers = [...answer.headers];
    }
    if (route.responseHeaders !== undefined) route.responseHeaders.apply(headers, this);
    headers.push('x-request-id', this.id);
    this.status = status;
    this.respondDirect(status, headers, body);
    this.finish();
  }

  // ---- routing, waiting and dispatch ---------------------------------------------------------

  /** Pick a backend of the route's pool and send the request there (or wait for it). */
  protected pickAndSend(): void {
    const pool = this.#currentPool();
    const upstream = pool === undefined ? undefined : this.rt.pick(pool, this, undefined);
    if (pool === undefined || upstream === undefined) {
      this.fail(ProxyErrorCode.noBackend);
      return;
    }
    this.#admit(pool, upstream);
  }

  /**
   * The request's pool in the current generation: a reload may have replaced the object (same
   * name, new settings) or removed the pool since the route was chosen.
   */
  #currentPool(): PoolRuntime | undefined {
    const chosen = this.poolRuntime;
    if (chosen === undefined) return undefined;
    const now = this.rt.current.pools.get(chosen.name);
    if (now !== undefined) this.poolRuntime = now;
    return now;
  }

  /** Dispatch now if the backend has a free connection, else to another that has, else wait. */
  #admit(pool: PoolRuntime, upstream: Upstream): void {
    if (upstream.hasRoom) {
      this.#attempt(pool, upstream);
      return;
    }
    const other = this.rt.pick(pool, this, upstream.backend);
    if (other !== undefined && other !== upstream && other.hasRoom) {
      this.#attempt(pool, other);
      return;
    }
    this.#upstream = upstream;
    this.backend = upstream.backend;
    if (!upstream.queue.push(this)) this.fail(ProxyErrorCode.queueFull);
  }

  /** Waiter: a connection of the backend it waited for is free. */
  admit(): void {
    const upstream = this.#upstream;
    const pool = this.#currentPool();
    if (this.done || upstream === undefined) return;
    if (pool === undefined) {
      this.fail(ProxyErrorCode.noBackend);
      return;
    }
    this.#attempt(pool, upstream);
  }

  /** Waiter: no connection became free within `queue.timeout`. */
  expire(): void {
    if (!this.done) this.fail(ProxyErrorCode.queueTimeout);
  }

  /** The backend it waited for was removed by a reload: choose again. */
  reroute(): void {
    if (!this.done) this.pickAndSend();
  }

  #attempt(pool: PoolRuntime, upstream: Upstream): void {
    this.#upstream = upstream;
    this.backend = upstream.backend;
    this.#attemptPool = pool;
    this.rt.attemptStarted(pool, upstream);
    this.attemptOpen = true;
    this.connected = false;
    this.#attemptStart = performance.now();
    const options = this.options as UpstreamDispatchOptions;
    options.servername = upstream.servername;
    options.headersTimeout = pool.config.timeouts.response;
    options.bodyTimeout = pool.config.timeouts.upstreamIdle;
    this.beforeDispatch(this.#dispatches++ === 0);
    try {
      upstream.pool.dispatch(options, this);
    } catch (err) {
      // undici reports most refusals through onError; a throw is handled the same way.
      this.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  // ---- undici's handler callbacks shared by both kinds -----------------------------------------

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    this.connected = true;
    if (this.#stopped !== undefined) abort(stoppedError(this.#stopped));
  }

  onError(err: Error): void {
    if (!this.attemptOpen) return;
    if (this.#stopped !== undefined || this.clientIsGone()) {
      // Whatever undici reports now follows from the client leaving or being stopped.
      this.endAttempt(this.responseStarted ? this.status : 0, undefined);
      this.#afterStop(this.#stopped ?? ProxyErrorCode.clientAborted);
      return;
    }
    const kind = classifyUpstreamError(err, this.connected, this.responseStarted);
    if (kind.origin === 'client') {
      this.endAttempt(0, undefined);
      this.#log(
        'info',
        kind.code,
        err,
        'request refused: the client sent what cannot be forwarded',
      );
      if (this.responseStarted) this.#cut(kind.code);
      else this.refuse(kind.code);
      return;
    }
    if (kind.origin === 'local') {
      this.endAttempt(0, undefined);
      if (kind.reroute === true && !this.connected && this.#reroutes++ < MAX_REROUTES) {
        this.pickAndSend();
        return;
      }
      this.#log('warn', kind.code, err, 'request failed inside Helios; the backend is not blamed');
      if (this.responseStarted) this.#cut(kind.code);
      else this.fail(kind.code);
      return;
    }
    const failed = this.backend;
    this.endAttempt(0, kind.failure);
    const pool = this.#mayRetry(kind.failure) ? this.#currentPool() : undefined;
    if (pool !== undefined) {
      const next = this.rt.pick(pool, this, failed);
      if (next !== undefined && next.backend !== failed && pool.budget.tryAcquire()) {
        this.retries++;
        this.#log('info', kind.code, err, 'retrying on another backend');
        this.#admit(pool, next);
        return;
      }
    }
    this.#log('warn', kind.code, err, 'request failed');
    if (this.responseStarted) this.#cut(kind.code);
    else this.fail(kind.code);
  }

  // ---- endings -------------------------------------------------------------------------------

  /**
   * Stop the exchange for the client's sake (it left, or was too slow): the attempt is aborted
   * without blaming the backend, and `afterStop` answers the client if it still can.
   */
  protected stop(code: ProxyErrorCode): void {
    if (this.done || this.#stopped !== undefined) return;
    this.#stopped = code;
    this.errorCode = code;
    if (this.waitingIn !== undefined) {
      this.waitingIn.remove(this);
      this.#afterStop(code);
    } else if (this.#abort !== undefined) {
      this.#abort(stoppedError(code));
    } else if (!this.attemptOpen) {
      this.#afterStop(code);
    }
    // Otherwise the attempt is dispatched but not connected: onConnect aborts it.
  }

  #afterStop(code: ProxyErrorCode): void {
    this.errorCode = code;
    this.afterStop(code);
    this.finish();
  }

  /** Bytes already reached the client: cut the connection, record why. */
  #cut(code: ProxyErrorCode): void {
    this.errorCode = code;
    this.destroyClient();
    this.finish();
  }

  /** Helios' own answer for a failure after the head was accepted. */
  protected fail(code: ProxyErrorCode): void {
    this.errorCode = code;
    if (!this.clientIsGone()) this.respondError(code, false);
    this.finish();
  }

  /** The request is refused as sent; the connection closes (its framing may be unusable). */
  protected refuse(code: ProxyErrorCode): void {
    this.errorCode = code;
    if (!this.clientIsGone()) this.respondError(code, true);
    this.finish();
  }

  protected endAttempt(status: number, failure: FailureKind | undefined): void {
    if (!this.attemptOpen) return;
    this.attemptOpen = false;
    this.#abort = undefined;
    const latency = performance.now() - this.#attemptStart;
    this.rt.attemptEnded(
      this.#attemptPool as PoolRuntime,
      this.#upstream as Upstream,
      latency,
      status,
      failure,
    );
  }

  /** Time from dispatch to now, for `upstreamMs` when the response head arrives. */
  protected sinceDispatch(): number {
    return performance.now() - this.#attemptStart;
  }

  /** Abort the running attempt (e.g. the backend sent what cannot be relayed). */
  protected abortAttempt(err: Error): void {
    this.#abort?.(err);
  }

  protected finish(): void {
    if (this.done) return;
    this.done = true;
    if (this.waitingIn !== undefined) this.waitingIn.remove(this);
    this.onFinish();
    this.durationMs = performance.now() - this.startTime;
    this.rt.requestEnded(this);
  }

  #mayRetry(failure: FailureKind): boolean {
    return mayRetry({
      failure,
      method: this.method,
      responseStarted: this.responseStarted,
      bodyConsumed: !this.bodyReplayable(),
      attemptsSoFar: this.retries + 1,
      maxRetries: this.poolRuntime?.config.retries ?? 0,
    });
  }

  #log(level: 'info' | 'warn', code: string, err: Error, msg: string): void {
    const logger = this.rt.logger;
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

/** The error an attempt is aborted with when Helios stops it for the client's sake. */
function stoppedError(code: ProxyErrorCode): Error {
  const err = new Error('Helios stopped the request for the client (it left or was too slow).');
  (err as Error & { code: string }).code = code;
  return err;
}
