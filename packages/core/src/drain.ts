/**
 * Graceful shutdown. Stop accepting, close idle keep-alive connections, answer what is in flight
 * with `Connection: close` (HTTP/2 sessions get GOAWAY: streams already open finish, no new
 * ones start), and wait for it up to the drain timeout; then cut whatever is left
 * (slow requests, upgraded tunnels), close the backend pools and stop the health hooks.
 */
import type { Server } from 'node:http';
import { constants } from 'node:http2';
import type { Socket } from 'node:net';
import type { Pool } from 'undici';
import type { H2Session } from './h2-session.js';
import type { HealthHooks } from './health-hooks.js';
import type { Runtime } from './runtime.js';

export interface DrainOptions {
  servers: Server[];
  runtime: Runtime;
  sockets: Set<Socket>;
  tunnels: Set<Socket>;
  /** HTTP/2 sessions: GOAWAY at once, their open streams finish, then they close themselves. */
  h2Sessions: Set<H2Session>;
  timeout: number;
  pools: () => Pool[];
  /** Every pool's health hooks, closed last. */
  health: () => HealthHooks[];
}

export async function drainServer(o: DrainOptions): Promise<void> {
  const { servers, runtime } = o;
  runtime.draining = true;
  const closed = Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) {
            resolve();
            return;
          }
          server.close(() => resolve());
        }),
    ),
  );
  for (const server of servers) server.closeIdleConnections();
  for (const h2 of o.h2Sessions) h2.session.close();

  const finishedInTime = await waitForIdle(runtime, o.timeout, servers);
  if (!finishedInTime) {
    runtime.logger.warn(
      { inFlight: runtime.active, drainMs: o.timeout },
      'drain timeout reached; closing the remaining connections',
    );
  }
  for (const server of servers) server.closeAllConnections();
  for (const h2 of o.h2Sessions) {
    // Streams cut by the deadline: GOAWAY(INTERNAL_ERROR), so a client sees them fail rather
    // than end as if complete.
    if (finishedInTime) h2.session.destroy();
    else h2.session.destroy(new Error('drain timeout reached'), constants.NGHTTP2_INTERNAL_ERROR);
  }
  for (const socket of o.tunnels) socket.destroy();
  for (const socket of o.sockets) socket.destroy();
  const pools = o.pools();
  await Promise.all(
    pools.map((pool) => (finishedInTime ? pool.close() : pool.destroy()).catch(() => undefined)),
  );
  await Promise.all(
    o.health().map((hooks) => Promise.resolve(hooks.close()).catch(() => undefined)),
  );
  await closed;
}

/** Resolves true once no request is in flight, false at the deadline. */
function waitForIdle(runtime: Runtime, timeout: number, servers: Server[]): Promise<boolean> {
  if (runtime.active === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    // Connections whose response finished in the meantime become idle: close them as we go.
    const sweep = setInterval(() => {
      for (const server of servers) server.closeIdleConnections();
    }, 100);
    const deadline = setTimeout(() => {
      runtime.onIdle = undefined;
      clearInterval(sweep);
      resolve(false);
    }, timeout);
    runtime.onIdle = () => {
      runtime.onIdle = undefined;
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve(true);
    };
  });
}
