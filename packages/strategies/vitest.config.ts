import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // The bench loads the built package natively (see bench/pick.bench.ts), not through Vite.
    server: { deps: { external: [/\/strategies\/dist\//] } },
  },
});
