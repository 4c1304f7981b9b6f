import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The AWS-compatibility suite needs moto_server: npm run test:aws (vitest.aws.config.ts).
    exclude: ['test/aws/**', '**/node_modules/**'],
    setupFiles: ['test/support/setup.ts'],
    // Sums the reliability files' counters into one summary line at the end of the run.
    globalSetup: ['test/support/reliability/global-setup.ts'],
    environment: 'node',
    restoreMocks: true,
    // Tests run on Node 20; the deployed functions on nodejs22.x. Keep the SDK's notice out of the output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
