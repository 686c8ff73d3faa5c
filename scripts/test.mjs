#!/usr/bin/env node
// Runs every workspace's tests through turbo, then prints one total over all of them, read from
// the vitest JSON report each workspace writes (test-results.json). The last line is the total,
// and the exit code agrees with it (see test-summary.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { summarize } from './test-summary.mjs';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const workspaces = [
  ...readdirSync(packagesDir).map((name) => join(packagesDir, name)),
  join(root, 'scripts'),
].filter((dir) => existsSync(join(dir, 'vitest.config.ts')));
const reports = workspaces.map((dir) => join(dir, 'test-results.json'));
for (const report of reports) rmSync(report, { force: true });

const extra = process.argv.slice(2);
const args = ['exec', 'turbo', 'run', 'test', '--continue', ...extra];
const run = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit' });

function readReport(path) {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

// With turbo flags (e.g. --filter) some workspaces are not meant to run: only a full run
// counts a missing report as a failure.
const summary = summarize(
  reports
    .map((path, i) => ({ name: relative(root, workspaces[i]), report: readReport(path) }))
    .filter((workspace) => extra.length === 0 || workspace.report !== undefined),
  run.status,
);
for (const problem of summary.problems) console.error(`failed: ${problem}`);
console.log(`\n${summary.line}`);
process.exit(summary.code);
