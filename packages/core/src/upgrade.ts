/**
 * WebSocket and other `Upgrade` requests. The handshake goes to a backend through its pool with
 * undici's upgrade support; a `101` is relayed to the client and the two sockets are spliced
 * byte for byte until either side closes (then both are destroyed, so no half-open socket
 * leaks). Any other answer (401, 403, 404...) is relayed as-is and the client connection closed.
 * Upgraded sockets do not count as in-flight requests and survive reloads.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Backend } from './backend.js';
import { ProxyErrorCode } from './error-codes.js';
import { writeRawError } from './error-response.js';
import { buildUpstreamHeaders, type RequestFacts } from './forwarded-headers.js';
import type { RequestRecord } from './request-record.js';
import { originFormPath } from './request-target.js';
import { buildClientHeaders, latin1, rawList } from './response-headers.js';
import { mayRetry } from './retry.js';
import type { Runtime } from './runtime.js';
import type { FailureKind, PickRequest, Strategy } from './strategy.js';
import { classifyUpstreamError } from './upstream-error.js';
import type { UpstreamDispatchOptions } from './upstream-pool.js';

type DispatchController = Dispatcher.DispatchController;

/** What `upgrade:open` and `upgrade:close` listeners receive. */
export interface UpgradeRecord {
  readonly id: string;
  readonly path: string;
  readonly clientAddress: string;
  readonly backend: Backend | undefined;
  /** The `Upgrade` header, e.g. `websocket`. */
  readonly protocol: string;
}

/** Keeps the set of live tunnels so close() can end them. */
export interface TunnelRegistry {
  add(socket: Socket): void;
  delete(socket: Socket): void;
}

export class UpgradeRequest
  implements Dispatcher.DispatchHandler, RequestRecord, RequestFacts, PickRequest, UpgradeRecord
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
  readonly protocol: string;

  readonly #rt: Runtime;
  readonly #req: IncomingMessage;
  readonly #client: Socket;
  readonly #head: Buffer;
  readonly #tunnels: TunnelRegistry;
  #options: UpstreamDispatchOptions | undefined;
  #strategy: Strategy | undefined;
  #controller: DispatchController | undefined;
  #connected = false;
  #attemptOpen = false;
  #attemptStart = 0;
  #responding = false;
  #done = false;

  constructor(
    rt: Runtime,
    req: IncomingMessage,
    client: Socket,
    head: Buffer,
    tunnels: TunnelRegistry,
  ) {
    this.#rt = rt;
    this.#req = req;
    this.#client = client;
    this.#head = head;
    this.#tunnels = tunnels;
    this.method = req.method ?? 'GET';
    this.protocol = headerValue(req.headers.upgrade) ?? '';
    this.startTime = performance.now();
  }

  header(name: string): string | undefined {
    return headerValue(this.#req.headers[name]);
  }

  start(): void {
    const req = this.#req;
    const config = this.#rt.current.config;
    this.path = req.url ?? '/';
    this.#client.on('error', ignore);
    // A client socket destroyed during the handshake aborts the upstream request. (A client
    // that only half-closes is noticed when the backend answers or timeouts.response fires:
    // the socket is not read before the tunnel starts, so its FIN is not seen earlier.)
    this.#client.once('close', () => {
      if (!this.#done) this.#controller?.abort(new Error('client closed during the upgrade'));
    });
    const headers = buildUpstreamHeaders(
      req.rawHeaders,
      config,
      this.#client.remoteAddress ?? '',
      'encrypted' in this.#client && this.#client.encrypted === true ? 'https' : 'http',
      this,
    );
    this.#rt.requestStarted(this);
    const path = originFormPath(this.path);
    if (path === undefined || this.path.length > config.limits.maxUrlLength) {
      this.#failRaw(
        path === undefined ? ProxyErrorCode.badRequest : ProxyErrorCode.urlTooLong,
        undefined,
      );
      return;
    }
    this.#options = {
      path,
      method: this.method,
      headers,
      upgrade: this.protocol,
      headersTimeout: config.timeouts.response,
      bodyTimeout: config.timeouts.upstreamIdle,
    };
    this.#attempt(undefined);
  }

  #attempt(exclude: Backend | undefined): boolean {
    const generation = this.#rt.current;
    const upstream = this.#rt.pick(generation, this, exclude);
    if (upstream === undefined || (exclude !== undefined && upstream.backend === exclude)) {
      if (exclude === undefined) this.#failRaw(ProxyErrorCode.noBackend, undefined);
      return false;
    }
    this.backend = upstream.backend;
    this.#strategy = generation.strategy;
    this.#rt.attemptStarted(this.#strategy, this.backend);
    this.#attemptOpen = true;
    this.#connected = false;
    this.#attemptStart = performance.now();
    const options = this.#options as UpstreamDispatchOptions;
    options.servername = upstream.servername;
    try {
      upstream.pool.dispatch(options, this);
    } catch (err) {
      this.onResponseError(undefined, err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  }

  onRequestStart(controller: DispatchController): void {
    this.#controller = controller;
    this.#connected = true;
    if (this.#client.destroyed) controller.abort(new Error('client closed during the upgrade'));
  }

  onRequestUpgrade(
    controller: DispatchController,
    statusCode: number,
    _headers: unknown,
    upstream: Duplex,
  ): void {
    this.status = statusCode;
    this.upstreamMs = performance.now() - this.#attemptStart;
    this.#endAttempt(statusCode, undefined);
    const client = this.#client;
    if (client.destroyed) {
      upstream.destroy();
      this.#finish();
      return;
    }
    const raw = rawList(controller.rawHeaders);
    let head = `HTTP/1.1 ${statusCode} Switching Protocols\r\n`;
    for (let i = 0; i < raw.length; i += 2) {
      head += `${latin1(raw[i])}: ${latin1(raw[i + 1])}\r\n`;
    }
    client.write(`${head}\r\n`);
    if (this.#head.length > 0) upstream.write(this.#head);
    this.#splice(client, upstream);
    this.#finish();
  }

  onResponseStart(
    controller: DispatchController,
    statusCode: number,
    _headers: unknown,
    statusMessage?: string,
  ): void {
    if (statusCode < 200) return;
    // The backend refused the upgrade: relay its answer, close-delimited.
    this.#responding = true;
    this.status = statusCode;
    this.upstreamMs = performance.now() - this.#attemptStart;
    const headers = buildClientHeaders(rawList(controller.rawHeaders), this.id);
    let head = `HTTP/1.1 ${statusCode} ${statusMessage || 'Upgrade Refused'}\r\n`;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i] as string;
      if (name.toLowerCase() === 'content-length') continue;
      head += `${name}: ${headers[i + 1] as string}\r\n`;
    }
    this.#client.write(`${head}connection: close\r\n\r\n`);
  }

  onResponseData(controller: DispatchController, chunk: Buffer): void {
    this.bytesOut += chunk.length;
    if (!this.#client.write(chunk)) {
      controller.pause();
      this.#client.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.#endAttempt(this.status, undefined);
    this.#client.end();
    this.#finish();
  }

  onResponseError(_controller: DispatchController | undefined, err: Error): void {
    if (!this.#attemptOpen) return;
    const kind = classifyUpstreamError(err, this.#connected, this.#responding);
    const failed = this.backend;
    this.#endAttempt(0, kind.failure);
    if (this.#client.destroyed) {
      this.errorCode = ProxyErrorCode.clientAborted;
      this.#finish();
      return;
    }
    if (
      mayRetry({
        failure: kind.failure,
        method: this.method,
        responseStarted: this.#responding,
        bodyConsumed: false,
        attemptsSoFar: this.retries + 1,
        maxRetries: this.#rt.current.config.retries,
      }) &&
      this.#rt.budget.tryAcquire()
    ) {
      this.retries++;
      if (this.#attempt(failed)) return;
    }
    if (this.#responding) {
      this.errorCode = kind.code;
      this.#client.destroy();
      this.#finish();
      return;
    }
    this.#failRaw(kind.code, err);
  }

  #splice(client: Socket, upstream: Duplex): void {
    client.setTimeout(0);
    client.setNoDelay(true);
    client.setKeepAlive(true);
    this.#tunnels.add(client);
    this.#rt.emit('upgrade:open', this);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      this.#tunnels.delete(client);
      this.#rt.emit('upgrade:close', this);
    };
    upstream.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
    client.on('error', close);
    upstream.pipe(client);
    client.pipe(upstream);
  }

  #endAttempt(status: number, failure: FailureKind | undefined): void {
    if (!this.#attemptOpen) return;
    this.#attemptOpen = false;
    this.#controller = undefined;
    const latency = performance.now() - this.#attemptStart;
    this.#rt.attemptEnded(this.#strategy, this.backend as Backend, latency, status, failure);
  }

  #failRaw(code: ProxyErrorCode, err: Error | undefined): void {
    this.errorCode = code;
    if (err !== undefined) {
      this.#rt.logger.warn(
        { requestId: this.id, code, path: this.path, backend: this.backend?.id, err: err.message },
        'upgrade request failed',
      );
    }
    writeRawError(this.#client, code, this.id);
    this.#finish();
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    this.durationMs = performance.now() - this.startTime;
    this.#rt.requestEnded(this);
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function ignore(): void {}
