/** A tiny raw WebSocket client: handshake, one masked text frame out, unmasked frames in. */
import type { Socket } from 'node:net';
import { openSocket } from './raw-http.js';

export interface RawWebSocket {
  socket: Socket;
  /** The handshake response head (status line and headers). */
  head: string;
  /** Bytes after the head (a refused upgrade's body, or early frames). */
  rest: Buffer;
  send(text: string): void;
  /** Resolves with the next text frame's payload. */
  next(): Promise<string>;
}

export async function openWebSocket(
  port: number,
  path = '/ws',
  extraHeaders = '',
  /** An open connection to use instead of a plain one to `port` (a TLS socket, say). */
  connected?: Socket,
): Promise<RawWebSocket> {
  const socket = connected ?? (await openSocket(port));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extraHeaders}\r\n`,
  );
  let buffer = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  let ended = false;
  socket.on('data', (c: Buffer) => {
    buffer = Buffer.concat([buffer, c]);
    for (const w of waiters.splice(0)) w();
  });
  socket.on('close', () => {
    ended = true;
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => undefined);
  const more = (): Promise<void> => new Promise((resolve) => waiters.push(resolve));
  while (buffer.indexOf('\r\n\r\n') === -1 && !ended) await more();
  const end = buffer.indexOf('\r\n\r\n');
  const head = buffer.subarray(0, Math.max(end, 0)).toString('latin1');
  buffer = end === -1 ? buffer : buffer.subarray(end + 4);
  const ws: RawWebSocket = {
    socket,
    head,
    get rest() {
      return buffer;
    },
    send(text: string) {
      const payload = Buffer.from(text);
      const mask = Buffer.from([1, 2, 3, 4]);
      const masked = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)));
      if (payload.length >= 126) throw new Error('short frames only');
      socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
    },
    async next() {
      while (buffer.length < 2 && !ended) await more();
      const len = (buffer[1] as number) & 0x7f;
      while (buffer.length < 2 + len && !ended) await more();
      const text = buffer.subarray(2, 2 + len).toString();
      buffer = buffer.subarray(2 + len);
      return text;
    },
  };
  return ws;
}

/** Waits for the remote side to close the connection; resolves with everything received. */
export function readUntilClose(ws: RawWebSocket): Promise<string> {
  return new Promise((resolve) => {
    if (ws.socket.destroyed) {
      resolve(ws.rest.toString());
      return;
    }
    ws.socket.on('close', () => resolve(ws.rest.toString()));
  });
}
