import { defineConfig } from 'vitest/config';

/**
 * `npm run test:live`: the Huawei VPN API contract against a real project (test/live), apart
 * from `npm test`. Skipped, with one line saying which variables to set, when none are.
 */
export default defineConfig({
  test: {
    include: ['test/live/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One call at a time against a real account.
    fileParallelism: false,
  },
});
