import { defineConfig } from 'vitest/config';

/**
 * `npm run test:aws`: the AWS-compatibility suite. tenantflow's real SDK clients (`--target aws`)
 * against moto_server, an AWS API emulator nobody here wrote; see test/aws/.
 */
export default defineConfig({
  test: {
    include: ['test/aws/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    globalSetup: ['test/aws/moto.ts'],
    environment: 'node',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // One emulator, one account: the files run one after another.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
