/**
 * HTTP/2 through the real `helios` process: a TLS listener (http2 on by default) serves h2 and
 * HTTP/1.1 on one port, the JSON access log says which protocol each request used, and with
 * `workers: 2` the workers serve h2 on the sockets the primary hands them.
 */
import { writeFile } from 'node:fs/promises';
import { connect } from 'node:http2';
import { join } from 'node:path';
import {
  createTestCertificateAuthority,
  type Fleet,
  startBackends,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, stopAll } from './support/cli-process.js';
import { isMsg } from './support/cluster.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

let fleet: Fleet;
let authority: TestCertificateAuthority;
beforeAll(async () => {
  fleet = await startBackends({ count: 2 });
  authority = await createTestCertificateAuthority();
});
afterAll(async () => {
  await fleet.close();
});
afterEach(async () => {
  stopAll();
  await removeTempDirs();
});

async function configWith(lines: readonly string[]): Promise<string> {
  const dir = await tempDir();
  const pair = await authority.issue({ names: ['localhost', '127.0.0.1'] });
  await writeFile(join(dir, 'site.pem'), pair.cert);
  await writeFile(join(dir, 'site-key.pem'), pair.key);
  const yaml = [
    'host: 127.0.0.1',
    'port: 0',
    'tls: { cert: site.pem, key: site-key.pem }',
    ...lines,
    'health: { active: { enabled: false } }',
    'backends:',
    ...fleet.urls.map((url) => `  - ${url}`),
  ].join('\n');
  return writeConfig(dir, `${yaml}\n`);
}

async function listeningPort(cli: CliProcess): Promise<number> {
  const line = await cli.waitForLog('the listening line', isMsg(/^listening on/), 20_000);
  const port = (line.ports as number[])[0];
  if (port === undefined) throw new Error('no port');
  return port;
}

/** `count` GETs over one h2 session; resolves with their statuses. */
function h2gets(port: number, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const session = connect(`https://localhost:${port}`, { ca: authority.ca.cert });
    session.on('error', reject);
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const stream = session.request({ ':path': `/h2/${i}` });
      stream.on('response', (headers) => statuses.push(Number(headers[':status'])));
      stream.resume();
      stream.on('error', reject);
      stream.on('end', () => {
        if (statuses.length === count) {
          session.close();
          resolve(statuses);
        }
      });
    }
  });
}

describe('helios start with HTTP/2', () => {
  it('serves h2 on the TLS port and logs protocol HTTP/2.0 in JSON access lines', async () => {
    const path = await configWith(['accessLog: true']);
    const cli = new CliProcess(['--config', path, '--log-format', 'json']);
    const port = await listeningPort(cli);
    expect(await h2gets(port, 5)).toEqual([200, 200, 200, 200, 200]);
    const lines = await cli.waitFor('five access lines', () => {
      const found = cli.stdout
        .split('\n')
        .filter((l) => l.includes('"log":"access"'))
        .map((l) => JSON.parse(l) as { protocol: string; path: string });
      return found.length >= 5 ? found : undefined;
    });
    expect(new Set(lines.map((l) => l.protocol))).toEqual(new Set(['HTTP/2.0']));
  });

  it('with workers: 2, h2 sessions on the sockets the primary hands out are served', async () => {
    const path = await configWith(['workers: 2']);
    const cli = new CliProcess(['--config', path, '--log-format', 'json']);
    const port = await listeningPort(cli);
    const sessions = await Promise.all(Array.from({ length: 4 }, () => h2gets(port, 10)));
    expect(sessions.flat()).toEqual(Array(40).fill(200));
  });
});
