/**
 * A backend that answers with exact bytes: for response shapes node:http will not produce
 * (an unsolicited 100, a 304 with Content-Length, split interim responses). Each request head
 * (up to the blank line) is handed to `answer`, which writes whatever it likes to the socket.
 * Request bodies are not read: use it for bodiless requests.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface RawBackend {
  url: string;
  /** Request heads received, in order. */
  heads: string[];
  close(): Promise<void>;
}

export async function startRawBackend(
  answer: (socket: Socket, head: string, index: number) => void,
): Promise<RawBackend> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n\r\n'); end !== -1; end = buffer.indexOf('\r\n\r\n')) {
        const head = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        heads.push(head);
        answer(socket, head, heads.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
