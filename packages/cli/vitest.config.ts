import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 30_000,
    hookTimeout: 20_000,
    // Most files wait on child processes, sockets or npm, not on this process' CPU: run a few
    // at once even on a two-core machine (the default there is one at a time).
    maxWorkers: 3,
  },
});
