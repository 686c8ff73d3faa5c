/**
 * One fake backend: a node:http server on loopback (or node:https with `tls`, or an HTTP/2 +
 * HTTP/1.1 TLS server with `tls` and `http2`) whose answers follow its current `Behaviour`.
 * Owns the listening lifecycle (including `refuse`, which really closes and later reopens the
 * listening socket on the same port), connection tracking and shutdown.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Behaviour, defaultBehaviour, mergeBehaviour } from './behaviour.js';
import { CONTROL_PATH, handleControl } from './control.js';
import { TestBackendError } from './errors.js';
import { Exchange } from './exchange.js';
import type { BackendHost, RequestEndEvent } from './host.js';
import { trackLive, untrackLive } from './live-registry.js';
import { resetRequest } from './socket-faults.js';
import { type BackendStats, StatsCounters } from './stats.js';
import { WebSocketEcho } from './websocket.js';

export interface TestBackendOptions {
  /** 1-based number used in "Halo dari Server N" and `X-Backend: N`. */
  index: number;
  /** 0 or undefined: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Initial behaviour (over the defaults); `reset()` still goes back to the defaults. */
  behaviour?: Partial<Behaviour>;
  /**
   * Let sockets and timers keep the process alive (the CLI wants this). Default false, so a
   * test that forgets `close()` cannot hang the suite.
   */
  keepProcessAlive?: boolean;
  /** Called when each request's response is over; costs nothing when absent. */
  onRequestEnd?: (event: RequestEndEvent) => void;
  /** Serve HTTPS with this certificate (e.g. from `createTestCertificateAuthority()`). */
  tls?: BackendTlsOptions;
  /** With `tls`: offer HTTP/2 by ALPN as well as HTTP/1.1 (echo reports `httpVersion` 2.0). */
  http2?: boolean;
}

export interface BackendTlsOptions {
  /** PEM certificate (chain) and key of the server. */
  cert: string;
  key: string;
  /** Require a client certificate signed by this CA (mutual TLS). */
  clientCa?: string;
}

/** What the backend needs of its server, whichever protocol it speaks. */
type AnyServer = Pick<Server, 'listen' | 'close' | 'address' | 'on' | 'once' | 'off' | 'unref'> & {
  closeAllConnections?: () => void;
  closeIdleConnections?: () => void;
};

function createAnyServer(options: TestBackendOptions): AnyServer {
  const tls = options.tls;
  if (tls === undefined) {
    if (options.http2 === true) {
      throw new TestBackendError(
        'HELIOS_TEST_BACKENDS_INVALID_OPTIONS',
        'http2 needs tls: HTTP/2 is negotiated by ALPN during the TLS handshake',
      );
    }
    return createServer({
      keepAlive: true,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: HEADERS_TIMEOUT_MS,
      // 0: long uploads through a proxy must not be cut by the backend.
      requestTimeout: 0,
    });
  }
  const secure = {
    cert: tls.cert,
    key: tls.key,
    ...(tls.clientCa === undefined
      ? {}
      : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
  };
  if (options.http2 === true) {
    // The compatibility API hands the same req/res shape to the handlers (cast below).
    return createSecureServer({ ...secure, allowHTTP1: true }) as unknown as AnyServer;
  }
  return createHttpsServer({
    ...secure,
    keepAlive: true,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: 0,
  });
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 60_000;

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export class TestBackend implements BackendHost {
  readonly index: number;
  readonly host: string;
  readonly keepProcessAlive: boolean;
  readonly onRequestEnd: ((event: RequestEndEvent) => void) | undefined;
  readonly counters = new StatsCounters();
  readonly #server: AnyServer;
  readonly #secure: boolean;
  readonly #ws: WebSocketEcho;
  readonly #sockets = new Set<Socket>();
  readonly #indexHeader: string;
  #port: number;
  #behaviour: Behaviour;
  #listening = false;
  #started = false;
  #closed = false;
  /** Serialises listen/unlisten so rapid refuse toggles apply in order. */
  #transition: Promise<void> = Promise.resolve();
  #restoreTimer: NodeJS.Timeout | undefined;

  constructor(options: TestBackendOptions) {
    this.index = options.index;
    this.host = options.host ?? '127.0.0.1';
    this.keepProcessAlive = options.keepProcessAlive ?? false;
    this.onRequestEnd = options.onRequestEnd;
    this.#port = options.port ?? 0;
    this.#indexHeader = String(options.index);
    this.#behaviour = mergeBehaviour(
      defaultBehaviour,
      options.behaviour ?? {},
      `backend ${options.index}`,
    );
    this.#server = createAnyServer(options);
    this.#secure = options.tls !== undefined;
    this.#ws = new WebSocketEcho(this);
    this.#server.on('request', this.#onRequest);
    this.#server.on('upgrade', this.#onUpgrade);
    this.#server.on('connection', this.#onConnection);
    if (!this.keepProcessAlive) this.#server.unref();
  }

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `${this.#secure ? 'https' : 'http'}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.#port}`;
  }

  get behaviour(): Readonly<Behaviour> {
    return this.#behaviour;
  }

  get stats(): BackendStats {
    return this.counters.snapshot();
  }

  get refusing(): boolean {
    return this.#behaviour.refuse;
  }

  /** Starts listening; resolves once the port is bound. */
  async start(): Promise<void> {
    trackLive(this);
    this.#started = true;
    if (!this.#behaviour.refuse) {
      await this.#listen();
    } else {
      // A refusing backend still needs its port: bind once, then let go of it.
      await this.#listen();
      this.#unlisten();
    }
  }

  /**
   * Changes some knobs; the rest keep their current values. Throws a TestBackendError at once on
   * invalid values. The promise resolves when the change is in effect (only `refuse` takes time).
   */
  set(patch: Partial<Behaviour>): Promise<void> {
    if (this.#closed) {
      throw new TestBackendError(
        'HELIOS_TEST_BACKENDS_CLOSED',
        `backend ${this.index} is closed; start a new one instead of calling set()`,
      );
    }
    const previous = this.#behaviour;
    this.#behaviour = mergeBehaviour(previous, patch, `backend ${this.index}`);
    return this.#applyRefuse(previous.refuse, this.#behaviour.refuse);
  }

  /** Back to the default behaviour (listening again if it was refusing). */
  reset(): Promise<void> {
    if (this.#restoreTimer !== undefined) clearTimeout(this.#restoreTimer);
    this.#restoreTimer = undefined;
    if (this.#closed) return Promise.resolve();
    const wasRefusing = this.#behaviour.refuse;
    this.#behaviour = { ...defaultBehaviour };
    return this.#applyRefuse(wasRefusing, false);
  }

  resetStats(): void {
    this.counters.clear();
  }

  restoreAfter(ms: number): void {
    if (this.#restoreTimer !== undefined) clearTimeout(this.#restoreTimer);
    this.#restoreTimer = setTimeout(() => void this.reset(), ms);
    if (!this.keepProcessAlive) this.#restoreTimer.unref();
  }

  /** Stops listening and destroys every connection, hung and upgraded ones included. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    untrackLive(this);
    if (this.#restoreTimer !== undefined) clearTimeout(this.#restoreTimer);
    await this.#transition.catch(() => {});
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#listening = false;
    this.#destroySockets();
    await closed;
  }

  /** Synchronous best effort for the process-exit hook. */
  destroyNow(): void {
    this.#closed = true;
    if (this.#listening) this.#server.close();
    this.#listening = false;
    this.#destroySockets();
  }

  #destroySockets(): void {
    this.#ws.close();
    this.#server.closeAllConnections?.();
    for (const socket of this.#sockets) socket.destroy();
  }

  #applyRefuse(was: boolean, now: boolean): Promise<void> {
    // Also retries a re-listen that failed earlier (port taken meanwhile).
    const retry = !now && this.#started && !this.#listening;
    if (was === now && !retry) return this.#transition.catch(() => {});
    const next = this.#transition
      .catch(() => {})
      .then(() => {
        if (this.#closed) return;
        if (now) this.#unlisten();
        else if (!this.#listening) return this.#listen();
      });
    this.#transition = next;
    // Callers may ignore the promise (set() is often fire-and-forget); never leave it unhandled.
    next.catch(() => {});
    return next;
  }

  #listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.#server.off('listening', onListening);
        reject(
          new TestBackendError(
            'HELIOS_TEST_BACKENDS_LISTEN_FAILED',
            `backend ${this.index} cannot listen on ${this.host}:${this.#port} (${error.code ?? error.message}); ` +
              'pick another port, or pass port 0 for an ephemeral one',
            { cause: error },
          ),
        );
      };
      const onListening = (): void => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        if (address !== null && typeof address === 'object') this.#port = address.port;
        this.#listening = true;
        resolve();
      };
      this.#server.once('error', onError);
      this.#server.once('listening', onListening);
      this.#server.listen(this.#port, this.host);
    });
  }

  /** Closes the listening socket (new connects get ECONNREFUSED) and idle keep-alive sockets. */
  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    this.#server.close();
    this.#server.closeIdleConnections?.();
  }

  readonly #onConnection = (socket: Socket): void => {
    this.#sockets.add(socket);
    this.counters.connections++;
    this.counters.totalConnections++;
    if (!this.keepProcessAlive) socket.unref();
    socket.once('close', () => {
      this.#sockets.delete(socket);
      this.counters.connections--;
    });
  };

  readonly #onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (this.#behaviour.refuse) {
      // A request on a connection that survived `refuse`: behave like a dead server.
      resetRequest(req);
      return;
    }
    res.setHeader('X-Backend', this.#indexHeader);
    const path = pathOf(req.url);
    if (path === CONTROL_PATH) {
      handleControl(this, req, res);
      return;
    }
    const health = path === '/health' && (req.method === 'GET' || req.method === 'HEAD');
    new Exchange(this, req, res, health).start();
  };

  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.#ws.handleUpgrade(req, socket, head);
  };
}

/** Creates and starts one backend. */
export async function startBackend(options: TestBackendOptions): Promise<TestBackend> {
  const backend = new TestBackend(options);
  try {
    await backend.start();
  } catch (error) {
    await backend.close();
    throw error;
  }
  return backend;
}
