/**
 * Runs the example that opens packages/core/README.md, as written, in a fresh Node process: the
 * only change is the backend ports, which point at real fake backends on free ports.
 */
import { spawn } from 'node:child_process';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './support/temp-dir.js';

const readme = fileURLToPath(new URL('../../core/README.md', import.meta.url));
const cliModules = fileURLToPath(new URL('../node_modules', import.meta.url));
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await removeTempDirs();
});

async function firstJsBlock(): Promise<string> {
  const text = await readFile(readme, 'utf8');
  const match = /```js\n([\s\S]*?)```/.exec(text);
  if (!match?.[1]) throw new Error('packages/core/README.md has no ```js example');
  return match[1];
}

describe('the @helios/core README example', () => {
  it('embeds Helios with a strategy from @helios/strategies and balances real backends', async () => {
    const fleet = await startBackends({ count: 2 });
    cleanups.push(() => fleet.close());
    const example = await firstJsBlock();
    expect(example).toContain("from '@helios/strategies'");
    const source = example
      .replace('http://127.0.0.1:9001', fleet.urls[0] ?? '')
      .replace('http://127.0.0.1:9002', fleet.urls[1] ?? '');
    expect(source).not.toContain(':9001');

    const dir = await tempDir();
    await symlink(cliModules, join(dir, 'node_modules'), 'dir');
    await writeFile(join(dir, 'proxy.mjs'), source);
    const child = spawn(process.execPath, ['proxy.mjs'], {
      cwd: dir,
      env: { ...process.env, PORT: '0' },
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
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const found = /Helios listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (found) resolve(Number(found[1]));
      });
      child.on('exit', (code) => reject(new Error(`example exited (${code}):\n${output}`)));
    });

    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      bodies.push(await res.text());
    }
    expect(bodies).toEqual([
      'Halo dari Server 1',
      'Halo dari Server 2',
      'Halo dari Server 1',
      'Halo dari Server 2',
    ]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
