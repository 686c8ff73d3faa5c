/**
 * Connections to backends: undici's own connector, plus one repair. RFC 9110 §15.2 requires a
 * client to parse 1xx answers it did not ask for, and some servers send `100 Continue` to every
 * request with a body. undici refuses a 100 outright (it destroys the socket as a bad response),
 * which would turn a healthy backend's answer into a 502 and a passive-health failure. So the
 * connector wraps `socket.read()`, the one way undici takes bytes from a socket, and drops an
 * interim `100` response found exactly where a status line is due. Everything else passes
 * through untouched; the cost is one property check per read, not per byte.
 */
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

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

export function createConnector(connectTimeout: number): buildConnector.connector {
  const connect = buildConnector({ timeout: connectTimeout });
  return (options, callback) => {
    connect(options, (...args: [null, Socket] | [Error, null]) => {
      if (args[0] === null) skipStrayContinue(args[1]);
      (callback as (...a: [null, Socket] | [Error, null]) => void)(...args);
    });
  };
}
