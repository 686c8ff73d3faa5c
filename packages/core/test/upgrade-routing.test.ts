/**
 * Only WebSocket handshakes become tunnels. Any other `Upgrade` (h2c from curl --http2 or Java's
 * HttpClient, TLS/1.0, made-up protocols) is ignored as RFC 9110 §7.8 allows: the request is
 * forwarded whole, body included, and the connection stays usable.
 */
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { useHarness } from './helpers/harness.js';
import { openSocket, rawUntil, statusLines } from './helpers/raw-http.js';
import { openWebSocket } from './helpers/websocket.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The JSON bodies of every response in `text`, in order. */
function echoes(text: string): Echo[] {
  return [...text.matchAll(/\r\n\r\n(\{.*?"remotePort":\d+\})/gs)].map(
    (m) => JSON.parse(m[1] as string) as Echo,
  );
}

const twoAnswers = (t: string): boolean => (t.match(/"remotePort"/g) ?? []).length === 2;

describe('Upgrade values Helios does not tunnel', () => {
  it('forwards POST with Upgrade: h2c whole, body and all, as a plain request', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port } = await h.start(fleet.urls);
    const { text } = await rawUntil(
      port,
      'POST /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n' +
        'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nContent-Length: 5\r\n\r\nhello' +
        'GET /after HTTP/1.1\r\nHost: a\r\n\r\n',
      twoAnswers,
    );
    expect(statusLines(text)).toEqual([200, 200]);
    const [first, second] = echoes(text);
    expect(first).toMatchObject({ method: 'POST', url: '/x', body: 'hello' });
    expect(first?.headers['content-length']).toBe('5');
    expect(first?.headers.upgrade).toBeUndefined();
    expect(first?.headers['http2-settings']).toBeUndefined();
    expect(second).toMatchObject({ method: 'GET', url: '/after' });
  });

  it('forwards a body that arrives after the head, in pieces', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port } = await h.start(fleet.urls);
    const socket = await openSocket(port);
    h.cleanup(() => socket.destroy());
    let text = '';
    const answered = new Promise<void>((resolve) =>
      socket.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        if (text.includes('"remotePort"')) resolve();
      }),
    );
    socket.write(
      'PUT /y HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: foo/2\r\nContent-Length: 11\r\n\r\nhello',
    );
    await new Promise((r) => setTimeout(r, 50));
    socket.write(' world');
    await answered;
    expect(echoes(text)[0]).toMatchObject({ method: 'PUT', url: '/y', body: 'hello world' });
  });

  it('does not tunnel a WebSocket upgrade that is not a GET', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port, proxy } = await h.start(fleet.urls);
    const { text } = await rawUntil(
      port,
      'POST /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 2\r\n\r\nhi',
      (t) => t.includes('"remotePort"'),
    );
    expect(statusLines(text)).toEqual([200]);
    expect(echoes(text)[0]).toMatchObject({ method: 'POST', body: 'hi' });
    expect(proxy.activeUpgrades).toBe(0);
  });

  it('still tunnels WebSocket, whatever the case of the token and alongside others', async () => {
    fleet = await startBackends({ count: 1 });
    const { port } = await h.start(fleet.urls);
    const ws = await openWebSocket(port);
    expect(ws.head).toMatch(/^HTTP\/1\.1 101/);
    ws.send('still here');
    expect(await ws.next()).toBe('still here');
    ws.socket.destroy();
  });
});
