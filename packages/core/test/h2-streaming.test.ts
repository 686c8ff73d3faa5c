/**
 * HTTP/2 bodies with bounded memory: 1 GiB down and 1 GiB up through one h2 stream, with flow
 * control and backpressure on both sides, while the proxy's RSS stays within 100 MiB of where it began.
 * The load (backend and h2 client) runs in a child process so only the proxy's memory counts.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  h2connect,
  h2request,
  type TlsFront,
  testCertificates,
  tlsFront,
  withTls,
} from './helpers/h2.js';
import { useHarness } from './helpers/harness.js';

const h = useHarness();

const MiB = 1024 * 1024;
// 1 GiB each way takes about 10 s per direction on a quiet 2-core machine; HELIOS_H2_STREAM_MIB
// sets another size (a smaller one for a heavily loaded machine). The memory bound stays.
const SIZE = Number(process.env.HELIOS_H2_STREAM_MIB ?? 1024) * MiB;
const DOWNLOAD = SIZE;
const UPLOAD = SIZE;
const MAX_RSS_GROWTH = 100 * MiB;

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function sampleRss(): { stop(): number } {
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

interface LoadResult {
  status?: number;
  bytes?: number;
  error?: string;
}

async function startLoad(caCert: string, size: number) {
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(new URL('./helpers/stream-load.mjs', import.meta.url)),
      String(size),
      Buffer.from(caCert).toString('base64'),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  h.cleanup(() => child.kill());
  const lines = createInterface({ input: child.stdout });
  const queue: ((line: string) => void)[] = [];
  lines.on('line', (line) => queue.shift()?.(line));
  const nextLine = (): Promise<string> => new Promise((resolve) => queue.push(resolve));
  const { port } = JSON.parse(await nextLine()) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async run(op: string, proxyPort: number): Promise<LoadResult> {
      const answer = nextLine();
      child.stdin.write(`${JSON.stringify({ op, port: proxyPort })}\n`);
      return JSON.parse(await answer) as LoadResult;
    },
  };
}

/** One small h2 request first, so one-time costs (TLS, undici's parser, JIT) are not counted. */
async function warmUp(front: TlsFront): Promise<void> {
  const session = await h2connect(front);
  await h2request(session, { ':method': 'HEAD', ':path': '/' });
  session.close();
}

async function proxyFor(url: string) {
  const front = await tlsFront(await h.start([url], {}, { configure: (c) => withTls(c) }));
  await warmUp(front);
  return front;
}

describe('HTTP/2 streaming with bounded memory', () => {
  it(`downloads ${DOWNLOAD / MiB} MiB over h2 without growing the proxy RSS past 100 MiB`, async () => {
    const load = await startLoad((await testCertificates()).ca.ca.cert, DOWNLOAD);
    const front = await proxyFor(load.url);
    const rss = sampleRss();
    const result = await load.run('download', front.port);
    expect(result).toEqual({ status: 200, bytes: DOWNLOAD });
    expect(rss.stop()).toBeLessThan(MAX_RSS_GROWTH);
  }, 300_000);

  it(`uploads ${UPLOAD / MiB} MiB over h2 without growing the proxy RSS past 100 MiB`, async () => {
    const load = await startLoad((await testCertificates()).ca.ca.cert, UPLOAD);
    const front = await proxyFor(load.url);
    const rss = sampleRss();
    const result = await load.run('upload', front.port);
    expect(result).toEqual({ status: 200, bytes: UPLOAD });
    expect(rss.stop()).toBeLessThan(MAX_RSS_GROWTH);
  }, 300_000);
});
