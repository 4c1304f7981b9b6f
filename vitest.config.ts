import { defineConfig } from 'vitest/config';

/**
 * `npm test`: unit and integration (the embedded default), a few minutes. The reliability suite is
 * `npm run test:reliability` (vitest.reliability.config.ts) and the AWS-compatibility suite
 * `npm run test:aws` (vitest.aws.config.ts); `.ci/run` runs all three.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/aws/**', 'test/reliability/**', '**/node_modules/**'],
    setupFiles: ['test/support/setup.ts'],
    environment: 'node',
    restoreMocks: true,
    // Tests run on Node 20; the deployed functions on nodejs22.x. Keep the SDK's notice out of the output.
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // The simulated cloud checks each changing call's journal against a copy of its whole state.
      TENANTFLOW_SIM_CHECK: '1',
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
