/**
 * One request at a time per client connection. A client that pipelines a burst of requests in
 * one packet must not turn into that many concurrent upstream requests (one TCP write of 64 KiB
 * holds over two thousand `GET /`), nor make Helios buffer requests without bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CustomBackend, startCustomBackend } from './helpers/custom-backend.js';
import { useHarness } from './helpers/harness.js';
import { rawUntil, statusLines } from './helpers/raw-http.js';

const h = useHarness();
let backend: CustomBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

/** A backend that answers after a short delay and records how many requests it held at once. */
async function countingBackend(): Promise<{ peak: () => number; order: string[] }> {
  let now = 0;
  let peak = 0;
  const order: string[] = [];
  backend = await startCustomBackend((req, res) => {
    now++;
    peak = Math.max(peak, now);
    order.push(req.url ?? '');
    setTimeout(() => {
      now--;
      res.end(req.url);
    }, 2);
  });
  return { peak: () => peak, order };
}

describe('pipelined requests', () => {
  it('are served one at a time per connection, answered in order', async () => {
    const counting = await countingBackend();
    const { port } = await h.start([backend?.url as string], { maxConnections: 64 });
    let burst = '';
    for (let i = 0; i < 40; i++) burst += `GET /r${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const { text } = await rawUntil(port, burst, (t) => t.endsWith('/r39'));
    expect(statusLines(text)).toEqual(Array(40).fill(200));
    const bodies = [...text.matchAll(/\r\n\r\n(\/r\d+)/g)].map((m) => m[1]);
    expect(bodies).toEqual(Array.from({ length: 40 }, (_, i) => `/r${i}`));
    expect(counting.order).toEqual(bodies);
    expect(counting.peak()).toBe(1);
  });

  it('a burst far past what is queued per connection is still served completely', async () => {
    const counting = await countingBackend();
    const { port } = await h.start([backend?.url as string], { maxConnections: 64 });
    let burst = '';
    for (let i = 0; i < 300; i++) burst += `GET /b${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const { text } = await rawUntil(port, burst, (t) => t.endsWith('/b299'), 20_000);
    expect(statusLines(text)).toHaveLength(300);
    expect(counting.peak()).toBe(1);
  });

  it('other connections are served while one pipelines', async () => {
    const counting = await countingBackend();
    const { port } = await h.start([backend?.url as string], { maxConnections: 64 });
    let burst = '';
    for (let i = 0; i < 50; i++) burst += `GET /p${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
    const [pipelined, others] = await Promise.all([
      rawUntil(port, burst, (t) => t.endsWith('/p49')),
      Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          rawUntil(port, `GET /o${i} HTTP/1.1\r\nHost: a\r\n\r\n`, (t) => t.endsWith(`/o${i}`)),
        ),
      ),
    ]);
    expect(statusLines(pipelined.text)).toHaveLength(50);
    expect(others.map((o) => statusLines(o.text))).toEqual(Array(5).fill([200]));
    expect(counting.peak()).toBeLessThanOrEqual(6);
  });
});
