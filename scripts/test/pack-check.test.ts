/**
 * scripts/pack-check.mjs: every published package packs into a tarball a user can rely on, and
 * the check itself catches what used to be wrong (no LICENSE, source maps into sources that are
 * not shipped, README links relative to the repository, a bin that is not in the tarball).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPackage, publishablePackages, relativeLinks } from '../pack-check.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the published tarballs', () => {
  it('pass every check, for every publishable package', async () => {
    const license = await readFile(join(root, 'LICENSE'), 'utf8');
    const dirs = publishablePackages();
    expect(dirs.map((d: string) => d.split(/[\\/]/).pop()).sort()).toEqual([
      'admin',
      'cli',
      'core',
      'health',
      'strategies',
      'test-backends',
    ]);
    for (const dir of dirs) {
      const result = checkPackage(dir, license);
      expect({ dir, problems: result.problems }).toEqual({ dir, problems: [] });
      expect(result.files).toBeGreaterThan(5);
    }
  }, 60_000);

  it('catches a package with the old mistakes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'helios-bad-pkg-'));
    made.push(dir);
    await mkdir(join(dir, 'dist'));
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'bad-pkg',
        version: '1.0.0',
        license: 'MIT',
        type: 'module',
        exports: { '.': './dist/index.js' },
        bin: { bad: './dist/bin.js' },
        files: ['dist', 'README.md'],
      }),
    );
    await writeFile(join(dir, 'dist', 'index.js'), 'export const x = 1;\n');
    await writeFile(
      join(dir, 'dist', 'index.js.map'),
      JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: '' }),
    );
    await writeFile(join(dir, 'README.md'), 'See [the docs](../../docs/core.md).\n');
    const { problems } = checkPackage(dir, 'MIT License\n');
    expect(problems).toEqual(
      expect.arrayContaining([
        'no LICENSE file',
        'README.md links to "../../docs/core.md", which is relative and breaks on npm',
        'package.json points at dist/bin.js, not in the tarball',
        'dist/index.js.map maps to ../src/index.ts, which is not in the tarball',
        'package.json has no repository',
        'package.json does not declare sideEffects',
      ]),
    );
  }, 30_000);

  it('accepts maps that carry their sources inline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'helios-inline-map-'));
    made.push(dir);
    await mkdir(join(dir, 'dist'));
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'inline-map', version: '1.0.0', files: ['dist'] }),
    );
    await writeFile(join(dir, 'dist', 'index.js'), 'export const x = 1;\n');
    await writeFile(
      join(dir, 'dist', 'index.js.map'),
      JSON.stringify({
        version: 3,
        sources: ['../src/index.ts'],
        sourcesContent: ['export const x = 1;'],
        mappings: '',
      }),
    );
    const { problems } = checkPackage(dir, undefined);
    expect(problems.filter((p: string) => p.includes('.map'))).toEqual([]);
  }, 30_000);

  it('finds relative links and images, and leaves absolute ones and anchors alone', () => {
    const markdown =
      '[a](docs/a.md) ![b](./b.png) [c](https://x.dev/c) [d](#d) [e](mailto:e@x.dev) [f](../f)';
    expect(relativeLinks(markdown)).toEqual(['docs/a.md', './b.png', '../f']);
  });
});
