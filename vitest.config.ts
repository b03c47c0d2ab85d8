import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/{unit,integration,e2e,infra}/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Real engines and child stacks: generous hooks, no timing assertions (benchmarks do that).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
