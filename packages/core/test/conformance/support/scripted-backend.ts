/**
 * A raw TCP backend for response-side cases: it reads one request at a time (head, then a body
 * framed by Content-Length or chunked), records it, and answers with the exact bytes the test
 * set in `reply` — odd status lines, 1xx, length headers that disagree with the body, anything
 * a real server could put on the wire. `close` ends the connection after the reply.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';

export interface ScriptedReply {
  /** Bytes written as the answer (latin1 when a string). */
  bytes: string | Buffer;
  /** End the connection after writing (a close-delimited body needs it). */
  close?: boolean;
}

export interface ScriptedRequest {
  /** Request line and headers, latin1, without the blank line. */
  head: string;
  body: Buffer;
}

export interface ScriptedBackend {
  readonly url: string;
  readonly requests: ScriptedRequest[];
  /** Connections accepted since the last `reset()`. */
  readonly connections: number;
  reply: ScriptedReply;
  reset(): void;
  close(): Promise<void>;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');

/** The length of the request at the start of `buf`, or -1 while it is incomplete. */
function requestLength(buf: Buffer): { headEnd: number; total: number } | undefined {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd === -1) return undefined;
  const head = buf.toString('latin1', 0, headEnd).toLowerCase();
  const start = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length !== null) {
    const total = start + Number(length[1]);
    return buf.length >= total ? { headEnd, total } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
    if (buf.length >= start + 5 && buf.toString('latin1', start, start + 5) === '0\r\n\r\n') {
      return { headEnd, total: start + 5 };
    }
    const end = buf.indexOf(LAST_CHUNK, start);
    return end === -1 ? undefined : { headEnd, total: end + LAST_CHUNK.length };
  }
  return { headEnd, total: start };
}

export async function startScriptedBackend(): Promise<ScriptedBackend> {
  const requests: ScriptedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const state: { reply: ScriptedReply } = {
    reply: { bytes: 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok' },
  };
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const found = requestLength(buf);
        if (found === undefined) return;
        requests.push({
          head: buf.toString('latin1', 0, found.headEnd),
          body: buf.subarray(found.headEnd + 4, found.total),
        });
        buf = buf.subarray(found.total);
        const { bytes, close } = state.reply;
        if (close === true) {
          socket.end(bytes);
          return;
        }
        socket.write(bytes);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    get reply() {
      return state.reply;
    },
    set reply(r: ScriptedReply) {
      state.reply = r;
    },
    reset() {
      requests.length = 0;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
