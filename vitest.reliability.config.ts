import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the fault matrix, migrations, duplicates, races, bad input, kills and
 * Ctrl-C, on the embedded default. It ends with one summary line of the scenarios' counts.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Sums the reliability files' counters into one summary line at the end of the run.
    globalSetup: ['test/support/reliability/global-setup.ts'],
    environment: 'node',
    restoreMocks: true,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // The simulated cloud checks each changing call's journal against a copy of its whole state.
      TENANTFLOW_SIM_CHECK: '1',
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
