/**
 * HTTP/2 bodies with bounded memory: 1 GiB down and 1 GiB up through one h2 stream, with flow
 * control and backpressure on both sides, while the proxy's RSS stays within 100 MiB of where it began.
 * The load (backend and h2 client) runs in a child process so only the proxy's memory counts.
 */
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
import { MiB, type StreamLoad, sampleRss, startStreamLoad } from './helpers/memory-load.js';

const h = useHarness();

// 1 GiB each way takes about 10 s per direction on a quiet 2-core machine; HELIOS_H2_STREAM_MIB
// sets another size (a smaller one for a heavily loaded machine). The memory bound stays.
const SIZE = Number(process.env.HELIOS_H2_STREAM_MIB ?? 1024) * MiB;
const DOWNLOAD = SIZE;
const UPLOAD = SIZE;
const MAX_RSS_GROWTH = 100 * MiB;

async function startLoad(caCert: string, size: number): Promise<StreamLoad> {
  const load = await startStreamLoad(size, caCert);
  h.cleanup(() => load.stop());
  return load;
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
