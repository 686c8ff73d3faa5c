/**
 * WebSocket upgrades, on top of the shared attempt runner (exchange.ts). The handshake goes to a
 * backend through its pool with undici's upgrade support; a `101` is relayed to the client and
 * the two sockets are spliced byte for byte until either side closes (then both are destroyed,
 * so no half-open socket leaks). Any other answer (401, 403, 426...) is relayed as-is and the
 * client connection closed, so a refused handshake never becomes a raw tunnel. Upgraded sockets
 * do not count as in-flight requests and survive reloads.
 *
 * Only WebSocket takes this path (see upgrade-routing.ts): other `Upgrade` values are ignored
 * as RFC 9110 §7.8 allows, and the request is served as a plain one.
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Backend } from './backend.js';
import { ProxyErrorCode } from './error-codes.js';
import { writeRawError } from './error-response.js';
import { Exchange } from './exchange.js';
import type { RequestRecord } from './request-record.js';
import { buildClientHeaders, latin1 } from './response-headers.js';
import type { Runtime } from './runtime.js';

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

const kExchange = Symbol('helios.upgrade');

interface TaggedSocket extends Socket {
  [kExchange]?: UpgradeExchange;
}

function onClientClose(this: TaggedSocket): void {
  this[kExchange]?.clientClosed();
}
function onClientDrain(this: TaggedSocket): void {
  this[kExchange]?.drained();
}
function ignore(): void {}

export class UpgradeExchange
  extends Exchange<IncomingMessage>
  implements RequestRecord, UpgradeRecord
{
  readonly protocol: string;
  readonly #client: TaggedSocket;
  readonly #head: Buffer;
  readonly #tunnels: TunnelRegistry;
  #resume: (() => void) | undefined;

  constructor(
    rt: Runtime,
    req: IncomingMessage,
    client: Socket,
    head: Buffer,
    tunnels: TunnelRegistry,
  ) {
    super(rt, req);
    this.#client = client;
    this.#head = head;
    this.#tunnels = tunnels;
    const upgrade = req.headers.upgrade;
    this.protocol = (Array.isArray(upgrade) ? upgrade[0] : upgrade) ?? '';
  }

  start(): void {
    const client = this.#client;
    client.on('error', ignore);
    client[kExchange] = this;
    // A client socket destroyed during the handshake aborts the upstream request. (A client
    // that only half-closes is noticed when the backend answers or timeouts.response fires:
    // the socket is not read before the tunnel starts, so its FIN is not seen earlier.)
    client.once('close', onClientClose);
    const proto = 'encrypted' in client && client.encrypted === true ? 'https' : 'http';
    if (this.inspect(proto) === undefined) return;
    if (this.selectRoute() === undefined) return;
    const options = this.options;
    if (options !== undefined) options.upgrade = this.protocol;
    this.pickAndSend();
  }

  clientClosed(): void {
    if (!this.done) this.stop(ProxyErrorCode.clientAborted);
  }

  drained(): void {
    this.#resume?.();
  }

  protected beforeDispatch(): void {}

  protected bodyReplayable(): boolean {
    return true;
  }

  protected clientIsGone(): boolean {
    return this.#client.destroyed;
  }

  protected respondError(code: ProxyErrorCode): void {
    writeRawError(this.#client, code, this.id || undefined);
    this.status = 0;
  }

  protected destroyClient(): void {
    this.#client.destroy();
  }

  protected respondDirect(status: number, headers: string[], body: Buffer): void {
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    this.#client.end(
      Buffer.concat([
        Buffer.from(`${head}content-length: ${body.length}\r\nconnection: close\r\n\r\n`, 'latin1'),
        body,
      ]),
    );
  }

  protected afterStop(): void {
    this.#client.destroy();
  }

  // ---- undici's callbacks -------------------------------------------------------------------

  onUpgrade(statusCode: number, rawHeaders: Buffer[] | string[] | null, upstream: Duplex): void {
    if (this.done) {
      upstream.destroy();
      return;
    }
    this.status = statusCode;
    this.upstreamMs = this.sinceDispatch();
    this.endAttempt(statusCode, undefined);
    const client = this.#client;
    if (client.destroyed) {
      upstream.destroy();
      this.finish();
      return;
    }
    const raw = rawHeaders ?? [];
    let head = `HTTP/1.1 ${statusCode} Switching Protocols\r\n`;
    for (let i = 0; i < raw.length; i += 2) {
      head += `${latin1(raw[i])}: ${latin1(raw[i + 1])}\r\n`;
    }
    client.write(`${head}\r\n`);
    if (this.#head.length > 0) upstream.write(this.#head);
    this.#splice(client, upstream);
    this.finish();
  }

  onHeaders(
    statusCode: number,
    rawHeaders: Buffer[],
    resume: () => void,
    statusText: string,
  ): boolean {
    if (statusCode < 200 || this.done) return true;
    // The backend refused the upgrade: relay its answer, close-delimited.
    let headers: string[];
    try {
      headers = buildClientHeaders(rawHeaders, this.id);
      this.responseRules?.apply(headers, this);
    } catch (err) {
      this.abortAttempt(err instanceof Error ? err : new Error(String(err)));
      return true;
    }
    this.#resume = resume;
    this.responseStarted = true;
    this.status = statusCode;
    this.upstreamMs = this.sinceDispatch();
    let head = `HTTP/1.1 ${statusCode} ${statusText || 'Upgrade Refused'}\r\n`;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i] as string;
      if (name.length === 14 && name.toLowerCase() === 'content-length') continue;
      head += `${name}: ${headers[i + 1] as string}\r\n`;
    }
    this.#client.write(`${head}connection: close\r\n\r\n`);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    this.bytesOut += chunk.length;
    if (this.#client.write(chunk)) return true;
    this.#client.once('drain', onClientDrain);
    return false;
  }

  onComplete(): void {
    if (this.done) return;
    this.endAttempt(this.status, undefined);
    this.#client.end();
    this.finish();
  }

  #splice(client: Socket, upstream: Duplex): void {
    client.setTimeout(0);
    client.setNoDelay(true);
    client.setKeepAlive(true);
    this.#tunnels.add(client);
    this.rt.emit('upgrade:open', this);
    let closed = false;
    // One closure per tunnel (not per request): tunnels are long-lived and few.
    const close = (): void => {
      if (closed) return;
      closed = true;
      client.destroy();
      upstream.destroy();
      this.#tunnels.delete(client);
      this.rt.emit('upgrade:close', this);
    };
    upstream.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
    client.on('error', close);
    upstream.pipe(client);
    client.pipe(upstream);
  }
}
