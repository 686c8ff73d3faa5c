import { request } from 'node:http';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { useHarness, waitFor } from './helpers/harness.js';
import { MiB, type StreamLoad, sampleRss, startStreamLoad } from './helpers/memory-load.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const SIZE = 96 * MiB;
const MAX_RSS_GROWTH = 64 * MiB;

/** One small request first, so lazy one-time costs (undici's parser, JIT) are not counted. */
async function warmUp(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    request({ host: '127.0.0.1', port, method: 'HEAD', agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
    })
      .on('error', reject)
      .end();
  });
}

describe('streaming with bounded memory', () => {
  // The load (backend and client) runs in a child process so only the proxy's memory is measured.
  async function startLoad(): Promise<StreamLoad> {
    const load = await startStreamLoad(SIZE);
    h.cleanup(() => load.stop());
    return load;
  }

  it(`downloads ${SIZE / MiB} MiB through the proxy without growing its RSS past 64 MiB`, async () => {
    const load = await startLoad();
    const { port } = await h.start([load.url]);
    await warmUp(port);
    const rss = sampleRss();
    const result = await load.run('download', port);
    expect(result).toEqual({ status: 200, bytes: SIZE });
    expect(rss.stop()).toBeLessThan(MAX_RSS_GROWTH);
  });

  it(`uploads ${SIZE / MiB} MiB through the proxy without growing its RSS past 64 MiB`, async () => {
    const load = await startLoad();
    const { port } = await h.start([load.url]);
    await warmUp(port);
    const rss = sampleRss();
    const result = await load.run('upload', port);
    expect(result).toEqual({ status: 200, bytes: SIZE });
    expect(rss.stop()).toBeLessThan(MAX_RSS_GROWTH);
  });

  it('applies backpressure: a client that stops reading stops the backend stream', async () => {
    fleet = await startBackends({ count: 1, behaviour: { streamBytes: 256 * MiB } });
    const { port, proxy } = await h.start(fleet.urls);
    let got = 0;
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.once('data', (c: Buffer) => {
        got += c.length;
        res.pause();
      });
    });
    req.end();
    await waitFor(() => got > 0, 5_000, 'first bytes');
    const rss = sampleRss();
    // Give the stream time to run ahead if nothing held it back.
    const until = Date.now() + 500;
    await waitFor(() => Date.now() > until, 2_000, 'time to pass');
    expect(rss.stop()).toBeLessThan(32 * MiB);
    expect(proxy.inFlightRequests).toBe(1);
    req.destroy();
    await waitFor(() => proxy.inFlightRequests === 0, 5_000, 'request to end after abort');
  });
});
