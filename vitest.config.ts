import { defineConfig } from 'vitest/config';

/**
 * One suite, four projects (`npm test` runs them all; `npm run test:unit` etc. one). Each starts
 * only what it needs: unit tests nothing, infra tests one synthesis per worker, integration tests
 * DynamoDB Local and Redis, end-to-end tests Redis (each stack spawns its own DynamoDB Local).
 */
export default defineConfig({
  test: {
    // Real engines and child stacks: generous hooks, no timing assertions (benchmarks do that).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // What tests print (the functions' logs, the local stack's lines) is shown for failed tests only.
    silent: 'passed-only',
    env: {
      // Powertools writes to its own console unless in dev mode; through the global console
      // vitest can hold its lines back for the tests that pass.
      POWERTOOLS_DEV: 'true',
      // Dev mode would also turn Metrics off: keep them as on Lambda.
      POWERTOOLS_METRICS_DISABLED: 'false',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // One module graph per worker, so test/support/synth.ts synthesizes once for all files.
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/redis-setup.ts'],
          // A test may start a stack twice (a JVM, a redis-server, a synthesis each): on a busy
          // 2-core machine that alone can take a minute. These limits only catch hangs.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
