import { defineConfig } from 'vitest/config';
import { SHARED_TEST_OPTIONS } from './vitest.shared.ts';

/**
 * `npm run test:reliability`: the fault matrix, migrations, duplicates, races, bad input, kills and
 * Ctrl-C, on the embedded default. It ends with one summary line of the scenarios' counts.
 */
export default defineConfig({
  test: {
    ...SHARED_TEST_OPTIONS,
    include: ['test/reliability/**/*.test.ts'],
    // Sums the reliability files' counters into one summary line at the end of the run.
    globalSetup: ['test/support/reliability/global-setup.ts'],
  },
});
