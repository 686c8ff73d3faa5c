#!/usr/bin/env node
// Runs every workspace's tests through turbo, then prints one total over all of them, read from
// the vitest JSON report each package writes (test-results.json). The last line is the total.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const reports = readdirSync(packagesDir).map((name) =>
  join(packagesDir, name, 'test-results.json'),
);
for (const report of reports) rmSync(report, { force: true });

const args = ['exec', 'turbo', 'run', 'test', '--continue', ...process.argv.slice(2)];
const run = spawnSync('pnpm', args, { cwd: root, stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const report of reports) {
  if (!existsSync(report)) {
    missing.push(report);
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A file that failed to load counts no test but is still a failure.
  for (const file of json.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
}
for (const report of missing) console.error(`no test report at ${report}`);
const code = run.status === 0 && missing.length === 0 && failed === 0 ? 0 : 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
