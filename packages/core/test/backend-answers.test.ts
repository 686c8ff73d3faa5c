/**
 * Answers a backend may legitimately give that a strict client library trips over: interim 1xx
 * responses it did not ask for, and final answers that carry a length but no body by definition.
 * They reach the client correctly and never count against the backend.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { useHarness } from './helpers/harness.js';
import { type HealthRecorder, recordHealth } from './helpers/health-recorder.js';
import { type RawBackend, startRawBackend } from './helpers/raw-backend.js';
import { rawUntil, statusLines } from './helpers/raw-http.js';

const h = useHarness();
let backend: RawBackend | undefined;
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

async function proxyTo(
  answer: (socket: Socket, head: string) => void,
): Promise<{ port: number; health: HealthRecorder }> {
  backend = await startRawBackend(answer);
  const health = recordHealth();
  const { port } = await h.start([backend.url], {}, { health });
  return { port, health };
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
const endsWithOk = (t: string): boolean => t.endsWith('\r\n\r\nok');

describe('responses without a body', () => {
  it('relays a 304 that carries Content-Length, and the connection stays usable', async () => {
    const { port, health } = await proxyTo((socket, head) => {
      socket.write(
        head.startsWith('GET /cached')
          ? 'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 1234\r\n\r\n'
          : OK,
      );
    });
    const { text, closed } = await rawUntil(
      port,
      'GET /cached HTTP/1.1\r\nHost: a\r\nIf-None-Match: "v1"\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n',
      endsWithOk,
    );
    expect(closed).toBe(false);
    expect(statusLines(text)).toEqual([304, 200]);
    expect(text).toMatch(/content-length: 1234\r\n/i);
    expect(text).toMatch(/etag: "v1"/i);
    expect(health.verdicts.map((v) => [v.status, v.failure])).toEqual([
      [304, undefined],
      [200, undefined],
    ]);
  });

  it('relays 204 and HEAD answers whatever length header they carry', async () => {
    const { port, health } = await proxyTo((socket, head) => {
      if (head.startsWith('DELETE'))
        socket.write('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n');
      else if (head.startsWith('HEAD'))
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n');
      else socket.write(OK);
    });
    const { text } = await rawUntil(
      port,
      'DELETE /x HTTP/1.1\r\nHost: a\r\n\r\nHEAD /y HTTP/1.1\r\nHost: a\r\n\r\nGET /z HTTP/1.1\r\nHost: a\r\n\r\n',
      endsWithOk,
    );
    expect(statusLines(text)).toEqual([204, 200, 200]);
    expect(text).toMatch(/content-length: 5000\r\n/i);
    expect(health.failures()).toEqual([]);
  });
});

describe('interim (1xx) responses', () => {
  it('skips a 100 Continue the backend sends unasked and relays the final answer', async () => {
    const { port, health } = await proxyTo((socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      socket.write(OK);
    });
    for (let i = 0; i < 3; i++) {
      const { text } = await rawUntil(
        port,
        'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
        endsWithOk,
      );
      expect(statusLines(text)).toEqual([200]);
    }
    expect(health.failures()).toEqual([]);
  });

  it('skips a 100 that arrives in the same packet as the answer, or split across packets', async () => {
    let n = 0;
    const { port, health } = await proxyTo((socket) => {
      n++;
      if (n === 1) {
        socket.write(`HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n${OK}`);
      } else {
        socket.write('HTTP/1.1 100 Cont');
        setTimeout(() => socket.write(`inue\r\n\r\n${OK}`), 30);
      }
    });
    for (let i = 0; i < 2; i++) {
      const { text } = await rawUntil(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', endsWithOk);
      expect(statusLines(text)).toEqual([200]);
      expect(text).not.toContain('X-Interim');
    }
    expect(health.failures()).toEqual([]);
  });

  it('relays 103 Early Hints links to an HTTP/1.1 client before the final answer', async () => {
    const { port } = await proxyTo((socket) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n');
      socket.write(OK);
    });
    const { text } = await rawUntil(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\n', endsWithOk);
    expect(statusLines(text)).toEqual([103, 200]);
    expect(text).toMatch(
      /HTTP\/1\.1 103 Early Hints\r\nLink: <\/style\.css>; rel=preload; as=style/,
    );
  });

  it('drops 103 for an HTTP/1.0 client, which cannot take interim answers', async () => {
    const { port } = await proxyTo((socket) => {
      socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n');
      socket.write(OK);
    });
    const { text } = await rawUntil(port, 'GET / HTTP/1.0\r\n\r\n', endsWithOk);
    expect(statusLines(text)).toEqual([200]);
  });
});
