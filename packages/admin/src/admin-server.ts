/**
 * The admin listener: a small HTTP server, separate from the proxy's, that serves `/metrics`,
 * `/api/status`, the dashboard at `/` and `/healthz`, from an `AdminCollector`. It only reads
 * from the proxy; the one thing it adds to the request path is the `request:end` listener in
 * `TrafficRecorder`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeliosError, type Logger, silentLogger } from '@helios/core';
import type { Registry } from 'prom-client';
import { isLoopbackAddress, isLoopbackHostHeader, tokenMatches } from './admin-auth.js';
import { createAdminCollector } from './admin-collector.js';
import { DASHBOARD_CSP, DASHBOARD_HTML } from './dashboard-page.js';
import type { AdminServerOptions, ReloadOutcome } from './types.js';

export interface AdminServer {
  /** Start listening on `config.host:config.port` (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  /** Stop listening, drop open admin connections and detach from the proxy. */
  close(): Promise<void>;
  address(): AddressInfo | null;
  /** Count a configuration reload in `helios_config_reloads_total`. */
  recordReload(outcome: ReloadOutcome): void;
  /** The Prometheus registry behind `/metrics`, for embedding applications to add to. */
  readonly registry: Registry;
}

export function createAdminServer(options: AdminServerOptions): AdminServer {
  const logger: Logger = options.logger ?? silentLogger;
  const host = options.config.host || '127.0.0.1';
  const port = options.config.port;
  const token = options.config.token;
  const loopbackOnly = isLoopbackAddress(host);
  // Counting starts with listening, so a server that failed to bind costs the proxy nothing.
  const collector = createAdminCollector(options);
  const registry = collector.registry;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, path: req.url }, 'admin request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed: use GET\n');
      return;
    }
    if (path === '/healthz') {
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return;
    }
    if (loopbackOnly && !isLoopbackHostHeader(req.headers.host)) {
      send(
        res,
        403,
        'text/plain; charset=utf-8',
        'forbidden: the admin listener only answers to localhost\n',
      );
      return;
    }
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', [
        'Bearer realm="helios-admin"',
        'Basic realm="helios-admin", charset="UTF-8"',
      ]);
      send(
        res,
        401,
        'text/plain; charset=utf-8',
        'unauthorized: send Authorization: Bearer <admin.token>\n',
      );
      return;
    }
    switch (path) {
      case '/metrics': {
        const text = options.reports
          ? await options.reports.metrics(registry)
          : await registry.metrics();
        send(res, 200, registry.contentType, text);
        return;
      }
      case '/api/status': {
        const local = collector.status();
        const report = options.reports ? await options.reports.status(local) : local;
        send(res, 200, 'application/json; charset=utf-8', JSON.stringify(report));
        return;
      }
      case '/':
      case '/index.html':
        res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
        res.setHeader('X-Frame-Options', 'DENY');
        res.setHeader('Referrer-Policy', 'no-referrer');
        send(res, 200, 'text/html; charset=utf-8', DASHBOARD_HTML);
        return;
      default:
        send(
          res,
          404,
          'text/plain; charset=utf-8',
          'not found: try /, /api/status, /metrics or /healthz\n',
        );
    }
  }

  const boundAddress = (): AddressInfo | null => {
    const address = server.address();
    return address !== null && typeof address === 'object' ? address : null;
  };
  let closed = false;

  return {
    registry,
    recordReload: collector.recordReload,
    address: boundAddress,
    listen() {
      return new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          collector.stop();
          reject(
            new HeliosError(
              'HELIOS_ADMIN_LISTEN_FAILED',
              `The admin listener could not bind ${host}:${port} (${error.code ?? error.message}). ` +
                'Set another admin.port (or admin.host) in helios.yaml, or stop the process using it.',
              { cause: error },
            ),
          );
        };
        collector.start();
        server.once('error', onError);
        server.listen({ port, host }, () => {
          server.off('error', onError);
          server.on('error', (error) => logger.error({ err: error }, 'admin listener error'));
          const address = boundAddress() ?? { address: host, family: 'IPv4', port };
          logger.debug({ address: address.address, port: address.port }, 'admin listener ready');
          resolve(address);
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      collector.stop();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}
