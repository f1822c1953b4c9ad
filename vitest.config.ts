import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The live contract suite calls a real Huawei project: `npm run test:live`.
    exclude: [...configDefaults.exclude, 'test/live/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The JSON copy lets CI print one plain "N passed, N failed" line (.ci/run).
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
