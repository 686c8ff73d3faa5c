/**
 * The access log through a real `helios` process: with a JSON process log it writes JSON lines
 * (so stdout is one format a log shipper can split on `log`), with every field the JSON format
 * promises; with a pretty log it writes text; an explicit text log next to JSON logs on stdout
 * is warned about; it can go to its own file; and client-controlled values are escaped.
 */
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeTextField } from '../src/access-log.js';
import { CliProcess, startCli } from './support/cli-process.js';
import { sharedFleet } from './support/fleet.js';
import { tempDir, writeConfig } from './support/temp-dir.js';

const fleet = await sharedFleet(2);

interface AccessJson {
  log: string;
  time: string;
  requestId: string;
  clientAddress: string;
  method: string;
  path: string;
  host: string | null;
  userAgent: string | null;
  status: number;
  bytesIn: number;
  bytesOut: number;
  durationMs: number;
  upstreamMs: number;
  retries: number;
  backend: string | null;
  errorCode: string | null;
}

async function config(backends: string[], accessLog: string[]): Promise<string> {
  const dir = await tempDir();
  const lines = [
    'port: 8080',
    'host: 127.0.0.1',
    'backends:',
    ...backends.map((b) => `  - ${b}`),
    'health:',
    '  active:',
    '    enabled: false',
    ...accessLog,
  ];
  return writeConfig(dir, `${lines.join('\n')}\n`);
}

/** A loopback port nothing listens on (a backend that refuses connections). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function accessLines(cli: CliProcess): AccessJson[] {
  return cli.logs.filter((l) => l.log === 'access') as unknown as AccessJson[];
}

/** A request with headers fetch() would not let us set (Host). */
function send(
  port: number,
  options: { method: string; path: string; headers: Record<string, string>; body: string },
): Promise<{ body: string; requestId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ body, requestId: res.headers['x-request-id'] as string }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Send raw bytes as one request and wait for the connection to close. */
function rawRequest(port: number, head: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(head, 'latin1')));
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

describe('the access log', () => {
  it('writes JSON lines with every field when the process log is JSON (format auto)', async () => {
    const dead = await deadPort();
    const path = await config(
      [`http://127.0.0.1:${dead}`, `${fleet.urls[1]}`],
      ['accessLog: true'],
    );
    const { cli, port } = await startCli(['--config', path, '--port', '0', '--log-format', 'json']);

    // Round-robin starts at the dead backend: the first request is retried on the live one.
    const { body, requestId } = await send(port, {
      method: 'PUT',
      path: '/upload?x=1',
      body: 'twelve bytes',
      headers: { 'user-agent': 'helios-test/1.0 "quoted"', host: 'shop.example' },
    });
    const [line] = await cli.waitFor('one access line', () => {
      const found = accessLines(cli);
      return found.length >= 1 ? found : undefined;
    });
    expect(line).toEqual({
      log: 'access',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      requestId,
      clientAddress: '127.0.0.1',
      method: 'PUT',
      path: '/upload?x=1',
      protocol: 'HTTP/1.1',
      host: 'shop.example',
      userAgent: 'helios-test/1.0 "quoted"',
      status: 200,
      bytesIn: 12,
      bytesOut: Buffer.byteLength(body),
      durationMs: expect.any(Number),
      upstreamMs: expect.any(Number),
      retries: 1,
      backend: fleet.urls[1],
      errorCode: null,
    });
    expect(line?.upstreamMs).toBeLessThanOrEqual(line?.durationMs ?? 0);
    // Every line on stdout is JSON: process log and access log can be told apart by `log`.
    const stdoutLines = cli.stdout.split('\n').filter((l) => l !== '');
    for (const l of stdoutLines) expect(() => JSON.parse(l)).not.toThrow();
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('writes text lines when the process log is pretty (format auto)', async () => {
    const path = await config([`${fleet.urls[0]}`], ['accessLog: true']);
    const cli = new CliProcess(['--config', path, '--port', '0', '--log-format', 'pretty']);
    // Start-up is slow on a loaded machine: the same allowance as CliProcess.listeningPort.
    const port = await cli.waitFor(
      'the listening line',
      () => {
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(cli.stdout);
        return match ? Number(match[1]) : undefined;
      },
      15_000,
    );
    await (await fetch(`http://127.0.0.1:${port}/pretty`)).text();
    const line = await cli.waitFor('a text access line', () =>
      cli.stdout.split('\n').find((l) => l.includes('"GET /pretty"')),
    );
    expect(line).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 "GET \/pretty" 200 18 [\d.]+ms http:\/\/127\.0\.0\.1:\d+ \S+$/,
    );
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('warns when text lines would mix with a JSON process log on stdout', async () => {
    const path = await config([`${fleet.urls[0]}`], ['accessLog:', '  format: text']);
    const { cli, port } = await startCli(['--config', path, '--port', '0', '--log-format', 'json']);
    const warning = await cli.waitForLog('the warning', (l) =>
      String(l.msg).startsWith('accessLog: text lines on stdout are mixed'),
    );
    expect(warning.level).toBe(40);
    await (await fetch(`http://127.0.0.1:${port}/t`)).text();
    await cli.waitFor('a text line', () =>
      cli.stdout.split('\n').find((l) => l.includes('"GET /t"')),
    );
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('escapes what a client controls in text lines: one request, one line, no forged fields', async () => {
    const path = await config([`${fleet.urls[0]}`], ['accessLog:', '  format: text']);
    const { cli, port } = await startCli(['--config', path, '--port', '0', '--log-format', 'json']);
    await rawRequest(
      port,
      'GET /a"b\\c?q="x" HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc\r\nConnection: close\r\n\r\n',
    );
    const line = await cli.waitFor('the escaped line', () =>
      cli.stdout.split('\n').find((l) => l.includes('"GET /a')),
    );
    const fields = line.split(' ');
    expect(fields[2]).toBe('"GET');
    expect(fields[3]).toBe('/a%22b%5Cc?q=%22x%22"');
    expect(fields).toHaveLength(9);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('percent-encodes bytes outside printable ASCII, and leaves ordinary values untouched', () => {
    expect(escapeTextField('/plain/path?a=1&b=%20')).toBe('/plain/path?a=1&b=%20');
    expect(escapeTextField('/caf\xe9')).toBe('/caf%E9');
    expect(escapeTextField('a b\tc\n\x1b[31m')).toBe('a%20b%09c%0A%1B[31m');
    expect(escapeTextField('\u2603')).toBe('%E2%98%83');
  });

  it('writes JSON lines to its own file, leaving stdout to the process log', async () => {
    const dir = await tempDir();
    const file = join(dir, 'logs', 'access.jsonl');
    const path = await config(
      [`${fleet.urls[0]}`],
      ['accessLog:', `  output: ${file}`, '  format: json'],
    );
    const { cli, port } = await startCli(['--config', path, '--port', '0', '--log-format', 'json']);
    for (const p of ['/one', '/two']) await (await fetch(`http://127.0.0.1:${port}${p}`)).text();
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    const lines = (await readFile(file, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AccessJson);
    expect(lines.map((l) => [l.path, l.status, l.backend])).toEqual([
      ['/one', 200, fleet.urls[0]],
      ['/two', 200, fleet.urls[0]],
    ]);
    expect(accessLines(cli)).toEqual([]);
  });
});
