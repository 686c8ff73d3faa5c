/** Raw TCP clients for tests that must send exact bytes (framing, slowloris, upgrades). */
import { connect, type Socket } from 'node:net';

export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes `payload`, collects everything until the server closes (or `timeoutMs`). */
export async function rawExchange(
  port: number,
  payload: string | Buffer,
  timeoutMs = 3_000,
): Promise<string> {
  const socket = await openSocket(port);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.write(payload);
  });
}

/**
 * Writes `payload` and resolves as soon as what came back satisfies `done` (or the server
 * closed, or `timeoutMs` passed): for keep-alive answers, where waiting for a close would only
 * measure the idle timeout.
 */
export async function rawUntil(
  port: number,
  payload: string | Buffer,
  done: (received: string) => boolean,
  timeoutMs = 5_000,
): Promise<{ text: string; closed: boolean; socket: Socket }> {
  const socket = await openSocket(port);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const text = (): string => Buffer.concat(chunks).toString('latin1');
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      resolve({ text: text(), closed, socket });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (done(text())) finish(false);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.write(payload);
  });
}

/** How many complete `HTTP/1.1 NNN` status lines `text` holds (final and interim). */
export function statusLines(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
}
