/**
 * TLS through the real `helios` process: `validate` names each bad certificate file at its key
 * (exit 2), `start` serves HTTPS next to a redirect listener, a reload (SIGHUP, or --watch seeing
 * a certificate file change) swaps the certificate, a bad certificate on reload keeps the old
 * one, and with `workers: 2` each worker does the handshake on the sockets the primary hands it.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import {
  createTestCertificateAuthority,
  type Fleet,
  startBackends,
  type TestCertificateAuthority,
} from '@helios/test-backends';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess, runCli, stopAll } from './support/cli-process.js';
import { isMsg } from './support/cluster.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

let fleet: Fleet;
let authority: TestCertificateAuthority;
beforeAll(async () => {
  fleet = await startBackends({ count: 2, behaviour: { echo: true, latency: 0 } });
  authority = await createTestCertificateAuthority();
});
afterAll(async () => {
  await fleet.close();
});
afterEach(async () => {
  stopAll();
  await removeTempDirs();
});

/** A temp dir with `site.pem`/`site-key.pem` for localhost, and `ca.pem`. */
async function certDir(): Promise<string> {
  const dir = await tempDir();
  await issueInto(dir, 'site', ['localhost', '127.0.0.1']);
  await writeFile(join(dir, 'ca.pem'), authority.ca.cert);
  return dir;
}

async function issueInto(dir: string, name: string, names: string[]): Promise<void> {
  const pair = await authority.issue({ names });
  await writeFile(join(dir, `${name}.pem`), pair.cert);
  await writeFile(join(dir, `${name}-key.pem`), pair.key);
}

function yaml(lines: readonly string[]): string {
  return `${[
    'host: 127.0.0.1',
    ...lines,
    'health: { active: { enabled: false } }',
    'backends:',
    ...fleet.urls.map((url) => `  - ${url}`),
  ].join('\n')}\n`;
}

const LISTENERS = [
  'listeners:',
  '  - { port: 0, tls: { cert: site.pem, key: site-key.pem } }',
  '  - { port: 0, redirectToHttps: true }',
];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The subjectAltName of the certificate served. */
  san: string;
}

function https(port: number, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: authority.ca.cert,
        servername: 'localhost',
        agent: false,
      },
      (res) => {
        const san = (res.socket as import('node:tls').TLSSocket).getPeerCertificate()
          .subjectaltname;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, san: san ?? '' }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The SAN of the certificate a new handshake gets. */
function servedSan(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      ca: authority.ca.cert,
      servername: 'localhost',
    });
    socket.once('secureConnect', () => {
      resolve(socket.getPeerCertificate().subjectaltname ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

function plainHead(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(head));
    let data = '';
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      if (data.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
  });
}

async function listening(cli: CliProcess): Promise<number[]> {
  const line = await cli.waitForLog('the listening line', isMsg(/^listening on/), 20_000);
  return line.ports as number[];
}

describe('helios validate with TLS', () => {
  it('exits 2 naming each bad file at its key: missing, wrong key, expired', async () => {
    const dir = await certDir();
    await issueInto(dir, 'other', ['other.test']);
    const day = 86_400_000;
    const old = await authority.issue({
      names: ['localhost'],
      notBefore: new Date(Date.now() - 10 * day),
      notAfter: new Date(Date.now() - day),
    });
    await writeFile(join(dir, 'old.pem'), old.cert);
    await writeFile(join(dir, 'old-key.pem'), old.key);
    const path = await writeConfig(
      dir,
      yaml([
        'listeners:',
        '  - port: 8443',
        '    tls:',
        '      certificates:',
        '        - { cert: gone.pem, key: site-key.pem }',
        '        - { cert: site.pem, key: other-key.pem }',
        '        - { cert: old.pem, key: old-key.pem }',
      ]),
    );
    const { code, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe(
      `${path}:6:19 listeners[0].tls.certificates[0].cert: cannot read the certificate file ${join(dir, 'gone.pem')}: no such file`,
    );
    expect(lines[1]).toBe(
      `${path}:7:34 listeners[0].tls.certificates[1].key: the key in ${join(dir, 'other-key.pem')} does not match the certificate in ${join(dir, 'site.pem')}`,
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^${path.replace(/[.]/g, '\\.')}:8:19 listeners\\[0\\]\\.tls\\.certificates\\[2\\]\\.cert: the certificate in .*old\\.pem expired on `,
      ),
    );
    expect(lines.at(-1)).toBe(`${path}: 3 errors; not valid.`);
  });

  it('exits 2 for a redirect listener without a TLS listener, and for two listeners on one port', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      yaml(['listeners:', '  - { port: 8080, redirectToHttps: true }', '  - { port: 8080 }']),
    );
    const { code, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${path}:3:36 listeners[0].redirectToHttps:`);
    expect(stderr).toContain('a TLS listener to redirect to');
    expect(stderr).toContain(
      `${path}:4:13 listeners[1].port: listeners[0] listens on 8080 already`,
    );
  });

  it('summarizes the TLS listener and the redirect listener of a valid config', async () => {
    const dir = await certDir();
    const path = await writeConfig(dir, yaml(LISTENERS));
    const { code, stdout } = await runCli(['validate', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toContain('  listener    127.0.0.1:0 TLS TLSv1.2+ (localhost|127.0.0.1)\n');
    expect(stdout).toContain('              127.0.0.1:0 → redirects to https\n');
  });
});

describe('helios start with TLS', () => {
  it('serves HTTPS with X-Forwarded-Proto: https and redirects the plain listener (308)', async () => {
    const dir = await certDir();
    const path = await writeConfig(dir, yaml(LISTENERS));
    const cli = new CliProcess(['--config', path, '--log-format', 'json']);
    const [secure, plain] = await listening(cli);
    if (secure === undefined || plain === undefined) throw new Error('two ports expected');
    const answer = await https(secure, '/x?y=1');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).headers['x-forwarded-proto']).toBe('https');
    const redirect = await plainHead(plain, 'GET /x?y=1 HTTP/1.1\r\nHost: localhost:80\r\n\r\n');
    expect(redirect).toMatch(/^HTTP\/1\.1 308 /);
    expect(redirect).toContain(`\r\nlocation: https://localhost:${secure}/x?y=1\r\n`);
    const line = cli.logs.find(isMsg(/^listening on/));
    expect(line?.msg).toContain(
      `https://127.0.0.1:${secure}, http://127.0.0.1:${plain} (redirects to https)`,
    );
  });

  it('SIGHUP swaps the certificate; a key that does not match on reload keeps the old one and says why', async () => {
    const dir = await certDir();
    const path = await writeConfig(
      dir,
      yaml(['port: 0', 'tls: { cert: site.pem, key: site-key.pem }']),
    );
    const cli = new CliProcess(['--config', path, '--log-format', 'json']);
    const [port] = await listening(cli);
    if (port === undefined) throw new Error('no port');
    expect(await servedSan(port)).toBe('DNS:localhost, IP Address:127.0.0.1');

    await issueInto(dir, 'renewed', ['localhost', 'renewed.localhost']);
    await writeConfig(dir, yaml(['port: 0', 'tls: { cert: renewed.pem, key: renewed-key.pem }']));
    cli.signal('SIGHUP');
    await cli.waitForLog('the reload', isMsg(/^config reloaded \(generation 1/));
    expect(await servedSan(port)).toBe('DNS:localhost, DNS:renewed.localhost');

    await writeConfig(dir, yaml(['port: 0', 'tls: { cert: renewed.pem, key: site-key.pem }']));
    cli.signal('SIGHUP');
    const rejected = await cli.waitForLog('the rejection', isMsg(/^config reload rejected/));
    expect(String(rejected.msg)).toContain(
      `tls.key: the key in ${join(dir, 'site-key.pem')} does not match the certificate in ${join(dir, 'renewed.pem')}`,
    );
    expect(await servedSan(port)).toBe('DNS:localhost, DNS:renewed.localhost');
    expect((await https(port)).status).toBe(200);
  });

  it('--watch reloads when a certificate file is replaced, the config file untouched', async () => {
    const dir = await certDir();
    const path = await writeConfig(
      dir,
      yaml(['port: 0', 'tls: { cert: site.pem, key: site-key.pem }']),
    );
    const cli = new CliProcess(['--config', path, '--log-format', 'json', '--watch']);
    const [port] = await listening(cli);
    if (port === undefined) throw new Error('no port');
    await cli.waitForLog('the watch', isMsg(/^watching the config file/));
    // As certbot and config tools do: new files written aside, then renamed over the old.
    await issueInto(dir, 'next', ['localhost', 'watched.localhost']);
    await rename(join(dir, 'next-key.pem'), join(dir, 'site-key.pem'));
    await rename(join(dir, 'next.pem'), join(dir, 'site.pem'));
    await cli.waitForLog('the reload', isMsg(/^config reloaded/));
    expect(await servedSan(port)).toBe('DNS:localhost, DNS:watched.localhost');
    expect(await readFile(path, 'utf8')).toContain('site.pem');
  });
});

describe('workers: 2 with TLS', () => {
  it('each worker handshakes on handed sockets of both listeners; a reload brings new certificates to every worker', async () => {
    const dir = await certDir();
    const path = await writeConfig(dir, yaml(['workers: 2', ...LISTENERS]));
    const cli = new CliProcess(['--config', path, '--log-format', 'json']);
    const [secure, plain] = await listening(cli);
    if (secure === undefined || plain === undefined) throw new Error('two ports expected');
    const answers = await Promise.all(Array.from({ length: 8 }, () => https(secure)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    for (const answer of answers) {
      expect(JSON.parse(answer.body).headers['x-forwarded-proto']).toBe('https');
    }
    // Plain HTTP to the TLS port, in the worker that got the socket: a plain 400 that says why.
    const wrongPort = await plainHead(secure, 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(wrongPort).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const redirect = await plainHead(plain, 'HEAD /a HTTP/1.1\r\nHost: example.test\r\n\r\n');
    expect(redirect).toContain(`\r\nlocation: https://example.test:${secure}/a\r\n`);

    await issueInto(dir, 'renewed', ['localhost', 'renewed.localhost']);
    await writeConfig(
      dir,
      yaml([
        'workers: 2',
        'listeners:',
        '  - { port: 0, tls: { cert: renewed.pem, key: renewed-key.pem } }',
        '  - { port: 0, redirectToHttps: true }',
      ]),
    );
    cli.signal('SIGHUP');
    await cli.waitForLog('the reload', isMsg(/^config reloaded \(generation 1, 2 workers/));
    // Round robin over both workers: every new handshake gets the new certificate.
    const sans = await Promise.all(Array.from({ length: 6 }, () => servedSan(secure)));
    expect(new Set(sans)).toEqual(new Set(['DNS:localhost, DNS:renewed.localhost']));
  });
});
