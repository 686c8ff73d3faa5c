/**
 * The total line of `pnpm test` (scripts/test-summary.mjs) against real vitest reports: a
 * fixture suite with a failing test, a failing `beforeAll`, `afterAll` and suite hook, and a file
 * that cannot load is run by vitest itself, and every one of those failures must be counted,
 * with an exit code that agrees with the line.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../test-summary.mjs';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
const vitestBin = join(here, '..', 'node_modules', 'vitest', 'vitest.mjs');

type Report = NonNullable<Parameters<typeof summarize>[0][number]['report']>;

let dir = '';
/** Runs vitest on the given fixture files and returns its JSON report and exit status. */
async function runFixtures(files: string[]): Promise<{ report: Report; status: number }> {
  const output = join(dir, `${files.join('-')}.json`);
  let status = 0;
  try {
    await run(
      process.execPath,
      [
        vitestBin,
        'run',
        '--root',
        join(here, 'fixtures', 'failures'),
        `--outputFile=${output}`,
        ...files,
      ],
      { timeout: 50_000 },
    );
  } catch (error) {
    status = (error as { code?: number }).code ?? 1;
  }
  return { report: JSON.parse(await readFile(output, 'utf8')) as Report, status };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helios-summary-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the test total', () => {
  it('counts passing, skipped and todo tests of a green run, and exits 0', async () => {
    const { report, status } = await runFixtures(['passing']);
    expect(status).toBe(0);
    const summary = summarize([{ name: 'fixture', report }], status);
    expect(summary).toMatchObject({ passed: 2, failed: 0, skipped: 2, code: 0 });
    expect(summary.line).toBe('2 passed, 0 failed, 2 skipped');
  });

  it('counts a file whose beforeAll throws as a failure, not as a skip', async () => {
    const { report, status } = await runFixtures(['before-all-throws']);
    expect(status).not.toBe(0);
    const summary = summarize([{ name: 'fixture', report }], status);
    expect(summary.failed).toBe(1);
    expect(summary.code).toBe(1);
    expect(summary.problems.join('\n')).toMatch(/before-all-throws.*set-up failed/);
  });

  it('counts a failing afterAll even though its test passed', async () => {
    const { report, status } = await runFixtures(['after-all-throws']);
    const summary = summarize([{ name: 'fixture', report }], status);
    expect(summary).toMatchObject({ passed: 1, failed: 1, code: 1 });
  });

  it("counts a suite whose own beforeAll throws, beside the file's passing test", async () => {
    const { report, status } = await runFixtures(['suite-hook-throws']);
    const summary = summarize([{ name: 'fixture', report }], status);
    expect(summary).toMatchObject({ passed: 1, failed: 1, code: 1 });
  });

  it('counts a file that cannot load', async () => {
    const { report, status } = await runFixtures(['import-throws']);
    const summary = summarize([{ name: 'fixture', report }], status);
    expect(summary).toMatchObject({ passed: 0, failed: 1, code: 1 });
  });

  it('adds up the whole fixture suite: every failure shows, the line and code agree', async () => {
    const { report, status } = await runFixtures([]);
    const summary = summarize([{ name: 'fixture', report }], status);
    // Failures: failing-test (1 test), before-all, after-all, suite hook, import. Skipped: the
    // skip and the todo, and the two tests whose set-up failed.
    expect(summary.line).toBe('5 passed, 5 failed, 4 skipped');
    expect(summary.code).toBe(1);
  });

  it('counts a workspace that wrote no report', () => {
    const summary = summarize([{ name: 'packages/x', report: undefined }], 1);
    expect(summary).toMatchObject({ failed: 1, code: 1 });
    expect(summary.problems[0]).toMatch(/packages\/x: no test report/);
  });

  it('never prints 0 failed when the test command itself failed', () => {
    const clean: Report = { numPassedTests: 3, numFailedTests: 0, testResults: [] };
    expect(summarize([{ name: 'a', report: clean }], 0)).toMatchObject({ failed: 0, code: 0 });
    const summary = summarize([{ name: 'a', report: clean }], 2);
    expect(summary.line).toBe('3 passed, 1 failed');
    expect(summary.code).toBe(1);
  });

  it('counts a report that failed outside any test (an unhandled error)', () => {
    const report: Report = { numPassedTests: 3, numFailedTests: 0, success: false };
    expect(summarize([{ name: 'a', report }], 1)).toMatchObject({ failed: 1, code: 1 });
  });
});
