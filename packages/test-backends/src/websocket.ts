/**
 * WebSocket echo on any path: every text or binary message is sent straight back. The
 * connection-level knobs apply to the handshake too (refuse, hang, reset, latency, a fixed
 * status >= 400 as a rejected upgrade), so proxies' upgrade error paths can be tested.
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { pickLatency } from './behaviour.js';
import type { BackendHost } from './host.js';

export class WebSocketEcho {
  readonly #host: BackendHost;
  readonly #wss: WebSocketServer;

  constructor(host: BackendHost) {
    this.#host = host;
    this.#wss = new WebSocketServer({ noServer: true, clientTracking: true });
    this.#wss.on('headers', (headers: string[]) => {
      headers.push(`X-Backend: ${host.index}`);
    });
  }

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {});
    const b = this.#host.behaviour;
    if (this.#host.refusing || b.reset !== 'none') {
      socket.destroy();
      return;
    }
    if (b.hang) return;
    const delay = pickLatency(b);
    if (delay <= 0) {
      this.#accept(req, socket, head);
      return;
    }
    const timer = setTimeout(() => this.#accept(req, socket, head), delay);
    if (!this.#host.keepProcessAlive) timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };

  #accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (socket.destroyed) return;
    const { status } = this.#host.behaviour;
    if (status !== undefined && status >= 400) {
      const body = `Server ${this.#host.index} rejects the upgrade with ${status}`;
      socket.end(
        `HTTP/1.1 ${status} Upgrade Rejected\r\nX-Backend: ${this.#host.index}\r\n` +
          `Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Connection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, this.#onOpen);
  }

  readonly #onOpen = (ws: WebSocket): void => {
    this.#host.counters.upgrades++;
    ws.on('error', () => {});
    ws.on('message', (data: RawData, isBinary: boolean) => {
      ws.send(data, { binary: isBinary });
    });
  };

  /** Drops every open WebSocket (used by close()). */
  terminateAll(): void {
    for (const ws of this.#wss.clients) ws.terminate();
  }

  close(): void {
    this.terminateAll();
    this.#wss.close();
  }
}
