/**
 * Runs the example that opens packages/admin/README.md, as written, in a fresh Node process: the
 * only change is the backend ports, which point at real fake backends on free ports. The
 * dashboard, `/metrics` and `/api/status` it starts answer for the traffic sent through it.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusReport } from '../src/index.js';
import { total } from './admin-harness.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function firstJsBlock(): Promise<string> {
  const text = await readFile(join(packageDir, 'README.md'), 'utf8');
  const match = /```js\n([\s\S]*?)```/.exec(text);
  if (!match?.[1]) throw new Error('packages/admin/README.md has no ```js example');
  return match[1];
}

/** A folder where `@helios/admin`, `@helios/core` and `@helios/strategies` resolve as installed. */
async function appDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'helios-admin-readme-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'node_modules', '@helios'), { recursive: true });
  const linked: Record<string, string> = {
    admin: packageDir,
    core: await realpath(join(packageDir, 'node_modules', '@helios', 'core')),
    strategies: await realpath(join(packageDir, 'node_modules', '@helios', 'strategies')),
  };
  for (const [name, target] of Object.entries(linked)) {
    await symlink(target, join(dir, 'node_modules', '@helios', name), 'dir');
  }
  return dir;
}

describe('the @helios/admin README example', () => {
  it('serves the dashboard, metrics and status of an embedded proxy', async () => {
    const fleet = await startBackends({ count: 2 });
    cleanups.push(() => fleet.close());
    const example = await firstJsBlock();
    expect(example).toContain("from '@helios/admin'");
    const source = example
      .replace('http://127.0.0.1:9001', fleet.urls[0] ?? '')
      .replace('http://127.0.0.1:9002', fleet.urls[1] ?? '');
    expect(source).not.toContain(':9001');

    const dir = await appDir();
    await writeFile(join(dir, 'proxy.mjs'), source);
    const child = spawn(process.execPath, ['proxy.mjs'], {
      cwd: dir,
      env: { ...process.env, PORT: '0', ADMIN_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    let output = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const [port, adminPort] = await new Promise<[number, number]>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const proxyAt = /Helios listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        const adminAt = /dashboard on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
        if (proxyAt && adminAt) resolve([Number(proxyAt[1]), Number(adminAt[1])]);
      });
      child.on('exit', (code) => reject(new Error(`example exited (${code}):\n${output}`)));
    });

    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      bodies.push(await res.text());
    }
    expect(bodies.sort()).toEqual([
      'Halo dari Server 1',
      'Halo dari Server 1',
      'Halo dari Server 2',
      'Halo dari Server 2',
    ]);

    const admin = `http://127.0.0.1:${adminPort}`;
    const page = await fetch(`${admin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Helios &middot; dashboard</title>');
    const metrics = await (await fetch(`${admin}/metrics`)).text();
    expect(total(metrics, 'helios_requests_total', { pool: 'default', status_class: '2xx' })).toBe(
      4,
    );
    const status = (await (await fetch(`${admin}/api/status`)).json()) as StatusReport;
    expect(status.pools.map((p) => [p.name, p.backends.length, p.totals.requests])).toEqual([
      ['default', 2, 4],
    ]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
