/**
 * Issue 2's end-to-end pipe through the real `helios` process: a fake backend, a real
 * helios.yaml in a temp folder, `node dist/bin.js --config FILE`, a request through it. Also the
 * start-up contract: config errors exit 2 with file:line and key on stderr and nothing listens,
 * SIGTERM drains in-flight requests and exits 0, and the access log writes one line per request.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliProcess, runCli, startCli } from './support/cli-process.js';
import { sharedFleet } from './support/fleet.js';
import { tempDir, writeConfig } from './support/temp-dir.js';

const fleet = await sharedFleet(2);

function yaml(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A helios.yaml on 127.0.0.1 with one `backends:` entry, then `extra` lines, in a new folder. */
async function configWith(
  backend: string,
  extra: string[] = [],
): Promise<{ dir: string; path: string }> {
  const dir = await tempDir();
  const text = yaml(['port: 8080', 'host: 127.0.0.1', 'backends:', `  - ${backend}`, ...extra]);
  return { dir, path: await writeConfig(dir, text) };
}

/** `helios --config path --port 0 --log-format json`, once it listens. */
function startOn(path: string): Promise<{ cli: CliProcess; port: number }> {
  return startCli(['--config', path, '--port', '0', '--log-format', 'json']);
}

describe('helios start', () => {
  it('forwards a request to the backend named in helios.yaml and logs its listener', async () => {
    const { path } = await configWith(`${fleet.urls[0]}`);
    const { cli, port } = await startOn(path);
    const listening = cli.logs.find((l) => String(l.msg).startsWith('listening on'));
    expect(listening).toMatchObject({ strategy: 'round-robin', backends: [fleet.urls[0]] });

    const res = await fetch(`http://127.0.0.1:${port}/hello?x=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-backend')).toBe('1');
    expect(await res.text()).toBe('Halo dari Server 1');

    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('logs where the admin listener is, in single-process mode too', async () => {
    const { path } = await configWith(`${fleet.urls[0]}`, [
      'admin:',
      '  port: 0',
      '  host: 127.0.0.1',
    ]);
    const { cli } = await startOn(path);
    const line = await cli.waitForLog('the admin line', (l) =>
      String(l.msg).startsWith('admin listening on '),
    );
    const url = String(line.address);
    expect(line.msg).toBe(`admin listening on ${url}`);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await fetch(`${url}healthz`)).status).toBe(200);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });

  it('reads ./helios.yaml by default and accepts the explicit `start` command', async () => {
    const { dir } = await configWith(`url: ${fleet.urls[1]}`);
    const { cli, port } = await startCli(['start', '--port', '0', '--log-format', 'json'], {
      cwd: dir,
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('Halo dari Server 2');
    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it('exits 2 with file:line:column and the key on stderr for a broken config, never listening', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      yaml([
        'port: 80800',
        'host: 127.0.0.1',
        'backends:',
        '  - url: ftp://127.0.0.1:9001',
        '    wieght: 2',
      ]),
    );
    const { code, stdout, stderr } = await runCli(['--config', path, '--log-format', 'json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/helios\.yaml:1:\d+/);
    expect(stderr).toMatch(/helios\.yaml:4:\d+/);
    expect(stderr).toMatch(/helios\.yaml:5:\d+/);
    expect(stderr).toContain('port');
    expect(stderr).toContain('wieght');
    expect(stdout).not.toContain('listening on');
  });

  it('exits 2 and says how to create a config when the file does not exist', async () => {
    const dir = await tempDir();
    const { code, stderr } = await runCli(['--config', join(dir, 'missing.yaml')]);
    expect(code).toBe(2);
    expect(stderr).toContain('missing.yaml');
    expect(stderr).toContain('helios init');
  });

  it('exits 1 with a clear message when the port is already taken', async () => {
    const taken = fleet.backends[0]?.port ?? 0;
    const { path } = await configWith(`${fleet.urls[1]}`);
    const cli = new CliProcess(['--config', path, '--port', String(taken), '--log-format', 'json']);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.stdout).toContain('already in use');
  });

  it('logs JSON when stdout is not a terminal, at logging.level unless --log-level overrides it', async () => {
    const taken = String(fleet.backends[0]?.port ?? 0);
    const { path } = await configWith(`${fleet.urls[1]}`, ['logging:', '  level: silent']);
    const quiet = await runCli(['--config', path, '--port', taken]);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toBe('');

    const loud = await runCli(['--config', path, '--port', taken, '--log-level', 'error']);
    expect(loud.code).toBe(1);
    const lines = loud.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.level >= 50)).toBe(true);
    expect(lines.some((l) => l.msg.includes('already in use'))).toBe(true);
  });

  it('on SIGTERM finishes the in-flight request, then exits 0', async () => {
    const { path } = await configWith(`${fleet.urls[0]}`);
    const { cli, port } = await startOn(path);
    fleet.backend(1).set({ latency: 400 });
    const slow = fetch(`http://127.0.0.1:${port}/slow`);
    await cli.waitFor('the request to reach the backend', () =>
      fleet.backend(1).stats.inFlight > 0 ? true : undefined,
    );
    cli.signal('SIGTERM');
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Halo dari Server 1');
    expect((await cli.exited).code).toBe(0);
  });

  it('writes one access log line per request when accessLog is enabled (text format)', async () => {
    const { path } = await configWith(`${fleet.urls[0]}`, [
      'accessLog:',
      '  enabled: true',
      '  format: text',
    ]);
    const { cli, port } = await startOn(path);
    for (const p of ['/one', '/two?q=2'])
      await (await fetch(`http://127.0.0.1:${port}${p}`)).text();
    const pattern =
      /^\d{4}-\d\d-\d\dT[\d:.]+Z 127\.0\.0\.1 "GET (\/\S*)" 200 18 [\d.]+ms (http:\/\/\S+) (\S+)$/;
    const lines = await cli.waitFor('two access log lines', () => {
      const found = cli.stdout.split('\n').filter((l) => pattern.test(l));
      return found.length >= 2 ? found : undefined;
    });
    expect(lines.map((l) => pattern.exec(l)?.[1])).toEqual(['/one', '/two?q=2']);
    expect(lines.map((l) => pattern.exec(l)?.[2])).toEqual([fleet.urls[0], fleet.urls[0]]);
    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
