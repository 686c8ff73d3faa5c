/**
 * The single-file build (scripts/build-sea.mjs): the esbuild bundle and the Node single
 * executable made from it both run on their own and answer `--version`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

describe('the single-file executable', () => {
  it('builds, and the executable and the bundle each print the version', async () => {
    await run(process.execPath, [join(root, 'scripts', 'build-sea.mjs')], {
      cwd: root,
      timeout: 100_000,
    });
    const exe = join(root, 'sea', process.platform === 'win32' ? 'helios.exe' : 'helios');
    const fromExe = await run(exe, ['--version']);
    expect(fromExe.stdout.trim()).toBe(pkg.version);
    expect(fromExe.stderr).toBe('');
    const fromBundle = await run(process.execPath, [join(root, 'sea', 'helios.cjs'), '--version']);
    expect(fromBundle.stdout.trim()).toBe(pkg.version);
  }, 120_000);
});
