/**
 * HTTP/2 across the proxy's life and with real clients: drain (GOAWAY, open streams finish,
 * then the session closes), reload (a live session keeps working and follows the new config),
 * curl over h2 and HTTP/1.1 on the same TLS port, and h2load with zero failed requests.
 */
import { execFile, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../src/request-record.js';
import { testConfig } from './helpers/config.js';
import { h2connect, h2request, tlsFront, withTls } from './helpers/h2.js';
import { useHarness, waitFor } from './helpers/harness.js';

const run = promisify(execFile);
/**
 * h2load (Debian `nghttp2-client`) is a real HTTP/2 client but not part of Node: .ci/run installs
 * it, and CI must never skip this test; a developer machine without it skips with this name.
 */
const hasH2load = spawnSync('h2load', ['--version']).status === 0;
const h = useHarness();
const fleets: Fleet[] = [];
afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.close();
});

async function backends(count: number, behaviour = {}): Promise<Fleet> {
  const fleet = await startBackends({ count, behaviour });
  fleets.push(fleet);
  return fleet;
}

async function caFile(caCert: string): Promise<string> {
  const path = join(tmpdir(), `helios-h2-ca-${process.pid}.pem`);
  await writeFile(path, caCert);
  return path;
}

describe('HTTP/2 drain and reload', () => {
  it('on close: GOAWAY at once, the open stream finishes, new streams are refused', async () => {
    const fleet = await backends(1, { latency: 300 });
    const started = await h.start(fleet.urls, {}, { configure: (c) => withTls(c) });
    const session = await h2connect(await tlsFront(started));
    session.on('error', () => {});
    const goaway = new Promise<number>((resolve) =>
      session.once('goaway', (code) => resolve(code)),
    );
    const sessionClosed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    const inFlight = h2request(session, { ':path': '/slow' });
    await waitFor(() => started.proxy.inFlightRequests === 1, 5_000, 'the request to start');
    const closing = started.proxy.close();
    expect(await goaway).toBe(0);
    // Node's client refuses to open a stream on a session that got GOAWAY.
    let late = 'served';
    try {
      await h2request(session, { ':path': '/late' });
    } catch (err) {
      late = (err as { code?: string }).code ?? 'refused';
    }
    expect(late).toBe('ERR_HTTP2_GOAWAY_SESSION');
    const res = await inFlight;
    expect(res.headers[':status']).toBe(200);
    expect(res.body.toString()).toContain('Halo dari Server 1');
    await closing;
    await sessionClosed;
  });

  it('cuts a stream still open when timeouts.drain runs out: the client sees it fail, not end', async () => {
    const fleet = await backends(1, { latency: 5_000 });
    const started = await h.start(
      fleet.urls,
      { timeouts: { drain: 200 } },
      { configure: (c) => withTls(c) },
    );
    const session = await h2connect(await tlsFront(started));
    session.on('error', () => {});
    const stuck = h2request(session, { ':path': '/stuck' }).then(
      () => 'completed',
      () => 'failed',
    );
    await waitFor(() => started.proxy.inFlightRequests === 1, 5_000, 'the request to start');
    await started.proxy.close();
    expect(await stuck).toBe('failed');
    expect(started.proxy.inFlightRequests).toBe(0);
  });

  it('keeps a live session across a reload and sends its next request to the new backends', async () => {
    const first = await backends(1);
    const second = await backends(1);
    const started = await h.start(first.urls, {}, { configure: (c) => withTls(c) });
    const session = await h2connect(await tlsFront(started));
    h.cleanup(() => session.destroy());
    const before = await h2request(session, { ':path': '/' });
    expect(before.headers['x-backend']).toBe('1');
    const next = await withTls(testConfig(second.urls));
    started.proxy.reload({ ...next, listeners: started.proxy.config.listeners });
    const after = await h2request(session, { ':path': '/' });
    expect(after.headers[':status']).toBe(200);
    expect(second.backend(1).stats.requests).toBe(1);
    expect(first.backend(1).stats.requests).toBe(1);
    expect(session.destroyed).toBe(false);
  });
});

describe('HTTP/2 idle connections', () => {
  it('closes a session idle for timeouts.clientIdle with GOAWAY, never one with a stream in service', async () => {
    const fleet = await backends(1, { latency: 600 });
    const started = await h.start(
      fleet.urls,
      { timeouts: { clientIdle: 200 } },
      { configure: (c) => withTls(c) },
    );
    const session = await h2connect(await tlsFront(started));
    session.on('error', () => {});
    const events: string[] = [];
    const goaway = new Promise<number>((resolve) =>
      session.once('goaway', (code) => {
        events.push('goaway');
        resolve(code);
      }),
    );
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    // Three times longer than the idle limit, with nothing on the wire while the backend thinks.
    const slow = await h2request(session, { ':path': '/slow' });
    events.push('response');
    expect(slow.headers[':status']).toBe(200);
    expect(await goaway).toBe(0);
    await closed;
    expect(events).toEqual(['response', 'goaway']);
  });
});

describe('real clients on one TLS port', () => {
  it('curl --http2 and curl --http1.1 on the same port, each recorded with its version', async () => {
    const fleet = await backends(1);
    const started = await h.start(fleet.urls, {}, { configure: (c) => withTls(c) });
    const front = await tlsFront(started);
    const versions: string[] = [];
    started.proxy.on('request:end', (r: RequestRecord) => versions.push(r.httpVersion));
    const ca = await caFile(front.caCert);
    const curl = (flag: string) =>
      run('curl', [
        '-sS',
        flag,
        '--cacert',
        ca,
        '-o',
        '/dev/null',
        '-w',
        '%{http_version} %{http_code}',
        `${front.origin}/x`,
      ]);
    expect((await curl('--http2')).stdout).toBe('2 200');
    expect((await curl('--http1.1')).stdout).toBe('1.1 200');
    expect(versions).toEqual(['2.0', '1.1']);
  });

  it.skipIf(!hasH2load && process.env.CI === undefined)(
    'h2load: 2,000 requests over 10 connections, 10 streams each, none failed',
    async () => {
      const fleet = await backends(2);
      const started = await h.start(fleet.urls, {}, { configure: (c) => withTls(c) });
      const front = await tlsFront(started);
      const { stdout } = await run(
        'h2load',
        ['-n', '2000', '-c', '10', '-m', '10', `${front.origin}/`],
        {
          timeout: 60_000,
        },
      );
      const summary =
        /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(
          stdout,
        );
      expect(summary?.slice(1).map(Number)).toEqual([2000, 2000, 2000, 2000, 0, 0]);
      expect(stdout).toMatch(/status codes: 2000 2xx/);
      expect(stdout).toMatch(/Application protocol: h2/);
    },
    90_000,
  );
});
