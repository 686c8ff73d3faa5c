/**
 * A loopback port whose accept queue is full, so new connections hang in the SYN stage: the only
 * honest way to make a connect time out without leaving 127.0.0.1. Node always accepts, so a tiny
 * python3 process listens with backlog 0 and never accepts; one connection fills the queue.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';

export const hasPython = spawnSync('python3', ['--version']).status === 0;

const LISTENER = [
  'import socket, sys',
  's = socket.socket()',
  "s.bind(('127.0.0.1', 0))",
  's.listen(0)',
  'print(s.getsockname()[1], flush=True)',
  'sys.stdin.read()',
].join('\n');

export interface Blackhole {
  url: string;
  close(): void;
}

export async function startBlackhole(): Promise<Blackhole> {
  const child: ChildProcess = spawn('python3', ['-c', LISTENER], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    child.once('error', reject);
  });
  const filler: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      filler.destroy();
      child.kill();
    },
  };
}
