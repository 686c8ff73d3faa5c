#!/usr/bin/env node
/**
 * Builds the single-file `helios` for releases, in two stages:
 *   1. esbuild bundles src/bin.ts and every dependency into one CommonJS file,
 *      sea/helios.cjs (runs anywhere with `node helios.cjs`: the "bundle" form);
 *   2. Node's single executable applications (SEA) turn it into sea/helios(.exe): a copy of
 *      the running node binary with the bundle injected (postject), needing no Node at all.
 * Node SEA runs one CommonJS file and can only require built-in modules, hence the bundle.
 * Usage: node scripts/build-sea.mjs [--bundle-only]. Needs the workspace packages built first.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'sea');
const bundle = join(outDir, 'helios.cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bundleOnly = process.argv.includes('--bundle-only');
// The fuse string official Node binaries carry since SEA was introduced.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [join(root, 'src', 'bin.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // version.ts reads package.json next to dist/ otherwise; the bundle has none beside it.
  // ws' optional native add-ons cannot be bundled (and an SEA can only require built-ins):
  // tell ws not to look for them, and keep them out of the bundle.
  define: {
    __HELIOS_VERSION__: JSON.stringify(pkg.version),
    'process.env.WS_NO_BUFFER_UTIL': '"1"',
    'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
  },
  external: ['bufferutil', 'utf-8-validate'],
  legalComments: 'none',
  logLevel: 'error',
});
chmodSync(bundle, 0o755);
console.log(`bundle: ${bundle}`);

if (!bundleOnly) {
  const blob = join(outDir, 'helios.blob');
  const seaConfig = join(outDir, 'sea-config.json');
  writeFileSync(
    seaConfig,
    JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

  const exe = join(outDir, process.platform === 'win32' ? 'helios.exe' : 'helios');
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  if (process.platform === 'darwin') {
    execFileSync('codesign', ['--remove-signature', exe]);
  }
  const { inject } = require('postject');
  await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), {
    sentinelFuse: SEA_FUSE,
    machoSegmentName: process.platform === 'darwin' ? 'NODE_SEA' : undefined,
  });
  if (process.platform === 'darwin') {
    execFileSync('codesign', ['--sign', '-', exe]);
  }
  rmSync(blob);
  rmSync(seaConfig);
  console.log(`executable: ${exe} (node ${process.version}, ${process.platform}-${process.arch})`);
}
