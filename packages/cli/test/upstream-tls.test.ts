/**
 * `upstreamTls` through the `helios` command: `validate` names a bad certificate file at its
 * key's line and column (exit 2), and a cluster (`workers: 2`) reaches an `https://` backend
 * behind a private CA that requires a client certificate: the workers get the certificate
 * text with the config (they never read files), and the primary's active probes dial with the
 * same settings, so the backend stays in service.
 */

import { rename } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  createTestCertificateAuthority,
  type Fleet,
  type PemPair,
  startBackends,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, runCli, startCli, stopAll } from './support/cli-process.js';
import { isMsg, until } from './support/cluster.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

let authority: TestCertificateAuthority;
let server: PemPair;
let client: PemPair;
beforeAll(async () => {
  authority = await createTestCertificateAuthority();
  server = await authority.issue({ names: ['127.0.0.1'] });
  client = await authority.issue({ names: ['helios'], usage: 'client' });
});

let fleet: Fleet | undefined;
afterEach(async () => {
  stopAll();
  await fleet?.close();
  fleet = undefined;
  await removeTempDirs();
});

async function files(dir: string): Promise<void> {
  await writeConfig(dir, authority.ca.cert, 'ca.pem');
  await writeConfig(dir, client.cert, 'client.pem');
  await writeConfig(dir, client.key, 'client-key.pem');
  await writeConfig(dir, server.key, 'other-key.pem');
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('helios validate with upstreamTls', () => {
  it('exits 2 naming each bad file at its key: missing, and a key of another certificate', async () => {
    const dir = await tempDir();
    await files(dir);
    const path = await writeConfig(
      dir,
      [
        'port: 8080',
        'backends: [https://127.0.0.1:9443]',
        'upstreamTls:',
        '  ca: certs/missing-ca.pem',
        '  cert: client.pem',
        '  key: other-key.pem',
        '',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${path}:4:7 upstreamTls.ca: file certs/missing-ca.pem not found`);
    expect(stderr).toContain(
      `${path}:6:8 upstreamTls.key: other-key.pem is not the private key of client.pem`,
    );
    expect(stderr).toContain('2 errors; not valid.');
  });

  it('summarises how each pool dials its https:// backends', async () => {
    const dir = await tempDir();
    await files(dir);
    const path = await writeConfig(
      dir,
      [
        'port: 8080',
        'backends: [https://10.0.0.7:8443]',
        'upstreamTls: { ca: ca.pem, servername: api.internal, cert: client.pem, key: client-key.pem }',
        'upstreamHttp2: true',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await runCli(['validate', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '  backend TLS default   ca ca.pem, name api.internal, client cert client.pem, h2 or HTTP/1.1',
    );
  });

  it('accepts good files, and warns that upstreamHttp2 does nothing for http:// backends', async () => {
    const dir = await tempDir();
    await files(dir);
    const path = await writeConfig(
      dir,
      'port: 8080\nbackends: [http://127.0.0.1:9001]\nupstreamTls: { ca: ca.pem }\nupstreamHttp2: true\n',
    );
    const { code, stdout } = await runCli(['validate', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toContain('is valid');
    expect(stdout).toMatch(
      /warning: .*:4:16 upstreamHttp2: upstreamHttp2 has no effect on pool `default`/,
    );
  });
});

describe('helios start with upstreamTls and workers: 2', () => {
  it('serves through mutual TLS to the backend, and active probes keep it in service', async () => {
    fleet = await startBackends({ count: 1, tls: { ...server, clientCa: authority.ca.cert } });
    const dir = await tempDir();
    await files(dir);
    const path = await writeConfig(
      dir,
      [
        'port: 0',
        'host: 127.0.0.1',
        'workers: 2',
        `backends: [${fleet.urls[0]}]`,
        'upstreamTls: { ca: ca.pem, cert: client.pem, key: client-key.pem }',
        'health:',
        '  active: { interval: 300ms, timeout: 300ms }',
        '',
      ].join('\n'),
    );
    const { cli, port } = await startCli(['--config', path, '--log-format', 'json']);
    for (let i = 0; i < 6; i++) {
      expect(await get(port)).toEqual({ status: 200, body: 'Halo dari Server 1' });
    }
    const backend = fleet.backend(1);
    await until('three probes over mutual TLS', () => backend.stats.healthChecks >= 3);
    expect(cli.logs.filter((l) => /down|unhealthy/i.test(String(l.msg)))).toEqual([]);
  });
});

describe('helios start --watch with upstreamTls', () => {
  it('reloads when the CA file is replaced (config untouched): the backend becomes reachable', async () => {
    const other = await createTestCertificateAuthority('Another CA');
    fleet = await startBackends({ count: 1, tls: await other.issue({ names: ['127.0.0.1'] }) });
    const dir = await tempDir();
    await files(dir);
    const path = await writeConfig(
      dir,
      [
        'port: 0',
        'host: 127.0.0.1',
        'retries: 0',
        `backends: [${fleet.urls[0]}]`,
        'upstreamTls: { ca: ca.pem }',
        'health: { active: { enabled: false }, passive: { enabled: false } }',
        '',
      ].join('\n'),
    );
    const cli = new CliProcess(['--config', path, '--log-format', 'json', '--watch']);
    const line = await cli.waitForLog('the listening line', isMsg(/^listening on/), 20_000);
    const port = (line.ports as number[])[0] as number;
    await cli.waitForLog('the watch', isMsg(/^watching the config file/));
    expect((await get(port)).status).toBe(502);
    // Written aside, then renamed over the old file, as config tools do.
    await writeConfig(dir, other.ca.cert, 'next-ca.pem');
    await rename(join(dir, 'next-ca.pem'), join(dir, 'ca.pem'));
    await cli.waitForLog('the reload', isMsg(/^config reloaded/));
    expect(await get(port)).toEqual({ status: 200, body: 'Halo dari Server 1' });
  });
});
