import { defineConfig } from 'vitest/config';

/**
 * `npm run test:pack`: the package as others install it. `npm pack` (bundles and library), then a
 * scratch CDK app installs the tarball and `cdk synth`s tenantflow's construct; see test/pack/.
 */
export default defineConfig({
  test: {
    include: ['test/pack/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
