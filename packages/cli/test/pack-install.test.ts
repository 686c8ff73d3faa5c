/**
 * Shipping: `pnpm pack` of @helios/cli and its workspace dependencies, installed with npm into an
 * empty folder outside the workspace, runs `helios --version` and `helios validate` through the
 * installed bin. This is what `npx @helios/cli` will do once the packages are published.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './support/temp-dir.js';

const run = promisify(execFile);
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const workspacePackages = ['core', 'strategies', 'health', 'admin', 'test-backends', 'cli'];

afterAll(removeTempDirs);

describe('the packed CLI', () => {
  it('installs from tarballs into an empty folder and answers --version and validate', async () => {
    const tarballs = await tempDir();
    await Promise.all(
      workspacePackages.map((name) =>
        run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(packagesDir, name) }),
      ),
    );
    const files = (await readdir(tarballs)).filter((f) => f.endsWith('.tgz'));
    expect(files).toHaveLength(workspacePackages.length);

    const app = await tempDir();
    await writeFile(
      join(app, 'package.json'),
      '{ "name": "helios-pack-check", "private": true }\n',
    );
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        // Use the local npm cache when it has a package: fast, and works with a flaky network.
        '--prefer-offline',
        '--loglevel=error',
        ...files.map((f) => join(tarballs, f)),
      ],
      { cwd: app, timeout: 150_000 },
    );

    const helios = join(app, 'node_modules', '.bin', 'helios');
    const pkg = JSON.parse(await readFile(join(packagesDir, 'cli', 'package.json'), 'utf8')) as {
      version: string;
    };
    const version = await run(helios, ['--version'], { cwd: app });
    expect(version.stdout.trim()).toBe(pkg.version);

    await writeFile(
      join(app, 'helios.yaml'),
      'port: 8080\nhost: 127.0.0.1\nbackends:\n  - http://127.0.0.1:9001\n',
    );
    const validate = await run(helios, ['validate'], { cwd: app });
    expect(validate.stdout).toContain('helios.yaml is valid.');
    // The installed copy is the one running, not the workspace's.
    const installed = await readFile(
      join(app, 'node_modules', '@helios', 'cli', 'package.json'),
      'utf8',
    );
    expect(installed).not.toContain('workspace:');
    // Every @helios package came from our tarballs, none from the registry.
    for (const name of workspacePackages) {
      const ours = await readFile(join(packagesDir, name, 'package.json'), 'utf8');
      const theirs = await readFile(
        join(app, 'node_modules', '@helios', name, 'package.json'),
        'utf8',
      );
      expect((JSON.parse(theirs) as { description: string }).description).toBe(
        (JSON.parse(ours) as { description: string }).description,
      );
    }

    // @helios/test-backends is optional (only `helios demo` uses it): without it, as after
    // `npm install --omit=optional`, the proxy still works and the demo says what to install.
    await rm(join(app, 'node_modules', '@helios', 'test-backends'), { recursive: true });
    expect((await run(helios, ['validate'], { cwd: app })).stdout).toContain('is valid.');
    const demo = await run(helios, ['demo', '--port', '0'], { cwd: app }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('npm install @helios/test-backends');
  }, 180_000);
});
