/**
 * Connections to backends: undici's own connector, plus one repair. RFC 9110 §15.2 requires a
 * client to parse 1xx answers it did not ask for, and some servers send `100 Continue` to every
 * request with a body. undici refuses a 100 outright (it destroys the socket as a bad response),
 * which would turn a healthy backend's answer into a 502 and a passive-health failure. So the
 * connector wraps `socket.read()`, the one way undici takes bytes from a socket, and drops an
 * interim `100` response found exactly where a status line is due. Everything else passes
 * through untouched; the cost is one property check per read, not per byte.
 */
import { isIP, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import type { UpstreamTlsOptions } from './upstream-tls.js';

const CR_LF_CR_LF = Buffer.from('\r\n\r\n');

/** undici's per-socket parser, found by its symbol's description (not exported). */
let parserKey: symbol | undefined;

interface ParserState {
  statusCode: number;
  statusText: string;
  headers: unknown[];
}

function parserOf(socket: Socket): ParserState | undefined {
  if (parserKey === undefined) {
    parserKey = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'parser');
    if (parserKey === undefined) return undefined;
  }
  return (socket as unknown as Record<symbol, ParserState | undefined>)[parserKey];
}

/** Is `chunk` (from offset 0) an HTTP/1.x status line with status 100? */
function startsWithContinue(chunk: Buffer): boolean {
  return (
    chunk.length >= 13 &&
    chunk[0] === 0x48 && // H
    chunk[4] === 0x2f && // /
    chunk[5] === 0x31 && // 1
    chunk[6] === 0x2e && // .
    chunk[8] === 0x20 &&
    chunk[9] === 0x31 &&
    chunk[10] === 0x30 &&
    chunk[11] === 0x30 &&
    (chunk[12] === 0x20 || chunk[12] === 0x0d) &&
    chunk.toString('latin1', 0, 5) === 'HTTP/'
  );
}

/** Makes `socket.read()` skip interim `100 Continue` responses at the start of a response. */
export function skipStrayContinue(socket: Socket): void {
  const read = socket.read;
  let carry: Buffer | undefined;
  socket.read = function readSkippingContinue(this: Socket, size?: number) {
    for (;;) {
      let chunk = read.call(this, size) as Buffer | null;
      if (chunk === null) return null;
      if (carry !== undefined) {
        chunk = Buffer.concat([carry, chunk]);
        carry = undefined;
      }
      while (chunk.length > 0 && chunk[0] === 0x48 && startsWithContinue(chunk)) {
        const parser = parserOf(this);
        // Only where a new response begins: nothing of the current one has been parsed yet.
        if (parser === undefined || parser.statusCode !== 0 || parser.headers.length !== 0) break;
        const end = chunk.indexOf(CR_LF_CR_LF, 13);
        if (end === -1) {
          // The interim response is split across reads: keep it until the rest arrives.
          if (chunk.length > 16_384) break;
          carry = chunk;
          return null;
        }
        chunk = chunk.subarray(end + 4);
      }
      if (chunk.length > 0) return chunk;
    }
  } as Socket['read'];
}

export interface ConnectorOptions {
  connectTimeout: number;
  /** For `https://` backends; undefined: Node's defaults (public CAs, verification on). */
  tls?: UpstreamTlsOptions | undefined;
  /** Offer h2 in ALPN (TLS only). */
  allowH2?: boolean | undefined;
}

/** SNI for a backend host: none for an IP literal (RFC 6066 §3). */
function sniFor(hostname: string): string | undefined {
  return isIP(hostname.replace(/^\[|\]$/g, '')) === 0 ? hostname : undefined;
}

/**
 * undici's connector with the pool's TLS options. The server name is decided here, per
 * connection, from the backend (or `upstreamTls.servername`), never from a request's `Host`:
 * undici would otherwise use the forwarded Host for SNI and for checking the certificate.
 */
export function createConnector(options: ConnectorOptions): buildConnector.connector {
  const tls = options.tls;
  const connect = buildConnector({
    timeout: options.connectTimeout,
    allowH2: options.allowH2 === true,
    ...(tls === undefined
      ? {}
      : {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          rejectUnauthorized: tls.rejectUnauthorized,
        }),
  });
  const servername = tls?.servername;
  return (target, callback) => {
    const dial =
      target.protocol === 'https:'
        ? { ...target, servername: servername ?? sniFor(target.hostname) }
        : target;
    connect(dial, (...args: [null, Socket] | [Error, null]) => {
      // The 100-Continue repair reads HTTP/1.1 bytes; an h2 session parses its own frames.
      if (args[0] === null && (args[1] as Partial<TLSSocket>).alpnProtocol !== 'h2') {
        skipStrayContinue(args[1]);
      }
      (callback as (...a: [null, Socket] | [Error, null]) => void)(...args);
    });
  };
}
