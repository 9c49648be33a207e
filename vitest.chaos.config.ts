import { defineConfig } from 'vitest/config';

/**
 * The chaos suite (tests/chaos): real back-office and workstation processes behind a
 * fault-injecting proxy. Slow by design (a few minutes), so it is not part of `npm test`:
 *   npx vitest run --config vitest.chaos.config.ts
 * CHAOS_CASES (default 500), CHAOS_SEED (replay a run), CHAOS_VERBOSE=1, CHAOS_KEEP=1 (keep the folders).
 */
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
