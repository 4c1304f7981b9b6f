import { defineConfig } from 'vitest/config';
import { SHARED_TEST_OPTIONS } from './vitest.shared.ts';

/**
 * `npm test`: unit and integration (the embedded default), a few minutes. The reliability suite is
 * `npm run test:reliability` (vitest.reliability.config.ts) and the AWS-compatibility suite
 * `npm run test:aws` (vitest.aws.config.ts), the installed package's `npm run test:pack`
 * (vitest.pack.config.ts); `.ci/run` runs them all.
 */
export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    include: ['test/**/*.test.ts'],
    exclude: ['test/aws/**', 'test/reliability/**', 'test/pack/**', '**/node_modules/**'],
  },
});
