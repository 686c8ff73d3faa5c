/**
 * The programmatic face of the data path: `createProxy()` returns a `HeliosProxy` that listens,
 * forwards, reloads and drains. It wires the listener to the current generation (pools, routes:
 * generation.ts); the per-request work lives in exchange.ts and its kinds, http-exchange.ts,
 * upgrade-exchange.ts and, for HTTP/2 clients of TLS listeners, h2-exchange.ts (sessions from
 * h2-listener.ts, handed over by ALPN in tls/secure-server.ts).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type Http2Server,
  constants as h2constants,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket, Server as TlsServer } from 'node:tls';
import type { Pool } from 'undici';
import type { Backend } from './backend.js';
import type { ListenerConfig } from './config/listener-schema.js';
import type { PoolConfig } from './config/pools.js';
import type { HeliosConfig } from './config/types.js';
import { inService, startInOrder } from './connection-sequence.js';
import { drainServer } from './drain.js';
import { ProxyErrorCode } from './error-codes.js';
import { writeRawError } from './error-response.js';
import { HeliosError } from './errors.js';
import { nextGeneration, type PoolFactories } from './generation.js';
import { H2Exchange } from './h2-exchange.js';
import { applyH2Settings, createH2Listener } from './h2-listener.js';
import { H2RequestHead } from './h2-request-head.js';
import type { H2Session } from './h2-session.js';
import type { HealthHooks } from './health-hooks.js';
import { HttpExchange } from './http-exchange.js';
import { applyServerTimeouts, createListener, type ListenerHandlers } from './listener.js';
import { type Logger, silentLogger } from './logger.js';
import { redirectRequest, redirectUpgrade } from './redirect-to-https.js';
import { Runtime } from './runtime.js';
import type { Strategy } from './strategy.js';
import type { ListenerCertificates } from './tls/secure-contexts.js';
import { UpgradeExchange } from './upgrade-exchange.js';
import { isWebSocketUpgrade, serveAsPlainRequest } from './upgrade-routing.js';
import type { Upstream } from './upstream.js';

export interface ProxyOptions {
  config: HeliosConfig;
  /**
   * Builds a pool's strategy: at start, for a pool a reload adds, and when a pool's `strategy`
   * section changes (otherwise a reload keeps the running one and what it learned).
   */
  createStrategy?: ((pool: PoolConfig) => Strategy) | undefined;
  /**
   * Builds a pool's health hooks (or none): at start and for a pool a reload adds; a pool that
   * stays keeps its hooks, told about new settings through `configure`.
   */
  createHealth?: ((pool: PoolConfig) => HealthHooks | undefined) | undefined;
  /** Shorthand for a config with a single pool: its strategy. */
  strategy?: Strategy | undefined;
  /** Shorthand for a config with a single pool: its health hooks. */
  health?: HealthHooks | undefined;
  logger?: Logger | undefined;
}

/** `createStrategy`/`createHealth`, or the single-pool shorthands turned into them. */
function factoriesOf(options: ProxyOptions): PoolFactories {
  const { strategy, health } = options;
  const pools = Object.keys(options.config.pools);
  const single = (what: string) =>
    new HeliosError(
      'HELIOS_PROXY_OPTIONS',
      `createProxy() got a single ${what} for ${pools.length} pools (${pools.join(', ')}); pass createStrategy/createHealth, which build one per pool.`,
    );
  let strategyGiven = false;
  let healthGiven = false;
  return {
    createStrategy:
      options.createStrategy ??
      (() => {
        if (strategy === undefined) {
          throw new HeliosError(
            'HELIOS_PROXY_OPTIONS',
            'createProxy() needs `createStrategy` (or `strategy` for a single pool).',
          );
        }
        if (strategyGiven) throw single('strategy');
        strategyGiven = true;
        return strategy;
      }),
    createHealth:
      options.createHealth ??
      (() => {
        if (health === undefined) return undefined;
        if (healthGiven) throw single('health checker');
        healthGiven = true;
        return health;
      }),
  };
}

/** Socket options for `listen()`; cluster workers use them to bind their own socket. */
export interface ListenOptions {
  /** SO_REUSEPORT (Node >= 22.12 / 23.1 on Linux): several processes bind the same port. */
  reusePort?: boolean;
  /** In a cluster worker: bind directly instead of sharing the primary's handle. */
  exclusive?: boolean;
  /** Bind this port instead of the first listener's (a cluster primary hands workers the port). */
  port?: number;
}

export interface ListenAddress {
  address: string;
  port: number;
}

/** One of the proxy's servers: a listener of the config, and its certificates if TLS. */
interface ServerEntry {
  listener: ListenerConfig;
  server: Server;
  certificates: ListenerCertificates | undefined;
}

export class HeliosProxy extends EventEmitter {
  readonly #rt: Runtime;
  readonly #factories: PoolFactories;
  readonly #servers: ServerEntry[];
  /** HTTP/2 sessions of every TLS listener whose ALPN chose `h2` (one factory for all). */
  readonly #h2: Http2Server;
  readonly #h2Sessions = new Set<H2Session>();
  readonly #sockets = new Set<Socket>();
  readonly #tunnels = new Set<Socket>();
  /** Pools of backends a reload removed, closing once their requests end. */
  readonly #retiring = new Set<Pool>();
  /** Ports bound by a cluster primary, for listeners fed by `accept()`. */
  readonly #boundPorts = new Map<ListenerConfig, number>();
  /** Servers whose connection tracking `accept()` has armed (see there). */
  readonly #armed = new Set<Server>();
  #closing: Promise<void> | undefined;

  constructor(options: ProxyOptions) {
    super();
    const { config } = options;
    const logger = options.logger ?? silentLogger;
    this.#factories = factoriesOf(options);
    const { generation } = nextGeneration(config, this.#factories, undefined);
    this.#rt = new Runtime(generation, logger, this);

    this.#h2 = createH2Listener(
      config,
      {
        stream: (stream, headers, raw, session) => this.#h2Stream(stream, headers, raw, session),
        session: (session: H2Session) => {
          this.#h2Sessions.add(session);
          session.session.once('close', () => this.#h2Sessions.delete(session));
          // Negotiated while the drain began: GOAWAY at once, as the drain did to the others.
          if (this.#rt.draining) session.session.close();
        },
      },
      logger,
    );
    this.#servers = config.listeners.map((listener) => this.#createServer(config, listener));
    // Events cost nothing unless someone listens: keep two flags in step with the listeners.
    this.on('newListener', (event: string) => this.#trackListeners(event, 1));
    this.on('removeListener', (event: string) => this.#trackListeners(event, 0));
  }

  #createServer(config: HeliosConfig, listener: ListenerConfig): ServerEntry {
    const handlers: ListenerHandlers = {
      request: (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => {
        try {
          startInOrder(req.socket, new HttpExchange(this.#rt, req, res, expectContinue));
        } catch (err) {
          // A bug (ours, or a strategy's pick throwing) must cost one request, not the process.
          this.#internalError(err, res.socket);
        }
      },
      upgrade: (req: IncomingMessage, socket: Socket, head: Buffer) => {
        try {
          this.#upgrade(entry.server, req, socket, head);
        } catch (err) {
          this.#internalError(err, socket);
        }
      },
      connection: (socket: Socket) => {
        this.#sockets.add(socket);
        socket.once('close', () => this.#sockets.delete(socket));
      },
      timeout: (socket: Socket) => {
        const exchange = inService(socket);
        // Between requests the timer is Node's keep-alive timeout: close, as Node would.
        if (exchange === undefined) socket.destroy();
        else exchange.clientTimedOut();
      },
      h2: (socket: TLSSocket) => {
        this.#h2.emit('connection', socket);
      },
    };
    if (listener.redirectToHttps) {
      // Never proxied: the answer is a 308 to the first TLS listener's (bound) port.
      handlers.request = (req: IncomingMessage, res: ServerResponse) => {
        try {
          redirectRequest(req, res, this.#httpsPort());
        } catch (err) {
          this.#internalError(err, res.socket);
        }
      };
      handlers.upgrade = (req: IncomingMessage, socket: Socket) => {
        try {
          redirectUpgrade(req, socket, this.#httpsPort());
        } catch (err) {
          this.#internalError(err, socket);
        }
      };
    }
    const created = createListener(config, handlers, this.#rt.logger, listener);
    const entry: ServerEntry = { listener, ...created };
    return entry;
  }

  /** The port of the first TLS listener, as bound (a primary may pass it for accepted sockets). */
  #httpsPort(): number {
    const entry = this.#servers.find((e) => e.certificates !== undefined);
    if (entry === undefined) return 443;
    const address = entry.server.address();
    if (address !== null && typeof address === 'object') return address.port;
    return this.#boundPorts.get(entry.listener) ?? entry.listener.port;
  }

  /**
   * Start accepting on every listener of the config (port 0 picks a free one); resolves with
   * the first listener's address. If one cannot listen, the others are closed again.
   */
  async listen(options: ListenOptions = {}): Promise<ListenAddress> {
    const listening: Server[] = [];
    try {
      for (const [index, entry] of this.#servers.entries()) {
        const port = index === 0 ? (options.port ?? entry.listener.port) : entry.listener.port;
        await this.#listenOne(entry, port, options);
        listening.push(entry.server);
      }
    } catch (error) {
      await Promise.all(
        listening.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))),
      );
      throw error;
    }
    return this.addresses()[0] as ListenAddress;
  }

  #listenOne(entry: ServerEntry, port: number, options: ListenOptions): Promise<void> {
    const { host } = entry.listener;
    const server = entry.server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error & { code?: string }): void => {
        reject(
          new HeliosError(
            'HELIOS_LISTEN_FAILED',
            `Helios could not listen on ${host}:${port} (${err.code ?? err.message}); ` +
              'choose a free port or stop the process using it.',
            { cause: err },
          ),
        );
      };
      server.once('error', onError);
      const socket =
        options.reusePort === true || options.exclusive === true
          ? { port, host, reusePort: options.reusePort, exclusive: options.exclusive }
          : { port, host };
      server.listen(socket, () => {
        server.off('error', onError);
        resolve();
      });
    });
  }

  /** The first listener's address (null until it listens). */
  address(): AddressInfo | null {
    const address = this.#servers[0]?.server.address();
    return address !== null && typeof address === 'object' ? address : null;
  }

  /** Every listening address, in the order of the config's listeners. */
  addresses(): ListenAddress[] {
    return this.#servers.flatMap(({ server }) => {
      const address = server.address();
      return address !== null && typeof address === 'object'
        ? [{ address: address.address, port: address.port }]
        : [];
    });
  }

  /**
   * The ports a cluster primary bound for listeners this proxy does not bind itself (so a
   * redirect listener fed handed sockets knows where the TLS listener is), by listener index.
   */
  setBoundPorts(ports: readonly number[]): void {
    this.#servers.forEach((entry, index) => {
      const port = ports[index];
      if (port !== undefined) this.#boundPorts.set(entry.listener, port);
    });
  }

  /** The current backend set (health checkers and strategies see the same objects). */
  get backends(): readonly Backend[] {
    return this.#rt.current.backends;
  }

  /** Open client connections, upgraded ones included. */
  get activeConnections(): number {
    return this.#sockets.size;
  }

  /** Requests (and upgrade handshakes) not finished yet. */
  get inFlightRequests(): number {
    return this.#rt.active;
  }

  /** Live upgraded (WebSocket) tunnels. */
  get activeUpgrades(): number {
    return this.#tunnels.size;
  }

  /** The config in effect. */
  get config(): HeliosConfig {
    return this.#rt.current.config;
  }

  /**
   * Serve a client connection accepted elsewhere instead of through `listen()`: a cluster
   * primary accepts every connection and passes the socket to a worker process. The socket must
   * not have been read from. After `close()` began, the socket is closed instead.
   */
  accept(socket: Socket, listener = 0): void {
    const entry = this.#servers[listener];
    if (this.#closing !== undefined || entry === undefined) {
      socket.destroy();
      return;
    }
    const server = entry.server;
    // Node's HTTP server enforces `headersTimeout` and finds idle connections (for the drain)
    // only once it has emitted 'listening'; a server fed sockets without binding must emit it.
    if (!server.listening && !this.#armed.has(server)) {
      this.#armed.add(server);
      server.emit('listening');
    }
    // The server's own accept path sets this; a socket handed in skips that path.
    socket.setNoDelay(true);
    // On a TLS listener this starts the handshake on the handed socket.
    server.emit('connection', socket);
    // A socket accepted with `pauseOnConnect` starts paused; the parser needs it flowing.
    socket.resume();
  }

  /**
   * Swap backends, strategy, timeouts, limits and retry settings at once, synchronously: when
   * this returns, every new request uses the new config (it throws, changing nothing in
   * effect, if the new generation cannot be built). Requests in flight finish on the pools they
   * started on; pools of unchanged backends are reused; removed pools close in the background
   * once their requests end, so a long download never delays the swap or a later reload;
   * upgraded connections are untouched. TLS listeners take the new certificates and TLS
   * settings for new handshakes. `port`, `host`, the set of listeners and `limits.maxHeaderSize`
   * need a restart.
   */
  reload(config: HeliosConfig, strategy?: Strategy): void {
    const factories: PoolFactories =
      strategy === undefined
        ? this.#factories
        : { ...this.#factories, createStrategy: () => strategy };
    // Builds everything that can fail first: a reload that throws changes nothing.
    const next = nextGeneration(config, factories, this.#rt.current, strategy !== undefined);
    this.#swapCertificates(config);
    for (const { server } of this.#servers) applyServerTimeouts(server, config);
    applyH2Settings(this.#h2, config);
    this.#rt.current = next.generation;
    for (const upstream of next.retired) {
      // Requests waiting for a retired backend choose again under the new config.
      for (const waiter of upstream.retire()) waiter.reroute();
      this.#retire(upstream.pool);
    }
    for (const hooks of next.closedHealth) {
      void Promise.resolve(hooks.close()).catch((err: unknown) => {
        this.#rt.logger.warn({ err }, 'closing the health checks of a removed pool failed');
      });
    }
  }

  /**
   * New certificates (and TLS settings) for the TLS listeners whose counterpart in `config` is
   * TLS too; the set of listeners itself is fixed until a restart. Contexts are built for
   * every listener before any is swapped, so a certificate OpenSSL refuses changes nothing.
   */
  #swapCertificates(config: HeliosConfig): void {
    const swaps: (() => void)[] = [];
    this.#servers.forEach((entry, index) => {
      const tls = config.listeners[index]?.tls;
      const certificates = entry.certificates;
      if (tls === undefined || certificates === undefined) return;
      swaps.push(certificates.prepare(entry.server as unknown as TlsServer, tls));
    });
    for (const swap of swaps) swap();
  }

  /** Pool.close() waits for queued and running requests, then closes the sockets. */
  #retire(pool: Pool): void {
    this.#retiring.add(pool);
    pool
      .close()
      .catch((err: unknown) => {
        this.#rt.logger.warn({ err }, 'closing the pool of a removed backend failed');
      })
      .finally(() => this.#retiring.delete(pool));
  }

  /**
   * Graceful stop: refuse new connections, close idle keep-alive connections, let in-flight
   * requests finish for up to `timeouts.drain`, then cut what is left (upgraded tunnels
   * included) and close the pools and health hooks.
   */
  close(): Promise<void> {
    this.#closing ??= drainServer({
      servers: this.#servers.map((entry) => entry.server),
      runtime: this.#rt,
      sockets: this.#sockets,
      tunnels: this.#tunnels,
      h2Sessions: this.#h2Sessions,
      timeout: this.#rt.current.config.timeouts.drain,
      // Retired pools too: a drain that times out must cut their requests as well.
      pools: () => [...this.#upstreams().map((u) => u.pool), ...this.#retiring],
      health: () => [...this.#rt.current.pools.values()].flatMap((p) => p.health ?? []),
    });
    return this.#closing;
  }

  #upstreams(): Upstream[] {
    return [...this.#rt.current.pools.values()].flatMap((p) => [...p.upstreams]);
  }

  #upgrade(server: Server, req: IncomingMessage, socket: Socket, head: Buffer): void {
    if (!isWebSocketUpgrade(req)) {
      // Node truncates header lines past maxHeadersCount: a rebuilt head would lose them.
      if (req.rawHeaders.length > this.#rt.current.config.limits.maxHeaderCount * 2) {
        writeRawError(socket, ProxyErrorCode.tooManyHeaders, undefined);
        return;
      }
      serveAsPlainRequest(server, req, socket, head);
      return;
    }
    new UpgradeExchange(this.#rt, req, socket, head, this.#tunnels).start();
  }

  #h2Stream(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    raw: string[],
    session: H2Session,
  ): void {
    try {
      const head = new H2RequestHead(headers, raw, session.session.socket as Socket);
      new H2Exchange(this.#rt, stream, head, session).start();
    } catch (err) {
      // A bug must cost one stream, not the session or the process.
      this.#rt.logger.error(
        { err },
        'internal error while handling an HTTP/2 stream; stream reset',
      );
      if (!stream.closed && !stream.destroyed) stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
    }
  }

  #internalError(err: unknown, socket: Socket | null): void {
    this.#rt.logger.error({ err }, 'internal error while handling a request; connection closed');
    socket?.destroy();
  }

  #trackListeners(event: string, delta: number): void {
    if (event !== 'request:start' && event !== 'request:end') return;
    // 'newListener' fires before the listener is added, 'removeListener' after it is removed.
    const count = this.listenerCount(event) + delta;
    if (event === 'request:start') this.#rt.emitStart = count > 0;
    else this.#rt.emitEnd = count > 0;
  }
}

export function createProxy(options: ProxyOptions): HeliosProxy {
  return new HeliosProxy(options);
}
