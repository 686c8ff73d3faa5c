#!/usr/bin/env node
/**
 * Packs every publishable workspace package with `pnpm pack` (what `pnpm publish` uploads) and
 * checks each tarball as a user would get it from npm: the LICENSE is there and is the
 * project's, every file that package.json points at (exports, main, types, bin) is inside,
 * every source map can find its sources, the README links nowhere relative (npm shows it
 * outside the repository), no `workspace:` range is left, and the metadata users look for is
 * set. Run after `pnpm build`: `node scripts/pack-check.mjs [package dirs...]`; exit 1 on any
 * problem. The release workflow runs it before publishing, and its dry run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Every file under `dir`, as POSIX paths relative to it. */
function listFiles(dir, base = dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(path, base, out);
    else out.push(relative(base, path).split(sep).join('/'));
  }
  return out;
}

/** Paths package.json makes users load: exports targets, main, types, bin. */
function declaredTargets(pkg) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  if (typeof pkg.main === 'string') targets.push(pkg.main);
  if (typeof pkg.types === 'string') targets.push(pkg.types);
  return targets.filter((t) => !t.includes('*')).map((t) => t.replace(/^\.\//, ''));
}

/** Markdown links and images whose target is relative: they break on npmjs.com. */
export function relativeLinks(markdown) {
  const found = [];
  for (const match of markdown.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)/g)) {
    const target = match[1] ?? '';
    if (/^(https?:|mailto:|#)/i.test(target)) continue;
    found.push(target);
  }
  return found;
}

/**
 * Checks an unpacked tarball (the folder that holds its `package/`).
 * @returns {string[]} problems, empty when the package is fine
 */
export function checkUnpacked(dir, license) {
  const problems = [];
  const files = new Set(listFiles(dir));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (!files.has('LICENSE')) problems.push('no LICENSE file');
  else if (license !== undefined && readFileSync(join(dir, 'LICENSE'), 'utf8') !== license) {
    problems.push("LICENSE differs from the repository's");
  }
  if (!files.has('README.md')) problems.push('no README.md');
  else {
    for (const link of relativeLinks(readFileSync(join(dir, 'README.md'), 'utf8'))) {
      problems.push(`README.md links to "${link}", which is relative and breaks on npm`);
    }
  }
  for (const target of declaredTargets(pkg)) {
    if (!files.has(target)) problems.push(`package.json points at ${target}, not in the tarball`);
  }
  for (const file of files) {
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const sources = Array.isArray(map.sources) ? map.sources : [];
    sources.forEach((source, i) => {
      if (typeof map.sourcesContent?.[i] === 'string') return;
      const target = relative(dir, resolve(join(dir, dirname(file)), map.sourceRoot ?? '', source));
      if (target.startsWith('..') || !files.has(target.split(sep).join('/'))) {
        problems.push(`${file} maps to ${source}, which is not in the tarball`);
      }
    });
  }
  const text = JSON.stringify(pkg);
  if (text.includes('"workspace:')) problems.push('package.json still has a workspace: range');
  if (pkg.license !== 'MIT') problems.push(`license is ${String(pkg.license)}, not MIT`);
  for (const key of ['description', 'repository', 'homepage', 'bugs', 'keywords', 'engines']) {
    if (pkg[key] === undefined) problems.push(`package.json has no ${key}`);
  }
  if (pkg.sideEffects === undefined) problems.push('package.json does not declare sideEffects');
  return problems;
}

/**
 * Packs the package in `packageDir` into a temp folder and checks it.
 * @returns {{ problems: string[], files: number, size: number }}
 */
export function checkPackage(packageDir, license) {
  const work = mkdtempSync(join(tmpdir(), 'helios-pack-'));
  try {
    execFileSync('pnpm', ['pack', '--pack-destination', work], {
      cwd: packageDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined)
      return { problems: ['pnpm pack made no tarball'], files: 0, size: 0 };
    execFileSync('tar', ['-xzf', tarball], { cwd: work });
    const unpacked = join(work, 'package');
    const size = listFiles(unpacked).reduce((n, f) => n + statSync(join(unpacked, f)).size, 0);
    return { problems: checkUnpacked(unpacked, license), files: listFiles(unpacked).length, size };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The workspace packages that get published (not private). */
export function publishablePackages() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => existsSync(join(path, 'package.json')))
    .filter(
      (path) => JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')).private !== true,
    );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : publishablePackages();
  let bad = 0;
  for (const dir of dirs) {
    const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
    const result = checkPackage(resolve(dir), license);
    const { problems } = result;
    if (problems.length === 0) {
      console.log(`ok   ${name} (${result.files} files, ${(result.size / 1024).toFixed(0)} KiB)`);
    } else {
      bad++;
      console.log(`FAIL ${name}`);
      for (const problem of problems) console.log(`       ${problem}`);
    }
  }
  process.exit(bad === 0 ? 0 : 1);
}
