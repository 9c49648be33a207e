import { defineConfig } from 'vitest/config';

/** Browser tests: real Chromium against browser mode; one file at a time (2 cores). */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
