/**
 * Pools and routes through the real `helios` command: the worked example in docs/routing.md run
 * as written, `helios validate` on routes (errors with did-you-mean, warnings for routes that
 * can never match and pools nothing uses), each pool health-checked on its own, routes with
 * workers, pool and route labels in /metrics, and routes swapped by a reload.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, stopAll } from './support/cli-process.js';
import { adminUrl, isMsg, launch, until } from './support/cluster.js';
import { removeTempDirs, tempDir, writeConfig } from './support/temp-dir.js';

const routingDoc = fileURLToPath(new URL('../../../docs/routing.md', import.meta.url));

// Two services: `api` echoes what it received (JSON), `web` says "Halo dari Server 1".
const api = await startBackends({ count: 2, behaviour: { echo: true } });
const web = await startBackends({ count: 1 });
const fleets: Fleet[] = [api, web];

afterAll(async () => {
  for (const fleet of fleets) await fleet.close();
});
afterEach(async () => {
  stopAll();
  for (const fleet of fleets) await fleet.reset();
  await api.set({ echo: true });
  await removeTempDirs();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** What an `api` backend received, when it was one that answered. */
  echo: { url: string; headers: Record<string, string> } | undefined;
}

/** One request with any Host header (fetch() cannot set one). */
function send(port: number, path: string, host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = host === undefined ? {} : { host };
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('error', reject);
      res.on('end', () => {
        let echo: Answer['echo'];
        if (res.headers['content-type']?.includes('json'))
          echo = JSON.parse(body) as Answer['echo'];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, echo });
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function yaml(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

/** `api` on the echo fleet, `web` on the other, then `routes` (and any `extra` lines first). */
function twoPools(routes: readonly string[], extra: readonly string[] = []): string {
  return yaml([
    'port: 0',
    'host: 127.0.0.1',
    ...extra,
    'pools:',
    '  api:',
    `    backends: [${api.urls.join(', ')}]`,
    '  web:',
    `    backends: [${web.urls[0]}]`,
    'routes:',
    ...routes,
  ]);
}

async function docExample(): Promise<string> {
  const text = await readFile(routingDoc, 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
  if (block === undefined) throw new Error('docs/routing.md has no ```yaml example');
  return block;
}

describe('the docs/routing.md example', () => {
  it('routes every request of its table as the table says', async () => {
    const example = await docExample();
    const source = example
      .replace('http://127.0.0.1:9001', api.urls[0] ?? '')
      .replace('http://127.0.0.1:9002', api.urls[1] ?? '')
      .replace('http://127.0.0.1:9101', web.urls[0] ?? '');
    expect(source).not.toMatch(/:9\d\d\d\b/);
    const dir = await tempDir();
    const path = await writeConfig(dir, source);

    const checked = await runCli(['validate', '--config', path]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('pools       2');
    expect(checked.stdout).toContain('routes      4');
    expect(checked.stdout).not.toContain('warning');

    const { cli, port } = await startCli(['--config', path, '--port', '0', '--log-format', 'json']);

    const users = await send(port, '/v1/users?page=2', 'api.example.com');
    expect(users.status).toBe(200);
    expect(users.echo?.url).toBe('/users?page=2');
    expect(users.echo?.headers['x-env']).toBe('prod');
    expect(users.headers['x-served-by']).toBe('helios');

    const bare = await send(port, '/v1', 'API.example.com:8080');
    expect(bare.echo?.url).toBe('/');

    const v10 = await send(port, '/v10', 'api.example.com');
    expect(v10.body).toBe('Halo dari Server 1');
    expect(v10.echo).toBeUndefined();

    const old = await send(port, '/old?x=1');
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe('https://127.0.0.1/new?x=1');

    const blocked = await send(port, '/blocked/anything');
    expect(blocked.status).toBe(403);
    expect(blocked.body).toBe('forbidden\n');

    const home = await send(port, '/');
    expect(home.body).toBe('Halo dari Server 1');

    cli.signal('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});

describe('helios validate on routes', () => {
  it('reports a route to a pool that does not exist, a bad regex and an unknown placeholder', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      twoPools([
        '  - match: { pathRegex: "^/(a" }',
        '    pool: api',
        '  - redirect: { to: "https://{hots}/" }',
        '  - pool: wbe',
      ]),
    );
    const { code, stdout, stderr } = await runCli(['validate', '--config', path]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${path}:9:25 routes[0].match.pathRegex:`);
    expect(stderr).toContain('not a valid regular expression');
    expect(stderr).toContain(`${path}:11:21 routes[1].redirect.to:`);
    expect(stderr).toContain('unknown placeholder');
    expect(stderr).toMatch(
      /:12:11 routes\[2\]\.pool: no pool has this name.* did you mean `web`\?/,
    );
    expect(stderr).toContain('3 errors; not valid.');
  });

  it('prints pools and routes, then warns of a route that can never match and a pool no route uses', async () => {
    const dir = await tempDir();
    const path = await writeConfig(
      dir,
      twoPools([
        '  - name: everything',
        '    pool: api',
        '  - name: late',
        '    match: { pathPrefix: /web }',
        '    pool: api',
      ]),
    );
    const { code, stdout } = await runCli(['validate', '--config', path]);
    expect(code).toBe(0);
    expect(stdout).toContain('    api       round-robin, 2 backends');
    expect(stdout).toContain('    everything everything → api');
    expect(stdout).toContain('    late      prefix /web → api');
    const warnings = stdout.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([
      `warning: ${path}:11:5 routes[1]: routes[1] (late) can never match: routes[0] (everything) before it matches every request`,
      `warning: ${path}:7:5 pools.web: pool \`web\` is not used by any route: its backends get no traffic (and are still health-checked)`,
    ]);
  });

  it('start-up logs the same warnings and runs the config', async () => {
    const dir = await tempDir();
    const path = await writeConfig(dir, twoPools(['  - pool: api']));
    const { cli, port } = await startCli(['--config', path, '--log-format', 'json']);
    const warning = await cli.waitForLog('the unused-pool warning', isMsg(/not used by any route/));
    expect(warning.level).toBe(40);
    expect((await send(port, '/x')).echo?.url).toBe('/x');
  });
});

describe('pools at run time', () => {
  async function status(admin: string): Promise<{
    backends: { pool: string; url: string; state: string }[];
  }> {
    const res = await fetch(`${admin}api/status`);
    return (await res.json()) as { backends: { pool: string; url: string; state: string }[] };
  }

  it('health-checks each pool on its own: one pool down leaves the other serving', async () => {
    const { cli } = await launch(
      twoPools(
        ['  - { match: { pathPrefix: /api }, pool: api }', '  - { pool: web }'],
        [
          'admin: { port: 0, host: 127.0.0.1 }',
          'health:',
          // A generous probe timeout: under a loaded machine a healthy pool must not look down.
          '  active: { interval: 300ms, timeout: 300ms, unhealthyThreshold: 2, healthyThreshold: 1 }',
        ],
      ),
    );
    const port = Number((await cli.waitForLog('listening', isMsg(/^listening on/))).port);
    const admin = await adminUrl(cli);
    await api.set({ healthStatus: 503 });
    await until('the api pool marked down', async () => {
      const { backends } = await status(admin);
      return backends.filter((b) => b.pool === 'api').every((b) => b.state === 'unhealthy');
    });
    const { backends } = await status(admin);
    expect(backends.filter((b) => b.pool === 'web').map((b) => b.state)).toEqual(['healthy']);
    expect((await send(port, '/api/x')).status).toBe(503);
    for (let i = 0; i < 5; i++) expect((await send(port, '/home')).body).toBe('Halo dari Server 1');

    await api.set({ healthStatus: 200 });
    await until('the api pool back', async () => {
      const { backends } = await status(admin);
      return backends.filter((b) => b.pool === 'api').every((b) => b.state === 'healthy');
    });
    expect((await send(port, '/api/x')).echo?.url).toBe('/api/x');
  });

  it('routes in every worker, and /metrics labels requests with their route and pool', async () => {
    const { cli } = await launch(
      twoPools(
        [
          '  - { name: api, match: { pathPrefix: /api }, pool: api, stripPrefix: true }',
          '  - { name: teapot, match: { path: /tea }, respond: { status: 418 } }',
          '  - { name: site, pool: web }',
        ],
        ['workers: 2', 'admin: { port: 0, host: 127.0.0.1 }'],
      ),
    );
    await cli.waitForLog(
      'two workers',
      () => cli.logs.filter(isMsg(/^worker \d+ ready/)).length === 2,
      30_000, // two processes starting on a loaded machine
    );
    const port = Number((await cli.waitForLog('listening', isMsg(/^listening on/))).port);
    const admin = await adminUrl(cli);
    // Fresh connections, so the primary hands them to both workers.
    for (let i = 0; i < 6; i++) {
      expect((await send(port, '/api/u')).echo?.url).toBe('/u');
      expect((await send(port, '/tea')).status).toBe(418);
      expect((await send(port, '/')).body).toBe('Halo dari Server 1');
    }
    const workers = cli.logs.filter(isMsg(/^worker \d+ ready/)).map((l) => l.workerPid);
    expect(new Set(workers).size).toBe(2);

    const metrics = await (await fetch(`${admin}metrics`)).text();
    const count = (route: string, pool: string): number => {
      let sum = 0;
      for (const line of metrics.split('\n')) {
        if (!line.startsWith('helios_requests_total{')) continue;
        if (!line.includes(`route="${route}"`) || !line.includes(`pool="${pool}"`)) continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    };
    expect(count('api', 'api')).toBe(6);
    expect(count('site', 'web')).toBe(6);
    expect(metrics).not.toContain('/api/u');
  });

  it('a reload swaps the routes: new routes answer, a kept pool keeps serving', async () => {
    const { cli, path } = await launch(
      twoPools(['  - { match: { pathPrefix: /api }, pool: api }', '  - { pool: web }']),
    );
    const port = Number((await cli.waitForLog('listening', isMsg(/^listening on/))).port);
    expect((await send(port, '/new')).body).toBe('Halo dari Server 1');

    await writeFile(
      path,
      twoPools([
        '  - { match: { path: /new }, respond: { status: 200, body: "fresh" } }',
        '  - { match: { pathPrefix: /api }, pool: api }',
        '  - { pool: web }',
      ]),
    );
    cli.signal('SIGHUP');
    await cli.waitForLog('the reload', isMsg(/^config reloaded/));
    expect((await send(port, '/new')).body).toBe('fresh');
    expect((await send(port, '/api/y')).echo?.url).toBe('/api/y');

    // A broken reload keeps the routes that run.
    await writeFile(path, twoPools(['  - { pool: nope }']));
    cli.signal('SIGHUP');
    await cli.waitForLog('the refused reload', isMsg(/^config reload rejected/));
    expect((await send(port, '/new')).body).toBe('fresh');
  });
});
