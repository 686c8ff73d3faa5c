/**
 * The memory tests' tools, for HTTP/1.1 and HTTP/2 alike: the load (an HTTP/1.1 backend and a
 * client) in a child process (stream-load.mjs) so only the proxy's own memory is measured, and a
 * sampler of this process's peak RSS growth.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const MiB = 1024 * 1024;

export interface LoadResult {
  status?: number;
  bytes?: number;
  error?: string;
}

export interface StreamLoad {
  /** The backend's origin. */
  url: string;
  /** `download` or `upload` `size` bytes through the proxy on `proxyPort`. */
  run(op: 'download' | 'upload', proxyPort: number): Promise<LoadResult>;
  stop(): void;
}

/** Starts the load process; with `caCert` its client speaks HTTP/2 over TLS, else HTTP/1.1. */
export async function startStreamLoad(size: number, caCert?: string): Promise<StreamLoad> {
  const args = [fileURLToPath(new URL('./stream-load.mjs', import.meta.url)), String(size)];
  if (caCert !== undefined) args.push(Buffer.from(caCert).toString('base64'));
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (line) => queue.shift()?.(line));
  const nextLine = (): Promise<string> => new Promise((resolve) => queue.push(resolve));
  const { port } = JSON.parse(await nextLine()) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async run(op, proxyPort) {
      const answer = nextLine();
      child.stdin.write(`${JSON.stringify({ op, port: proxyPort })}\n`);
      return JSON.parse(await answer) as LoadResult;
    },
    stop: () => child.kill(),
  };
}

// V8 collects Buffer garbage lazily (it lets up to ~64 MiB of external memory pile up before a
// GC), so without a collection now and then RSS would measure garbage, not what the proxy holds.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Peak RSS growth from now until `stop()`, with a GC every 200 ms so only live memory counts. */
export function sampleRss(): { stop(): number } {
  collect();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    collect();
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) - base;
    },
  };
}
