/**
 * `helios init`: writes a commented starter helios.yaml that `helios validate` accepts, and
 * never overwrites an existing file unless --force is given.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, stopAll } from './support/cli-process.js';
import { removeTempDirs, tempDir } from './support/temp-dir.js';

afterEach(async () => {
  stopAll();
  await removeTempDirs();
});

describe('helios init', () => {
  it('writes a commented ./helios.yaml that validates', async () => {
    const dir = await tempDir();
    const init = await runCli(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('Wrote helios.yaml');
    const text = await readFile(join(dir, 'helios.yaml'), 'utf8');
    expect(text).toMatch(/^#/m);
    expect(text).toContain('backends:');
    const check = await runCli(['validate'], { cwd: dir });
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
  });

  it('refuses to overwrite an existing file (exit 2) and overwrites with --force', async () => {
    const dir = await tempDir();
    const path = join(dir, 'custom.yaml');
    await writeFile(path, 'mine\n');
    const refused = await runCli(['init', '--config', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists; pass --force');
    expect(await readFile(path, 'utf8')).toBe('mine\n');

    const forced = await runCli(['init', '--config', path, '--force']);
    expect(forced.code).toBe(0);
    expect(await readFile(path, 'utf8')).toContain('backends:');
  });
});
