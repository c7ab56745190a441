import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that spawn `billing` run the compiled dist/; build it from the current sources first.
    globalSetup: ['test/support/build-dist.ts'],
    // Server and database tests start real processes and sockets; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests issue numbered invoices with the built-in example seller, which only demo mode allows
    // (README: BILLING_DEMO); every process a test starts inherits it. Tests of the refusal unset it.
    env: { BILLING_DEMO: 'true' },
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
