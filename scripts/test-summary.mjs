/**
 * Adds up vitest JSON reports (one per workspace) into the one total line `pnpm test` ends with,
 * and the exit code that goes with it. The two always agree: every failure the run had shows in
 * the failed count, including those no test is blamed for (a file that cannot load, a failing
 * `beforeAll`/`afterAll` or suite hook, an unhandled error, a workspace that wrote no report),
 * and a failed count above zero always exits 1.
 */

/**
 * @typedef {{ status?: string, title?: string }} AssertionResult
 * @typedef {{ name?: string, status?: string, message?: string,
 *   assertionResults?: AssertionResult[] }} FileResult
 * @typedef {{ numPassedTests?: number, numFailedTests?: number, numPendingTests?: number,
 *   numTodoTests?: number, success?: boolean, testResults?: FileResult[] }} VitestReport
 * @typedef {{ name: string, report: VitestReport | undefined }} WorkspaceReport
 * @typedef {{ passed: number, failed: number, skipped: number, code: 0 | 1,
 *   problems: string[], line: string }} Summary
 */

/**
 * Failures in one report that no failed test accounts for: one per file that failed to load or
 * whose file-level hook failed, and one per file whose tests all passed yet the file failed
 * (a suite hook). A report that says it failed but shows none of that still counts once.
 * @param {VitestReport} report
 * @returns {string[]}
 */
function unattributedFailures(report) {
  const found = [];
  for (const file of report.testResults ?? []) {
    if (file.status !== 'failed') continue;
    const tests = file.assertionResults ?? [];
    const failedTests = tests.filter((t) => t.status === 'failed').length;
    const message = (file.message ?? '').trim();
    if (message !== '' || failedTests === 0) {
      const why = message === '' ? 'a suite or hook failed' : message.split('\n')[0];
      found.push(`${file.name ?? 'a test file'}: ${why}`);
    }
  }
  if (found.length === 0 && report.success === false && (report.numFailedTests ?? 0) === 0) {
    found.push('the run failed outside any test (an unhandled error)');
  }
  return found;
}

/**
 * @param {WorkspaceReport[]} workspaces
 * @param {number | null} runStatus exit status of the test command that wrote the reports
 * @returns {Summary}
 */
export function summarize(workspaces, runStatus) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const problems = [];
  for (const { name, report } of workspaces) {
    if (report === undefined) {
      failed += 1;
      problems.push(`${name}: no test report (its build or test command failed before vitest ran)`);
      continue;
    }
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    for (const problem of unattributedFailures(report)) {
      failed += 1;
      problems.push(`${name}: ${problem}`);
    }
  }
  if (runStatus !== 0 && failed === 0) {
    failed = 1;
    problems.push(
      `the test command exited with ${runStatus ?? 'a signal'} though every test passed`,
    );
  }
  const code = failed === 0 ? 0 : 1;
  const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  return { passed, failed, skipped, code, problems, line };
}
